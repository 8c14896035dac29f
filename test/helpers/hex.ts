/** Hex text ⇄ bytes for readable fixtures; spaces and newlines in the text are ignored. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  if (clean.length % 2) throw new Error(`odd hex length: ${text}`);
  return Uint8Array.from(clean.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

export const MARKER = "ffffffffffffffffffffffffffffffff";

/** The body of a whole message (everything after the 19-byte header). */
export const body = (msg: Uint8Array): Uint8Array => msg.subarray(19);

/** The parts one after another. */
export function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
