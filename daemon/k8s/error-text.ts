/** API errors as one line for logs and `kbgp k8s status`. */

/** Why a request failed, in one line: the API server's Status message where there is one. */
export function errorText(e: unknown): string {
  const err = e as { statusCode?: number; code?: number; body?: unknown; message?: string };
  let body = err.body;
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      // plain text
    }
  }
  const status = err.statusCode ?? err.code;
  const message = (body as { message?: string } | undefined)?.message ?? err.message ?? String(e);
  return status ? `${message} (HTTP ${status})` : message;
}
