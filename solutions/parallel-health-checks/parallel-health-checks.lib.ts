/**
 * The same checker on the production libraries: p-limit 7 for the concurrency limit and
 * lru-cache 11 for the TTL cache. The requests, timeouts and Consul batch are the reference's
 * (`createChecker`); only the limiter and the memo differ.
 *
 * lru-cache needs four settings to meet this kata's contract:
 * - `perf: { now }` so its ages follow the injected clock (it reads `performance.now()`
 *   otherwise). The clock is shifted by 1 ms: lru-cache stores a start time of 0 as "no start",
 *   and an entry stored at 0 — where a fake `performance.now()` begins — would never expire;
 * - `ttlResolution: 0`, or it caches `now()` for 1 ms with a `setTimeout` per read, a timer
 *   that shows up under a fake clock;
 * - `max`, so that it does not warn about an unbounded cache (the reference's Map is bounded by
 *   the set of targets instead);
 * - `cacheTtlMs: 0` must bypass it: to lru-cache, `ttl: 0` means "never expires".
 * `cache.fetch()` shares a fetch in flight and reports `status.fetch === "hit"` for a fresh
 * entry, which is the `cached` flag. lru-cache treats an entry as stale when its age is *greater*
 * than the TTL, the same boundary as the reference.
 */
import { LRUCache } from "lru-cache";
import pLimit from "p-limit";
import {
  type CheckerOptions,
  createChecker,
  type HealthChecker,
  type Limiter,
  type Measured,
  type Memo,
  resolveSettings,
} from "./parallel-health-checks";

export type {
  CheckerOptions,
  ConsulTarget,
  HealthChecker,
  HealthReason,
  HealthResult,
  HealthStatus,
  HttpTarget,
  Target,
} from "./parallel-health-checks";

type Run = () => Promise<Measured>;

function lruMemo(ttlMs: number, now: () => number): Memo {
  if (ttlMs === 0) return { get: async (_key, run) => ({ measured: await run(), cached: false }) };
  const cache = new LRUCache<string, Measured, Run>({
    max: 10_000,
    ttl: ttlMs,
    ttlResolution: 0,
    perf: { now: () => now() + 1 },
    fetchMethod: (_key, _stale, { context }) => context(),
  });
  return {
    async get(key, run) {
      const status: LRUCache.Status<string, Measured, Run> = {};
      const measured = await cache.fetch(key, { context: run, status });
      // fetchMethod never resolves to undefined, and never rejects (a failed check is a result).
      return { measured: measured as Measured, cached: status.fetch === "hit" };
    },
  };
}

export function createHealthChecker(options: CheckerOptions = {}): HealthChecker {
  const settings = resolveSettings(options);
  const limit: Limiter = pLimit(settings.concurrency);
  return createChecker(settings, limit, lruMemo(settings.cacheTtlMs, settings.now));
}
