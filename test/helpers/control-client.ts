/** A minimal JSON-RPC client for kbgpd's control socket, for tests. */
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
    s.on("data", (d: string) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      clearTimeout(timer);
      s.end();
      const res = JSON.parse(buf.slice(0, nl));
      if (res.error) reject(new Error(`${method}: ${res.error.message} (${res.error.code})`));
      else resolve(res.result as T);
    });
    s.write(`${JSON.stringify({ jsonrpc: "2.0", id: 1, method, params })}\n`);
  });
}
