/** The test API server's patch and selector functions, without HTTP: the cases kubectl and controllers
 *  produce (kubectl apply's three-way strategic patches with their directives, JSON Patch edge cases). */
import { describe, expect, test } from "vitest";
import { jsonPatch, mergePatch } from "./api-server/patch.js";
import { parseFieldSelector, parseLabelSelector } from "./api-server/selectors.js";
import { strategicMergePatch } from "./api-server/strategic-merge.js";
import type { JsonObject, KubeObject } from "./api-server/types.js";

const pod = (): JsonObject => ({
  metadata: { name: "p", finalizers: ["a"] },
  spec: {
    containers: [
      { name: "app", image: "app:1", env: [{ name: "A", value: "1" }], ports: [{ containerPort: 80 }] },
      { name: "side", image: "side:1" },
    ],
    tolerations: [{ key: "x", operator: "Exists" }],
  },
});

describe("strategic merge patch", () => {
  test("containers merge by name, env by name, ports by containerPort; other lists are replaced", () => {
    const out = strategicMergePatch("Pod", pod(), {
      spec: {
        containers: [
          { name: "app", image: "app:2", env: [{ name: "B", value: "2" }], ports: [{ containerPort: 81 }] },
        ],
        tolerations: [{ key: "y", operator: "Exists" }],
      },
    });
    expect(out.spec).toEqual({
      containers: [
        {
          name: "app",
          image: "app:2",
          env: [
            { name: "A", value: "1" },
            { name: "B", value: "2" },
          ],
          ports: [{ containerPort: 80 }, { containerPort: 81 }],
        },
        { name: "side", image: "side:1" },
      ],
      tolerations: [{ key: "y", operator: "Exists" }],
    });
  });

  test("$patch delete and replace, $setElementOrder, $deleteFromPrimitiveList, $retainKeys, null", () => {
    const out = strategicMergePatch("Pod", pod(), {
      metadata: { finalizers: ["b"], "$deleteFromPrimitiveList/finalizers": ["a"] },
      spec: {
        "$setElementOrder/containers": [{ name: "side" }, { name: "app" }],
        containers: [
          { name: "app", $patch: "delete" },
          { name: "side", image: null },
        ],
      },
    });
    expect(out.metadata).toEqual({ name: "p", finalizers: ["b"] });
    expect(out.spec).toMatchObject({ containers: [{ name: "side" }] });
    const replaced = strategicMergePatch("Pod", pod(), {
      spec: { containers: [{ $patch: "replace" }, { name: "only" }] },
    });
    expect((replaced.spec as JsonObject).containers).toEqual([{ name: "only" }]);
    const retained = strategicMergePatch("Pod", pod(), {
      spec: { $retainKeys: ["containers"], containers: [] },
    });
    expect(Object.keys(retained.spec as JsonObject)).toEqual(["containers"]);
  });

  test("kubectl apply's directives never reach the stored object", () => {
    const out = strategicMergePatch(
      "Service",
      { metadata: {}, spec: { ports: [{ port: 80, name: "a" }] } },
      {
        spec: { "$setElementOrder/ports": [{ port: 443 }, { port: 80 }], ports: [{ port: 443, name: "b" }] },
      },
    );
    expect(out).toEqual({
      metadata: {},
      spec: {
        ports: [
          { port: 443, name: "b" },
          { port: 80, name: "a" },
        ],
      },
    });
  });

  test("Node: podCIDRs merge as a set, taints are replaced, addresses merge by type", () => {
    const node = {
      metadata: { name: "n" },
      spec: { podCIDRs: ["10.0.0.0/24"], taints: [{ key: "a", effect: "NoSchedule" }] },
      status: { addresses: [{ type: "InternalIP", address: "192.0.2.1" }] },
    };
    const out = strategicMergePatch("Node", node, {
      spec: { podCIDRs: ["fd00::/64"], taints: [{ key: "b", effect: "NoExecute" }], unschedulable: true },
      status: { addresses: [{ type: "ExternalIP", address: "198.51.100.1" }] },
    });
    expect(out.spec).toEqual({
      podCIDRs: ["10.0.0.0/24", "fd00::/64"],
      taints: [{ key: "b", effect: "NoExecute" }],
      unschedulable: true,
    });
    expect((out.status as JsonObject).addresses).toHaveLength(2);
  });
});

describe("merge and JSON patch", () => {
  test("RFC 7386: null removes, arrays replace", () => {
    expect(mergePatch({ a: 1, b: [1, 2], c: { d: 1 } }, { a: null, b: [3], c: { e: 2 } })).toEqual({
      b: [3],
      c: { d: 1, e: 2 },
    });
  });

  test("RFC 6902: escaped pointers, array append, move, copy, test", () => {
    const doc = { metadata: { annotations: { "a/b": "1" } }, list: [1, 2] };
    const out = jsonPatch(doc, [
      { op: "replace", path: "/metadata/annotations/a~1b", value: "2" },
      { op: "add", path: "/list/-", value: 3 },
      { op: "copy", from: "/list/0", path: "/first" },
      { op: "move", from: "/first", path: "/moved" },
      { op: "test", path: "/moved", value: 1 },
    ]);
    expect(out).toEqual({ metadata: { annotations: { "a/b": "2" } }, list: [1, 2, 3], moved: 1 });
    expect(() => jsonPatch(doc, [{ op: "remove", path: "/nope" }])).toThrow(/does not exist/);
    expect(doc.list).toEqual([1, 2]);
  });
});

describe("selectors", () => {
  const obj = (labels: Record<string, string>, spec: JsonObject = {}): KubeObject => ({
    metadata: { name: "o", namespace: "ns", labels },
    spec,
  });

  test("set-based and equality label requirements", () => {
    const sel = parseLabelSelector("env in (prod,staging),tier!=db,!legacy,app");
    expect(sel.matches(obj({ env: "prod", app: "x" }))).toBe(true);
    expect(sel.matches(obj({ env: "prod", app: "x", tier: "db" }))).toBe(false);
    expect(sel.matches(obj({ env: "prod", app: "x", legacy: "" }))).toBe(false);
    expect(sel.matches(obj({ env: "dev", app: "x" }))).toBe(false);
    expect(parseLabelSelector("n>3").matches(obj({ n: "4" }))).toBe(true);
    expect(() => parseLabelSelector("a=b=c")).toThrow(/unable to parse/);
  });

  test("field selectors: booleans default to false, escapes are honoured", () => {
    const allowed = ["spec.unschedulable"];
    expect(parseFieldSelector("spec.unschedulable=false", allowed).matches(obj({}))).toBe(true);
    expect(
      parseFieldSelector("spec.unschedulable=true", allowed).matches(obj({}, { unschedulable: true })),
    ).toBe(true);
    expect(parseFieldSelector("metadata.name!=o", allowed).matches(obj({}))).toBe(false);
    expect(parseFieldSelector("metadata.name=a\\,b", allowed).matches({ metadata: { name: "a,b" } })).toBe(
      true,
    );
  });
});
