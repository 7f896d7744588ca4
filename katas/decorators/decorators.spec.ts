import { afterEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { bound, type Logger, logged, type Timing, timed, timedMethod } from "./decorators";

// ---------------------------------------------------------------------------------------------
// Helpers. No real time anywhere: every clock is a number the test moves by hand.
// ---------------------------------------------------------------------------------------------

/** A clock that reads `now`; the test moves it with `clock.set(…)` or `clock.advance(…)`. */
function manualClock(start = 1_000) {
  let now = start;
  const read = vi.fn(() => now);
  return Object.assign(read, {
    set: (value: number) => {
      now = value;
    },
    advance: (ms: number) => {
      now += ms;
    },
  });
}

/** A clock that returns these readings, one per call (and fails the test if read once more). */
function readings(...values: number[]) {
  const queue = [...values];
  return vi.fn(() => {
    const next = queue.shift();
    if (next === undefined) throw new Error(`the clock was read more than ${values.length} times`);
    return next;
  });
}

/** Collects the Timing records a wrapper reports. */
function recorder() {
  const timings: Timing[] = [];
  const onTiming = vi.fn((timing: Timing) => {
    timings.push(timing);
  });
  return { timings, onTiming };
}

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A logger that keeps its lines in an array of its own (and needs its `this` to do so). */
class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`INFO ${message}`);
  }
  error(message: string): void {
    this.lines.push(`ERROR ${message}`);
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** A method named by a symbol (a const, so TypeScript knows the class has it). */
const cleanupKey = Symbol("kata.cleanup");

// ---------------------------------------------------------------------------------------------

describe("step 1 — timing a call", () => {
  it("returns what the function returns, called with the same arguments", () => {
    const { onTiming } = recorder();
    const scale = vi.fn((service: string, replicas: number) => `${service}=${replicas}`);
    const timedScale = timed(scale, onTiming, { clock: manualClock() });
    expect(timedScale("web", 3)).toBe("web=3");
    expect(scale).toHaveBeenCalledTimes(1);
    expect(scale).toHaveBeenCalledWith("web", 3);
  });

  it("returns the very object the function returned", () => {
    const plan = { changes: 2 };
    const wrapped = timed(() => plan, recorder().onTiming, { clock: manualClock() });
    expect(wrapped()).toBe(plan);
  });

  it("reports the duration of the call: the clock read just before and just after", () => {
    const { timings, onTiming } = recorder();
    const clock = manualClock(1_000);
    const deploy = timed(
      function deploy(version: string) {
        expect(clock, "the start is read before the function runs").toHaveBeenCalledTimes(1);
        clock.advance(250);
        return `deployed ${version}`;
      },
      onTiming,
      { clock },
    );
    expect(deploy("1.4.2")).toBe("deployed 1.4.2");
    expect(timings).toStrictEqual([{ name: "deploy", durationMs: 250, ok: true }]);
    expect(clock, "two readings per call: start and end").toHaveBeenCalledTimes(2);
  });

  it("does not round the duration", () => {
    const { timings, onTiming } = recorder();
    timed(function check() {}, onTiming, { clock: readings(1_000.25, 1_012.625) })();
    expect(timings).toStrictEqual([{ name: "check", durationMs: 12.375, ok: true }]);
    const inexact = recorder();
    timed(function check() {}, inexact.onTiming, { clock: readings(0.1, 0.3) })();
    expect(inexact.timings[0]?.durationMs, "0.3 - 0.1 as JavaScript computes it").toBe(0.3 - 0.1);
  });

  it("reports once per call, before the wrapper returns", () => {
    const { timings, onTiming } = recorder();
    const clock = manualClock();
    const ping = timed(
      function ping() {
        clock.advance(5);
        return "pong";
      },
      onTiming,
      { clock },
    );
    ping();
    expect(timings, "reported by the time the first call has returned").toHaveLength(1);
    ping();
    ping();
    expect(timings.map((t) => t.durationMs)).toEqual([5, 5, 5]);
    expect(onTiming).toHaveBeenCalledTimes(3);
  });

  it("returns null and undefined results as they are", () => {
    const { timings, onTiming } = recorder();
    const clock = manualClock();
    expect(timed(() => null, onTiming, { clock })()).toBeNull();
    expect(timed(() => undefined, onTiming, { clock })()).toBeUndefined();
    expect(timings.map((t) => t.ok)).toEqual([true, true]);
  });

  it("keeps a sync function sync: the wrapper returns the value, not a promise", () => {
    const add = timed((a: number, b: number) => a + b, recorder().onTiming, {
      clock: manualClock(),
    });
    const result = add(2, 3);
    expect(result, "a plain number, not a Promise").toBe(5);
    expect(result).not.toBeInstanceOf(Promise);
  });

  it("calls the function once per call of the wrapper, never ahead of time", () => {
    const fn = vi.fn(() => "ok");
    const wrapped = timed(fn, recorder().onTiming, { clock: manualClock() });
    expect(fn, "wrapping must not call the function").not.toHaveBeenCalled();
    wrapped();
    wrapped();
    expect(fn).toHaveBeenCalledTimes(2);
  });
});

describe("step 2 — errors pass through", () => {
  it("reports a throw as a failure with its duration and the error", () => {
    const { timings, onTiming } = recorder();
    const clock = manualClock(5_000);
    const failure = new Error("terraform plan failed");
    const plan = timed(
      function plan(): string {
        clock.advance(40);
        throw failure;
      },
      onTiming,
      { clock },
    );
    expect(() => plan()).toThrow(failure);
    expect(timings).toStrictEqual([{ name: "plan", durationMs: 40, ok: false, error: failure }]);
    expect(timings[0]?.ok === false && timings[0].error, "the error itself").toBe(failure);
  });

  it("rethrows the very same error object, synchronously", () => {
    const failure = new RangeError("replicas must be >= 0");
    const wrapped = timed(
      (): number => {
        throw failure;
      },
      recorder().onTiming,
      { clock: manualClock() },
    );
    let thrown: unknown;
    try {
      wrapped();
    } catch (error) {
      thrown = error;
    }
    expect(thrown, "thrown at once, not turned into a rejected promise").toBe(failure);
  });

  it.each([
    ["a string", "disk full"],
    ["undefined", undefined],
    ["a number", 42],
  ])("rethrows a thrown value that is not an Error (%s) as it was", (_kind, value) => {
    const { timings, onTiming } = recorder();
    const wrapped = timed(
      function cleanup(): void {
        throw value;
      },
      onTiming,
      { clock: readings(0, 3) },
    );
    let thrown: unknown = "nothing thrown";
    try {
      wrapped();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(value);
    expect(timings).toStrictEqual([{ name: "cleanup", durationMs: 3, ok: false, error: value }]);
  });

  it("lets a throw from onTiming through, in place of the function's result or error", () => {
    const sinkDown = new Error("metrics sink down");
    const onTiming = vi.fn(() => {
      throw sinkDown;
    });
    const fn = vi.fn((fail: boolean) => {
      if (fail) throw new Error("apply failed");
      return "applied";
    });
    const apply = timed(fn, onTiming, { clock: manualClock() });
    expect(() => apply(false), "onTiming's error, not the result").toThrow(sinkDown);
    expect(() => apply(true), "onTiming's error, not the function's").toThrow(sinkDown);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(onTiming).toHaveBeenCalledTimes(2);
  });

  it("times every call, failed or not", () => {
    const { timings, onTiming } = recorder();
    const clock = manualClock();
    const check = timed(
      function check(healthy: boolean) {
        clock.advance(healthy ? 1 : 2);
        if (!healthy) throw new Error("unhealthy");
        return "healthy";
      },
      onTiming,
      { clock },
    );
    check(true);
    expect(() => check(false)).toThrow("unhealthy");
    check(true);
    expect(timings.map((t) => [t.ok, t.durationMs])).toEqual([
      [true, 1],
      [false, 2],
      [true, 1],
    ]);
  });
});

describe("step 3 — async functions", () => {
  it("returns a promise that resolves with the function's value", async () => {
    const { onTiming } = recorder();
    const fetchStatus = timed(async (service: string) => `${service}: healthy`, onTiming, {
      clock: manualClock(),
    });
    const result = fetchStatus("web");
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe("web: healthy");
  });

  it("returns a new promise, never the very promise the function returned", async () => {
    const { onTiming } = recorder();
    const own = Promise.resolve("200 OK");
    const fetched = timed(() => own, onTiming, { clock: manualClock() });
    const result = fetched();
    expect(result, "a promise of its own, which can settle after onTiming ran").not.toBe(own);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe("200 OK");
  });

  it("measures until the promise settles, not until the function hands it back", async () => {
    const { timings, onTiming } = recorder();
    const clock = manualClock(0);
    const response = deferred<number>();
    const getStatus = timed(
      function getStatus() {
        return response.promise;
      },
      onTiming,
      { clock },
    );
    const result = getStatus();
    clock.advance(1);
    await flush();
    expect(timings, "nothing to report while the request is in flight").toEqual([]);
    clock.set(1_500);
    response.resolve(200);
    await expect(result).resolves.toBe(200);
    expect(timings).toStrictEqual([{ name: "getStatus", durationMs: 1_500, ok: true }]);
  });

  it("reports a rejection as a failure with its duration, then rejects with the same value", async () => {
    const { timings, onTiming } = recorder();
    const clock = manualClock(0);
    const failure = new Error("503 Service Unavailable");
    const response = deferred<string>();
    const getJson = timed(
      function getJson(_url: string) {
        return response.promise;
      },
      onTiming,
      { clock },
    );
    const result = getJson("https://inventory.internal/hosts");
    const rejected = expect(result).rejects.toBe(failure);
    clock.set(320);
    response.reject(failure);
    await rejected;
    expect(timings).toStrictEqual([
      { name: "getJson", durationMs: 320, ok: false, error: failure },
    ]);
  });

  it("rejects with a reason that is not an Error as it was (a string, undefined)", async () => {
    for (const reason of ["timeout", undefined]) {
      const { timings, onTiming } = recorder();
      const wrapped = timed(() => Promise.reject(reason), onTiming, { clock: readings(10, 25) });
      await expect(wrapped()).rejects.toBe(reason);
      expect(timings).toStrictEqual([
        { name: "anonymous", durationMs: 15, ok: false, error: reason },
      ]);
    }
  });

  it("rejects with onTiming's error when onTiming throws once the promise settles", async () => {
    const sinkDown = new Error("metrics sink down");
    const onTiming = vi.fn(() => {
      throw sinkDown;
    });
    const fetched = timed(async () => "200 OK", onTiming, { clock: manualClock() });
    await expect(fetched(), "in place of the value").rejects.toBe(sinkDown);
    const failed = timed(() => Promise.reject(new Error("503")), onTiming, {
      clock: manualClock(),
    });
    await expect(failed(), "in place of the rejection").rejects.toBe(sinkDown);
    expect(onTiming).toHaveBeenCalledTimes(2);
  });

  it("has the timing reported by the time the caller's await resumes", async () => {
    const { timings, onTiming } = recorder();
    const wrapped = timed(async () => "done", onTiming, { clock: readings(0, 7) });
    await wrapped();
    expect(timings).toStrictEqual([{ name: "anonymous", durationMs: 7, ok: true }]);
    const failing = recorder();
    const broken = timed(async () => Promise.reject(new Error("no")), failing.onTiming, {
      clock: readings(0, 2),
    });
    await broken().catch(() => undefined);
    expect(failing.timings).toHaveLength(1);
  });

  it("times overlapping calls separately: each call has its own start", async () => {
    const { timings, onTiming } = recorder();
    const clock = manualClock(0);
    const replies = [deferred<string>(), deferred<string>()];
    let call = 0;
    const ask = timed(
      function ask() {
        const reply = replies[call++];
        if (!reply) throw new Error("only two calls expected");
        return reply.promise;
      },
      onTiming,
      { clock },
    );
    const first = ask(); // starts at 0
    clock.set(100);
    const second = ask(); // starts at 100
    clock.set(130);
    replies[1]?.resolve("second");
    await second;
    clock.set(400);
    replies[0]?.resolve("first");
    await first;
    expect(
      timings.map((t) => t.durationMs),
      "second: 130 - 100, then first: 400 - 0",
    ).toEqual([30, 400]);
  });

  it("treats any thenable as a promise (await would), and returns a real promise for it", async () => {
    const { timings, onTiming } = recorder();
    const clock = manualClock(0);
    let settle: (value: string) => void = () => undefined;
    // What some libraries return: not a Promise, but something with a then method.
    const thenable: PromiseLike<string> = {
      // biome-ignore lint/suspicious/noThenProperty: a thenable is the point of this test
      then(onFulfilled) {
        settle = (value) => onFulfilled?.(value);
        return this as never;
      },
    };
    const query = timed(
      function query() {
        return thenable;
      },
      onTiming,
      { clock },
    );
    const result = query();
    expect(result, "a promise the caller can await").toBeInstanceOf(Promise);
    await flush();
    expect(timings).toEqual([]);
    clock.set(60);
    settle("rows");
    await expect(result).resolves.toBe("rows");
    expect(timings).toStrictEqual([{ name: "query", durationMs: 60, ok: true }]);
  });

  it("leaves an object whose then is not a function alone: it is a plain value", () => {
    const { timings, onTiming } = recorder();
    // biome-ignore lint/suspicious/noThenProperty: a then that is not a function is the point
    const value = { then: "not a function", other: 1 };
    const wrapped = timed(() => value, onTiming, { clock: readings(0, 1) });
    expect(wrapped()).toBe(value);
    expect(timings).toStrictEqual([{ name: "anonymous", durationMs: 1, ok: true }]);
  });

  it("treats a function with a then method as a thenable too", async () => {
    const { timings, onTiming } = recorder();
    const callable = Object.assign(() => "unused", {
      // biome-ignore lint/suspicious/noThenProperty: a thenable is the point of this test
      then(onFulfilled: (value: string) => void) {
        onFulfilled("from a function");
      },
    });
    const wrapped = timed(() => callable, onTiming, { clock: readings(0, 4) });
    const result = wrapped();
    expect(result, "adopted into a real promise, like any thenable").toBeInstanceOf(Promise);
    await expect(result).resolves.toBe("from a function");
    expect(timings).toStrictEqual([{ name: "anonymous", durationMs: 4, ok: true }]);
  });
});

describe("step 4 — this, names and the default clock", () => {
  it("keeps this: a wrapped method still sees its object", () => {
    const { timings, onTiming } = recorder();
    const cluster = {
      name: "prod-eu",
      nodes: 3,
      describe(this: { name: string; nodes: number }, verbose: boolean) {
        return verbose ? `${this.name} with ${this.nodes} nodes` : this.name;
      },
    };
    cluster.describe = timed(cluster.describe, onTiming, { clock: manualClock() });
    expect(cluster.describe(true)).toBe("prod-eu with 3 nodes");
    expect(timings[0]?.name).toBe("describe");
  });

  it("keeps this for each object the wrapper is called on", () => {
    function whoAmI(this: { id: string }) {
      return this.id;
    }
    const wrapped = timed(whoAmI, recorder().onTiming, { clock: manualClock() });
    const a = { id: "a", whoAmI: wrapped };
    const b = { id: "b", whoAmI: wrapped };
    expect([a.whoAmI(), b.whoAmI(), wrapped.call({ id: "c" })]).toEqual(["a", "b", "c"]);
  });

  it("names the timing after the function, and gives the wrapper the same name", () => {
    const { timings, onTiming } = recorder();
    function rotateSecrets() {
      return 1;
    }
    const wrapped = timed(rotateSecrets, onTiming, { clock: manualClock() });
    expect(wrapped.name, "like functools.wraps, so stack traces and logs show it").toBe(
      "rotateSecrets",
    );
    wrapped();
    expect(timings[0]?.name).toBe("rotateSecrets");
    const drainNode = async () => "drained";
    expect(timed(drainNode, onTiming).name, "an arrow function takes its variable's name").toBe(
      "drainNode",
    );
  });

  it("uses the name option over the function's own name", () => {
    const { timings, onTiming } = recorder();
    const wrapped = timed(function step() {}, onTiming, {
      name: "deploy.canary",
      clock: manualClock(),
    });
    wrapped();
    expect(timings[0]?.name).toBe("deploy.canary");
    expect(wrapped.name).toBe("deploy.canary");
  });

  it("keeps an empty name option as it is, and treats name: undefined as no option", () => {
    const { timings, onTiming } = recorder();
    const blank = timed(function step() {}, onTiming, { name: "", clock: manualClock() });
    blank();
    expect(timings[0]?.name, '"" is a string: it is the name').toBe("");
    expect(blank.name).toBe("");
    const unset = timed(function step() {}, onTiming, { name: undefined, clock: manualClock() });
    unset();
    expect(timings[1]?.name, "undefined: the function's own name").toBe("step");
    expect(unset.name).toBe("step");
  });

  it('names a function without a name "anonymous"', () => {
    const { timings, onTiming } = recorder();
    const wrapped = timed(
      [() => "inline"][0] as () => string, // an arrow function that never had a name
      onTiming,
      { clock: manualClock() },
    );
    wrapped();
    expect(timings[0]?.name).toBe("anonymous");
    expect(wrapped.name).toBe("anonymous");
  });

  it("uses performance.now() when no clock is given, looked up at each call", () => {
    const { timings, onTiming } = recorder();
    const wrapped = timed(function sync() {}, onTiming);
    // Installed after wrapping: the wrapper must read performance.now when it runs.
    const now = vi.spyOn(performance, "now").mockReturnValueOnce(2_000).mockReturnValueOnce(2_042);
    wrapped();
    expect(now).toHaveBeenCalledTimes(2);
    expect(timings).toStrictEqual([{ name: "sync", durationMs: 42, ok: true }]);
  });

  it("works with the real performance.now (no spy)", () => {
    const { timings, onTiming } = recorder();
    timed(function real() {}, onTiming)();
    expect(timings).toHaveLength(1);
    const [timing] = timings;
    expect(timing?.ok).toBe(true);
    expect(timing?.durationMs).toBeGreaterThanOrEqual(0);
    expect(timing?.durationMs).toBeLessThan(1_000);
  });

  it("keeps the parameter, this and result types of the function", () => {
    const { onTiming } = recorder();
    function restart(this: { host: string }, service: string, graceful = true): Promise<boolean> {
      return Promise.resolve(graceful && service.length > 0 && this.host.length > 0);
    }
    const wrapped = timed(restart, onTiming, { clock: manualClock() });
    expectTypeOf(wrapped).parameters.toEqualTypeOf<[service: string, graceful?: boolean]>();
    expectTypeOf(wrapped).returns.toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(wrapped).thisParameter.toEqualTypeOf<{ host: string }>();
    expect(wrapped.call({ host: "db-1" }, "postgres")).toBeInstanceOf(Promise);
  });
});

describe("step 5 — a logging decorator", () => {
  it("logs one info line when the call succeeds: name, 'ok in', duration with one decimal", () => {
    const logger = new MemoryLogger();
    const clock = manualClock(1_000);
    const deploy = logged(
      function deploy(version: string) {
        clock.advance(12.345);
        return `deployed ${version}`;
      },
      logger,
      { clock },
    );
    expect(deploy("2.0.0")).toBe("deployed 2.0.0");
    expect(logger.lines).toEqual(["INFO deploy ok in 12.3 ms"]);
  });

  it("writes whole milliseconds with .0", () => {
    const logger = new MemoryLogger();
    logged(function quick() {}, logger, { clock: readings(100, 105) })();
    logged(function quicker() {}, logger, { clock: readings(0.1, 0.3) })();
    expect(logger.lines).toEqual(["INFO quick ok in 5.0 ms", "INFO quicker ok in 0.2 ms"]);
  });

  it("logs one error line when the call throws, then rethrows the same error", () => {
    const logger = new MemoryLogger();
    const failure = new TypeError("manifest is not valid YAML");
    const apply = logged(
      function apply(): void {
        throw failure;
      },
      logger,
      { clock: readings(0, 3) },
    );
    let thrown: unknown;
    try {
      apply();
    } catch (error) {
      thrown = error;
    }
    expect(thrown, "the error object itself, thrown synchronously").toBe(failure);
    expect(logger.lines).toEqual([
      "ERROR apply failed in 3.0 ms: TypeError: manifest is not valid YAML",
    ]);
  });

  it("logs a rejected promise as a failure with its duration, then rejects with the same value", async () => {
    const logger = new MemoryLogger();
    const clock = manualClock(0);
    const failure = new Error("connection reset");
    const response = deferred<string>();
    const sync = logged(
      function syncInventory() {
        return response.promise;
      },
      logger,
      { clock },
    );
    const result = sync();
    const rejected = expect(result).rejects.toBe(failure);
    await flush();
    expect(logger.lines, "nothing is logged before the call has finished").toEqual([]);
    clock.set(2_500.06);
    response.reject(failure);
    await rejected;
    expect(logger.lines).toEqual([
      "ERROR syncInventory failed in 2500.1 ms: Error: connection reset",
    ]);
  });

  it("writes a thrown value that is not an Error with String(): 'disk full', 'undefined'", async () => {
    const logger = new MemoryLogger();
    const full = logged(
      function write(): void {
        throw "disk full";
      },
      logger,
      { clock: readings(0, 1) },
    );
    expect(() => full()).toThrow("disk full");
    const lost = logged(() => Promise.reject(undefined), logger, { clock: readings(0, 2) });
    await expect(lost()).rejects.toBeUndefined();
    expect(logger.lines).toEqual([
      "ERROR write failed in 1.0 ms: disk full",
      "ERROR anonymous failed in 2.0 ms: undefined",
    ]);
  });

  it("writes a thrown Symbol with String() too, and rethrows the Symbol itself", async () => {
    const logger = new MemoryLogger();
    const quota = Symbol("quota");
    const check = logged(
      function checkQuota(): void {
        throw quota;
      },
      logger,
      { clock: readings(0, 4) },
    );
    let thrown: unknown;
    try {
      check();
    } catch (error) {
      thrown = error;
    }
    expect(thrown, "the Symbol that was thrown, not an error from building the line").toBe(quota);
    const rejected = logged(() => Promise.reject(quota), logger, { clock: readings(0, 6) });
    await expect(rejected(), "the Symbol the promise rejected with").rejects.toBe(quota);
    expect(logger.lines, "a template literal alone throws a TypeError on a Symbol").toEqual([
      "ERROR checkQuota failed in 4.0 ms: Symbol(quota)",
      "ERROR anonymous failed in 6.0 ms: Symbol(quota)",
    ]);
  });

  it("logs a resolved promise as info once it resolves, and keeps the value", async () => {
    const logger = new MemoryLogger();
    const clock = manualClock(0);
    const response = deferred<string[]>();
    const list = logged(
      function listHosts() {
        return response.promise;
      },
      logger,
      { clock },
    );
    const result = list();
    await flush();
    expect(logger.lines).toEqual([]);
    clock.set(75);
    response.resolve(["web-1", "web-2"]);
    await expect(result).resolves.toEqual(["web-1", "web-2"]);
    expect(logger.lines).toEqual(["INFO listHosts ok in 75.0 ms"]);
  });

  it("keeps this, the arguments and sync-ness, like timed", () => {
    const logger = new MemoryLogger();
    const pool = {
      size: 4,
      resize(this: { size: number }, by: number) {
        this.size += by;
        return this.size;
      },
    };
    pool.resize = logged(pool.resize, logger, { clock: readings(0, 1) });
    const result = pool.resize(2);
    expect(result, "a plain number: a sync function stays sync").toBe(6);
    expect(pool.size).toBe(6);
    expect(logger.lines).toEqual(["INFO resize ok in 1.0 ms"]);
  });

  it("uses the name option, and names the wrapper after the function", () => {
    const logger = new MemoryLogger();
    const wrapped = logged(function backup() {}, logger, {
      name: "nightly-backup",
      clock: readings(0, 1),
    });
    wrapped();
    expect(logger.lines).toEqual(["INFO nightly-backup ok in 1.0 ms"]);
    expect(logged(function restore() {}, logger).name).toBe("restore");
  });

  it("uses performance.now() when no clock is given", () => {
    const logger = new MemoryLogger();
    const wrapped = logged(function ping() {}, logger);
    vi.spyOn(performance, "now").mockReturnValueOnce(10).mockReturnValueOnce(10.5);
    wrapped();
    expect(logger.lines).toEqual(["INFO ping ok in 0.5 ms"]);
  });

  it("stacks with timed, keeping the name: logged(timed(fn)) logs and times 'deploy'", () => {
    const logger = new MemoryLogger();
    const { timings, onTiming } = recorder();
    const clock = manualClock(0);
    function deploy() {
      clock.advance(10);
      return "ok";
    }
    // @logged above @timed in Python: the decorator nearest the function wraps it first.
    const both = logged(timed(deploy, onTiming, { clock }), logger, { clock });
    expect(both()).toBe("ok");
    expect(timings).toStrictEqual([{ name: "deploy", durationMs: 10, ok: true }]);
    expect(logger.lines).toEqual(["INFO deploy ok in 10.0 ms"]);
  });
});

describe("step 6 — decorators on class methods", () => {
  it("@timedMethod times a method under its name, with this and the arguments kept", () => {
    const { timings, onTiming } = recorder();
    const clock = manualClock(0);
    class Deployer {
      constructor(readonly env: string) {}
      @timedMethod(onTiming, { clock })
      deploy(version: string) {
        clock.advance(30);
        return `${this.env}: ${version}`;
      }
    }
    const prod = new Deployer("prod");
    expect(prod.deploy("1.2.3")).toBe("prod: 1.2.3");
    expect(new Deployer("dev").deploy("1.2.4")).toBe("dev: 1.2.4");
    expect(timings).toStrictEqual([
      { name: "deploy", durationMs: 30, ok: true },
      { name: "deploy", durationMs: 30, ok: true },
    ]);
  });

  it("@timedMethod reports a failing async method, then rejects with the same error", async () => {
    const { timings, onTiming } = recorder();
    const failure = new Error("drain timed out");
    class Node {
      @timedMethod(onTiming, { clock: readings(0, 90) })
      async drain(): Promise<void> {
        throw failure;
      }
    }
    await expect(new Node().drain()).rejects.toBe(failure);
    expect(timings).toStrictEqual([{ name: "drain", durationMs: 90, ok: false, error: failure }]);
  });

  it("@timedMethod keeps a sync method sync, and works on static and private methods", () => {
    const { timings, onTiming } = recorder();
    const clock = manualClock(0);
    class Inventory {
      static region = "eu-west-1";
      #hosts = ["web-1", "web-2"];
      @timedMethod(onTiming, { clock })
      static describe() {
        // biome-ignore lint/complexity/noThisInStatic: a static method's this is the class
        return `inventory in ${this.region}`;
      }
      @timedMethod(onTiming, { clock })
      #count() {
        return this.#hosts.length;
      }
      size() {
        return this.#count();
      }
    }
    expect(Inventory.describe()).toBe("inventory in eu-west-1");
    const size = new Inventory().size();
    expect(size, "a plain number").toBe(2);
    expect(timings.map((t) => t.name)).toEqual(["describe", "#count"]);
  });

  it("@timedMethod uses the name option over the method name, and the default clock", () => {
    const { timings, onTiming } = recorder();
    class Job {
      @timedMethod(onTiming, { name: "Job.run" })
      run() {
        return "ran";
      }
      @timedMethod(onTiming)
      [cleanupKey]() {
        return "cleaned";
      }
    }
    vi.spyOn(performance, "now").mockReturnValueOnce(1).mockReturnValueOnce(4);
    expect(new Job().run()).toBe("ran");
    vi.spyOn(performance, "now").mockReturnValueOnce(10).mockReturnValueOnce(11);
    expect(new Job()[cleanupKey]()).toBe("cleaned");
    expect(timings).toStrictEqual([
      { name: "Job.run", durationMs: 3, ok: true },
      { name: "Symbol(kata.cleanup)", durationMs: 1, ok: true },
    ]);
  });

  it("@timedMethod keeps an empty name option, and takes name: undefined as no option", () => {
    const { timings, onTiming } = recorder();
    class Job {
      @timedMethod(onTiming, { name: "", clock: manualClock() })
      run() {
        return "ran";
      }
      @timedMethod(onTiming, { name: undefined, clock: manualClock() })
      stop() {
        return "stopped";
      }
    }
    const job = new Job();
    expect(job.run()).toBe("ran");
    expect(job.stop()).toBe("stopped");
    expect(timings.map((t) => t.name)).toEqual(["", "stop"]);
  });

  it("@bound lets a method be passed around as a callback and keep its instance", () => {
    class HealthCheck {
      readonly seen: string[] = [];
      constructor(readonly prefix: string) {}
      @bound
      check(host: string) {
        this.seen.push(`${this.prefix}${host}`);
        return this.seen.length;
      }
    }
    const web = new HealthCheck("web:");
    const db = new HealthCheck("db:");
    const checkWeb = web.check;
    ["a", "b"].forEach(web.check);
    expect(checkWeb("c"), "a detached method still has its this").toBe(3);
    expect(db.check.call(web, "x"), "bound to db, whatever this it is called with").toBe(1);
    expect(web.seen).toEqual(["web:a", "web:b", "web:c"]);
    expect(db.seen).toEqual(["db:x"]);
    expect(web.check, "bound once per instance: the same function every time").toBe(web.check);
    expect(web.check).not.toBe(db.check);
  });

  it("@bound binds the subclass's override when a subclass replaces the method", () => {
    class Probe {
      readonly kind: string = "tcp";
      @bound
      describe() {
        return `probe ${this.kind}`;
      }
    }
    class HttpProbe extends Probe {
      override readonly kind = "http";
      override describe() {
        return `${super.describe()} on /healthz`;
      }
    }
    const { describe } = new HttpProbe();
    expect(describe()).toBe("probe http on /healthz");
    const base = new Probe().describe;
    expect(base()).toBe("probe tcp");
  });

  it("@bound works on a static method", () => {
    // biome-ignore lint/complexity/noStaticOnlyClass: a static method is what is under test
    class Registry {
      static prefix = "registry.internal/";
      @bound
      static image(name: string) {
        // biome-ignore lint/complexity/noThisInStatic: a static method's this is the class
        return `${this.prefix}${name}`;
      }
    }
    const { image } = Registry;
    expect(["api", "worker"].map(image)).toEqual([
      "registry.internal/api",
      "registry.internal/worker",
    ]);
  });

  it("@bound refuses a private method with a TypeError when the class is defined", () => {
    const defineClass = () => {
      class Secret {
        @bound
        #rotate() {
          return "rotated";
        }
        rotate() {
          return this.#rotate();
        }
      }
      return Secret;
    };
    expect(defineClass).toThrow(TypeError);
    expect(defineClass).toThrow("@bound cannot bind private method #rotate");
  });

  it("stacks: @bound above @timedMethod gives a detached method that is still timed", () => {
    const { timings, onTiming } = recorder();
    class Scaler {
      replicas = 2;
      @bound
      @timedMethod(onTiming, { clock: readings(0, 8) })
      scaleUp() {
        this.replicas += 1;
        return this.replicas;
      }
    }
    const scaler = new Scaler();
    const { scaleUp } = scaler;
    expect(scaleUp()).toBe(3);
    expect(timings).toStrictEqual([{ name: "scaleUp", durationMs: 8, ok: true }]);
  });
});
