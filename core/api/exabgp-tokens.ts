/**
 * ExaBGP API lines → tokens, a cursor over them, and the stops (error, unsupported) that end parsing early;
 * shared by exabgp-text.ts (commands) and exabgp-route.ts (route attributes).
 */

/** Where parsing ends short of a command: an error, or a command kbgp does not carry out, and why. */
export type Stop =
  | { kind: "unsupported"; command: string; reason: string }
  | { kind: "error"; message: string };

export const PUNCTUATION = new Set(["[", "]", "(", ")", ",", "{", "}", ";"]);

/**
 * ExaBGP's format.py and tokeniser: brackets, parentheses and commas are tokens even when glued to a word;
 * quotes group; `#` at a word's start begins a comment. Braces and `;` are tokens too, so a flow route
 * still reads as "announce flow" (unsupported) and a stray brace is reported where it stands. One `;` may
 * end the line, as in a configuration file.
 */
export function tokenize(
  line: string,
): { ok: true; tokens: string[]; comment: boolean } | { ok: false; error: string } {
  const tokens: string[] = [];
  let word = "";
  let inWord = false;
  let comment = false;
  const flush = () => {
    if (inWord) tokens.push(word);
    word = "";
    inWord = false;
  };
  const text = line.trim();
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\r" || c === "\n") flush();
    else if (PUNCTUATION.has(c)) {
      flush();
      tokens.push(c);
    } else if (c === "#" && !inWord) {
      comment = true;
      break;
    } else if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return { ok: false, error: `${c} opened at column ${i + 1} is not closed` };
      word += text.slice(i + 1, close);
      inWord = true;
      i = close;
    } else {
      word += c;
      inWord = true;
    }
  }
  flush();
  if (tokens.at(-1) === ";") tokens.pop();
  return { ok: true, tokens, comment };
}

export class Cursor {
  private i = 0;
  constructor(private readonly tokens: readonly string[]) {}
  peek(): string | undefined {
    return this.tokens[this.i];
  }
  next(): string | undefined {
    return this.tokens[this.i++];
  }
  get position(): number {
    return this.i;
  }
  since(from: number): string {
    return this.tokens.slice(from, this.i).join(" ");
  }
  rest(): string[] {
    const r = this.tokens.slice(this.i);
    this.i = this.tokens.length;
    return r;
  }
}

export const error = (message: string): Stop => ({ kind: "error", message });
export const unsupported = (command: string, reason: string): Stop => ({
  kind: "unsupported",
  command,
  reason,
});
export const isStop = (x: object): x is Stop =>
  "kind" in x && (x.kind === "error" || x.kind === "unsupported");
export const ONLY_UNICAST = "kbgp carries IPv4 and IPv6 unicast routes only";

/** Nothing may follow a complete command. */
export function end(cur: Cursor, command: string): Stop | undefined {
  const extra = cur.peek();
  return extra === undefined ? undefined : error(`unexpected '${extra}' after '${command}'`);
}
