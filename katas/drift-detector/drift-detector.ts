/**
 * Drift detector — see README.md for the full contract.
 *
 * Compare the desired state of one object (a manifest from git) with its actual state (the
 * object as the API returns it) and list what differs, path by path, leaving out what the
 * server manages and the defaults it fills in, and matching keyed list items by their key.
 */

// --- JSON pointers (RFC 6901) ------------------------------------------------------------------

/** A JSON pointer from its tokens: `["metadata", "a/b"]` → `/metadata/a~1b`; `[]` → `""`. */
export function toPointer(_tokens: readonly (string | number)[]): string {
  // TODO: start here — escape "~" as "~0" and "/" as "~1" (in that order).
  throw new Error("TODO: implement toPointer()");
}

/**
 * The tokens of a JSON pointer: `/metadata/a~1b` → `["metadata", "a/b"]`; `""` → `[]`.
 * Throws a SyntaxError for a pointer that does not start with "/" or has a bad "~" escape.
 */
export function parsePointer(_pointer: string): string[] {
  throw new Error("TODO: implement parsePointer()");
}

// --- The rules: what is not drift (data, given: the code that applies them is yours) ----------

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
 * The live object could not be read: the API answered with a Status instead.
 * `message`: `the API answered ${code} ${reason}: ${status.message}`.
 */
export class LiveStateError extends Error {
  override readonly name = "LiveStateError";
  readonly code: number;
  readonly reason: string;

  constructor(_status: { code?: unknown; reason?: unknown; message?: unknown }) {
    super();
    throw new Error("TODO: implement LiveStateError()");
  }
}

/**
 * What differs between the desired state of an object and its actual state, in document order.
 * `actual` may be undefined, null or a 404 Status: the object does not exist.
 */
export function detectDrift(
  _desired: unknown,
  _actual: unknown,
  _options: DriftOptions = {},
): Drift[] {
  throw new Error("TODO: implement detectDrift()");
}
