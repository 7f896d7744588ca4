import { describe, expect, it, vi } from "vitest";
import {
  countBy,
  deepEqual,
  deepFreeze,
  endpoints,
  mostCommon,
  positions,
  type Server,
  sortBy,
  sortByPort,
  zipStrict,
} from "./python-idioms";

/** A server record; `id` tells apart records that are equal on name and port. */
const server = (name: string, port: number, id = name) => ({ name, port, id });

const names = (servers: readonly { name: string }[]) => servers.map((s) => s.name);

describe("step 1 — sorting servers by port", () => {
  it("sorts by port as numbers, not as text (80 before 443 before 8080)", () => {
    const servers = [
      server("metrics", 9100),
      server("web", 8080),
      server("tls", 443),
      server("ssh", 22),
      server("http", 80),
    ];
    expect(sortByPort(servers).map((s) => s.port)).toEqual([22, 80, 443, 8080, 9100]);
  });

  it("returns the same records, not copies", () => {
    const ssh = server("ssh", 22);
    const web = server("web", 80);
    const sorted = sortByPort([web, ssh]);
    expect(sorted[0], "the ssh record itself").toBe(ssh);
    expect(sorted[1], "the web record itself").toBe(web);
  });

  it("leaves the input array as it was: the caller's list is not reordered", () => {
    const servers = [server("web", 8080), server("ssh", 22), server("dns", 53)];
    const before = [...servers];
    const sorted = sortByPort(servers);
    expect(sorted.map((s) => s.port)).toEqual([22, 53, 8080]);
    expect(servers, "sortByPort must not sort its argument in place").toEqual(before);
  });

  it("returns a new array even when there is nothing to reorder", () => {
    const one = [server("ssh", 22)];
    const sorted = sortByPort(one);
    expect(sorted).toEqual(one);
    expect(sorted, "a new array: pushing to the result must not change the input").not.toBe(one);
    const empty: Server[] = [];
    const none = sortByPort(empty);
    expect(none).toEqual([]);
    expect(none).not.toBe(empty);
  });

  it("breaks ties on port by name", () => {
    const servers = [
      server("web-3", 80),
      server("web-1", 80),
      server("db", 5432),
      server("web-2", 80),
    ];
    expect(names(sortByPort(servers))).toEqual(["web-1", "web-2", "web-3", "db"]);
  });

  it("compares names code unit by code unit, like < does: capitals before lower case", () => {
    const servers = [server("api", 80), server("Web", 80), server("Admin", 80), server("web", 80)];
    expect(
      names(sortByPort(servers)),
      '"A" (65) < "W" (87) < "a" (97) < "w" (119), not the dictionary order localeCompare uses',
    ).toEqual(["Admin", "Web", "api", "web"]);
    const wide = [server("\uFF61", 80), server("\u{1F600}", 80)];
    expect(
      names(sortByPort(wide)),
      '"\\u{1F600}" is the code units D83D DE00, and D83D < FF61: by code point it would come after',
    ).toEqual(["\u{1F600}", "\uFF61"]);
  });

  it("keeps records equal on port and name in their input order (a stable sort)", () => {
    const servers = [
      server("web", 80, "third-in-rack"),
      server("web", 80, "first-in-rack"),
      server("db", 22, "db"),
      server("web", 80, "second-in-rack"),
    ];
    expect(sortByPort(servers).map((s) => s.id)).toEqual([
      "db",
      "third-in-rack",
      "first-in-rack",
      "second-in-rack",
    ]);
  });
  it("compares any port as a number, not as text of a fixed width: 99999 before 100000, 9.5 between 9 and 10", () => {
    const servers = [
      server("big", 100000),
      server("max", 99999),
      server("ten", 10),
      server("half", 9.5),
      server("nine", 9),
      server("zero", 0),
      server("minus", -1),
      server("top", Infinity),
      server("bottom", -Infinity),
    ];
    expect(
      names(sortByPort(servers)),
      "sortByPort does not validate ports (endpoints does): any number but NaN is sorted numerically",
    ).toEqual(["bottom", "minus", "zero", "nine", "half", "ten", "max", "big", "top"]);
  });

  it("breaks ties by name between two Infinity ports, and two -Infinity ports, too", () => {
    const servers = [
      server("zeta", Infinity),
      server("omega", -Infinity),
      server("alpha", Infinity),
      server("web", 80),
      server("beta", -Infinity),
    ];
    expect(
      names(sortByPort(servers)),
      "Infinity equals Infinity: same port, so by name (though Infinity - Infinity is NaN)",
    ).toEqual(["beta", "omega", "web", "alpha", "zeta"]);
  });
});

describe("step 2 — immutable records", () => {
  const config = () => ({
    service: "web",
    replicas: 3,
    ports: [80, 443],
    limits: { cpu: "500m", memory: { request: "256Mi", limit: "512Mi" } },
    tags: [{ key: "team", value: "platform" }],
  });

  it("returns the very object it was given, frozen", () => {
    const value = config();
    const frozen = deepFreeze(value);
    expect(frozen, "the same object, not a frozen copy").toBe(value);
    expect(Object.isFrozen(value)).toBe(true);
  });

  it("freezes every nested object and array, at any depth", () => {
    const value = config();
    deepFreeze(value);
    expect(Object.isFrozen(value.ports), "ports").toBe(true);
    expect(Object.isFrozen(value.limits), "limits").toBe(true);
    expect(Object.isFrozen(value.limits.memory), "limits.memory").toBe(true);
    expect(Object.isFrozen(value.tags), "tags").toBe(true);
    expect(Object.isFrozen(value.tags[0]), "tags[0]").toBe(true);
  });

  it("makes changes fail loudly at run time (modules run in strict mode)", () => {
    const value = config();
    deepFreeze(value);
    expect(() => {
      (value as { replicas: number }).replicas = 10;
    }).toThrow(TypeError);
    expect(() => value.ports.push(8080)).toThrow(TypeError);
    expect(() => {
      value.limits.memory.limit = "1Gi";
    }).toThrow(TypeError);
    expect(value.limits.memory.limit).toBe("512Mi");
    expect(value.ports).toEqual([80, 443]);
  });

  it("freezes an array of records too", () => {
    const servers = [server("web", 80), server("db", 5432)];
    deepFreeze(servers);
    expect(Object.isFrozen(servers)).toBe(true);
    expect(
      servers.every((s) => Object.isFrozen(s)),
      "every record in the array",
    ).toBe(true);
  });

  it("freezes what an array holds under its other own keys too, not only its items", () => {
    const list = Object.assign([{ id: 1 }], { meta: { source: "inventory" } });
    deepFreeze(list);
    expect(Object.isFrozen(list[0]), "the item").toBe(true);
    expect(
      Object.isFrozen(list.meta),
      "meta is under an own, enumerable, string key (Object.values gives it): frozen too",
    ).toBe(true);
  });

  it("freezes at any depth: 1,000 levels of nesting, down to the innermost object", () => {
    // Objects and arrays in turn, 1,000 levels deep (the README's limit): no depth cut-off.
    const innermost = { level: "innermost" };
    let value: unknown = innermost;
    const levels: object[] = [innermost];
    for (let depth = 1; depth < 1000; depth++) {
      value = depth % 2 === 0 ? { child: value } : [value];
      levels.push(value as object);
    }
    deepFreeze(value);
    const open = levels.filter((level) => !Object.isFrozen(level)).length;
    expect(open, "objects and arrays left unfrozen, out of 1,000 nested levels").toBe(0);
    expect(Object.isFrozen(innermost), "the innermost object, 1,000 levels down").toBe(true);
  });

  it("still walks into an object that someone already froze (Object.freeze is shallow)", () => {
    const inner = { level: "info" };
    const list = [{ level: "debug" }];
    const shallow = Object.freeze({ logging: inner, handlers: list });
    deepFreeze(shallow);
    expect(Object.isFrozen(inner), "the object inside the already-frozen one").toBe(true);
    expect(Object.isFrozen(list), "the array inside the already-frozen one").toBe(true);
    expect(Object.isFrozen(list[0])).toBe(true);
  });

  it("still walks into an already-frozen object found deep inside, not only at the top", () => {
    const ports = [80];
    const frozenLimits = Object.freeze({ ports, memory: { limit: "512Mi" } });
    const value = { name: "web", nested: { limits: frozenLimits } };
    deepFreeze(value);
    expect(Object.isFrozen(ports), "the array inside the frozen nested object").toBe(true);
    expect(() => ports.push(443)).toThrow(TypeError);
    expect(Object.isFrozen(frozenLimits.memory)).toBe(true);
  });

  it("freezes every object it finds, plain or not: a class instance, a Map, a Date", () => {
    class Endpoint {
      constructor(
        public host: string,
        public tags: string[],
      ) {}
    }
    const endpoint = new Endpoint("web-1", ["prod"]);
    const routes = new Map([["/", "web"]]);
    const deployedAt = new Date(0);
    const value = { endpoint, routes, deployedAt };
    deepFreeze(value);
    expect(Object.isFrozen(endpoint), "the class instance").toBe(true);
    expect(Object.isFrozen(endpoint.tags), "an array inside the class instance").toBe(true);
    expect(Object.isFrozen(routes), "the Map object itself").toBe(true);
    expect(Object.isFrozen(deployedAt), "the Date object itself").toBe(true);
  });

  it("does not walk what a Map or a Set holds: an object stored in one is left unfrozen", () => {
    const web = { port: 80 };
    const key = { region: "eu" };
    const tag = { name: "prod" };
    const routes = new Map<unknown, unknown>([
      ["/", web],
      [key, "eu-web"],
    ]);
    const tags = new Set([tag]);
    deepFreeze({ routes, tags });
    expect(Object.isFrozen(routes), "the Map object itself is frozen").toBe(true);
    expect(Object.isFrozen(tags), "the Set object itself is frozen").toBe(true);
    expect(Object.isFrozen(web), "a Map value: Object.values(map) does not give it").toBe(false);
    expect(Object.isFrozen(key), "a Map key").toBe(false);
    expect(Object.isFrozen(tag), "a Set item").toBe(false);
  });

  it('freezes an object with no prototype too (typeof says "object", instanceof Object does not)', () => {
    const labels: Record<string, unknown> = Object.create(null);
    labels.team = "platform";
    const limits: Record<string, unknown> = Object.create(null);
    limits.ports = [80];
    const value = { name: "web", labels, nested: { limits } };
    deepFreeze(value);
    expect(Object.isFrozen(labels), "an Object.create(null) dictionary inside").toBe(true);
    expect(Object.isFrozen(limits), "an Object.create(null) dictionary deep inside").toBe(true);
    expect(Object.isFrozen(limits.ports), "an array inside the prototype-less object").toBe(true);
    const top: Record<string, unknown> = Object.create(null);
    top.tags = ["prod"];
    expect(deepFreeze(top)).toBe(top);
    expect(Object.isFrozen(top), "an Object.create(null) dictionary at the top").toBe(true);
    expect(Object.isFrozen(top.tags), "an array inside it").toBe(true);
  });

  it("walks only the object's own properties: what it inherits is left alone", () => {
    const defaults = { retries: 3 };
    const shared = { defaults }; // an enumerable property on the prototype
    const config: { own: { level: string }; defaults?: unknown } = Object.create(shared);
    config.own = { level: "info" };
    deepFreeze(config);
    expect(Object.isFrozen(config.own), "an own property is walked").toBe(true);
    expect(Object.isFrozen(shared), "the prototype is not the object's own: not frozen").toBe(
      false,
    );
    expect(Object.isFrozen(defaults), "nor what the prototype holds").toBe(false);
  });

  it("copes with a value that refers to itself", () => {
    const node: { name: string; parent?: unknown; children: unknown[] } = {
      name: "root",
      children: [],
    };
    const child = { name: "leaf", parent: node };
    node.children.push(child);
    node.parent = node;
    expect(deepFreeze(node)).toBe(node);
    expect(Object.isFrozen(node)).toBe(true);
    expect(Object.isFrozen(node.children)).toBe(true);
    expect(Object.isFrozen(child)).toBe(true);
  });

  it("returns strings, numbers, booleans, null and undefined unchanged", () => {
    expect(deepFreeze("web")).toBe("web");
    expect(deepFreeze(443)).toBe(443);
    expect(deepFreeze(false)).toBe(false);
    expect(deepFreeze(null)).toBeNull();
    expect(deepFreeze(undefined)).toBeUndefined();
  });
});

describe("step 3 — identity and equality", () => {
  it("finds two records with the same fields equal, though === says they are two objects", () => {
    const a = { name: "web", port: 80 };
    const b = { name: "web", port: 80 };
    expect(a === b, "=== compares identity (Python's `is`)").toBe(false);
    expect(deepEqual(a, b)).toBe(true);
    expect(deepEqual(a, a)).toBe(true);
  });

  it("tells records apart by any field", () => {
    expect(deepEqual({ name: "web", port: 80 }, { name: "web", port: 8080 })).toBe(false);
    expect(deepEqual({ name: "web", port: 80 }, { name: "Web", port: 80 })).toBe(false);
  });

  it("ignores the order of keys, as Python dicts do", () => {
    expect(deepEqual({ name: "web", port: 80 }, { port: 80, name: "web" })).toBe(true);
  });

  it("needs the same keys: one key more or less is a difference", () => {
    expect(deepEqual({ name: "web" }, { name: "web", port: 80 })).toBe(false);
    expect(deepEqual({ name: "web", port: 80 }, { name: "web" })).toBe(false);
    expect(deepEqual({ a: 1, b: 2 }, { a: 1, c: 2 })).toBe(false);
  });

  it("does not treat a key set to undefined as a missing key", () => {
    expect(deepEqual({ name: "web", owner: undefined }, { name: "web" })).toBe(false);
    expect(deepEqual({ name: "web" }, { name: "web", owner: undefined })).toBe(false);
    expect(deepEqual({ owner: undefined }, { team: undefined })).toBe(false);
    expect(deepEqual({ owner: undefined }, { owner: undefined })).toBe(true);
  });

  it("compares arrays element by element, in order", () => {
    expect(deepEqual([80, 443], [80, 443])).toBe(true);
    expect(deepEqual([80, 443], [443, 80])).toBe(false);
    expect(deepEqual([80, 443], [80])).toBe(false);
    expect(deepEqual([80], [80, 443])).toBe(false);
    expect(deepEqual([], [])).toBe(true);
  });

  it("compares nested records and lists at any depth", () => {
    const desired = { name: "web", ports: [80, 443], limits: { memory: { limit: "512Mi" } } };
    expect(
      deepEqual(desired, { name: "web", ports: [80, 443], limits: { memory: { limit: "512Mi" } } }),
    ).toBe(true);
    expect(
      deepEqual(desired, { name: "web", ports: [80, 443], limits: { memory: { limit: "1Gi" } } }),
    ).toBe(false);
    expect(deepEqual([{ port: 80 }], [{ port: 81 }])).toBe(false);
    expect(deepEqual({ ports: [80, [443]] }, { ports: [80, [8443]] })).toBe(false);
  });

  it("never equates an array with an object, even one with the same indexes", () => {
    expect(deepEqual([], {})).toBe(false);
    expect(deepEqual({}, [])).toBe(false);
    expect(deepEqual(["web"], { 0: "web" })).toBe(false);
    expect(deepEqual({ 0: "web" }, ["web"])).toBe(false);
  });

  it("never equates a primitive with an object or an array", () => {
    expect(deepEqual(0, {})).toBe(false);
    expect(deepEqual({}, 0)).toBe(false);
    expect(deepEqual("", [])).toBe(false);
    expect(deepEqual([], "")).toBe(false);
    expect(deepEqual("ab", ["a", "b"]), "a string is not the array of its characters").toBe(false);
    expect(deepEqual({ 0: "a", 1: "b" }, "ab")).toBe(false);
    expect(deepEqual(undefined, {})).toBe(false);
    expect(deepEqual([undefined], undefined)).toBe(false);
  });

  it("compares primitives without converting them: 1 is not '1', null is not undefined", () => {
    expect(deepEqual(80, 80)).toBe(true);
    expect(deepEqual("web", "web")).toBe(true);
    expect(deepEqual(80, "80")).toBe(false);
    expect(deepEqual(0, false)).toBe(false);
    expect(deepEqual("", false)).toBe(false);
    expect(deepEqual(null, undefined)).toBe(false);
    expect(deepEqual(null, null)).toBe(true);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual({}, null)).toBe(false);
    expect(deepEqual({ port: 80 }, { port: "80" })).toBe(false);
  });

  it("compares arrays index by index: an empty slot (a hole) reads as undefined", () => {
    // biome-ignore lint/suspicious/noSparseArray: a hole is the point of this test
    const holey = [, 1];
    expect(deepEqual(holey, [undefined, 1]), "a[0] is undefined in both").toBe(true);
    expect(deepEqual([undefined, 1], holey)).toBe(true);
    expect(deepEqual(holey, [5, 1]), "the hole is undefined, not 5").toBe(false);
    expect(deepEqual([5, 1], holey)).toBe(false);
    // biome-ignore lint/suspicious/noSparseArray: a hole is the point of this test
    expect(deepEqual([1, , 3], [1, null, 3]), "undefined is not null").toBe(false);
  });

  it("compares only the items of arrays, not other properties set on them", () => {
    const tagged = Object.assign(["web", "db"], { source: "inventory.json" });
    expect(deepEqual(tagged, ["web", "db"])).toBe(true);
    expect(deepEqual(["web", "db"], tagged)).toBe(true);
    expect(deepEqual(Object.assign(["web"], { source: "a" }), ["db"])).toBe(false);
  });

  it("compares any other object by its own keys, whatever its prototype", () => {
    class Endpoint {
      constructor(
        public host: string,
        public port: number,
      ) {}
    }
    expect(deepEqual(new Endpoint("web", 80), { host: "web", port: 80 })).toBe(true);
    expect(deepEqual({ host: "web", port: 80 }, new Endpoint("web", 80))).toBe(true);
    expect(deepEqual(new Endpoint("web", 80), { host: "web", port: 81 })).toBe(false);
    const bare: Record<string, unknown> = Object.create(null);
    bare.name = "web";
    expect(deepEqual(bare, { name: "web" }), "a null-prototype object is data too").toBe(true);
  });

  it("never compares inherited fields, even enumerable ones: only own keys count", () => {
    const inherits: { name: string; region?: string } = Object.create({ region: "eu" });
    inherits.name = "web";
    expect(
      deepEqual(inherits, { name: "web" }),
      "region is inherited, not an own key (for…in would visit it, Object.keys does not)",
    ).toBe(true);
    expect(deepEqual({ name: "web" }, inherits), "on either side").toBe(true);
    expect(
      deepEqual(inherits, { name: "web", region: "eu" }),
      "an own region is one key more",
    ).toBe(false);
  });

  it("compares a shared object each time it appears, not once", () => {
    const x = { v: 1 };
    expect(
      deepEqual([x, x], [x, { v: 2 }]),
      "the second x is compared with { v: 2 } too: not equal",
    ).toBe(false);
    expect(deepEqual({ a: x, b: x }, { a: x, b: { v: 2 } }), "the same for object fields").toBe(
      false,
    );
    expect(deepEqual([x, x], [{ v: 1 }, { v: 1 }]), "and equal when each copy is equal").toBe(true);
  });

  it("compares records whatever their fields are called, and objects with no prototype, on either side", () => {
    const record = () => JSON.parse('{"hasOwnProperty": 1, "constructor": "web"}') as unknown;
    expect(deepEqual(record(), record()), "a field may be called hasOwnProperty").toBe(true);
    expect(deepEqual(record(), JSON.parse('{"hasOwnProperty": 2, "constructor": "web"}'))).toBe(
      false,
    );
    const bare = (name: string) => Object.assign(Object.create(null) as object, { name });
    expect(deepEqual({ name: "web" }, bare("web")), "no prototype on the right").toBe(true);
    expect(deepEqual(bare("web"), bare("web")), "no prototype on either side").toBe(true);
    expect(deepEqual(bare("web"), bare("db"))).toBe(false);
    expect(deepEqual({ name: "web" }, bare("db"))).toBe(false);
  });

  it("compares the keys themselves, not a joined list of them: a key may hold a comma", () => {
    expect(
      deepEqual({ "a,b": undefined }, { a: undefined, b: undefined }),
      'one key "a,b" is not the two keys "a" and "b"',
    ).toBe(false);
    expect(deepEqual({ a: undefined, b: undefined }, { "a,b": undefined })).toBe(false);
    expect(
      deepEqual({ "a,b": 1, c: 1 }, { a: 1, "b,c": 1 }),
      "the same number of keys, joined the same, but not the same keys",
    ).toBe(false);
    expect(
      deepEqual({ "a,b": 1 }, { "a,b": 1 }),
      "a comma in a key is fine when both have it",
    ).toBe(true);
  });

  it("ignores symbol keys and non-enumerable properties: only Object.keys counts", () => {
    const id = Symbol("id");
    expect(deepEqual({ name: "web", [id]: 1 }, { name: "web" })).toBe(true);
    expect(deepEqual({ name: "web" }, { name: "web", [id]: 2 })).toBe(true);
    const hidden = Object.defineProperty({ name: "web" }, "secret", {
      value: "s3cr3t",
      enumerable: false,
    });
    expect(deepEqual(hidden, { name: "web" })).toBe(true);
    expect(deepEqual({ name: "web" }, hidden)).toBe(true);
  });

  it("does not count a non-enumerable property as a key, even when the other side has that key", () => {
    const hiddenX = Object.defineProperty({ y: 1 }, "x", { value: 1, enumerable: false });
    expect(
      deepEqual({ x: 1 }, hiddenX),
      "{ x: 1 } vs { y: 1 } with a non-enumerable x: x is not one of its keys (Object.keys gives only y)",
    ).toBe(false);
    expect(deepEqual(hiddenX, { x: 1 }), "the same, the other way round").toBe(false);
    expect(deepEqual(hiddenX, { y: 1 }), "only y counts").toBe(true);
  });

  it("matches an own key only with an own key: __proto__ from JSON.parse is not the inherited one", () => {
    const withProto = () => JSON.parse('{"__proto__": {}}') as object;
    expect(Object.keys(withProto()), "JSON.parse makes __proto__ an own key").toEqual([
      "__proto__",
    ]);
    expect(
      deepEqual(withProto(), { x: 1 }),
      "{ x: 1 } has no own key __proto__ (it only inherits the accessor): the keys differ",
    ).toBe(false);
    expect(deepEqual({ x: 1 }, withProto()), "the same, the other way round").toBe(false);
    expect(deepEqual(withProto(), withProto()), "own __proto__ on both sides, equal values").toBe(
      true,
    );
    expect(deepEqual(withProto(), JSON.parse('{"__proto__": {"a": 1}}'))).toBe(false);
  });

  it("finds NaN equal to NaN (=== does not), as Map keys and includes() do", () => {
    const notANumber = Number.NaN;
    expect([notANumber].indexOf(notANumber), "indexOf uses ===, which never finds NaN").toBe(-1);
    expect(deepEqual(Number.NaN, Number.NaN)).toBe(true);
    expect(deepEqual({ load: Number.NaN }, { load: Number.NaN })).toBe(true);
    expect(deepEqual(Number.NaN, 0)).toBe(false);
    expect(deepEqual(Number.NaN, null), "NaN is a number, null is not").toBe(false);
    expect(deepEqual({ load: null }, { load: Number.NaN })).toBe(false);
  });

  it("finds 0 equal to -0 (Object.is does not)", () => {
    expect(Object.is(0, -0), "Object.is tells 0 and -0 apart").toBe(false);
    expect(deepEqual(0, -0)).toBe(true);
    expect(deepEqual({ offset: -0 }, { offset: 0 })).toBe(true);
  });
});

describe("step 4 — counting with a Map", () => {
  const events = [
    { service: "api", level: "ERROR" },
    { service: "web", level: "INFO" },
    { service: "api", level: "WARN" },
    { service: "db", level: "ERROR" },
    { service: "api", level: "ERROR" },
    { service: "web", level: "error" },
  ];

  it("counts items per key, keys in the order they were first seen", () => {
    const counts = countBy(events, (e) => e.service);
    expect(counts).toBeInstanceOf(Map);
    expect([...counts]).toEqual([
      ["api", 3],
      ["web", 2],
      ["db", 1],
    ]);
  });

  it("compares keys exactly: 'ERROR' and 'error' are two keys", () => {
    expect([...countBy(events, (e) => e.level)]).toEqual([
      ["ERROR", 3],
      ["INFO", 1],
      ["WARN", 1],
      ["error", 1],
    ]);
  });

  it("keeps keys of any type as they are: the number 404 and the string '404' differ", () => {
    const statuses = [404, "404", 200, 404];
    const counts = countBy(statuses, (s) => s);
    expect([...counts]).toEqual([
      [404, 2],
      ["404", 1],
      [200, 1],
    ]);
    expect(counts.get(404)).toBe(2);
  });

  it("counts names a plain object would trip over: constructor, __proto__, toString", () => {
    const services = ["constructor", "__proto__", "toString", "constructor", "hasOwnProperty"];
    expect([...countBy(services, (s) => s)]).toEqual([
      ["constructor", 2],
      ["__proto__", 1],
      ["toString", 1],
      ["hasOwnProperty", 1],
    ]);
  });

  it("takes any iterable (a Set, a generator), and gives an empty Map for no items", () => {
    function* lines() {
      yield "GET /health";
      yield "POST /deploy";
      yield "GET /metrics";
    }
    expect([...countBy(lines(), (line) => line.split(" ")[0])]).toEqual([
      ["GET", 2],
      ["POST", 1],
    ]);
    expect([...countBy(new Set(["a", "bb", "cc"]), (s) => s.length)]).toEqual([
      [1, 1],
      [2, 2],
    ]);
    const empty = countBy([], (x) => x);
    expect(empty).toBeInstanceOf(Map);
    expect(empty.size).toBe(0);
  });

  it("iterates a string by characters (code points), as for…of does, not by UTF-16 code units", () => {
    expect(
      [...countBy("a\u{1F600}b\u{1F600}", (c) => c)],
      '"\u{1F600}" is one item of the string (two code units): split("") would count its halves',
    ).toEqual([
      ["a", 1],
      ["\u{1F600}", 2],
      ["b", 1],
    ]);
  });

  it("compares array keys as Map keys are, by identity: equal-looking arrays are two keys", () => {
    const prodEu = ["prod", "eu"];
    const fleet = [prodEu, ["prod", "eu"], prodEu, ["dev", "us"]];
    const counts = countBy(fleet, (pair) => pair);
    expect(
      [...counts],
      "two arrays built separately are two Map keys, unlike Python's tuples in a Counter",
    ).toEqual([
      [prodEu, 2],
      [["prod", "eu"], 1],
      [["dev", "us"], 1],
    ]);
    expect(counts.get(prodEu), "the first array is counted on its own").toBe(2);
    expect(counts.get(fleet[1] as string[]), "the second array is a key of its own").toBe(1);
  });

  it("calls the key function once per item, in order", () => {
    const key = vi.fn((e: { service: string }) => e.service);
    countBy(events, key);
    expect(key.mock.calls, "one call per item, with the item as its only argument").toEqual(
      events.map((e) => [e]),
    );
  });

  it("mostCommon lists every key, highest count first", () => {
    const counts = new Map([
      ["db", 1],
      ["api", 5],
      ["web", 3],
    ]);
    expect(mostCommon(counts)).toEqual([
      ["api", 5],
      ["web", 3],
      ["db", 1],
    ]);
  });

  it("mostCommon keeps equal counts in the order the keys were first seen", () => {
    const counts = new Map([
      ["web", 2],
      ["db", 3],
      ["api", 2],
      ["cache", 3],
      ["queue", 2],
    ]);
    expect(mostCommon(counts)).toEqual([
      ["db", 3],
      ["cache", 3],
      ["web", 2],
      ["api", 2],
      ["queue", 2],
    ]);
  });

  it("mostCommon keeps equal counts in first-seen order whichever way the keys would sort", () => {
    const ascending = new Map([
      ["a", 1],
      ["b", 1],
      ["c", 1],
    ]);
    const descending = new Map([
      ["c", 1],
      ["b", 1],
      ["a", 1],
    ]);
    expect(mostCommon(ascending), "all counts equal: the Map's order, a b c").toEqual([
      ["a", 1],
      ["b", 1],
      ["c", 1],
    ]);
    expect(mostCommon(descending), "all counts equal: the Map's order, c b a").toEqual([
      ["c", 1],
      ["b", 1],
      ["a", 1],
    ]);
    const mixed = new Map([
      ["z", 1],
      ["top", 9],
      ["a", 1],
    ]);
    expect(mostCommon(mixed), "the tie z, a keeps its order behind the higher count").toEqual([
      ["top", 9],
      ["z", 1],
      ["a", 1],
    ]);
  });

  it("mostCommon(counts, n) gives the first n only", () => {
    const counts = countBy("abracadabra", (c) => c);
    expect(mostCommon(counts, 3)).toEqual([
      ["a", 5],
      ["b", 2],
      ["r", 2],
    ]);
    expect(mostCommon(counts, 1)).toEqual([["a", 5]]);
    expect(mostCommon(counts, 0)).toEqual([]);
  });

  it("mostCommon with n larger than the number of keys gives them all", () => {
    const counts = new Map([
      ["x", 1],
      ["y", 2],
    ]);
    expect(mostCommon(counts, 10)).toEqual([
      ["y", 2],
      ["x", 1],
    ]);
    expect(mostCommon(new Map(), 3)).toEqual([]);
    for (const n of [2 ** 53, 1e21]) {
      expect(mostCommon(counts, n), `${n} is a whole number too`).toEqual([
        ["y", 2],
        ["x", 1],
      ]);
    }
  });

  it("mostCommon(counts, undefined) gives them all, as when n is omitted; -0 counts as 0", () => {
    const counts = new Map([
      ["x", 1],
      ["y", 2],
    ]);
    expect(mostCommon(counts, undefined)).toEqual([
      ["y", 2],
      ["x", 1],
    ]);
    expect(mostCommon(counts, -0), "-0 is a whole number >= 0: none").toEqual([]);
  });

  it("mostCommon leaves the Map it was given as it was", () => {
    const counts = new Map([
      ["web", 1],
      ["api", 2],
    ]);
    mostCommon(counts, 1);
    expect([...counts]).toEqual([
      ["web", 1],
      ["api", 2],
    ]);
  });

  it.each([
    [-1, "-1"],
    [1.5, "1.5"],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    [null, "null"],
    ["3", "3"],
    [new Number(3), "3"], // a Number object is not a number to Number.isInteger
    [Symbol("n"), "Symbol(n)"],
  ])("mostCommon(counts, %s) throws a RangeError: n must be a whole number >= 0", (n, shown) => {
    const counts = new Map([["a", 1]]);
    const call = () => mostCommon(counts, n as number);
    expect(call).toThrow(RangeError);
    expect(call).toThrow(`n must be a whole number >= 0 (got ${shown})`);
  });

  it.each([
    [-1, "-1"],
    [Number.NaN, "NaN"],
    ["3", "3"],
  ])(
    "mostCommon(new Map(), %s) throws too: n is checked even when there is nothing to count",
    (n, shown) => {
      const call = () => mostCommon(new Map(), n as number);
      expect(call, "an empty Map does not excuse a bad n").toThrow(RangeError);
      expect(call).toThrow(`n must be a whole number >= 0 (got ${shown})`);
    },
  );
});

describe("step 5 — enumerate, zip and comprehensions", () => {
  it("positions maps each name to its index, counting from 0", () => {
    const result = positions(["web", "db", "cache"]);
    expect(result).toBeInstanceOf(Map);
    expect([...result]).toEqual([
      ["web", 0],
      ["db", 1],
      ["cache", 2],
    ]);
  });

  it("positions keeps the LAST index of a repeated name, at its first place", () => {
    expect([...positions(["web", "db", "web", "cache", "db", "web"])]).toEqual([
      ["web", 5],
      ["db", 4],
      ["cache", 3],
    ]);
    expect(positions([]).size).toBe(0);
  });

  it("positions keeps names in the order they appear, even names like numbers or __proto__", () => {
    expect([...positions(["10", "2", "web", "__proto__", "2"])]).toEqual([
      ["10", 0],
      ["2", 4],
      ["web", 2],
      ["__proto__", 3],
    ]);
  });

  it("zipStrict pairs items by position", () => {
    expect(zipStrict(["web", "db", "cache"], [80, 5432, 6379])).toEqual([
      ["web", 80],
      ["db", 5432],
      ["cache", 6379],
    ]);
    expect(zipStrict([], [])).toEqual([]);
  });

  it("zipStrict refuses lists of different lengths instead of dropping the extra items", () => {
    expect(() => zipStrict(["web", "db", "cache"], [80, 5432])).toThrow(RangeError);
    expect(() => zipStrict(["web", "db", "cache"], [80, 5432])).toThrow(
      "zipStrict() argument 2 is shorter than argument 1",
    );
    expect(() => zipStrict(["web"], [80, 5432])).toThrow(RangeError);
    expect(() => zipStrict(["web"], [80, 5432])).toThrow(
      "zipStrict() argument 2 is longer than argument 1",
    );
    expect(() => zipStrict([], [80])).toThrow("zipStrict() argument 2 is longer than argument 1");
    expect(() => zipStrict(["web"], [])).toThrow(
      "zipStrict() argument 2 is shorter than argument 1",
    );
  });

  it("zipStrict keeps undefined items as they are (only the lengths matter)", () => {
    expect(zipStrict(["web", "db"], [undefined, 5432])).toEqual([
      ["web", undefined],
      ["db", 5432],
    ]);
  });

  it("endpoints lists host:port for every host and each of its ports, in order", () => {
    expect(
      endpoints([
        { host: "web-1", ports: [80, 443] },
        { host: "db-1", ports: [5432] },
        { host: "web-2", ports: [443, 80] },
      ]),
    ).toEqual(["web-1:80", "web-1:443", "db-1:5432", "web-2:443", "web-2:80"]);
  });

  it("endpoints keeps duplicates: a port or a server listed twice gives its endpoint twice", () => {
    expect(
      endpoints([
        { host: "web", ports: [80, 443, 80] },
        { host: "db", ports: [5432] },
        { host: "web", ports: [80] },
      ]),
      "one string per (server, usable port), in order, repeats included: no de-duplication",
    ).toEqual(["web:80", "web:443", "web:80", "db:5432", "web:80"]);
  });

  it("endpoints gives nothing for a host without ports, and nothing for no hosts", () => {
    expect(
      endpoints([
        { host: "spare", ports: [] },
        { host: "db", ports: [5432] },
      ]),
    ).toEqual(["db:5432"]);
    expect(endpoints([])).toEqual([]);
  });

  it("endpoints skips ports outside 1-65535 and ports that are not whole numbers", () => {
    expect(
      endpoints([
        {
          host: "h",
          ports: [0, 1, -1, 65535, 65536, 80.5, Number.NaN, Number.POSITIVE_INFINITY, 22],
        },
      ]),
    ).toEqual(["h:1", "h:65535", "h:22"]);
  });

  it("endpoints uses the host as given: no brackets around an IPv6 address", () => {
    expect(
      endpoints([
        { host: "::1", ports: [443] },
        { host: "fe80::1", ports: [22] },
      ]),
      'expected host, a colon and port, as the f-string writes them ("::1:443"), not the URL form "[::1]:443"',
    ).toEqual(["::1:443", "fe80::1:22"]);
  });
});

describe("step 6 — sorting with a key function", () => {
  const fleet = [
    { name: "web-1", env: "prod", cpu: 72 },
    { name: "db-1", env: "prod", cpu: 91 },
    { name: "web-2", env: "dev", cpu: 15 },
    { name: "cache", env: "staging", cpu: 91 },
    { name: "batch", env: "dev", cpu: 40 },
  ];

  it("sorts by a number key, ascending, into a new array", () => {
    const sorted = sortBy(fleet, (s) => s.cpu);
    expect(names(sorted)).toEqual(["web-2", "batch", "web-1", "db-1", "cache"]);
    expect(sorted).not.toBe(fleet);
    expect(names(fleet), "the input keeps its order").toEqual([
      "web-1",
      "db-1",
      "web-2",
      "cache",
      "batch",
    ]);
  });

  it("compares number keys as numbers: 9 before 10 before 100", () => {
    const disks = [{ gb: 100 }, { gb: 9 }, { gb: 10 }, { gb: 1000 }, { gb: 2 }];
    expect(sortBy(disks, (d) => d.gb).map((d) => d.gb)).toEqual([2, 9, 10, 100, 1000]);
    expect(sortBy([-5, 3, -20, 0], (n) => n)).toEqual([-20, -5, 0, 3]);
  });

  it("compares Infinity and -Infinity as numbers: two equal infinite keys are equal", () => {
    const disks = [
      { id: "a", gb: Number.POSITIVE_INFINITY },
      { id: "b", gb: 1 },
      { id: "c", gb: Number.NEGATIVE_INFINITY },
      { id: "d", gb: Number.POSITIVE_INFINITY },
      { id: "e", gb: Number.NEGATIVE_INFINITY },
    ];
    expect(
      sortBy(disks, (d) => d.gb).map((d) => d.id),
      "Infinity equals Infinity (Infinity - Infinity is NaN, but neither key is NaN): stable order",
    ).toEqual(["c", "e", "b", "a", "d"]);
    expect(
      sortBy(disks, (d) => [d.gb], { reverse: true }).map((d) => d.id),
      "inside tuples, and reversed",
    ).toEqual(["a", "d", "b", "c", "e"]);
  });

  it("compares 0 and -0 as equal numbers: items with those keys keep their input order", () => {
    const disks = [
      { id: "a", gb: 0 },
      { id: "b", gb: -0 },
      { id: "c", gb: 1 },
      { id: "d", gb: 0 },
    ];
    expect(
      sortBy(disks, (d) => d.gb).map((d) => d.id),
      "-0 equals 0 as a number (-0 === 0): they are equal keys, not -0 before 0",
    ).toEqual(["a", "b", "d", "c"]);
    expect(
      sortBy(disks, (d) => d.gb, { reverse: true }).map((d) => d.id),
      "reversed, equal keys still keep their input order",
    ).toEqual(["c", "a", "b", "d"]);
    expect(
      sortBy(disks, (d) => [1, d.gb], { reverse: true }).map((d) => d.id),
      "inside tuples too",
    ).toEqual(["c", "a", "b", "d"]);
  });

  it("compares string keys code unit by code unit", () => {
    expect(sortBy(["web", "Web", "api", "API", "10", "9"], (s) => s)).toEqual([
      "10",
      "9",
      "API",
      "Web",
      "api",
      "web",
    ]);
  });

  it("compares strings by code unit, not by code point as Python does", () => {
    expect(
      sortBy(["\uFF61", "\u{1F600}", "z"], (s) => s),
      '"\\u{1F600}" is the code units D83D DE00, and D83D < FF61',
    ).toEqual(["z", "\u{1F600}", "\uFF61"]);
    const tuples: SortItem[] = [
      ["web", "\uFF61"],
      ["web", "\u{1F600}"],
    ];
    expect(
      sortBy(tuples, (t) => t),
      "inside tuples too",
    ).toEqual([
      ["web", "\u{1F600}"],
      ["web", "\uFF61"],
    ]);
  });

  it("keeps items with equal keys in their input order (stable)", () => {
    expect(names(sortBy(fleet, (s) => s.env))).toEqual([
      "web-2",
      "batch",
      "web-1",
      "db-1",
      "cache",
    ]);
  });

  it("calls the key function exactly once per item", () => {
    const key = vi.fn((s: { cpu: number }) => s.cpu);
    sortBy(fleet, key);
    expect(key, "one call per item, however many comparisons the sort makes").toHaveBeenCalledTimes(
      fleet.length,
    );
    expect(key.mock.calls, "the item as the key function's only argument").toEqual(
      fleet.map((s) => [s]),
    );
  });

  it("compares tuple keys element by element: by env, then by cpu", () => {
    expect(names(sortBy(fleet, (s) => [s.env, -s.cpu])), "by env, busiest first").toEqual([
      "batch",
      "web-2",
      "db-1",
      "web-1",
      "cache",
    ]);
    expect(
      names(sortBy(fleet, (s) => [-s.cpu, s.name])),
      "highest cpu first, then by name",
    ).toEqual(["cache", "db-1", "web-1", "batch", "web-2"]);
  });

  it("puts a tuple that is a prefix of another first", () => {
    const versions = [[1, 2, 1], [1, 2], [1, 10], [1], [0, 99]];
    expect(sortBy(versions, (v) => v)).toEqual([[0, 99], [1], [1, 2], [1, 2, 1], [1, 10]]);
  });

  it("reverse: true sorts from highest to lowest", () => {
    expect(sortBy([3, 10, 1, 2], (n) => n, { reverse: true })).toEqual([10, 3, 2, 1]);
    expect(sortBy([3, 10, 1, 2], (n) => n, { reverse: false })).toEqual([1, 2, 3, 10]);
  });

  it("reverse: true still keeps equal keys in their input order, as Python's does", () => {
    expect(names(sortBy(fleet, (s) => s.cpu, { reverse: true }))).toEqual([
      "db-1",
      "cache",
      "web-1",
      "batch",
      "web-2",
    ]);
    expect(names(sortBy(fleet, (s) => s.env, { reverse: true }))).toEqual([
      "cache",
      "web-1",
      "db-1",
      "web-2",
      "batch",
    ]);
  });

  it("takes any iterable, and returns an empty array for no items", () => {
    expect(sortBy(new Set([3, 1, 2]), (n) => n)).toEqual([1, 2, 3]);
    expect(sortBy([], (n: number) => n)).toEqual([]);
  });

  it("returns a new array even for an empty array or a single item: never the input itself", () => {
    for (const items of [[], [7]]) {
      const sorted = sortBy(items, (n: number) => n);
      expect(sorted, `${JSON.stringify(items)}: same items`).toEqual(items);
      expect(
        sorted,
        `${JSON.stringify(items)}: a new array: pushing to the result must not change the input`,
      ).not.toBe(items);
    }
  });

  it("throws a TypeError for keys that cannot be compared: a number and a string", () => {
    for (const mixed of [
      [{ id: 10 }, { id: "9" }],
      [{ id: "9" }, { id: 10 }],
    ]) {
      expect(() => sortBy(mixed, (x) => x.id)).toThrow(TypeError);
      expect(() => sortBy(mixed, (x) => x.id)).toThrow("sortBy: cannot compare number with string");
    }
  });

  it("throws a TypeError for a tuple against a plain key, or mixed kinds inside tuples", () => {
    const cases: [SortItem[], string][] = [
      [[[1, "a"], 1], "sortBy: cannot compare number with tuple"],
      [[1, [1, "a"]], "sortBy: cannot compare number with tuple"],
      [[["web"], "web"], "sortBy: cannot compare string with tuple"],
      [["web", ["web"]], "sortBy: cannot compare string with tuple"],
      [
        [
          ["prod", 1],
          [2, "dev"],
        ],
        "sortBy: cannot compare number with string",
      ],
    ];
    for (const [items, message] of cases) {
      expect(() => sortBy(items, (x) => x), JSON.stringify(items)).toThrow(TypeError);
      expect(() => sortBy(items, (x) => x), JSON.stringify(items)).toThrow(message);
    }
  });

  it("with keys of all three kinds, throws a TypeError naming two of the kinds", () => {
    // Which two kinds meet first depends on the sort's pairing; the README promises only that the
    // message is one of the three, kinds in alphabetical order.
    const messages = [
      "sortBy: cannot compare number with string",
      "sortBy: cannot compare number with tuple",
      "sortBy: cannot compare string with tuple",
    ];
    const mixed: SortItem[][] = [
      [1, "web", ["web"]],
      [["web"], "web", 1],
      ["web", 2, ["web", 1], 1, "api"],
    ];
    for (const items of mixed) {
      let thrown: unknown;
      try {
        sortBy(items, (x) => x);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(items)).toBeInstanceOf(TypeError);
      expect(messages, `${JSON.stringify(items)}: one of the three messages`).toContain(
        (thrown as Error).message,
      );
    }
  });

  it("throws only when two keys that cannot be compared meet, as Python does", () => {
    // The first elements differ, so the second ones are never compared.
    const apart: SortItem[] = [
      ["web", 1],
      ["api", "x"],
    ];
    expect(sortBy(apart, (x) => x)).toEqual([
      ["api", "x"],
      ["web", 1],
    ]);
    const together: SortItem[] = [
      ["web", 1],
      ["web", "x"],
    ];
    expect(() => sortBy(together, (x) => x), "equal first elements: 1 meets 'x'").toThrow(
      "sortBy: cannot compare number with string",
    );
  });

  it("throws a TypeError for a NaN key when the sort compares it, also inside tuples", () => {
    for (const items of [
      [3, Number.NaN, 1],
      [Number.NaN, Number.NaN],
      [Number.NaN, 0],
    ]) {
      expect(() => sortBy(items, (n) => n), String(items)).toThrow(TypeError);
      expect(() => sortBy(items, (n) => n), String(items)).toThrow("sortBy: cannot compare NaN");
    }
    const sameEnv: SortItem[] = [
      ["prod", Number.NaN],
      ["prod", 40],
    ];
    expect(() => sortBy(sameEnv, (x) => x)).toThrow("sortBy: cannot compare NaN");
    const otherEnv: SortItem[] = [
      ["prod", Number.NaN],
      ["dev", 40],
    ];
    expect(
      sortBy(otherEnv, (x) => x),
      "the envs decide: NaN is never compared",
    ).toEqual([
      ["dev", 40],
      ["prod", Number.NaN],
    ]);
    expect(
      sortBy([Number.NaN], (n) => n),
      "one item: nothing to compare",
    ).toEqual([Number.NaN]);
    expect(() => sortBy<SortItem>([Number.NaN, "web"], (x) => x), "kinds first").toThrow(
      "sortBy: cannot compare number with string",
    );
  });

  it("does not compare anything for a single item, so one odd key is fine", () => {
    expect(sortBy<SortItem>([["web", 1]], (x) => x)).toEqual([["web", 1]]);
  });
});

type SortItem = number | string | readonly (number | string)[];
