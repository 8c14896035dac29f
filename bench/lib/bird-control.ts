/**
 * BIRD's control socket on one persistent connection: what `birdc` does, without a process per command
 * (a birdc costs about 4 ms of CPU, which adds up when a bench probes eight BIRDs ten times a second).
 * BIRD answers each command with lines "CODE-text" (more follow) or "CODE text" (the last), continuation
 * lines starting with a space; the answer ends at the first line whose code is followed by a space. The
 * text is returned as received, codes and all: callers search it with patterns that do not anchor on
 * line starts (birdSince, the `Routes: N imported` line).
 */
import net from "node:net";

export class BirdControl {
  private buf = "";
  private waiting: { resolve: (text: string) => void; reject: (e: Error) => void }[] = [];
  private failed: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => {
      this.buf += d;
      for (;;) {
        // The last line of an answer: four digits and a space at a line start.
        const m = /(^|\n)\d{4} [^\n]*\n/.exec(this.buf);
        if (!m) break;
        const end = m.index + m[0].length;
        const text = this.buf.slice(0, end);
        this.buf = this.buf.slice(end);
        this.waiting.shift()?.resolve(text);
      }
    });
    const fail = (e: Error) => {
      this.failed ??= e;
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("BIRD closed its control connection")));
  }

  /** Connects and reads BIRD's greeting ("0001 BIRD 2.0.12 ready."). */
  static async connect(path: string, timeoutMs = 5_000): Promise<BirdControl> {
    const socket = net.connect(path);
    const c = new BirdControl(socket);
    await c.answer(timeoutMs);
    return c;
  }

  private answer(timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      const timer = setTimeout(() => {
        // A late answer would be taken for the next command's: this connection is done.
        this.socket.destroy();
        reject(new Error(`BIRD did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.push({
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  /** One command (`show protocols all r1`), its whole answer. Commands may overlap: answers come in order. */
  cmd(line: string, timeoutMs = 10_000): Promise<string> {
    const a = this.answer(timeoutMs);
    this.socket.write(`${line}\n`);
    return a;
  }

  close(): void {
    this.socket.destroy();
  }
}
