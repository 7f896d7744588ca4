// Mistake: deepEqual checks that every field of the first object equals the second's but not that they have the
// same fields, so the default `securityContext: {}` (and `resources: {}`) matches any object: a securityContext
// added by hand is not reported — breaks "its value (if any) deeply equals the actual value (objects field by field)".
/**
 * Drift detector — the reference solution. See katas/drift-detector/README.md for the contract.
 *
 * Compares the desired state of one object (a manifest from git) with its actual state (the
 * object as the API returns it) and lists what differs, path by path. Three things keep the
 * report to real drift: fields the server manages are ignored, defaults the server fills in are
 * accepted when the manifest leaves them out, and list items with a key (`name`) are matched by
 * that key, not by position.
 */

// --- JSON pointers (RFC 6901) ------------------------------------------------------------------

/** A JSON pointer from its tokens: `["metadata", "a/b"]` → `/metadata/a~1b`; `[]` → `""`. */
export function toPointer(tokens: readonly (string | number)[]): string {
  // "~" first: escaping "/" first would turn its "~1" into "~01".
  return tokens
    .map((token) => `/${String(token).replaceAll("~", "~0").replaceAll("/", "~1")}`)
    .join("");
}

/** The tokens of a JSON pointer: `/metadata/a~1b` → `["metadata", "a/b"]`; `""` → `[]`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) {
    throw new SyntaxError(
      `invalid JSON pointer ${JSON.stringify(pointer)}: it must be empty or start with "/"`,
    );
  }
  if (/~(?![01])/.test(pointer)) {
    throw new SyntaxError(
      `invalid JSON pointer ${JSON.stringify(pointer)}: "~" must be followed by 0 or 1`,
    );
  }
  // "~1" first: decoding "~0" first would turn "~01" into "/" instead of "~1".
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

// --- The rules: what is not drift ---------------------------------------------------------------

/** Fields the server owns: never compared, on either side, with everything under them. */
export const IGNORED_FIELDS: readonly string[] = [
  "/metadata/uid",
  "/metadata/resourceVersion",
  "/metadata/generation",
  "/metadata/creationTimestamp",
  "/metadata/managedFields",
  "/metadata/selfLink",
  "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration",
  "/metadata/annotations/deployment.kubernetes.io~1revision",
  "/status",
];

export interface ServerDefault {
  /** A path pattern: a JSON pointer in which `*` stands for any one token. */
  path: string;
  /** Only for objects of this kind (the top-level `kind`); any kind when left out. */
  kind?: string;
  /** The value the server fills in; when left out, any value it fills in. */
  value?: unknown;
}

/** What the API server fills in when a manifest leaves a field out. */
export const SERVER_DEFAULTS: readonly ServerDefault[] = [
  { path: "/metadata/namespace" },
  { kind: "Deployment", path: "/spec/replicas", value: 1 },
  { kind: "Deployment", path: "/spec/revisionHistoryLimit", value: 10 },
  { kind: "Deployment", path: "/spec/progressDeadlineSeconds", value: 600 },
  { kind: "Deployment", path: "/spec/strategy/type", value: "RollingUpdate" },
  { kind: "Deployment", path: "/spec/strategy/rollingUpdate/maxSurge", value: "25%" },
  { kind: "Deployment", path: "/spec/strategy/rollingUpdate/maxUnavailable", value: "25%" },
  { path: "/spec/template/spec/restartPolicy", value: "Always" },
  { path: "/spec/template/spec/dnsPolicy", value: "ClusterFirst" },
  { path: "/spec/template/spec/schedulerName", value: "default-scheduler" },
  { path: "/spec/template/spec/securityContext", value: {} },
  { path: "/spec/template/spec/terminationGracePeriodSeconds", value: 30 },
  {
    path: "/spec/template/spec/containers/*/terminationMessagePath",
    value: "/dev/termination-log",
  },
  { path: "/spec/template/spec/containers/*/terminationMessagePolicy", value: "File" },
  { path: "/spec/template/spec/containers/*/imagePullPolicy", value: "IfNotPresent" },
  { path: "/spec/template/spec/containers/*/resources", value: {} },
  { path: "/spec/template/spec/containers/*/ports/*/protocol", value: "TCP" },
  // The probes (`*`: readinessProbe, livenessProbe, startupProbe).
  { path: "/spec/template/spec/containers/*/*/failureThreshold", value: 3 },
  { path: "/spec/template/spec/containers/*/*/successThreshold", value: 1 },
  { path: "/spec/template/spec/containers/*/*/timeoutSeconds", value: 1 },
  { path: "/spec/template/spec/containers/*/*/periodSeconds", value: 10 },
  { path: "/spec/template/spec/containers/*/*/httpGet/scheme", value: "HTTP" },
  { kind: "Service", path: "/spec/type", value: "ClusterIP" },
  { kind: "Service", path: "/spec/clusterIP" },
  { kind: "Service", path: "/spec/clusterIPs" },
  { kind: "Service", path: "/spec/sessionAffinity", value: "None" },
  { kind: "Service", path: "/spec/ipFamilies" },
  { kind: "Service", path: "/spec/ipFamilyPolicy", value: "SingleStack" },
  { kind: "Service", path: "/spec/internalTrafficPolicy", value: "Cluster" },
  { kind: "Service", path: "/spec/ports/*/protocol", value: "TCP" },
  { kind: "Service", path: "/spec/ports/*/targetPort" },
];

/** Lists whose items are matched by another key than `name` (Kubernetes' patch merge keys). */
export const MERGE_KEYS: Readonly<Record<string, string>> = {
  "/spec/template/spec/containers/*/ports": "containerPort",
  "/spec/template/spec/containers/*/volumeMounts": "mountPath",
  "/spec/ports": "port",
};

// --- The report --------------------------------------------------------------------------------

export type Drift =
  | { kind: "added"; path: string; actual: unknown }
  | { kind: "removed"; path: string; desired: unknown }
  | { kind: "changed"; path: string; desired: unknown; actual: unknown };

export interface DriftOptions {
  /** More paths to ignore, on top of IGNORED_FIELDS. */
  ignore?: readonly string[];
  /** More server defaults, on top of SERVER_DEFAULTS. */
  serverDefaults?: readonly ServerDefault[];
  /** More list keys by list path, on top of (and before) MERGE_KEYS. */
  mergeKeys?: Readonly<Record<string, string>>;
  /** When true, `"1"` equals `1` and `"true"` equals `true`. Default false. */
  looseScalars?: boolean;
}

/**
 * The live object could not be read: the API answered with a Status instead. A field that is
 * missing or of another type reads as its Go zero value in metav1.Status: code 0, reason and
 * message "" (StatusReasonUnknown is "").
 */
export class LiveStateError extends Error {
  override readonly name = "LiveStateError";
  readonly code: number;
  readonly reason: string;

  constructor(status: { code?: unknown; reason?: unknown; message?: unknown }) {
    const code = typeof status.code === "number" ? status.code : 0;
    const reason = typeof status.reason === "string" ? status.reason : "";
    const message = typeof status.message === "string" ? status.message : "";
    super(`the API answered ${code} ${reason}: ${message}`);
    this.code = code;
    this.reason = reason;
  }
}

/**
 * What differs between the desired state of an object and its actual state, in document order.
 * `actual` may be undefined, null or a 404 Status: the object does not exist.
 */
export function detectDrift(
  desired: unknown,
  actual: unknown,
  options: DriftOptions = {},
): Drift[] {
  // The checks, in the order the README gives: desired, the patterns, actual, a Status, identity.
  if (!isObject(desired)) throw new TypeError("desired must be a JSON object");
  const rules = compileRules(options);
  if (actual === undefined || actual === null) return wholeObjectMissing(desired, rules);
  if (!isObject(actual)) throw new TypeError("actual must be a JSON object, null or undefined");
  if (actual.kind === "Status") {
    // What the API answers instead of the object. A 404 is an answer: the object is not there.
    // The code is a number (int32) in every Status the API sends; "404" is not one.
    if (actual.code === 404) return wholeObjectMissing(desired, rules);
    throw new LiveStateError(actual);
  }
  expectSameObject(desired, actual);
  const drifts: Drift[] = [];
  // Kind-specific defaults follow the object's kind, whichever side says it (null is no kind).
  compare(desired, actual, [], { ...rules, kind: desired.kind ?? actual.kind }, drifts);
  return drifts;
}

// --- Comparing --------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | JsonObject;
type JsonObject = { [key: string]: Json };
type Tokens = readonly string[];

/** A field that is not there. `null` in an object counts as not there; in a list it is a value. */
const MISSING = Symbol("missing");
type Slot = Json | typeof MISSING;

interface Rules {
  kind: unknown;
  ignore: Tokens[];
  defaults: { path: Tokens; kind: string | undefined; value: unknown }[];
  mergeKeys: [Tokens, string][];
  loose: boolean;
}

function compileRules(options: DriftOptions): Rules {
  return {
    kind: undefined,
    ignore: [...IGNORED_FIELDS, ...(options.ignore ?? [])].map(parsePointer),
    defaults: [...SERVER_DEFAULTS, ...(options.serverDefaults ?? [])].map((entry) => ({
      path: parsePointer(entry.path),
      kind: entry.kind,
      value: entry.value,
    })),
    // The caller's keys come first, so they win for a list both name.
    mergeKeys: Object.entries({ ...options.mergeKeys })
      .concat(Object.entries(MERGE_KEYS))
      .map(([pattern, key]) => [parsePointer(pattern), key]),
    loose: options.looseScalars === true,
  };
}

/** One entry, at the pointer to the whole document. */
function wholeObjectMissing(desired: JsonObject, rules: Rules): Drift[] {
  const whole = prune(desired, [], rules, false);
  return [{ kind: "removed", path: "", desired: whole === MISSING ? {} : whole }];
}

function compare(desired: Slot, actual: Slot, path: Tokens, rules: Rules, out: Drift[]): void {
  if (isIgnored(path, rules)) return;
  if (desired === MISSING && actual === MISSING) return;
  if (desired === MISSING) {
    if (isServerDefault(path, actual as Json, rules)) return;
    report(out, "added", path, undefined, prune(actual as Json, path, rules, true));
  } else if (actual === MISSING) {
    report(out, "removed", path, prune(desired, path, rules, false), undefined);
  } else if (isObject(desired) && isObject(actual)) {
    compareObjects(desired, actual, path, rules, out);
  } else if (Array.isArray(desired) && Array.isArray(actual)) {
    compareLists(desired, actual, path, rules, out);
  } else if (!sameScalar(desired, actual, rules.loose)) {
    // Different types, or different scalars. An object side may prune down to nothing.
    const before = prune(desired, path, rules, false);
    const after = prune(actual, path, rules, true);
    if (before === MISSING || after === MISSING) compare(before, after, path, rules, out);
    else out.push({ kind: "changed", path: toPointer(path), desired: before, actual: after });
  }
}

/** Adds an `added` or `removed` entry, unless pruning left nothing to report. */
function report(
  out: Drift[],
  kind: "added" | "removed",
  path: Tokens,
  desired: unknown,
  actual: unknown,
) {
  const value = kind === "added" ? actual : desired;
  if (value === MISSING) return;
  out.push(
    kind === "added"
      ? { kind, path: toPointer(path), actual: value }
      : { kind, path: toPointer(path), desired: value },
  );
}

/** Desired's keys in its order, then the keys only the actual object has. */
function compareObjects(
  desired: JsonObject,
  actual: JsonObject,
  path: Tokens,
  rules: Rules,
  out: Drift[],
) {
  const keys = new Set([...Object.keys(desired), ...Object.keys(actual)]);
  for (const key of keys) {
    compare(field(desired, key), field(actual, key), [...path, key], rules, out);
  }
}

function compareLists(desired: Json[], actual: Json[], path: Tokens, rules: Rules, out: Drift[]) {
  const key = listKey(path, [desired, actual], rules);
  if (key === undefined) {
    for (let i = 0; i < Math.max(desired.length, actual.length); i++) {
      compare(
        i < desired.length ? (desired[i] as Json) : MISSING,
        i < actual.length ? (actual[i] as Json) : MISSING,
        [...path, String(i)],
        rules,
        out,
      );
    }
    return;
  }
  const byKey = (items: Json[]) => new Map(items.map((item) => [keyOf(item, key), item]));
  const desiredItems = byKey(desired);
  const actualItems = byKey(actual);
  for (const [id, item] of desiredItems)
    compare(item, actualItems.get(id) ?? MISSING, [...path, id], rules, out);
  for (const [id, item] of actualItems) {
    if (!desiredItems.has(id)) compare(MISSING, item, [...path, id], rules, out);
  }
}

/**
 * The key that identifies this list's items: the one MERGE_KEYS (or the caller) gives for its
 * path, else `name` — but only if every item has it, as a string or a number, once per side.
 */
function listKey(path: Tokens, sides: Json[][], rules: Rules): string | undefined {
  const configured = rules.mergeKeys.find(([pattern]) => matches(pattern, path));
  const key = configured?.[1] ?? "name";
  for (const items of sides) {
    const ids = items.map((item) =>
      isObject(item) && isId(item[key]) ? keyOf(item, key) : undefined,
    );
    if (ids.includes(undefined) || new Set(ids).size !== ids.length) return undefined;
  }
  return key;
}

const isId = (value: unknown) => typeof value === "string" || typeof value === "number";
const keyOf = (item: Json, key: string) => String((item as JsonObject)[key]);

/** Strings equal their own kind only, unless `loose`: then `"1"` equals 1, `"true"` equals true. */
function sameScalar(desired: Json, actual: Json, loose: boolean): boolean {
  if (typeof desired === typeof actual) return desired === actual;
  if (!loose) return false;
  const [text, other] = typeof desired === "string" ? [desired, actual] : [actual, desired];
  return (typeof other === "number" || typeof other === "boolean") && String(other) === text;
}

// --- Ignoring and pruning ---------------------------------------------------------------------

/** A pattern matches a path of the same length, token by token; `*` matches any one token. */
function matches(pattern: Tokens, path: Tokens): boolean {
  return (
    pattern.length === path.length &&
    pattern.every((token, i) => token === "*" || token === path[i])
  );
}

/**
 * An ignored path. Everything under it is ignored too, without a prefix test: the walk (and
 * prune) go from the top down and never look under a path they ignore.
 */
function isIgnored(path: Tokens, rules: Rules): boolean {
  return rules.ignore.some((pattern) => matches(pattern, path));
}

/** A value the server fills in at this path, for this kind of object. */
function isServerDefault(path: Tokens, value: Json, rules: Rules): boolean {
  return rules.defaults.some(
    (entry) =>
      (entry.kind === undefined || entry.kind === rules.kind) &&
      matches(entry.path, path) &&
      (entry.value === undefined || deepEqual(entry.value, value)),
  );
}

/**
 * A copy of a value present on one side only, without its ignored fields (and, on the actual
 * side, without the defaults the server filled in). An object that had fields and lost them all
 * is gone (MISSING); list items are kept, even when emptied.
 */
function prune(
  value: Json,
  path: Tokens,
  rules: Rules,
  actualSide: boolean,
): Json | typeof MISSING {
  if (Array.isArray(value)) {
    const key = listKey(path, [value], rules);
    return value.map((item, i) => {
      const pruned = prune(
        item,
        [...path, key === undefined ? String(i) : keyOf(item, key)],
        rules,
        actualSide,
      );
      return pruned === MISSING ? {} : pruned;
    });
  }
  if (!isObject(value)) return value;
  const kept: JsonObject = {};
  const keys = Object.keys(value);
  for (const key of keys) {
    const child = field(value, key);
    const childPath = [...path, key];
    if (child === MISSING || isIgnored(childPath, rules)) continue;
    if (actualSide && isServerDefault(childPath, child, rules)) continue;
    const pruned = prune(child, childPath, rules, actualSide);
    if (pruned !== MISSING) kept[key] = pruned;
  }
  return keys.length > 0 && Object.keys(kept).length === 0 ? MISSING : kept;
}

// --- Small helpers ----------------------------------------------------------------------------

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An object's field, with `null` read as missing. */
function field(object: JsonObject, key: string): Slot {
  const value = Object.hasOwn(object, key) ? object[key] : undefined;
  return value === null || value === undefined ? MISSING : value;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.every((key) => deepEqual(a[key], b[key]));
  }
  return a === b;
}

/**
 * Comparing two different objects is the caller's mistake, not drift. A kind or a name that is
 * null is missing, as every field of an object is.
 */
function expectSameObject(desired: JsonObject, actual: JsonObject): void {
  const name = (object: JsonObject) =>
    isObject(object.metadata) ? (object.metadata.name ?? undefined) : undefined;
  const kind = (object: JsonObject) => object.kind ?? undefined;
  const differ = (a: unknown, b: unknown) => a !== undefined && b !== undefined && a !== b;
  if (differ(kind(desired), kind(actual)) || differ(name(desired), name(actual))) {
    const describe = (object: JsonObject) =>
      `${String(object.kind ?? "?")} ${JSON.stringify(name(object) ?? "?")}`;
    throw new TypeError(
      `desired and actual are not the same object: ${describe(desired)} vs ${describe(actual)}`,
    );
  }
}
