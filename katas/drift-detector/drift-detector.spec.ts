import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  type Drift,
  type DriftOptions,
  detectDrift,
  IGNORED_FIELDS,
  LiveStateError,
  parsePointer,
  toPointer,
} from "./drift-detector";

// ---------------------------------------------------------------------------------------------
// Samples: fixtures/katas/drift-detector/ holds a Deployment and a Service in the exact shape the
// Kubernetes API returns them (GET …/deployments/checkout), their manifests, and the Status
// bodies the API answers with when it cannot give the object. Each test loads a fresh copy.
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;
const load = (name: string): Json =>
  JSON.parse(
    readFileSync(
      fileURLToPath(new URL(`../../fixtures/katas/drift-detector/${name}`, import.meta.url)),
      "utf8",
    ),
  ) as Json;

/** Freezes a value and everything in it: any write to it throws (specs run in strict mode). */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The error `action` threw (fails the test if it threw nothing). */
function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return expect.fail("expected it to throw");
}

const drift = (desired: unknown, actual: unknown, options?: DriftOptions): Drift[] =>
  detectDrift(desired, actual, options);

// ---------------------------------------------------------------------------------------------

describe("step 1 — JSON pointers", () => {
  it("joins tokens with a leading slash each; no tokens is the whole document", () => {
    expect(toPointer([])).toBe("");
    expect(toPointer(["spec", "replicas"])).toBe("/spec/replicas");
    expect(toPointer([""])).toBe("/");
    expect(toPointer(["", ""])).toBe("//");
  });

  it("writes numbers as their decimal text", () => {
    expect(toPointer(["spec", "ports", 0, "port"])).toBe("/spec/ports/0/port");
    expect(toPointer(["ports", 8080])).toBe("/ports/8080");
  });

  it('escapes "/" as ~1 and "~" as ~0', () => {
    expect(
      toPointer(["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"]),
    ).toBe("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration");
    expect(toPointer(["a~b"])).toBe("/a~0b");
  });

  it("escapes ~ before /, so a literal ~1 stays itself", () => {
    expect(toPointer(["~1"])).toBe("/~01");
    expect(toPointer(["/~"])).toBe("/~1~0");
    expect(toPointer(["~/"])).toBe("/~0~1");
  });

  it("parses a pointer into its tokens, decoding ~1 and ~0", () => {
    expect(parsePointer("")).toEqual([]);
    expect(parsePointer("/")).toEqual([""]);
    expect(parsePointer("//x")).toEqual(["", "x"]);
    expect(parsePointer("/spec/ports/0")).toEqual(["spec", "ports", "0"]);
    expect(parsePointer("/a~1b/c~0d")).toEqual(["a/b", "c~d"]);
  });

  it("decodes ~1 before ~0, so ~01 is the token ~1", () => {
    expect(parsePointer("/~01")).toEqual(["~1"]);
    expect(parsePointer("/~10")).toEqual(["/0"]);
    expect(parsePointer("/~0~1")).toEqual(["~/"]);
  });

  it("escapes and decodes every ~ and / in a token, not only the first", () => {
    expect(toPointer(["/var/run/secrets"])).toBe("/~1var~1run~1secrets");
    expect(toPointer(["a~~b"])).toBe("/a~0~0b");
    expect(toPointer(["~/~/"])).toBe("/~0~1~0~1");
    expect(parsePointer("/~1var~1run~1secrets")).toEqual(["/var/run/secrets"]);
    expect(parsePointer("/a~0~0b")).toEqual(["a~~b"]);
    expect(parsePointer("/~0~1~0~1/x")).toEqual(["~/~/", "x"]);
  });

  it("round-trips awkward tokens", () => {
    const tokens = ["~", "/", "~1", "~0", "a/b~c", "", "kubernetes.io/service-account.name"];
    expect(parsePointer(toPointer(tokens))).toEqual(tokens);
  });

  it.each([["spec/replicas"], ["#/spec/replicas"], [" /spec"]])(
    "rejects %j: a pointer must be empty or start with /",
    (pointer) => {
      const error = thrownBy(() => parsePointer(pointer));
      expect(error).toBeInstanceOf(SyntaxError);
      expect((error as Error).message).toBe(
        `invalid JSON pointer ${JSON.stringify(pointer)}: it must be empty or start with "/"`,
      );
    },
  );

  it.each([["/a~2"], ["/a~"], ["/~x/b"], ["/ok/bad~"]])(
    "rejects %j: ~ must be followed by 0 or 1",
    (pointer) => {
      const error = thrownBy(() => parsePointer(pointer));
      expect(error).toBeInstanceOf(SyntaxError);
      expect((error as Error).message).toBe(
        `invalid JSON pointer ${JSON.stringify(pointer)}: "~" must be followed by 0 or 1`,
      );
    },
  );

  it.each([
    ['say "hi"', String.raw`invalid JSON pointer "say \"hi\"": it must be empty or start with "/"`],
    [
      String.raw`C:\tmp`,
      String.raw`invalid JSON pointer "C:\\tmp": it must be empty or start with "/"`,
    ],
    ["/a\tb~2", String.raw`invalid JSON pointer "/a\tb~2": "~" must be followed by 0 or 1`],
  ])(
    "writes the pointer in its error as JSON.stringify does, escapes included (%j)",
    (pointer, message) => {
      const error = thrownBy(() => parsePointer(pointer));
      expect(error).toBeInstanceOf(SyntaxError);
      expect(
        (error as Error).message,
        'a " or \\ or a control character in the pointer is escaped as in JSON',
      ).toBe(message);
    },
  );
});

describe("step 2 — comparing objects", () => {
  it("reports nothing for two equal objects", () => {
    const object = { spec: { replicas: 3, selector: { matchLabels: { app: "web" } } } };
    expect(drift(object, structuredClone(object))).toEqual([]);
  });

  it("reports a value that differs as changed, with both values", () => {
    expect(drift({ spec: { replicas: 3 } }, { spec: { replicas: 5 } })).toEqual([
      { kind: "changed", path: "/spec/replicas", desired: 3, actual: 5 },
    ]);
  });

  it("reports a field only in actual as added, and one only in desired as removed", () => {
    const lean = { metadata: { labels: { app: "web" } } };
    const labelled = { metadata: { labels: { app: "web", debug: "true" } } };
    expect(drift(lean, labelled)).toEqual([
      { kind: "added", path: "/metadata/labels/debug", actual: "true" },
    ]);
    expect(drift(labelled, lean)).toEqual([
      { kind: "removed", path: "/metadata/labels/debug", desired: "true" },
    ]);
  });

  it("reports a missing subtree once, at its highest path, with all of it", () => {
    const bare = { metadata: { name: "web" } };
    const labelled = { metadata: { name: "web", labels: { app: "web", tier: "frontend" } } };
    expect(drift(bare, labelled)).toEqual([
      { kind: "added", path: "/metadata/labels", actual: { app: "web", tier: "frontend" } },
    ]);
    expect(drift(labelled, bare)).toEqual([
      { kind: "removed", path: "/metadata/labels", desired: { app: "web", tier: "frontend" } },
    ]);
  });

  it("reports a change of type as changed: object, list, string, number", () => {
    expect(drift({ a: { b: 1 } }, { a: "b=1" })).toEqual([
      { kind: "changed", path: "/a", desired: { b: 1 }, actual: "b=1" },
    ]);
    expect(drift({ a: [1] }, { a: { 0: 1 } })).toEqual([
      { kind: "changed", path: "/a", desired: [1], actual: { 0: 1 } },
    ]);
    expect(drift({ a: 3 }, { a: [3] })).toEqual([
      { kind: "changed", path: "/a", desired: 3, actual: [3] },
    ]);
  });

  it("escapes keys in the paths it reports", () => {
    const owner = (who: string) => ({ metadata: { annotations: { "example.com/owner": who } } });
    expect(drift(owner("ana"), owner("li"))).toEqual([
      {
        kind: "changed",
        path: "/metadata/annotations/example.com~1owner",
        desired: "ana",
        actual: "li",
      },
    ]);
    expect(drift({ "a~b": 1 }, { "a~b": 2 })).toEqual([
      { kind: "changed", path: "/a~0b", desired: 1, actual: 2 },
    ]);
  });

  it("lists desired's keys in its order first, then the keys only actual has, in actual's order", () => {
    const desired = { b: 1, a: 1, c: { x: 1 } };
    const actual = { z: 1, c: { x: 2 }, a: 2, b: 1, y: 1 };
    expect(drift(desired, actual).map((entry) => `${entry.kind} ${entry.path}`)).toEqual([
      "changed /a",
      "changed /c/x",
      "added /z",
      "added /y",
    ]);
  });

  it("leaves both inputs untouched", () => {
    const desired = deepFreeze(load("deployment.desired.json"));
    const actual = deepFreeze(load("deployment.live.json"));
    expect(() => drift(desired, actual)).not.toThrow();
    expect(desired).toEqual(load("deployment.desired.json"));
    expect(actual).toEqual(load("deployment.live.json"));
  });
});

describe("step 3 — lists by position and by key", () => {
  it("compares a list without keys by position", () => {
    expect(drift({ args: ["--port", "80"] }, { args: ["--port", "8080"] })).toEqual([
      { kind: "changed", path: "/args/1", desired: "80", actual: "8080" },
    ]);
  });

  it("reports extra items as added and missing ones as removed, at their index", () => {
    expect(drift({ args: ["a", "b"] }, { args: ["a", "b", "c"] })).toEqual([
      { kind: "added", path: "/args/2", actual: "c" },
    ]);
    expect(drift({ args: ["a", "b", "c"] }, { args: ["a"] })).toEqual([
      { kind: "removed", path: "/args/1", desired: "b" },
      { kind: "removed", path: "/args/2", desired: "c" },
    ]);
  });

  it("matches items by name, whatever their position, and names them by it in the path", () => {
    const desired = {
      spec: {
        containers: [
          { name: "app", image: "app:1" },
          { name: "proxy", image: "proxy:1" },
        ],
      },
    };
    const actual = {
      spec: {
        containers: [
          { name: "proxy", image: "proxy:2" },
          { name: "app", image: "app:1" },
        ],
      },
    };
    expect(drift(desired, actual)).toEqual([
      {
        kind: "changed",
        path: "/spec/containers/proxy/image",
        desired: "proxy:1",
        actual: "proxy:2",
      },
    ]);
  });

  it("does not report a keyed list that only changed order", () => {
    const env = [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
      { name: "C", value: "3" },
    ];
    expect(drift({ env }, { env: [env[2], env[0], env[1]] })).toEqual([]);
  });

  it("reports keyed items missing or extra by key: desired's items first, then actual's extras", () => {
    const item = (name: string) => ({ name, image: `${name}:1` });
    const desired = { spec: { containers: [item("a"), item("b")] } };
    const actual = { spec: { containers: [item("c"), item("b")] } };
    expect(drift(desired, actual)).toEqual([
      { kind: "removed", path: "/spec/containers/a", desired: item("a") },
      { kind: "added", path: "/spec/containers/c", actual: item("c") },
    ]);
  });

  it("escapes an item's key in the path", () => {
    const desired = { volumes: [{ name: "logs/app", size: 1 }] };
    const actual = { volumes: [{ name: "logs/app", size: 2 }] };
    expect(drift(desired, actual)).toEqual([
      { kind: "changed", path: "/volumes/logs~1app/size", desired: 1, actual: 2 },
    ]);
  });

  it("falls back to positions when two items on one side share a name", () => {
    const desired = {
      env: [
        { name: "X", value: "1" },
        { name: "X", value: "2" },
      ],
    };
    const actual = {
      env: [
        { name: "X", value: "1" },
        { name: "X", value: "3" },
      ],
    };
    expect(drift(desired, actual)).toEqual([
      { kind: "changed", path: "/env/1/value", desired: "2", actual: "3" },
    ]);
  });

  it("falls back to positions when only the actual list has two items with the same name", () => {
    const desired = { env: [{ name: "X", value: "1" }] };
    const actual = {
      env: [
        { name: "X", value: "1" },
        { name: "X", value: "2" },
      ],
    };
    expect(drift(desired, actual)).toEqual([
      { kind: "added", path: "/env/1", actual: { name: "X", value: "2" } },
    ]);
    expect(drift(actual, desired)).toEqual([
      { kind: "removed", path: "/env/1", desired: { name: "X", value: "2" } },
    ]);
  });

  it('compares keys by their text: 8080 and "8080" are the same key', () => {
    const desired = { spec: { ports: [{ port: 80, name: "http" }] } };
    const actual = { spec: { ports: [{ port: "80", name: "http" }] } };
    expect(drift(desired, actual), "the same item across the two sides").toEqual([
      { kind: "changed", path: "/spec/ports/80/port", desired: 80, actual: "80" },
    ]);
    const twice = {
      spec: {
        ports: [
          { port: 80, name: "a" },
          { port: "80", name: "b" },
        ],
      },
    };
    const reordered = {
      spec: {
        ports: [
          { port: "80", name: "b" },
          { port: 80, name: "a" },
        ],
      },
    };
    expect(
      drift(twice, reordered).map((entry) => entry.path),
      'two items on one side with 80 and "80" share a key: the list goes by position',
    ).toEqual([
      "/spec/ports/0/port",
      "/spec/ports/0/name",
      "/spec/ports/1/port",
      "/spec/ports/1/name",
    ]);
  });

  it("keys a list that is empty on one side: an empty list has no item to disqualify it", () => {
    const pod = (containers: object[]) => ({ spec: { containers } });
    expect(drift(pod([]), pod([{ name: "web", image: "web:1" }]))).toEqual([
      { kind: "added", path: "/spec/containers/web", actual: { name: "web", image: "web:1" } },
    ]);
    expect(drift(pod([{ name: "web", image: "web:1" }]), pod([]))).toEqual([
      { kind: "removed", path: "/spec/containers/web", desired: { name: "web", image: "web:1" } },
    ]);
    expect(drift(pod([]), pod([]))).toEqual([]);
  });

  it("keeps the desired order of keyed items, then the actual order of the extras, even for number keys", () => {
    const withPorts = (ports: object[]) => ({
      spec: { template: { spec: { containers: [{ name: "web", ports }] } } },
    });
    const desired = withPorts([
      { containerPort: 9090, name: "metrics" },
      { containerPort: 8080, name: "http" },
    ]);
    const actual = withPorts([
      { containerPort: 8443, name: "https" },
      { containerPort: 8080, name: "web" },
      { containerPort: 7000, name: "debug" },
    ]);
    const ports = "/spec/template/spec/containers/web/ports";
    expect(drift(desired, actual).map((entry) => `${entry.kind} ${entry.path}`)).toEqual([
      `removed ${ports}/9090`,
      `changed ${ports}/8080/name`,
      `added ${ports}/8443`,
      `added ${ports}/7000`,
    ]);
  });

  it("falls back to positions when an item has no name, or a name that is not a string or number", () => {
    expect(
      drift({ items: [{ name: "a" }, { v: 1 }] }, { items: [{ name: "a" }, { v: 2 }] }),
    ).toEqual([{ kind: "changed", path: "/items/1/v", desired: 1, actual: 2 }]);
    const odd = (v: number) => ({ items: [{ name: { first: "a" }, v }] });
    expect(drift(odd(1), odd(2))).toEqual([
      { kind: "changed", path: "/items/0/v", desired: 1, actual: 2 },
    ]);
    expect(drift({ items: [{ name: "a", v: 1 }] }, { items: [{ v: 1 }] })).toEqual([
      { kind: "removed", path: "/items/0/name", desired: "a" },
    ]);
  });

  it("falls back to positions when the key holds a boolean: true and false are not keys", () => {
    const desired = {
      items: [
        { name: true, v: 1 },
        { name: false, v: 2 },
      ],
    };
    const actual = {
      items: [
        { name: false, v: 2 },
        { name: true, v: 1 },
      ],
    };
    expect(
      drift(desired, actual),
      "a key must hold a string or a number: these items are compared by position, so the swap is drift",
    ).toEqual([
      { kind: "changed", path: "/items/0/name", desired: true, actual: false },
      { kind: "changed", path: "/items/0/v", desired: 1, actual: 2 },
      { kind: "changed", path: "/items/1/name", desired: false, actual: true },
      { kind: "changed", path: "/items/1/v", desired: 2, actual: 1 },
    ]);
    expect(
      drift({ items: [{ name: "a" }, { name: true }] }, { items: [{ name: true }, { name: "a" }] }),
      "one item with a boolean key is enough to compare the whole list by position",
    ).toEqual([
      { kind: "changed", path: "/items/0/name", desired: "a", actual: true },
      { kind: "changed", path: "/items/1/name", desired: true, actual: "a" },
    ]);
  });

  it("uses a merge key from MERGE_KEYS before `name`: container ports by containerPort", () => {
    const withPorts = (ports: object[]) => ({
      spec: { template: { spec: { containers: [{ name: "web", ports }] } } },
    });
    const desired = withPorts([
      { name: "http", containerPort: 8080 },
      { name: "metrics", containerPort: 9090 },
    ]);
    const actual = withPorts([
      { name: "prom", containerPort: 9090 },
      { name: "http", containerPort: 8080 },
    ]);
    expect(drift(desired, actual)).toEqual([
      {
        kind: "changed",
        path: "/spec/template/spec/containers/web/ports/9090/name",
        desired: "metrics",
        actual: "prom",
      },
    ]);
  });

  it("matches volumeMounts by mountPath and a Service's ports by port", () => {
    const mounts = (readOnly: boolean) => ({
      spec: {
        template: {
          spec: {
            containers: [
              { name: "web", volumeMounts: [{ name: "data", mountPath: "/data", readOnly }] },
            ],
          },
        },
      },
    });
    expect(drift(mounts(false), mounts(true))).toEqual([
      {
        kind: "changed",
        path: "/spec/template/spec/containers/web/volumeMounts/~1data/readOnly",
        desired: false,
        actual: true,
      },
    ]);
    const service = (targetPort: number) => ({
      spec: { ports: [{ name: "http", port: 80, targetPort }] },
    });
    expect(drift(service(8080), service(8081))).toEqual([
      { kind: "changed", path: "/spec/ports/80/targetPort", desired: 8080, actual: 8081 },
    ]);
  });

  it("takes more merge keys from options.mergeKeys, which win over MERGE_KEYS", () => {
    const rules = (order: string[]) => ({
      spec: { rules: order.map((host) => ({ host, path: "/" })) },
    });
    expect(
      drift(rules(["a.example.com", "b.example.com"]), rules(["b.example.com", "a.example.com"])),
    ).toEqual([
      {
        kind: "changed",
        path: "/spec/rules/0/host",
        desired: "a.example.com",
        actual: "b.example.com",
      },
      {
        kind: "changed",
        path: "/spec/rules/1/host",
        desired: "b.example.com",
        actual: "a.example.com",
      },
    ]);
    expect(
      drift(rules(["a.example.com", "b.example.com"]), rules(["b.example.com", "a.example.com"]), {
        mergeKeys: { "/spec/rules": "host" },
      }),
    ).toEqual([]);

    const service = (port: number) => ({ spec: { ports: [{ name: "http", port }] } });
    expect(drift(service(80), service(8080))).toEqual([
      { kind: "removed", path: "/spec/ports/80", desired: { name: "http", port: 80 } },
      { kind: "added", path: "/spec/ports/8080", actual: { name: "http", port: 8080 } },
    ]);
    expect(drift(service(80), service(8080), { mergeKeys: { "/spec/ports": "name" } })).toEqual([
      { kind: "changed", path: "/spec/ports/http/port", desired: 80, actual: 8080 },
    ]);
  });

  it("lets options.mergeKeys win over MERGE_KEYS even when it spells the path another way", () => {
    const withPorts = (ports: object[]) => ({
      spec: { template: { spec: { containers: [{ name: "web", ports }] } } },
    });
    const desired = withPorts([{ name: "http", containerPort: 8080 }]);
    const actual = withPorts([{ name: "http", containerPort: 8081 }]);
    expect(
      drift(desired, actual, {
        mergeKeys: { "/spec/template/spec/containers/web/ports": "name" },
      }),
      "the ports of container web are keyed by name: the caller's pattern wins over MERGE_KEYS' *",
    ).toEqual([
      {
        kind: "changed",
        path: "/spec/template/spec/containers/web/ports/http/containerPort",
        desired: 8080,
        actual: 8081,
      },
    ]);
  });

  it("matches a merge key's path exactly, with * for one token", () => {
    const nested = (order: string[]) => ({
      spec: { groups: [{ name: "g", rules: order.map((id) => ({ id, on: true })) }] },
    });
    const swapped = drift(nested(["x", "y"]), nested(["y", "x"]), {
      mergeKeys: { "/spec/groups/*/rules": "id" },
    });
    expect(swapped).toEqual([]);
    // Here `id` is the key of /spec/groups, not of the rules under it. The groups have no `id`,
    // so both lists are compared by position.
    const elsewhere = drift(nested(["x", "y"]), nested(["y", "x"]), {
      mergeKeys: { "/spec/groups": "id" },
    });
    expect(elsewhere.map((entry) => entry.path)).toEqual([
      "/spec/groups/0/rules/0/id",
      "/spec/groups/0/rules/1/id",
    ]);
  });

  it("rejects an invalid merge key pattern with a SyntaxError", () => {
    expect(() => drift({}, {}, { mergeKeys: { "spec/rules": "host" } })).toThrow(SyntaxError);
  });
});

describe("step 4 — null, missing and types", () => {
  it("treats a field set to null like a missing field, on either side", () => {
    expect(drift({ a: null, b: 1 }, { b: 1 })).toEqual([]);
    expect(drift({ b: 1 }, { a: null, b: 1 })).toEqual([]);
    expect(
      drift(
        { template: { metadata: { creationTimestamp: null } } },
        { template: { metadata: {} } },
      ),
    ).toEqual([]);
  });

  it("counts an object whose fields are all null as missing, not as {}", () => {
    expect(drift({}, { x: { a: null } })).toEqual([]);
    expect(drift({ x: { a: null, b: null } }, {})).toEqual([]);
    expect(drift({}, { x: {} }), "an empty object is a value").toEqual([
      { kind: "added", path: "/x", actual: {} },
    ]);
    // The pod template's creationTimestamp: null, as the API returns it, against a manifest
    // whose template has no metadata at all.
    expect(
      drift(
        { spec: { template: { spec: { containers: [] } } } },
        { spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [] } } } },
      ),
    ).toEqual([]);
    expect(drift({ x: { a: null } }, { x: "a" })).toEqual([
      { kind: "added", path: "/x", actual: "a" },
    ]);
  });

  it("keeps the place of a desired key set to null in the order of the report", () => {
    expect(
      drift({ a: null, b: 1 }, { b: 2, a: 1 }).map((entry) => `${entry.kind} ${entry.path}`),
      "a is one of desired's keys, in its place, even though null reads as missing",
    ).toEqual(["added /a", "changed /b"]);
    expect(
      drift({ b: 1, a: null }, { a: 1, b: 2 }).map((entry) => `${entry.kind} ${entry.path}`),
    ).toEqual(["changed /b", "added /a"]);
  });

  it("reports null against a value as added or removed", () => {
    expect(drift({ a: null }, { a: 1 })).toEqual([{ kind: "added", path: "/a", actual: 1 }]);
    expect(drift({ a: 1 }, { a: null })).toEqual([{ kind: "removed", path: "/a", desired: 1 }]);
  });

  it("keeps null as a value inside a list", () => {
    expect(drift({ l: [1, null] }, { l: [1] })).toEqual([
      { kind: "removed", path: "/l/1", desired: null },
    ]);
    expect(drift({ l: [null] }, { l: [0] })).toEqual([
      { kind: "changed", path: "/l/0", desired: null, actual: 0 },
    ]);
  });

  it("counts an empty object as a value", () => {
    expect(drift({}, { nodeSelector: {} })).toEqual([
      { kind: "added", path: "/nodeSelector", actual: {} },
    ]);
    expect(drift({ nodeSelector: {} }, {})).toEqual([
      { kind: "removed", path: "/nodeSelector", desired: {} },
    ]);
  });

  it('compares scalars strictly by default: "1" is not 1, "true" is not true', () => {
    expect(drift({ cpu: 1 }, { cpu: "1" })).toEqual([
      { kind: "changed", path: "/cpu", desired: 1, actual: "1" },
    ]);
    expect(drift({ on: true }, { on: "true" })).toEqual([
      { kind: "changed", path: "/on", desired: true, actual: "true" },
    ]);
  });

  it("compares numbers by value: 0 and -0 are equal", () => {
    expect(drift(JSON.parse('{"offset": -0}'), { offset: 0 })).toEqual([]);
  });

  it("with looseScalars, equates a string with the number or boolean it spells", () => {
    const loose = { looseScalars: true };
    expect(drift({ cpu: 1 }, { cpu: "1" }, loose)).toEqual([]);
    expect(drift({ cpu: "2.5" }, { cpu: 2.5 }, loose)).toEqual([]);
    expect(drift({ on: true, off: "false" }, { on: "true", off: false }, loose)).toEqual([]);
  });

  it('with looseScalars, reads a number\'s text as String() writes it: "0" equals -0', () => {
    const loose = { looseScalars: true };
    expect(drift({ v: "0" }, JSON.parse('{"v": -0}'), loose)).toEqual([]);
    expect(drift({ v: "1e+21" }, { v: 1e21 }, loose)).toEqual([]);
  });

  it.each([
    ["01", 1],
    ["", 0],
    ["1.0", 1],
    ["-0", 0],
    ["1e3", 1000],
    ["True", true],
    [" 1", 1],
    ["1 ", 1],
    [" 2.5", 2.5],
    ["true\n", true],
    [" false", false],
    [1, true],
    [0, false],
  ])("with looseScalars, still tells %j from %j", (desired, actual) => {
    expect(drift({ v: desired }, { v: actual }, { looseScalars: true })).toEqual([
      { kind: "changed", path: "/v", desired, actual },
    ]);
  });

  it('with looseScalars, still tells "null" from null, and strings from strings', () => {
    expect(drift({ l: ["null"] }, { l: [null] }, { looseScalars: true })).toEqual([
      { kind: "changed", path: "/l/0", desired: "null", actual: null },
    ]);
    expect(drift({ v: "1" }, { v: "1.0" }, { looseScalars: true })).toEqual([
      { kind: "changed", path: "/v", desired: "1", actual: "1.0" },
    ]);
  });

  it('with looseScalars, still tells a string from a list or an object: "1" is not [1]', () => {
    const loose = { looseScalars: true };
    expect(drift({ v: "1" }, { v: [1] }, loose)).toEqual([
      { kind: "changed", path: "/v", desired: "1", actual: [1] },
    ]);
    expect(drift({ v: { a: 1 } }, { v: "[object Object]" }, loose)).toEqual([
      { kind: "changed", path: "/v", desired: { a: 1 }, actual: "[object Object]" },
    ]);
  });
});

describe("step 5 — fields the server manages", () => {
  const desired = () => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "checkout-config" },
    data: { PAYMENTS_TIMEOUT: "5s" },
  });

  it("ignores every field in IGNORED_FIELDS, whatever its value", () => {
    const actual = {
      ...desired(),
      metadata: {
        name: "checkout-config",
        uid: "9f1d2c3b-4a5e-4f60-8b7c-1d2e3f4a5b6c",
        resourceVersion: "48213977",
        generation: 2,
        creationTimestamp: "2026-09-14T08:02:51Z",
        selfLink: "/api/v1/namespaces/shop/configmaps/checkout-config",
        managedFields: [{ manager: "kubectl-client-side-apply", operation: "Update" }],
        annotations: {
          "kubectl.kubernetes.io/last-applied-configuration": '{"apiVersion":"v1"}\n',
          "deployment.kubernetes.io/revision": "4",
        },
      },
      status: { phase: "Whatever" },
    };
    expect(drift(desired(), actual)).toEqual([]);
  });

  it.each(IGNORED_FIELDS.map((pattern) => [pattern]))("ignores %s on its own", (pattern) => {
    const actual = desired() as Json;
    let at = actual;
    const tokens = parsePointer(pattern);
    for (const token of tokens.slice(0, -1)) {
      at[token] = { ...(at[token] as Json) };
      at = at[token] as Json;
    }
    at[tokens.at(-1) as string] = "set by the server";
    expect(drift(desired(), actual)).toEqual([]);
  });

  it("ignores them on the desired side too", () => {
    const withStatus = {
      ...desired(),
      status: { replicas: 2 },
      metadata: { name: "checkout-config", uid: "x" },
    };
    expect(drift(withStatus, desired())).toEqual([]);
  });

  it("ignores everything under an ignored path, and nothing beside it", () => {
    const base = { metadata: { name: "x" } };
    expect(drift(base, { ...base, status: { conditions: [{ type: "Ready" }] } })).toEqual([]);
    expect(drift(base, { metadata: { name: "x", uidHash: "1" } })).toEqual([
      { kind: "added", path: "/metadata/uidHash", actual: "1" },
    ]);
  });

  it("lets a `*` match the empty key too", () => {
    expect(
      drift({ a: { x: 1 } }, { a: { x: 1, "": 2 } }, { ignore: ["/a/*"] }),
      '/a/* must ignore /a/ (the key "")',
    ).toEqual([]);
    expect(drift({ a: { x: 1 } }, { a: { x: 1, "": 2 } })).toEqual([
      { kind: "added", path: "/a/", actual: 2 },
    ]);
  });

  it("does not let a pattern longer than the path hide it", () => {
    for (const pattern of ["/a/b/c", "/a/*"]) {
      expect(drift({ a: 1 }, { a: 2 }, { ignore: [pattern] }), pattern).toEqual([
        { kind: "changed", path: "/a", desired: 1, actual: 2 },
      ]);
    }
  });

  it("lets /metadata/labels/* ignore every label but not /metadata/labels itself", () => {
    const ignore = ["/metadata/labels/*"];
    expect(
      drift({ metadata: { name: "x" } }, { metadata: { name: "x", labels: {} } }, { ignore }),
      "the pattern is longer than /metadata/labels: the empty labels object is drift",
    ).toEqual([{ kind: "added", path: "/metadata/labels", actual: {} }]);
    expect(
      drift(
        { metadata: { name: "x" } },
        { metadata: { name: "x", labels: { a: "1" } } },
        { ignore },
      ),
      "every label is ignored, so labels lost all its fields: missing, not reported",
    ).toEqual([]);
  });

  it("adds the patterns in options.ignore to IGNORED_FIELDS", () => {
    const actual = { spec: { replicas: 7 }, metadata: { uid: "u-1" } };
    expect(drift({ spec: { replicas: 3 } }, actual, { ignore: ["/spec/replicas"] })).toEqual([]);
  });

  it("matches * with any one token: a key, an index or an item's key", () => {
    const containers = (tag: string) => ({
      spec: {
        containers: [
          { name: "app", image: `app:${tag}` },
          { name: "proxy", image: `proxy:${tag}` },
        ],
        args: [tag],
      },
    });
    expect(
      drift(containers("1"), containers("2"), {
        ignore: ["/spec/containers/*/image", "/spec/args/*"],
      }),
    ).toEqual([]);
    expect(
      drift(containers("1"), containers("2"), { ignore: ["/spec/*/image", "/spec/args"] }).map(
        (entry) => entry.path,
      ),
    ).toEqual(["/spec/containers/app/image", "/spec/containers/proxy/image"]);
  });

  it("ignores list items too: by index, by an item's key, or all of them with *", () => {
    const pod = (containers: object[], args: string[]) => ({ spec: { containers, args } });
    const web = { name: "web", image: "web:1" };
    const sidecar = { name: "istio-proxy", image: "proxyv2:1.24.1" };
    const injected = pod([web, sidecar], ["--port", "80", "--verbose"]);
    const manifest = pod([web], ["--port", "80"]);
    expect(
      drift(manifest, injected, { ignore: ["/spec/containers/istio-proxy", "/spec/args/2"] }),
    ).toEqual([]);
    expect(drift(manifest, injected, { ignore: ["/spec/containers/*", "/spec/args/*"] })).toEqual(
      [],
    );
    expect(drift(manifest, injected, { ignore: ["/spec/args/2"] })).toEqual([
      { kind: "added", path: "/spec/containers/istio-proxy", actual: sidecar },
    ]);
  });

  it("reads ~1 in a pattern as a / in the key", () => {
    const owner = (who: string) => ({ metadata: { annotations: { "example.com/owner": who } } });
    expect(
      drift(owner("ana"), owner("li"), { ignore: ["/metadata/annotations/example.com~1owner"] }),
    ).toEqual([]);
  });

  it("leaves ignored fields out of an added or removed value", () => {
    const bare = { metadata: { name: "x" } };
    const annotated = {
      metadata: {
        name: "x",
        annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}\n", team: "sre" },
      },
    };
    expect(drift(bare, annotated)).toEqual([
      { kind: "added", path: "/metadata/annotations", actual: { team: "sre" } },
    ]);
    const revised = {
      metadata: {
        name: "x",
        annotations: { "deployment.kubernetes.io/revision": "3", team: "sre" },
      },
    };
    expect(drift(revised, bare)).toEqual([
      { kind: "removed", path: "/metadata/annotations", desired: { team: "sre" } },
    ]);
  });

  it("does not report an object whose fields were all ignored", () => {
    const bare = { metadata: { name: "x" } };
    const serverOnly = {
      metadata: {
        name: "x",
        annotations: {
          "kubectl.kubernetes.io/last-applied-configuration": "{}\n",
          "deployment.kubernetes.io/revision": "3",
        },
      },
    };
    expect(drift(bare, serverOnly)).toEqual([]);
  });

  it("keeps list items in an added value even when their fields were all ignored", () => {
    const actual = { spec: { a: 1, things: [{ id: 1 }, { id: 2, size: 3 }] } };
    expect(drift({ spec: { a: 1 } }, actual, { ignore: ["/spec/things/*/id"] })).toEqual([
      { kind: "added", path: "/spec/things", actual: [{}, { size: 3 }] },
    ]);
  });

  it("names the items of an added list by index or by key when it prunes them", () => {
    const things = { spec: { a: 1, things: [{ id: 1 }, { id: 2, size: 3 }] } };
    expect(drift({ spec: { a: 1 } }, things, { ignore: ["/spec/things/0/id"] })).toEqual([
      { kind: "added", path: "/spec/things", actual: [{}, { id: 2, size: 3 }] },
    ]);
    const containers = {
      spec: {
        containers: [
          { name: "app", image: "app:1" },
          { name: "sidecar", image: "sidecar:1" },
        ],
      },
    };
    expect(drift({ spec: {} }, containers, { ignore: ["/spec/containers/sidecar/image"] })).toEqual(
      [
        {
          kind: "added",
          path: "/spec/containers",
          actual: [{ name: "app", image: "app:1" }, { name: "sidecar" }],
        },
      ],
    );
  });

  it("leaves ignored fields out of both sides of a changed value", () => {
    const desired = {
      metadata: { annotations: { "deployment.kubernetes.io/revision": "1", a: "1" } },
    };
    expect(drift(desired, { metadata: { annotations: "a=1" } })).toEqual([
      { kind: "changed", path: "/metadata/annotations", desired: { a: "1" }, actual: "a=1" },
    ]);
  });

  it("reports a changed value as added or removed when one side had nothing but ignored fields", () => {
    const revisionOnly = {
      metadata: { annotations: { "deployment.kubernetes.io/revision": "1" } },
    };
    expect(drift(revisionOnly, { metadata: { annotations: "a=1" } })).toEqual([
      { kind: "added", path: "/metadata/annotations", actual: "a=1" },
    ]);
    expect(drift({ metadata: { annotations: "a=1" } }, revisionOnly)).toEqual([
      { kind: "removed", path: "/metadata/annotations", desired: "a=1" },
    ]);
  });

  it("rejects an invalid ignore pattern with parsePointer's SyntaxError", () => {
    const error = thrownBy(() => drift({}, {}, { ignore: ["spec/replicas"] }));
    expect(error).toBeInstanceOf(SyntaxError);
    expect((error as Error).message).toBe(
      'invalid JSON pointer "spec/replicas": it must be empty or start with "/"',
    );
  });
});

describe("step 6 — defaults the server fills in", () => {
  const deployment = (spec: Json = {}) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: { replicas: 2, ...spec },
  });
  const DEPLOYMENT_DEFAULTS = {
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
  };

  it("accepts the defaults a Deployment gets when the manifest leaves them out", () => {
    expect(drift(deployment(), deployment(DEPLOYMENT_DEFAULTS))).toEqual([]);
  });

  it("reports a defaulted field whose value is not the default", () => {
    expect(
      drift(deployment(), deployment({ ...DEPLOYMENT_DEFAULTS, revisionHistoryLimit: 3 })),
    ).toEqual([{ kind: "added", path: "/spec/revisionHistoryLimit", actual: 3 }]);
  });

  it("reports what is left of an added subtree once its defaults are taken out", () => {
    const strategy = {
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: "50%", maxUnavailable: "25%" },
    };
    expect(drift(deployment(), deployment({ strategy }))).toEqual([
      { kind: "added", path: "/spec/strategy", actual: { rollingUpdate: { maxSurge: "50%" } } },
    ]);
  });

  it("compares as usual a field the manifest sets, even to something else than the default", () => {
    expect(
      drift(deployment({ revisionHistoryLimit: 5 }), deployment({ revisionHistoryLimit: 10 })),
    ).toEqual([{ kind: "changed", path: "/spec/revisionHistoryLimit", desired: 5, actual: 10 }]);
  });

  it("accepts any value for a default that has none: the namespace, a Service's clusterIP", () => {
    const withNamespace = { ...deployment(), metadata: { name: "web", namespace: "shop" } };
    expect(drift(deployment(), withNamespace)).toEqual([]);
    const service = (spec: Json) => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec,
    });
    expect(drift(service({ ports: [] }), service({ ports: [], clusterIP: "10.96.0.17" }))).toEqual(
      [],
    );
  });

  it("still compares a namespace the manifest sets", () => {
    const inNamespace = (namespace: string) => ({
      ...deployment(),
      metadata: { name: "web", namespace },
    });
    expect(drift(inNamespace("shop"), inNamespace("staging"))).toEqual([
      { kind: "changed", path: "/metadata/namespace", desired: "shop", actual: "staging" },
    ]);
  });

  it("applies a default with a kind to objects of that kind only", () => {
    const statefulSet = (spec: Json) => ({ kind: "StatefulSet", metadata: { name: "db" }, spec });
    expect(drift(statefulSet({}), statefulSet({ replicas: 1 }))).toEqual([
      { kind: "added", path: "/spec/replicas", actual: 1 },
    ]);
    expect(
      drift(deployment(), { ...deployment(), spec: { replicas: 2, sessionAffinity: "None" } }),
    ).toEqual([{ kind: "added", path: "/spec/sessionAffinity", actual: "None" }]);
  });

  it("matches a default's kind to the top-level kind exactly (===), not by its text", () => {
    const serverDefaults = [{ kind: "5", path: "/spec/x", value: 1 }];
    expect(
      drift({ kind: 5, spec: {} }, { kind: 5, spec: { x: 1 } }, { serverDefaults }),
      'a kind of 5 is not the default\'s "5": the field is drift',
    ).toEqual([{ kind: "added", path: "/spec/x", actual: 1 }]);
    expect(
      drift({ kind: "5", spec: {} }, { kind: "5", spec: { x: 1 } }, { serverDefaults }),
      'a kind of "5" is the default\'s',
    ).toEqual([]);
  });

  it("applies a default without a kind to every kind: a DaemonSet's pod template", () => {
    const daemonSet = (podSpec: Json) => ({
      kind: "DaemonSet",
      metadata: { name: "node-exporter" },
      spec: {
        template: {
          spec: { containers: [{ name: "exporter", image: "prom/node-exporter" }], ...podSpec },
        },
      },
    });
    const filledIn = {
      dnsPolicy: "ClusterFirst",
      restartPolicy: "Always",
      schedulerName: "default-scheduler",
      securityContext: {},
      terminationGracePeriodSeconds: 30,
    };
    expect(drift(daemonSet({}), daemonSet(filledIn))).toEqual([]);
  });

  it("takes the kind from either side", () => {
    const unlabelled = { metadata: { name: "web" }, spec: { replicas: 2 } };
    const live = {
      kind: "Deployment",
      ...unlabelled,
      spec: { replicas: 2, ...DEPLOYMENT_DEFAULTS },
    };
    expect(drift(unlabelled, live)).toEqual([
      { kind: "added", path: "/kind", actual: "Deployment" },
    ]);
  });

  it("compares a default's value deeply: {} is not { runAsNonRoot: true }", () => {
    const pod = (securityContext: unknown) => ({
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { template: { spec: { securityContext } } },
    });
    const bare = {
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { template: { spec: {} } },
    };
    expect(drift(bare, pod({}))).toEqual([]);
    expect(drift(bare, pod({ runAsNonRoot: true }))).toEqual([
      {
        kind: "added",
        path: "/spec/template/spec/securityContext",
        actual: { runAsNonRoot: true },
      },
    ]);
  });

  it("compares a default's value deeply: nested objects and lists", () => {
    const pod = (securityContext: unknown) => ({
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { template: { spec: { securityContext } } },
    });
    const bare = pod(null);
    const hardened = { runAsNonRoot: true, capabilities: { drop: ["NET_RAW", "ALL"] } };
    const options: DriftOptions = {
      serverDefaults: [{ path: "/spec/template/spec/securityContext", value: hardened }],
    };
    expect(drift(bare, pod(structuredClone(hardened)), options)).toEqual([]);
    const variants = [
      { runAsNonRoot: true, capabilities: { drop: ["NET_RAW"] } },
      { runAsNonRoot: true, capabilities: { drop: ["NET_RAW", "ALL", "SYS_ADMIN"] } },
      { runAsNonRoot: true, capabilities: { drop: ["NET_RAW", "SYS_ADMIN"] } },
      { runAsNonRoot: true, capabilities: { drop: ["ALL", "NET_RAW"] } },
      { runAsNonRoot: true },
      { ...hardened, runAsUser: 1000 },
      { runAsNonRoot: true, capabilities: { add: ["NET_RAW", "ALL"] } },
      { runAsNonRoot: false, capabilities: { drop: ["NET_RAW", "ALL"] } },
    ];
    for (const variant of variants) {
      expect(drift(bare, pod(variant), options), JSON.stringify(variant)).toEqual([
        { kind: "added", path: "/spec/template/spec/securityContext", actual: variant },
      ]);
    }
  });

  it("does not take a list for an empty object default", () => {
    const pod = (securityContext: unknown) => ({
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { template: { spec: { securityContext } } },
    });
    expect(drift(pod(null), pod([]))).toEqual([
      { kind: "added", path: "/spec/template/spec/securityContext", actual: [] },
    ]);
  });

  it("matches a default's path exactly: not the fields under it", () => {
    const service = (clusterIPs: string[]) => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "dns" },
      spec: { clusterIPs },
    });
    expect(drift(service(["10.96.0.10"]), service(["10.96.0.10", "fd00::10"]))).toEqual([
      { kind: "added", path: "/spec/clusterIPs/1", actual: "fd00::10" },
    ]);
  });

  it("keeps the defaults on the desired side of a changed value, and drops them on the actual side", () => {
    const withStrategy = (strategy: unknown) => ({
      ...deployment(),
      spec: { replicas: 2, strategy },
    });
    expect(drift(withStrategy({ type: "RollingUpdate" }), withStrategy("RollingUpdate"))).toEqual([
      {
        kind: "changed",
        path: "/spec/strategy",
        desired: { type: "RollingUpdate" },
        actual: "RollingUpdate",
      },
    ]);
    const surge = {
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: "50%", maxUnavailable: "25%" },
    };
    expect(drift(withStrategy("Recreate"), withStrategy(surge))).toEqual([
      {
        kind: "changed",
        path: "/spec/strategy",
        desired: "Recreate",
        actual: { rollingUpdate: { maxSurge: "50%" } },
      },
    ]);
    expect(drift(withStrategy("Recreate"), withStrategy({ type: "RollingUpdate" }))).toEqual([
      { kind: "removed", path: "/spec/strategy", desired: "Recreate" },
    ]);
  });

  it("matches * in a default's path: each container's and each probe's defaults", () => {
    const container = (extra: Json) => ({
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "web",
                image: "web:1",
                ports: [{ containerPort: 8080 }],
                livenessProbe: { httpGet: { path: "/livez", port: 8080 } },
                ...extra,
              },
            ],
          },
        },
      },
    });
    const filled = container({
      imagePullPolicy: "IfNotPresent",
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
      resources: {},
      ports: [{ containerPort: 8080, protocol: "TCP" }],
      livenessProbe: {
        httpGet: { path: "/livez", port: 8080, scheme: "HTTP" },
        failureThreshold: 3,
        successThreshold: 1,
        timeoutSeconds: 1,
        periodSeconds: 10,
      },
    });
    expect(drift(container({}), filled)).toEqual([]);
  });

  it("leaves the defaults out of an added container, but keeps them in a removed one", () => {
    const pod = (containers: object[]) => ({
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { template: { spec: { containers } } },
    });
    const web = { name: "web", image: "web:1" };
    const injected = {
      name: "istio-proxy",
      image: "docker.io/istio/proxyv2:1.24.1",
      imagePullPolicy: "IfNotPresent",
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
    };
    expect(drift(pod([web]), pod([web, injected]))).toEqual([
      {
        kind: "added",
        path: "/spec/template/spec/containers/istio-proxy",
        actual: { name: "istio-proxy", image: "docker.io/istio/proxyv2:1.24.1" },
      },
    ]);
    expect(drift(pod([web, injected]), pod([web]))).toEqual([
      { kind: "removed", path: "/spec/template/spec/containers/istio-proxy", desired: injected },
    ]);
  });

  it("applies a default to a list item too: by index or by an item's key", () => {
    const pod = (containers: object[], args: string[]) => ({
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { containers, args },
    });
    const web = { name: "web", image: "web:1" };
    const injected = { name: "istio-proxy", image: "proxyv2:1.24.1" };
    const options: DriftOptions = {
      serverDefaults: [
        { path: "/spec/containers/istio-proxy" },
        { path: "/spec/args/1", value: "--log=json" },
      ],
    };
    expect(drift(pod([web], ["a"]), pod([web, injected], ["a", "--log=json"]), options)).toEqual(
      [],
    );
    expect(drift(pod([web], ["a"]), pod([web, injected], ["a", "--log=text"]), options)).toEqual([
      { kind: "added", path: "/spec/args/1", actual: "--log=text" },
    ]);
  });

  it("matches an object default by deep equality, whatever order the API writes its keys in", () => {
    const options: DriftOptions = {
      serverDefaults: [{ path: "/spec/strategy", value: { type: "RollingUpdate", maxSurge: 1 } }],
    };
    const live = { spec: { strategy: { maxSurge: 1, type: "RollingUpdate" } } };
    expect(drift({ spec: {} }, live, options), "keys in another order are the same value").toEqual(
      [],
    );
    expect(
      drift({ spec: {} }, { spec: { strategy: { maxSurge: 2, type: "RollingUpdate" } } }, options),
    ).toEqual([
      {
        kind: "added",
        path: "/spec/strategy",
        actual: { maxSurge: 2, type: "RollingUpdate" },
      },
    ]);
  });

  it("reads a default whose value is written out as undefined as one with no value: any value matches", () => {
    const options: DriftOptions = {
      serverDefaults: [{ path: "/spec/clusterIP", value: undefined }],
    };
    expect(drift({ spec: {} }, { spec: { clusterIP: "10.0.0.7" } }, options)).toEqual([]);
  });

  it("adds the entries of options.serverDefaults to SERVER_DEFAULTS", () => {
    const statefulSet = (spec: Json) => ({ kind: "StatefulSet", metadata: { name: "db" }, spec });
    const actual = statefulSet({ revisionHistoryLimit: 10, podManagementPolicy: "OrderedReady" });
    const options: DriftOptions = {
      serverDefaults: [
        { kind: "StatefulSet", path: "/spec/revisionHistoryLimit", value: 10 },
        { kind: "StatefulSet", path: "/spec/podManagementPolicy", value: "OrderedReady" },
      ],
    };
    expect(drift(statefulSet({}), actual).map((entry) => entry.path)).toEqual([
      "/spec/revisionHistoryLimit",
      "/spec/podManagementPolicy",
    ]);
    expect(drift(statefulSet({}), actual, options)).toEqual([]);
    expect(drift(deployment(), deployment(DEPLOYMENT_DEFAULTS), options)).toEqual([]);
  });

  it("rejects an invalid default path with a SyntaxError", () => {
    expect(() => drift({}, {}, { serverDefaults: [{ path: "/spec/a~" }] })).toThrow(SyntaxError);
  });
});

describe("step 7 — a Deployment and a Service as the API returns them", () => {
  const DESIRED_IMAGE = "registry.example.com/shop/checkout:1.14.2";
  const HOTFIX_IMAGE = "registry.example.com/shop/checkout:1.14.3-hotfix";
  const RELOADER_ENV = "STAKATER_CHECKOUT_CONFIG_CONFIGMAP";

  it("reports exactly the night's hand edits on the checkout Deployment", () => {
    const desired = load("deployment.desired.json");
    const logShipper = (desired as { spec: { template: { spec: { containers: unknown[] } } } }).spec
      .template.spec.containers[0];
    expect(drift(desired, load("deployment.live.json"))).toEqual([
      { kind: "added", path: "/metadata/labels/debug", actual: "true" },
      { kind: "changed", path: "/spec/replicas", desired: 3, actual: 5 },
      { kind: "removed", path: "/spec/template/spec/containers/log-shipper", desired: logShipper },
      {
        kind: "changed",
        path: "/spec/template/spec/containers/checkout/image",
        desired: DESIRED_IMAGE,
        actual: HOTFIX_IMAGE,
      },
      {
        kind: "changed",
        path: "/spec/template/spec/containers/checkout/env/LOG_LEVEL/value",
        desired: "info",
        actual: "debug",
      },
      {
        kind: "added",
        path: `/spec/template/spec/containers/checkout/env/${RELOADER_ENV}`,
        actual: { name: RELOADER_ENV, value: "3c1f0e9a7b5d2c4e6f8a0b1c2d3e4f5a6b7c8d9e" },
      },
    ]);
  });

  it("leaves out what an Argo CD-style ignore list leaves out: HPA replicas, Reloader's env var", () => {
    const report = drift(load("deployment.desired.json"), load("deployment.live.json"), {
      ignore: ["/spec/replicas", `/spec/template/spec/containers/*/env/${RELOADER_ENV}`],
    });
    expect(report.map((entry) => `${entry.kind} ${entry.path}`)).toEqual([
      "added /metadata/labels/debug",
      "removed /spec/template/spec/containers/log-shipper",
      "changed /spec/template/spec/containers/checkout/image",
      "changed /spec/template/spec/containers/checkout/env/LOG_LEVEL/value",
    ]);
  });

  it("reports nothing for the Deployment once the hand edits are undone", () => {
    const desired = load("deployment.desired.json");
    const live = load("deployment.live.json") as {
      metadata: { labels: Record<string, string> };
      spec: { replicas: number; template: { spec: { containers: Json[] } } };
    };
    delete live.metadata.labels.debug;
    live.spec.replicas = 3;
    const [checkout] = live.spec.template.spec.containers as [Json];
    checkout.image = DESIRED_IMAGE;
    checkout.env = [
      { name: "LOG_LEVEL", value: "info" },
      { name: "PAYMENTS_URL", value: "http://payments.shop.svc.cluster.local:8080" },
    ];
    // The log-shipper container back, as the API returns it: with its defaults filled in.
    live.spec.template.spec.containers.push({
      args: ["--config", "/fluent-bit/etc/fluent-bit.yaml"],
      image: "cr.fluentbit.io/fluent/fluent-bit:3.1.9",
      imagePullPolicy: "IfNotPresent",
      name: "log-shipper",
      resources: {},
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
      volumeMounts: [{ mountPath: "/var/log/checkout", name: "logs", readOnly: true }],
    });
    expect(drift(desired, live)).toEqual([]);
  });

  it("reports nothing for a Service that matches its manifest", () => {
    expect(drift(load("service.desired.json"), load("service.live.json"))).toEqual([]);
  });

  it("reports a Service turned into a NodePort by hand", () => {
    const live = load("service.live.json") as { spec: { type: string; ports: Json[] } };
    live.spec.type = "NodePort";
    (live.spec.ports[0] as Json).nodePort = 31_234;
    expect(drift(load("service.desired.json"), live)).toEqual([
      { kind: "added", path: "/spec/ports/80/nodePort", actual: 31_234 },
      { kind: "added", path: "/spec/type", actual: "NodePort" },
    ]);
  });
});

describe("step 8 — when the live object is missing or unreadable", () => {
  const desired = () => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "checkout", uid: "stale-uid-from-an-export" },
    spec: { replicas: 3 },
    status: { replicas: 3 },
  });
  const withoutServerFields = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "checkout" },
    spec: { replicas: 3 },
  };

  it.each([
    ["undefined", undefined],
    ["null", null],
  ])("reports the whole object as removed when actual is %s", (_, actual) => {
    expect(drift(desired(), actual)).toEqual([
      { kind: "removed", path: "", desired: withoutServerFields },
    ]);
  });

  it("keeps the fields that equal a server default in the desired object it reports", () => {
    const pinned = {
      kind: "Deployment",
      metadata: { name: "checkout", namespace: "shop" },
      spec: { revisionHistoryLimit: 10, template: { spec: { restartPolicy: "Always" } } },
    };
    expect(drift(pinned, undefined)).toEqual([{ kind: "removed", path: "", desired: pinned }]);
  });

  it("reports {} when the desired object had nothing but ignored fields", () => {
    expect(drift({ metadata: { uid: "u-1" }, status: { replicas: 1 } }, undefined)).toEqual([
      { kind: "removed", path: "", desired: {} },
    ]);
  });

  it("reads a 404 Status from the API as a missing object", () => {
    expect(drift(desired(), load("status-404.json"))).toEqual([
      { kind: "removed", path: "", desired: withoutServerFields },
    ]);
  });

  it("goes by the code alone: a 404 Status is missing whatever its reason", () => {
    const notFound = { ...load("status-404.json"), reason: "" };
    expect(drift(desired(), notFound)).toEqual([
      { kind: "removed", path: "", desired: withoutServerFields },
    ]);
    const { reason: _, ...noReason } = load("status-404.json");
    expect(drift(desired(), noReason)).toEqual([
      { kind: "removed", path: "", desired: withoutServerFields },
    ]);
  });

  it('does not read the string "404" as a 404: that Status is a LiveStateError with code 0', () => {
    const error = thrownBy(() => drift(desired(), { ...load("status-404.json"), code: "404" }));
    expect(error).toBeInstanceOf(LiveStateError);
    expect(error).toMatchObject({
      code: 0,
      reason: "NotFound",
      message: 'the API answered 0 NotFound: deployments.apps "checkout" not found',
    });
  });

  it('reads a Status field that is missing or of another type as its zero value: 0 or ""', () => {
    const error = thrownBy(() => drift(desired(), { kind: "Status", status: "Failure" }));
    expect(error).toBeInstanceOf(LiveStateError);
    expect(error).toMatchObject({ code: 0, reason: "", message: "the API answered 0 : " });
    const typed = new LiveStateError({ code: "503", reason: 503, message: { text: "down" } });
    expect(typed).toMatchObject({
      name: "LiveStateError",
      code: 0,
      reason: "",
      message: "the API answered 0 : ",
    });
    const status = new LiveStateError({ code: 503, reason: "ServiceUnavailable", message: "down" });
    expect(status).toMatchObject({
      code: 503,
      reason: "ServiceUnavailable",
      message: "the API answered 503 ServiceUnavailable: down",
    });
  });

  it.each([
    [
      "status-403.json",
      403,
      "Forbidden",
      'deployments.apps "checkout" is forbidden: User "system:serviceaccount:ci:drift-bot" cannot get resource "deployments" in API group "apps" in the namespace "shop"',
    ],
    ["status-429.json", 429, "TooManyRequests", "Too many requests, please try again later."],
    [
      "status-500.json",
      500,
      "InternalError",
      "Internal error occurred: etcdserver: request timed out",
    ],
  ])("throws a LiveStateError for any other Status: %s", (file, code, reason, message) => {
    const error = thrownBy(() => drift(desired(), load(file)));
    expect(error).toBeInstanceOf(LiveStateError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: "LiveStateError",
      code,
      reason,
      message: `the API answered ${code} ${reason}: ${message}`,
    });
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["a list", [{ kind: "Deployment" }]],
    ["a string", '{"kind":"Deployment"}'],
    ["a number", 42],
  ])("rejects %s as desired with a TypeError", (_, value) => {
    const error = thrownBy(() => drift(value, {}));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("desired must be a JSON object");
  });

  it.each([
    ["a list", []],
    ["a string", "{}"],
    ["a number", 0],
    ["false", false],
  ])("rejects %s as actual with a TypeError", (_, value) => {
    const error = thrownBy(() => drift({}, value));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("actual must be a JSON object, null or undefined");
  });

  it("refuses to compare two different objects: another kind, another name", () => {
    const object = (kind: string | undefined, name: string | undefined) => ({
      ...(kind === undefined ? {} : { kind }),
      metadata: name === undefined ? {} : { name },
    });
    const message = (error: unknown) => {
      expect(error).toBeInstanceOf(TypeError);
      return (error as Error).message;
    };
    expect(
      message(
        thrownBy(() => drift(object("Deployment", "checkout"), object("Service", "checkout"))),
      ),
    ).toBe(
      'desired and actual are not the same object: Deployment "checkout" vs Service "checkout"',
    );
    expect(
      message(
        thrownBy(() => drift(object("Deployment", "checkout"), object("Deployment", "cart"))),
      ),
    ).toBe(
      'desired and actual are not the same object: Deployment "checkout" vs Deployment "cart"',
    );
    expect(
      message(thrownBy(() => drift(object(undefined, "checkout"), object("Deployment", "cart")))),
    ).toBe('desired and actual are not the same object: ? "checkout" vs Deployment "cart"');
    expect(
      message(thrownBy(() => drift(object("Job", undefined), object("CronJob", "nightly")))),
    ).toBe('desired and actual are not the same object: Job "?" vs CronJob "nightly"');
  });

  it("reads a kind or a name set to null as missing: no kind, no name", () => {
    expect(
      drift(
        { kind: null, metadata: { name: "web" } },
        { kind: "Service", metadata: { name: "web" } },
      ),
      "not two different objects: compared as usual",
    ).toEqual([{ kind: "added", path: "/kind", actual: "Service" }]);
    expect(
      drift(
        { kind: "Service", metadata: { name: null } },
        { kind: "Service", metadata: { name: "web" } },
      ),
    ).toEqual([{ kind: "added", path: "/metadata/name", actual: "web" }]);
    expect(
      drift({ kind: null, spec: {} }, { kind: "Service", spec: { sessionAffinity: "None" } }),
      "the kind comes from actual, so a Service's defaults apply",
    ).toEqual([{ kind: "added", path: "/kind", actual: "Service" }]);
  });

  it("compares a kind and a name exactly, counting any value but null as one", () => {
    const message = (action: () => unknown) => {
      const error = thrownBy(action);
      expect(error).toBeInstanceOf(TypeError);
      return (error as Error).message;
    };
    expect(
      message(() =>
        drift({ kind: 5, metadata: { name: "x" } }, { kind: "5", metadata: { name: "x" } }),
      ),
      '5 and "5" are two kinds: compared with ===, not by their text',
    ).toBe('desired and actual are not the same object: 5 "x" vs 5 "x"');
    expect(
      message(() =>
        drift({ kind: "Job", metadata: { name: "" } }, { kind: "Job", metadata: { name: "cron" } }),
      ),
      'an empty name is a name: "" is not missing',
    ).toBe('desired and actual are not the same object: Job "" vs Job "cron"');
    expect(
      drift({ kind: "Job", metadata: "cron" }, { kind: "Job", metadata: { name: "cron" } }),
      "a metadata that is not an object holds no name: compared as usual",
    ).toEqual([{ kind: "changed", path: "/metadata", desired: "cron", actual: { name: "cron" } }]);
  });

  it('writes an empty kind as String() writes it: nothing, then the space (  "?" vs Service "?")', () => {
    const error = thrownBy(() => drift({ kind: "", spec: {} }, { kind: "Service", spec: {} }));
    expect(error, 'a kind of "" is a kind, and it differs from "Service"').toBeInstanceOf(
      TypeError,
    );
    expect((error as Error).message).toBe(
      'desired and actual are not the same object:  "?" vs Service "?"',
    );
  });

  it("checks in order: desired, then the patterns, then actual, then a Status, then the identity", () => {
    const bad = { ignore: ["no-slash"] };
    const typeError = (action: () => unknown) => {
      const error = thrownBy(action);
      expect(error).toBeInstanceOf(TypeError);
      return (error as Error).message;
    };
    expect(typeError(() => drift(42, "not an object", bad))).toBe("desired must be a JSON object");
    for (const actual of ["not an object", undefined, load("status-500.json")]) {
      expect(
        thrownBy(() => drift(desired(), actual, bad)),
        String(actual),
      ).toBeInstanceOf(SyntaxError);
    }
    expect(typeError(() => drift({ kind: "Service" }, 42))).toBe(
      "actual must be a JSON object, null or undefined",
    );
  });

  it("reports another apiVersion of the same object as changed, not as another object", () => {
    const at = (apiVersion: string) => ({
      apiVersion,
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web" },
    });
    expect(drift(at("autoscaling/v2"), at("autoscaling/v1"))).toEqual([
      { kind: "changed", path: "/apiVersion", desired: "autoscaling/v2", actual: "autoscaling/v1" },
    ]);
  });

  it("compares two objects when only one side has a kind", () => {
    expect(
      drift({ kind: "ConfigMap", metadata: { name: "x" } }, { metadata: { name: "x" } }),
    ).toEqual([{ kind: "removed", path: "/kind", desired: "ConfigMap" }]);
    expect(
      drift({ metadata: { name: "x" } }, { kind: "ConfigMap", metadata: { name: "x" } }),
    ).toEqual([{ kind: "added", path: "/kind", actual: "ConfigMap" }]);
  });

  it("compares two objects that only one side names", () => {
    const unnamed = { kind: "ConfigMap", data: { a: "1" } };
    expect(
      drift(unnamed, { kind: "ConfigMap", metadata: { name: "x" }, data: { a: "1" } }),
    ).toEqual([{ kind: "added", path: "/metadata", actual: { name: "x" } }]);
  });
});
