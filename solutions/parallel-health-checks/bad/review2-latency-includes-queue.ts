// Mistake: "latencyMs is … minus now() just before the request" — the clock starts when the target is handed to the limiter, not when its request is sent, so a target that waited for a slot reports its queueing time as latency (and may come out "slow"). (adversarial review, round 2)
/**
 * Parallel health checks — the reference, with a hand-written limiter and TTL cache.
 *
 * `check()` starts every target at once and lets a limiter hold back all but `concurrency`
 * requests; `Promise.all` keeps the results in the order of the targets. Each request has its own
 * AbortController and a timer on the global `setTimeout` (so a fake clock controls it: the
 * platform's `AbortSignal.timeout()` runs on a timer vitest cannot fake). Latency and cache ages
 * are read from the injected `now()`. Consul services are answered by one batch request per call.
 *
 * The `.lib.ts` variant runs the same `createChecker` with p-limit and lru-cache plugged in.
 */

// ---------------------------------------------------------------------------------------------
// Types

export type HealthStatus = "up" | "degraded" | "down";

export type HealthReason =
  | "ok"
  | "slow"
  | "rate-limited"
  | "http-error"
  | "timeout"
  | "unreachable"
  | "warning"
  | "critical"
  | "not-registered"
  | "invalid-response";

export interface HttpTarget {
  kind: "http";
  name: string;
  url: string;
}

export interface ConsulTarget {
  kind: "consul";
  name: string;
  service: string;
}

export type Target = HttpTarget | ConsulTarget;

export interface HealthResult {
  name: string;
  status: HealthStatus;
  reason: HealthReason;
  httpStatus: number | null;
  latencyMs: number;
  cached: boolean;
}

export interface CheckerOptions {
  concurrency?: number;
  timeoutMs?: number;
  slowMs?: number;
  cacheTtlMs?: number;
  consulUrl?: string;
  now?: () => number;
}

export interface HealthChecker {
  check(targets: readonly Target[]): Promise<HealthResult[]>;
}

/** A result before it is given a target's name and a cached flag: what the cache stores. */
export type Measured = Omit<HealthResult, "name" | "cached">;

/** Runs a task when fewer than the limit are running. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** Gives the result for a key: from the cache, from a check in flight, or by running `run`. */
export interface Memo {
  get(key: string, run: () => Promise<Measured>): Promise<{ measured: Measured; cached: boolean }>;
}

export interface Settings {
  concurrency: number;
  timeoutMs: number;
  slowMs: number;
  cacheTtlMs: number;
  consulUrl: string | undefined;
  now: () => number;
}

// ---------------------------------------------------------------------------------------------
// Options

function whole(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`${name} must be a whole number >= ${min} (got ${String(value)})`);
  return value;
}

export function resolveSettings(options: CheckerOptions): Settings {
  const timeoutMs = options.timeoutMs ?? 2000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new RangeError(`timeoutMs must be a finite number > 0 (got ${String(timeoutMs)})`);
  const slowMs = options.slowMs ?? 500;
  if (!Number.isFinite(slowMs) || slowMs < 0)
    throw new RangeError(`slowMs must be a finite number >= 0 (got ${String(slowMs)})`);
  const { consulUrl } = options;
  if (consulUrl !== undefined && !URL.canParse(consulUrl))
    throw new TypeError(`consulUrl must be an absolute URL (got ${consulUrl})`);
  return {
    concurrency: whole("concurrency", options.concurrency ?? 10, 1),
    timeoutMs,
    slowMs,
    cacheTtlMs: whole("cacheTtlMs", options.cacheTtlMs ?? 5000, 0),
    consulUrl: consulUrl?.replace(/\/$/, ""),
    // Read at each measurement, so a test that fakes `performance` sees its own clock.
    now: options.now ?? (() => performance.now()),
  };
}

// ---------------------------------------------------------------------------------------------
// One request, with a timeout and a latency

type Answer =
  | { response: Response; body: string; latencyMs: number }
  | { failure: "timeout" | "unreachable"; latencyMs: number };

/**
 * GETs `url`, aborting it after `timeoutMs`. The latency runs from just before the request to
 * the arrival of the response's headers. The body is read (which also frees the connection)
 * before the timer is cleared, so a body that never ends times out too.
 */
async function request(
  url: string,
  settings: Settings,
  started: number = settings.now(),
): Promise<Answer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, settings.timeoutMs);
  const elapsed = () => Math.round(settings.now() - started);
  try {
    const response = await fetch(url, { signal: controller.signal });
    const latencyMs = elapsed();
    return { response, body: await response.text(), latencyMs };
  } catch {
    // fetch rejects on our abort and when no answer came at all (refused, reset, DNS).
    return { failure: timedOut ? "timeout" : "unreachable", latencyMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}

/** What a non-2xx status means, for an endpoint or for the Consul batch alike. */
function fromStatus(httpStatus: number, latencyMs: number): Measured {
  if (httpStatus === 429)
    return { status: "degraded", reason: "rate-limited", httpStatus, latencyMs };
  return { status: "down", reason: "http-error", httpStatus, latencyMs };
}

function fromFailure(answer: { failure: "timeout" | "unreachable"; latencyMs: number }): Measured {
  return { status: "down", reason: answer.failure, httpStatus: null, latencyMs: answer.latencyMs };
}

async function probeHttp(url: string, settings: Settings, queuedAt?: number): Promise<Measured> {
  const answer = await request(url, settings, queuedAt);
  if ("failure" in answer) return fromFailure(answer);
  const { status: httpStatus } = answer.response;
  const { latencyMs } = answer;
  if (!answer.response.ok) return fromStatus(httpStatus, latencyMs);
  if (latencyMs > settings.slowMs)
    return { status: "degraded", reason: "slow", httpStatus, latencyMs };
  return { status: "up", reason: "ok", httpStatus, latencyMs };
}

// ---------------------------------------------------------------------------------------------
// Consul: one request for every service, /v1/health/state/any

interface ConsulCheck {
  ServiceName: string;
  Status: string;
}

/** Either the checks Consul listed, with the batch's status and latency, or one result for all. */
type Batch = { checks: ConsulCheck[]; httpStatus: number; latencyMs: number } | { all: Measured };

function isCheckList(value: unknown): value is ConsulCheck[] {
  // `?.` copes with a null in the array; on any other non-object the fields are just undefined.
  return (
    Array.isArray(value) &&
    value.every(
      (check) => typeof check?.ServiceName === "string" && typeof check?.Status === "string",
    )
  );
}

async function fetchConsulChecks(consulUrl: string, settings: Settings): Promise<Batch> {
  const answer = await request(`${consulUrl}/v1/health/state/any`, settings);
  if ("failure" in answer) return { all: fromFailure(answer) };
  const { status: httpStatus } = answer.response;
  const { latencyMs } = answer;
  if (!answer.response.ok) return { all: fromStatus(httpStatus, latencyMs) };
  let checks: unknown;
  try {
    checks = JSON.parse(answer.body);
  } catch {
    checks = undefined;
  }
  if (!isCheckList(checks))
    return { all: { status: "down", reason: "invalid-response", httpStatus, latencyMs } };
  return { checks, httpStatus, latencyMs };
}

/** A service is as healthy as its worst check; node checks (ServiceName "") are not its own. */
function serviceHealth(batch: Batch, service: string): Measured {
  if ("all" in batch) return batch.all;
  const { httpStatus, latencyMs } = batch;
  const statuses = batch.checks.filter((c) => c.ServiceName === service).map((c) => c.Status);
  if (statuses.length === 0)
    return { status: "down", reason: "not-registered", httpStatus, latencyMs };
  // Anything but passing or warning ("critical", "maintenance", a status from a newer Consul)
  // is treated as the worst: a health check should fail safe.
  if (statuses.some((status) => status !== "passing" && status !== "warning"))
    return { status: "down", reason: "critical", httpStatus, latencyMs };
  if (statuses.includes("warning"))
    return { status: "degraded", reason: "warning", httpStatus, latencyMs };
  return { status: "up", reason: "ok", httpStatus, latencyMs };
}

// ---------------------------------------------------------------------------------------------
// The checker, on whichever limiter and memo it is given

export function createChecker(settings: Settings, limit: Limiter, memo: Memo): HealthChecker {
  return {
    async check(targets) {
      const { consulUrl } = settings;
      if (consulUrl === undefined && targets.some((target) => target.kind === "consul"))
        throw new TypeError("a consul target needs the consulUrl option");
      // Made at most once per call, by the first Consul service that is not in the cache.
      let batch: Promise<Batch> | undefined;
      const consulBatch = () => {
        batch ??= limit(() => fetchConsulChecks(consulUrl ?? "", settings));
        return batch;
      };
      return Promise.all(
        targets.map(async (target) => {
          const { measured, cached } =
            target.kind === "http"
              ? await memo.get(`http ${target.url}`, () => {
                  const queuedAt = settings.now();
                  return limit(() => probeHttp(target.url, settings, queuedAt));
                })
              : await memo.get(`consul ${target.service}`, async () =>
                  serviceHealth(await consulBatch(), target.service),
                );
          return { name: target.name, ...measured, cached };
        }),
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The hand-written parts: a limiter and a TTL cache

/** At most `max` tasks at once; the others wait in a queue, first come first served. */
function limiter(max: number): Limiter {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (running < max) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next task, or give it back.
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}

/**
 * Results stored with the time they arrived, reused while their age is at most `ttlMs`; a check
 * in flight is shared by whoever asks for the same key meanwhile. `ttlMs` 0 keeps nothing.
 */
function ttlMemo(ttlMs: number, now: () => number): Memo {
  const stored = new Map<string, { measured: Measured; at: number }>();
  const inFlight = new Map<string, Promise<Measured>>();
  return {
    async get(key, run) {
      if (ttlMs === 0) return { measured: await run(), cached: false };
      const hit = stored.get(key);
      if (hit !== undefined && now() - hit.at <= ttlMs)
        return { measured: hit.measured, cached: true };
      let pending = inFlight.get(key);
      if (pending === undefined) {
        pending = run().then((measured) => {
          stored.set(key, { measured, at: now() });
          inFlight.delete(key);
          return measured;
        });
        inFlight.set(key, pending);
      }
      return { measured: await pending, cached: false };
    },
  };
}

/**
 * A checker that remembers its results for `cacheTtlMs` and never has more than `concurrency`
 * requests in flight, across every `check()` in progress. Throws a RangeError (TypeError for
 * `consulUrl`) for a bad option.
 */
export function createHealthChecker(options: CheckerOptions = {}): HealthChecker {
  const settings = resolveSettings(options);
  return createChecker(
    settings,
    limiter(settings.concurrency),
    ttlMemo(settings.cacheTtlMs, settings.now),
  );
}
