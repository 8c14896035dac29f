/** The top line: which daemon, whether it is there, and since when it has not been; cut, never wrapped. */
import { Text } from "ink";
import { age } from "../../format/duration.js";
import type { LinkStatus } from "../state.js";

export function StatusBar({
  link,
  socket,
  now,
  color,
}: {
  link: LinkStatus;
  socket: string;
  now: number;
  color: boolean;
}) {
  if (link.kind === "up")
    return (
      <Text color={color ? "green" : undefined} wrap="truncate-end">
        {`kbgp shell · kbgpd ${link.version} at ${socket}`}
      </Text>
    );
  if (link.kind === "connecting")
    return <Text wrap="truncate-end">{`kbgp shell · connecting to kbgpd at ${socket}…`}</Text>;
  return (
    <Text color={color ? "red" : undefined} bold wrap="truncate-end">
      {`kbgpd at ${socket} is gone (${link.reason}) for ${age(link.since, now)}; reconnecting`}
    </Text>
  );
}
