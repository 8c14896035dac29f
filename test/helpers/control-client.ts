/** A minimal JSON-RPC client for kbgpd's control socket, for tests: one request per connection. */
import net from "node:net";

export async function rpc<T = unknown>(
  socket: string,
  method: string,
  params: object = {},
  timeoutMs = 5000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const s = net.connect(socket);
    let buf = "";
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`${method}: no answer from ${socket} within ${timeoutMs} ms`));
    }, timeoutMs);
    s.setEncoding("utf8");
    s.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // A streamed answer: `rows` notifications, then the response; the rows come back as `result.rows`
    // (with `form: "lines"`, each chunk's lines parsed).
    let rows: unknown[] | null = null;
    s.on("data", (d: string) => {
      buf += d;
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const msg = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (msg.method === "rows") {
          rows ??= [];
          const chunk =
            msg.params.rows ??
            msg.params.lines
              .trimEnd()
              .split("\n")
              .map((l: string) => JSON.parse(l));
          for (const r of chunk) rows.push(r);
          continue;
        }
        clearTimeout(timer);
        s.end();
        if (msg.error) reject(new Error(`${method}: ${msg.error.message} (${msg.error.code})`));
        else resolve((rows ? { ...msg.result, rows } : msg.result) as T);
        return;
      }
    });
    s.write(`${JSON.stringify({ jsonrpc: "2.0", id: 1, method, params })}\n`);
  });
}
