/**
 * Creating a control socket file with its mode and group without a moment of looser access. bind(2) creates
 * the file with 0777 & ~umask: under a permissive umask (0 in some containers) it would be connectable by
 * anyone until the chmod that follows. So the umask is owner-only while Node binds (synchronously, inside
 * `listen()`), then the group is set, then the mode: until then only kbgpd's own user can connect.
 */
import { chmodSync, chownSync } from "node:fs";
import type net from "node:net";

/** The umask while binding: the socket file starts as 0600. */
const BIND_UMASK = 0o177;

export async function listenPrivately(
  server: net.Server,
  path: string,
  mode: number,
  gid: number | undefined,
): Promise<void> {
  const umask = process.umask(BIND_UMASK);
  let listening: Promise<void>;
  try {
    listening = new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(umask);
  }
  await listening;
  // The group before the mode: a group-accessible mode never applies to the previous group.
  if (gid !== undefined) chownSync(path, -1, gid);
  chmodSync(path, mode);
}
