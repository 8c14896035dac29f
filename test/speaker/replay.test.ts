/** A recorded run replays exactly: the speaker is a function of its configuration, seed and inputs. */
import { expect, it } from "vitest";
import {
  fromJsonLine,
  type RecordedInput,
  type RecordingHeader,
  replay,
  toJsonLine,
} from "../../core/speaker/recording.js";
import { parsePrefix } from "../../core/wire/index.js";
import { state } from "../helpers/rib-view.js";
import { neighbor, route, speakerConfig } from "../helpers/speaker-config.js";
import { VirtualNet } from "../helpers/virtual-net.js";

it("replays a recorded run with identical outputs, also through its JSON-lines form", () => {
  const A = "10.0.0.1";
  const B = "10.0.0.2";
  const net = new VirtualNet();
  const reject = [{ prefix: parsePrefix("10.9.0.0/16")!, ge: 16, le: 32 }];
  net.add(
    "a",
    A,
    speakerConfig(65001, A, [neighbor(B, 65002, { importReject: reject })], [route("192.0.2.0/24")]),
    { restarting: true }, // replays only if the header says so: the OPEN and the deferral differ
  );
  net.add(
    "b",
    B,
    speakerConfig(
      65002,
      B,
      [neighbor(A, 65001)],
      [route("198.51.100.0/24"), route("10.9.1.0/24"), route("2001:db8::/32")],
    ),
  );
  net.input(A, { kind: "start" });
  net.input(B, { kind: "start" });
  net.until(() => state(net.speaker(A), B) === "established");
  net.advance(200_000); // keepalives with jitter
  net.input(A, { kind: "admin", neighbor: B, action: "soft-reset-out" });
  net.remove(B);
  net.advance(130_000); // graceful-restart timer
  const rec = net.recording(A);
  expect(rec.inputs.length).toBeGreaterThan(20);

  const again = replay(rec.header, rec.inputs);
  expect(again).toEqual(rec.outputs);

  const lines = [toJsonLine(rec.header), ...rec.inputs.map(toJsonLine)];
  const header = fromJsonLine<RecordingHeader>(lines[0]);
  const inputs = lines.slice(1).map((l) => fromJsonLine<RecordedInput>(l));
  expect(replay(header, inputs)).toEqual(rec.outputs);
});

it("records socket data given as Node Buffers as bytes, not as Buffer.toJSON objects", () => {
  const input = { kind: "data", conn: 2, bytes: Buffer.from([0xff, 0, 7]) } as const;
  const line = toJsonLine({ at: 1, input });
  expect(line).not.toContain('"type":"Buffer"');
  const back = fromJsonLine<RecordedInput>(line).input as { bytes: Uint8Array };
  expect(back.bytes).toBeInstanceOf(Uint8Array);
  expect([...back.bytes]).toEqual([0xff, 0, 7]);
});
