/**
 * The ExaBGP text API session shared by `kbgp api` and kbgpd's helper processes, against a host in memory:
 * every line answered in order, routes batched, refused routes named, ack modes, neighbor actions.
 */
import { describe, expect, it } from "vitest";
import { type ExabgpHost, ExabgpSession, type NeighborAction } from "../../core/api/exabgp-session.js";
import { TOO_LONG } from "../../core/api/lines.js";
import type { RouteOp } from "../../core/api/route-pipeline.js";
import type { RouteText } from "../../core/api/route-text.js";

class Host implements ExabgpHost {
  readonly said: string[] = [];
  readonly unansweredLines: [number, string][] = [];
  readonly requests: [RouteOp, string[]][] = [];
  readonly actions: [NeighborAction, readonly string[] | null][] = [];
  cleared = 0;
  clearRefusal = "only out";
  shutdownRefusal = "not here";
  version = "test 1";

  readonly send = async (op: RouteOp, routes: RouteText[]) => {
    this.requests.push([op, routes.map((r) => r.prefix)]);
    // Refuse next hop 192.0.2.255 to see a refusal named by index.
    return routes.flatMap((r, index) =>
      r["next-hop"] === "192.0.2.255" ? [{ index, message: "next-hop: not that one" }] : [],
    );
  };

  async neighbors(action: NeighborAction, scope: readonly string[] | null): Promise<void> {
    if (scope?.includes("192.0.2.99")) throw new Error("no neighbor 192.0.2.99");
    this.actions.push([action, scope]);
  }

  async clear(): Promise<void> {
    this.cleared++;
  }

  say(line: string): void {
    this.said.push(line);
  }

  unanswered(line: number, error: string): void {
    this.unansweredLines.push([line, error]);
  }
}

async function run(lines: string[], host = new Host()): Promise<Host> {
  const s = new ExabgpSession(host);
  for (const l of lines) await s.line(l);
  await s.settle();
  return host;
}

describe("ExabgpSession", () => {
  it("answers every line in order and sends consecutive route lines together", async () => {
    const h = await run([
      "announce route 10.0.0.0/24 next-hop self",
      "announce route 10.0.1.0/24 next-hop 192.0.2.255",
      "announce attributes next-hop self nlri 10.0.2.0/24 10.0.3.0/24",
      "",
      "# comment",
      "withdraw route 10.0.0.0/24",
      "version",
      "bogus",
    ]);
    expect(h.said).toEqual([
      "done",
      "error: next-hop: not that one",
      "done",
      "done",
      "done",
      "test 1",
      "done",
      expect.stringMatching(/^error: unknown command 'bogus'/),
    ]);
    expect(h.requests).toEqual([
      ["add", ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]],
      ["delete", ["10.0.0.0/24"]],
    ]);
  });

  it("names the prefix of a refused route when a line carries several", async () => {
    const h = await run(["announce attributes next-hop 192.0.2.255 nlri 10.0.0.0/24 10.0.1.0/24"]);
    expect(h.said).toEqual([
      "error: 10.0.0.0/24: next-hop: not that one; 10.0.1.0/24: next-hop: not that one",
    ]);
  });

  it("follows ExaBGP 5's ack modes, passing errors to the host while answers are off", async () => {
    const h = await run([
      "disable-ack",
      "announce route 10.0.0.0/24 next-hop 192.0.2.255",
      "announce route 10.0.1.0/24 next-hop self",
      "silence-ack",
      "nonsense",
      "enable-ack",
      "announce route 10.0.2.0/24 next-hop self",
    ]);
    expect(h.said).toEqual(["done", "done", "done"]);
    expect(h.unansweredLines).toEqual([
      [2, "next-hop: not that one"],
      [5, expect.stringMatching(/^unknown command 'nonsense'/)],
    ]);
  });

  it("starts with answers off when asked, and can be silenced", async () => {
    const host = new Host();
    const s = new ExabgpSession(host, "disable");
    await s.line("announce route 10.0.0.0/24 next-hop self");
    await s.line("enable-ack");
    await s.line("announce route 10.0.1.0/24 next-hop self");
    await s.settle();
    s.silence();
    expect(s.ack).toBe("silence");
    await s.line("announce route 10.0.2.0/24 next-hop self");
    await s.settle();
    expect(host.said).toEqual(["done", "done"]);
  });

  it("turns neighbor commands into neighbor actions, in order with routes, and reports failures", async () => {
    const h = await run([
      "announce route 10.0.0.0/24 next-hop self",
      "neighbor 192.0.2.1 announce route-refresh ipv4 unicast",
      "flush adj-rib out",
      "neighbor 192.0.2.1, neighbor 192.0.2.2 teardown 2",
      "neighbor 192.0.2.99 teardown 2",
      "clear adj-rib out",
      "clear adj-rib in",
      "shutdown",
      "announce eor",
    ]);
    expect(h.actions).toEqual([
      ["soft-reset-in", ["192.0.2.1"]],
      ["soft-reset-out", null],
      ["reset", ["192.0.2.1", "192.0.2.2"]],
    ]);
    expect(h.cleared).toBe(1);
    expect(h.said).toEqual([
      "done",
      "done",
      "done",
      "done",
      "error: no neighbor 192.0.2.99",
      "done",
      "error: only out",
      "error: not here",
      "done",
    ]);
  });

  it("answers an over-long line with an error in its place", async () => {
    const host = new Host();
    const s = new ExabgpSession(host);
    await s.line("announce route 10.0.0.0/24 next-hop self");
    await s.line(TOO_LONG);
    await s.line("version");
    await s.settle();
    expect(host.said).toEqual([
      "done",
      expect.stringMatching(/^error: the line is longer than/),
      "test 1",
      "done",
    ]);
  });

  it("answers every route line with the sender's failure when a request fails", async () => {
    class Failing extends Host {
      override readonly send = async (): Promise<never> => {
        throw new Error("lost kbgpd");
      };
    }
    const host = new Failing();
    const s = new ExabgpSession(host);
    await s.line("announce route 10.0.0.0/24 next-hop self");
    await s.line("withdraw route 10.0.1.0/24");
    await s.settle();
    expect(host.said).toEqual(["error: lost kbgpd", "error: lost kbgpd"]);
  });
});
