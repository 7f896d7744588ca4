import { HttpResponse, http } from "msw";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { useMockServer } from "../../fixtures/helpers/http";
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  CircuitOpenError,
  type CircuitState,
} from "./circuit-breaker";

// ---------------------------------------------------------------------------------------------
// Test helpers: a clock moved by hand, promises settled by hand, and a breaker around a fake
// service whose every state change is recorded.
// ---------------------------------------------------------------------------------------------

/** Time passes only when the test says so. Starts far from 0 so "elapsed" and "now" differ. */
function manualClock(start = 1_000_000) {
  let current = start;
  return {
    now: () => current,
    advance(ms: number) {
      current += ms;
    },
  };
}

/** A promise the test settles later: keeps a call "in flight". */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** An error the fake service rejects with; each call gets its own instance. */
const outage = () => new Error("503 Service Unavailable");

/** The caller's fault, not the service's: the kind of error `isFailure` lets through. */
class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    url: string,
  ) {
    super(`GET ${url} answered ${status}`);
    this.name = "HttpStatusError";
  }
}
/** Network errors and 5xx count against the service; other HTTP statuses are the caller's fault. */
const isServiceFault = (error: unknown) =>
  !(error instanceof HttpStatusError && error.status < 500);

function harness(options: CircuitBreakerOptions = {}) {
  const clock = manualClock();
  const transitions: string[] = [];
  const service = vi.fn(async (input: string) => `echo:${input}`);
  const breaker = new CircuitBreaker(service, {
    now: clock.now,
    onStateChange: (from, to) => transitions.push(`${from} -> ${to}`),
    ...options,
  });

  /** One call that the service answers. */
  async function succeed() {
    await expect(breaker.fire("ping")).resolves.toBe("echo:ping");
  }
  /** `times` calls in a row that reach the service and fail; each rejects with the service's error. */
  async function fail(times = 1, makeError: () => unknown = outage) {
    for (let i = 0; i < times; i++) {
      const error = makeError();
      service.mockRejectedValueOnce(error);
      await expect(breaker.fire("ping"), "the service's own error must come back").rejects.toBe(
        error,
      );
    }
  }
  /** A call that must be refused without reaching the service; returns the refusal. */
  async function refused(): Promise<CircuitOpenError> {
    const callsBefore = service.mock.calls.length;
    const error = await breaker.fire("ping").then(
      (value) => expect.fail(`expected a CircuitOpenError, but the call resolved with ${value}`),
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(service.mock.calls.length, "a refused call must not reach the service").toBe(
      callsBefore,
    );
    return error as CircuitOpenError;
  }
  /** Starts a call whose outcome the test decides later. */
  function inFlight() {
    const call = deferred<string>();
    service.mockImplementationOnce(() => call.promise);
    const result = breaker.fire("slow");
    return { ...call, result };
  }
  return { clock, transitions, service, breaker, succeed, fail, refused, inFlight };
}

/** Runs `action` and returns what it threw (fails the test if it did not throw). */
function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return expect.fail("expected the constructor to throw");
}

// ---------------------------------------------------------------------------------------------

describe("step 1 — passing calls through", () => {
  it("starts CLOSED", () => {
    const { breaker } = harness();
    expect(breaker.state).toBe("CLOSED");
  });

  it("resolves with what the wrapped function resolves with", async () => {
    const { breaker, service } = harness();
    await expect(breaker.fire("hello")).resolves.toBe("echo:hello");
    expect(service).toHaveBeenCalledTimes(1);
  });

  it("passes every argument through unchanged, and calls the function without a `this`", async () => {
    const seen: { self: unknown; args: unknown[] }[] = [];
    const payload = { id: 7 };
    const breaker = new CircuitBreaker(function record(
      this: unknown,
      ...args: [number, { id: number }, string | undefined]
    ) {
      seen.push({ self: this, args });
      return Promise.resolve(args.length);
    });
    await expect(breaker.fire(1, payload, undefined)).resolves.toBe(3);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.args[1], "the same object, not a copy").toBe(payload);
    expect(seen[0]?.args).toEqual([1, payload, undefined]);
    expect(seen[0]?.self, "fn must be called as a plain function, not as a method").toBeUndefined();
  });

  it("rejects with the very error the function rejected with", async () => {
    const { fail, breaker } = harness();
    await fail(1);
    expect(breaker.state).toBe("CLOSED");
  });

  it.each([
    ["a string", () => "disk full"],
    ["undefined", () => undefined],
    ["a plain object", () => ({ code: "ECONNRESET" })],
  ])(
    "rejects with exactly the value the function threw when it is not an Error: %s",
    async (_label, make) => {
      const { fail, breaker } = harness();
      await fail(1, make); // fail() checks the rejection is the very value thrown
      expect(breaker.state).toBe("CLOSED");
    },
  );

  it("turns a synchronous throw from the function into a rejected promise", async () => {
    const error = new TypeError("bad input");
    const breaker = new CircuitBreaker((): Promise<string> => {
      throw error;
    });
    let call: Promise<string> | undefined;
    expect(() => {
      call = breaker.fire();
    }, "fire() must never throw synchronously").not.toThrow();
    await expect(call).rejects.toBe(error);
  });
});

describe("step 2 — opening after consecutive failures", () => {
  it("stays CLOSED and keeps calling the function after failureThreshold - 1 failures", async () => {
    const { fail, succeed, breaker, service, transitions } = harness({ failureThreshold: 3 });
    await fail(2);
    expect(breaker.state).toBe("CLOSED");
    await succeed();
    expect(service).toHaveBeenCalledTimes(3);
    expect(transitions).toEqual([]);
  });

  it("opens on exactly the failureThreshold-th consecutive failure", async () => {
    const { fail, breaker, transitions } = harness({ failureThreshold: 3 });
    await fail(3);
    expect(breaker.state).toBe("OPEN");
    expect(transitions).toEqual(["CLOSED -> OPEN"]);
  });

  it("opens after 5 consecutive failures by default", async () => {
    const { fail, breaker } = harness();
    await fail(4);
    expect(breaker.state, "4 failures are below the default threshold of 5").toBe("CLOSED");
    await fail(1);
    expect(breaker.state).toBe("OPEN");
  });

  it("resets the count on a success: only failures in a row open the circuit", async () => {
    const { fail, succeed, breaker } = harness({ failureThreshold: 3 });
    await fail(2);
    await succeed();
    await fail(2);
    expect(breaker.state, "2 + 2 failures with a success between are not 3 in a row").toBe(
      "CLOSED",
    );
    await fail(1);
    expect(breaker.state).toBe("OPEN");
  });

  it("counts a synchronous throw like a rejection", async () => {
    const breaker = new CircuitBreaker(
      (): Promise<string> => {
        throw new Error("thrown before any promise existed");
      },
      { failureThreshold: 2, now: manualClock().now },
    );
    await expect(breaker.fire()).rejects.toThrow("thrown before any promise existed");
    await expect(breaker.fire()).rejects.toThrow("thrown before any promise existed");
    expect(breaker.state).toBe("OPEN");
  });

  it("calls onStateChange once per change, after `state` already reads the new state", async () => {
    const seen: [CircuitState, CircuitState, CircuitState][] = [];
    const breaker: CircuitBreaker<[], never> = new CircuitBreaker(() => Promise.reject(outage()), {
      failureThreshold: 2,
      now: manualClock().now,
      onStateChange: (from, to) => seen.push([from, to, breaker.state]),
    });
    await expect(breaker.fire()).rejects.toThrow("503");
    await expect(breaker.fire()).rejects.toThrow("503");
    expect(seen).toEqual([["CLOSED", "OPEN", "OPEN"]]);
  });

  it("works without an onStateChange callback", async () => {
    const breaker = new CircuitBreaker(() => Promise.reject(outage()), {
      failureThreshold: 1,
      now: manualClock().now,
    });
    await expect(breaker.fire()).rejects.toThrow("503");
    expect(breaker.state).toBe("OPEN");
  });
});

describe("step 3 — failing fast while open", () => {
  it("rejects with a CircuitOpenError and does not call the function", async () => {
    const { fail, refused, service } = harness({ failureThreshold: 2 });
    await fail(2);
    await refused();
    await refused();
    expect(service).toHaveBeenCalledTimes(2);
  });

  it("says in the error which state refused the call and when to retry", async () => {
    const { fail, refused, clock } = harness({ failureThreshold: 2, resetTimeoutMs: 30_000 });
    await fail(2);
    clock.advance(15_000);
    const error = await refused();
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("CircuitOpenError");
    expect(error.message).toBe("Circuit is OPEN: retry in 15000 ms");
    expect(error.state).toBe("OPEN");
    expect(error.retryAfterMs).toBe(15_000);
  });

  it("counts retryAfterMs down from resetTimeoutMs as the clock moves", async () => {
    const { fail, refused, clock } = harness({ failureThreshold: 1, resetTimeoutMs: 5_000 });
    await fail(1);
    expect((await refused()).retryAfterMs, "right after opening").toBe(5_000);
    clock.advance(1);
    expect((await refused()).retryAfterMs).toBe(4_999);
    clock.advance(4_000);
    expect((await refused()).retryAfterMs).toBe(999);
  });

  it("gives retryAfterMs exactly, never rounded, with a fractional clock or resetTimeoutMs", async () => {
    const { fail, refused, clock } = harness({ failureThreshold: 1, resetTimeoutMs: 30_000 });
    clock.advance(0.25);
    await fail(1);
    clock.advance(100.5);
    const error = await refused();
    expect(error.retryAfterMs, "30 000 - 100.5").toBe(29_899.5);
    expect(error.message).toBe("Circuit is OPEN: retry in 29899.5 ms");

    const fractional = harness({ failureThreshold: 1, resetTimeoutMs: 1_500.5 });
    await fractional.fail(1);
    fractional.clock.advance(0.25);
    expect((await fractional.refused()).retryAfterMs, "1 500.5 - 0.25").toBe(1_500.25);
  });

  it("computes retryAfterMs as resetTimeoutMs - (now - openedAt), to the last bit of a fractional clock", async () => {
    const { fail, refused, clock } = harness({ failureThreshold: 1, resetTimeoutMs: 30_000 });
    clock.advance(0.1); // opens at 1 000 000.1
    await fail(1);
    clock.advance(14_000.2);
    const openedAt = 1_000_000 + 0.1;
    const now = openedAt + 14_000.2;
    const error = await refused();
    expect(
      error.retryAfterMs,
      "the README's subtraction, not (openedAt + resetTimeoutMs) - now",
    ).toBe(30_000 - (now - openedAt));
    expect(error.message).toBe(`Circuit is OPEN: retry in ${30_000 - (now - openedAt)} ms`);

    const tiny = harness({ failureThreshold: 1, resetTimeoutMs: 0.2 });
    tiny.clock.advance(0.1);
    await tiny.fail(1);
    tiny.clock.advance(0.2);
    const tinyOpenedAt = 1_000_000 + 0.1;
    const tinyNow = tinyOpenedAt + 0.2;
    expect(tinyNow - tinyOpenedAt < 0.2, "the reading is just under the timeout").toBe(true);
    expect((await tiny.refused()).retryAfterMs).toBe(0.2 - (tinyNow - tinyOpenedAt));
  });

  it("reads the clock once to refuse a call: retryAfterMs comes from the reading that refused it", async () => {
    // A clock that moves 1 ms every time it is read: a second reading would give another answer.
    let current = 1_000_000;
    const readings: number[] = [];
    const now = () => {
      readings.push(current);
      current += 1;
      return readings.at(-1) as number;
    };
    let openedAt = Number.NaN;
    const service = vi.fn(async () => {
      throw outage();
    });
    const breaker = new CircuitBreaker(service, {
      failureThreshold: 1,
      resetTimeoutMs: 1_000,
      now,
      onStateChange: (_from, to) => {
        if (to === "OPEN") openedAt = readings.at(-1) ?? Number.NaN;
      },
    });
    await expect(breaker.fire()).rejects.toThrow("503");
    expect(breaker.state).toBe("OPEN");
    current = openedAt + 999;
    const error = await breaker.fire().catch((reason: unknown) => reason);
    expect(error, "999 ms after opening the call is still refused").toBeInstanceOf(
      CircuitOpenError,
    );
    expect((error as CircuitOpenError).retryAfterMs, "1 000 - 999, from the one reading").toBe(1);
    expect(service).toHaveBeenCalledTimes(1);
  });

  it("times the opening from when the failing call settles, not from when it started", async () => {
    const { inFlight, refused, clock, breaker } = harness({
      failureThreshold: 1,
      resetTimeoutMs: 10_000,
    });
    const slow = inFlight();
    clock.advance(4_000);
    slow.reject(outage());
    await expect(slow.result).rejects.toThrow("503");
    expect(breaker.state).toBe("OPEN");
    clock.advance(9_999); // 13 999 ms after the call started, 9 999 ms after it failed
    expect((await refused()).retryAfterMs, "the timeout runs from the failure").toBe(1);
  });

  it("refuses a call when the clock went backwards, with retryAfterMs above resetTimeoutMs", async () => {
    const { fail, refused, clock } = harness({ failureThreshold: 1, resetTimeoutMs: 1_000 });
    await fail(1);
    clock.advance(-500); // a wall clock stepped back (NTP)
    expect(
      (await refused()).retryAfterMs,
      "resetTimeoutMs - (now - openedAt) = 1000 - (-500): the formula as written, not clamped",
    ).toBe(1_500);
  });

  it("refuses a call with resetTimeoutMs 0 too when the clock went backwards, then trials once it is back", async () => {
    const { fail, refused, succeed, clock, transitions } = harness({
      failureThreshold: 1,
      resetTimeoutMs: 0,
    });
    await fail(1);
    clock.advance(-5);
    expect(
      (await refused()).retryAfterMs,
      "elapsed = -5 is less than resetTimeoutMs 0: refused, retryAfterMs 0 - (-5) = 5",
    ).toBe(5);
    clock.advance(5);
    await succeed();
    expect(transitions).toEqual(["CLOSED -> OPEN", "OPEN -> HALF_OPEN", "HALF_OPEN -> CLOSED"]);
  });

  it("still reads OPEN once the timeout has elapsed, until the next call arrives", async () => {
    const { fail, breaker, clock, transitions, service } = harness({
      failureThreshold: 1,
      resetTimeoutMs: 5_000,
    });
    await fail(1);
    clock.advance(60_000);
    expect(breaker.state, "no call has come yet, so no trial has started").toBe("OPEN");
    expect(transitions).toEqual(["CLOSED -> OPEN"]);
    expect(service).toHaveBeenCalledTimes(1);
  });

  it("reads the clock only when a failure opens the circuit or a call arrives at an OPEN one", async () => {
    const clock = manualClock();
    const now = vi.fn(clock.now);
    const service = vi.fn(async (ok: boolean) => {
      if (!ok) throw outage();
      return "up";
    });
    const breaker = new CircuitBreaker(service, {
      failureThreshold: 3,
      resetTimeoutMs: 1_000,
      now,
    });
    await expect(breaker.fire(true)).resolves.toBe("up");
    await expect(breaker.fire(false)).rejects.toThrow("503");
    await expect(breaker.fire(false)).rejects.toThrow("503");
    expect(
      now,
      "successes and failures that do not open never read the clock",
    ).not.toHaveBeenCalled();
    await expect(breaker.fire(false)).rejects.toThrow("503");
    expect(breaker.state).toBe("OPEN");
    expect(now, "the opening reads it once").toHaveBeenCalledTimes(1);
    await expect(breaker.fire(true)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(now, "a refused call reads it once").toHaveBeenCalledTimes(2);
    clock.advance(1_000);
    await expect(breaker.fire(true)).resolves.toBe("up");
    expect(now, "the call that starts the trial reads it once").toHaveBeenCalledTimes(3);
    await expect(breaker.fire(false)).rejects.toThrow("503");
    expect(now, "a failure in CLOSED below the threshold does not").toHaveBeenCalledTimes(3);
  });

  it("does not restart the timeout when a call started before the circuit opened fails late", async () => {
    const { breaker, refused, inFlight, clock, transitions } = harness({
      failureThreshold: 2,
      resetTimeoutMs: 10_000,
    });
    const first = inFlight();
    const second = inFlight();
    const straggler = inFlight();
    first.reject(outage());
    second.reject(outage());
    await expect(first.result).rejects.toThrow("503");
    await expect(second.result).rejects.toThrow("503");
    expect(breaker.state).toBe("OPEN");

    clock.advance(1_000);
    const late = outage();
    straggler.reject(late);
    await expect(straggler.result, "the late call still gets its own error").rejects.toBe(late);
    expect((await refused()).retryAfterMs, "the timeout runs from the moment it opened").toBe(
      9_000,
    );
    expect(transitions).toEqual(["CLOSED -> OPEN"]);
  });

  it("does not close when a call started before the circuit opened succeeds late", async () => {
    const { breaker, refused, inFlight, transitions } = harness({ failureThreshold: 1 });
    const failing = inFlight();
    const straggler = inFlight();
    failing.reject(outage());
    await expect(failing.result).rejects.toThrow("503");
    straggler.resolve("late but fine");
    await expect(straggler.result).resolves.toBe("late but fine");
    expect(breaker.state, "only a trial in HALF_OPEN may close the circuit").toBe("OPEN");
    await refused();
    expect(transitions).toEqual(["CLOSED -> OPEN"]);
  });
});

describe("step 4 — the half-open trial", () => {
  it("refuses at resetTimeoutMs - 1 and lets a trial through at exactly resetTimeoutMs", async () => {
    const { fail, refused, succeed, clock, service } = harness({
      failureThreshold: 1,
      resetTimeoutMs: 10_000,
    });
    await fail(1);
    clock.advance(9_999);
    expect((await refused()).retryAfterMs).toBe(1);
    clock.advance(1);
    await succeed();
    expect(service).toHaveBeenCalledTimes(2);
  });

  it("runs the trial in HALF_OPEN, announced before the function is called", async () => {
    const { fail, breaker, clock, service, transitions } = harness({ failureThreshold: 1 });
    await fail(1);
    clock.advance(60_000);
    const statesSeenByTheCall: CircuitState[] = [];
    service.mockImplementationOnce(async () => {
      statesSeenByTheCall.push(breaker.state);
      return "recovered";
    });
    await expect(breaker.fire("ping")).resolves.toBe("recovered");
    expect(statesSeenByTheCall).toEqual(["HALF_OPEN"]);
    expect(transitions).toEqual(["CLOSED -> OPEN", "OPEN -> HALF_OPEN", "HALF_OPEN -> CLOSED"]);
  });

  it("closes the circuit when the trial succeeds, and calls flow again", async () => {
    const { fail, succeed, breaker, clock, service } = harness({
      failureThreshold: 2,
      resetTimeoutMs: 1_000,
    });
    await fail(2);
    clock.advance(1_000);
    await succeed();
    expect(breaker.state).toBe("CLOSED");
    await succeed();
    await succeed();
    expect(service).toHaveBeenCalledTimes(5);
  });

  it("starts counting from zero after closing: it takes failureThreshold new failures to reopen", async () => {
    const { fail, succeed, breaker, clock } = harness({
      failureThreshold: 3,
      resetTimeoutMs: 1_000,
    });
    await fail(3);
    clock.advance(1_000);
    await succeed();
    await fail(2);
    expect(breaker.state, "the failures from before the circuit opened are forgotten").toBe(
      "CLOSED",
    );
    await fail(1);
    expect(breaker.state).toBe("OPEN");
  });

  it("reopens with a fresh timeout when the trial fails, then allows the next trial", async () => {
    const { fail, refused, succeed, breaker, clock, transitions } = harness({
      failureThreshold: 1,
      resetTimeoutMs: 10_000,
    });
    await fail(1);
    clock.advance(25_000);
    await fail(1); // the trial
    expect(breaker.state).toBe("OPEN");
    expect((await refused()).retryAfterMs, "a whole new timeout, from the failed trial").toBe(
      10_000,
    );
    clock.advance(9_999);
    expect((await refused()).retryAfterMs).toBe(1);
    clock.advance(1);
    await succeed(); // the second trial
    expect(breaker.state).toBe("CLOSED");
    expect(transitions).toEqual([
      "CLOSED -> OPEN",
      "OPEN -> HALF_OPEN",
      "HALF_OPEN -> OPEN",
      "OPEN -> HALF_OPEN",
      "HALF_OPEN -> CLOSED",
    ]);
  });

  describe("with fake timers", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it("waits 60 000 ms by default, reading Date.now when no clock is given", async () => {
      vi.useFakeTimers();
      vi.setSystemTime(new Date("2026-11-02T09:00:00Z"));
      const service = vi.fn(async () => "up");
      const breaker = new CircuitBreaker(service, { failureThreshold: 1 });
      service.mockRejectedValueOnce(outage());
      await expect(breaker.fire()).rejects.toThrow("503");

      vi.advanceTimersByTime(59_999);
      const error = await breaker.fire().catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect((error as CircuitOpenError).retryAfterMs).toBe(1);

      vi.advanceTimersByTime(1);
      await expect(breaker.fire()).resolves.toBe("up");
      expect(breaker.state).toBe("CLOSED");
    });

    it("looks Date.now up each time it reads the time, not once when the breaker is made", async () => {
      const service = vi.fn(async () => "up");
      const breaker = new CircuitBreaker(service, { failureThreshold: 1, resetTimeoutMs: 1_000 });
      let fakeNow = 5_000_000;
      vi.spyOn(Date, "now").mockImplementation(() => fakeNow);
      service.mockRejectedValueOnce(outage());
      await expect(breaker.fire()).rejects.toThrow("503");
      fakeNow += 400;
      const error = await breaker.fire().catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect(
        (error as CircuitOpenError).retryAfterMs,
        "Date.now replaced after the breaker was made must be the one read",
      ).toBe(600);
    });

    it("reads time only from the injected clock when one is given", async () => {
      vi.useFakeTimers();
      const { fail, refused, succeed, clock } = harness({
        failureThreshold: 1,
        resetTimeoutMs: 10_000,
      });
      await fail(1);
      vi.advanceTimersByTime(20_000);
      expect((await refused()).retryAfterMs, "Date.now moved 20 s; the clock did not").toBe(10_000);
      clock.advance(10_000);
      await succeed();
    });
  });
});

describe("step 5 — limiting concurrent trials", () => {
  it("closes the circuit when a call started while CLOSED succeeds during HALF_OPEN", async () => {
    const { fail, inFlight, clock, breaker, transitions } = harness({
      failureThreshold: 1,
      resetTimeoutMs: 1_000,
    });
    const early = inFlight(); // started while CLOSED
    await fail(1);
    clock.advance(1_000);
    const trial = inFlight();
    expect(breaker.state).toBe("HALF_OPEN");
    early.resolve("early");
    await expect(early.result).resolves.toBe("early");
    expect(breaker.state, "the outcome counts in the state the call settles in").toBe("CLOSED");
    expect(transitions).toEqual(["CLOSED -> OPEN", "OPEN -> HALF_OPEN", "HALF_OPEN -> CLOSED"]);
    trial.resolve("trial");
    await expect(trial.result).resolves.toBe("trial");
  });

  it("counts a trial that fails after another trial closed the circuit as a failure in CLOSED", async () => {
    const { fail, inFlight, clock, breaker, transitions } = harness({
      failureThreshold: 1,
      halfOpenMaxCalls: 2,
    });
    await fail(1);
    clock.advance(60_000);
    const first = inFlight();
    const second = inFlight();
    first.resolve("ok");
    await expect(first.result).resolves.toBe("ok");
    expect(breaker.state).toBe("CLOSED");
    second.reject(outage());
    await expect(second.result).rejects.toThrow("503");
    expect(breaker.state, "one failure in CLOSED reaches failureThreshold 1").toBe("OPEN");
    expect(transitions).toEqual([
      "CLOSED -> OPEN",
      "OPEN -> HALF_OPEN",
      "HALF_OPEN -> CLOSED",
      "CLOSED -> OPEN",
    ]);
  });

  it("counts a trial that fails after another trial closed the circuit as one failure, not a reopening", async () => {
    const { fail, inFlight, clock, breaker, transitions, refused } = harness({
      failureThreshold: 3,
      halfOpenMaxCalls: 2,
    });
    await fail(3);
    clock.advance(60_000);
    const first = inFlight();
    const second = inFlight();
    first.resolve("ok");
    await expect(first.result).resolves.toBe("ok");
    second.reject(outage());
    await expect(second.result).rejects.toThrow("503");
    expect(
      breaker.state,
      "in CLOSED a failure only adds 1 to the count (1 of failureThreshold 3): it does not reopen",
    ).toBe("CLOSED");
    await fail(1);
    expect(breaker.state, "2 of 3 failures in a row").toBe("CLOSED");
    await fail(1);
    expect(breaker.state, "the late trial's failure was the first of the 3").toBe("OPEN");
    await refused();
    expect(transitions).toEqual([
      "CLOSED -> OPEN",
      "OPEN -> HALF_OPEN",
      "HALF_OPEN -> CLOSED",
      "CLOSED -> OPEN",
    ]);
  });

  it("reopens when a call started while CLOSED fails during HALF_OPEN, and counts one that fails after closing", async () => {
    const { fail, inFlight, succeed, clock, breaker, transitions, refused } = harness({
      failureThreshold: 1,
      resetTimeoutMs: 1_000,
    });
    const early = inFlight(); // started while CLOSED, before any opening
    const earlier = inFlight(); // the same
    await fail(1);
    clock.advance(1_000);
    const trial = inFlight();
    expect(breaker.state).toBe("HALF_OPEN");
    early.reject(outage());
    await expect(early.result).rejects.toThrow("503");
    expect(breaker.state, "a failure in HALF_OPEN reopens, whenever the call started").toBe("OPEN");
    expect((await refused()).retryAfterMs, "a new timeout from this failure").toBe(1_000);
    trial.resolve("trial");
    await expect(trial.result).resolves.toBe("trial");
    clock.advance(1_000);
    await succeed(); // the next trial closes the circuit
    expect(breaker.state).toBe("CLOSED");
    earlier.reject(outage());
    await expect(earlier.result).rejects.toThrow("503");
    expect(breaker.state, "a failure in CLOSED counts: threshold 1 reopens").toBe("OPEN");
    expect(transitions).toEqual([
      "CLOSED -> OPEN",
      "OPEN -> HALF_OPEN",
      "HALF_OPEN -> OPEN",
      "OPEN -> HALF_OPEN",
      "HALF_OPEN -> CLOSED",
      "CLOSED -> OPEN",
    ]);
  });

  it("gives a new half-open phase all its slots, even while a trial of the last phase still runs", async () => {
    const { fail, refused, inFlight, clock, service, breaker } = harness({
      failureThreshold: 1,
      halfOpenMaxCalls: 2,
      resetTimeoutMs: 1_000,
    });
    await fail(1);
    clock.advance(1_000);
    const first = inFlight();
    const lingering = inFlight();
    first.reject(outage());
    await expect(first.result).rejects.toThrow("503");
    expect(breaker.state, "the first trial to settle ends the phase").toBe("OPEN");
    clock.advance(1_000);
    inFlight();
    inFlight();
    expect(service, "both slots of the new phase are free").toHaveBeenCalledTimes(5);
    expect((await refused()).state).toBe("HALF_OPEN");
    lingering.resolve("late");
    await expect(lingering.result).resolves.toBe("late");
  });

  it("lets one trial through by default and refuses the others with a HALF_OPEN error", async () => {
    const { fail, refused, inFlight, succeed, breaker, clock, service } = harness({
      failureThreshold: 1,
    });
    await fail(1);
    clock.advance(60_000);
    const trial = inFlight();
    expect(breaker.state).toBe("HALF_OPEN");

    const error = await refused();
    expect(error.state).toBe("HALF_OPEN");
    expect(error.retryAfterMs).toBe(0);
    expect(error.message).toBe("Circuit is HALF_OPEN: retry in 0 ms");
    await refused();
    expect(service).toHaveBeenCalledTimes(2);

    trial.resolve("back");
    await expect(trial.result).resolves.toBe("back");
    expect(breaker.state).toBe("CLOSED");
    await succeed();
  });

  it("lets halfOpenMaxCalls trials run at once, and refuses one more", async () => {
    const { fail, refused, inFlight, breaker, clock, service } = harness({
      failureThreshold: 1,
      halfOpenMaxCalls: 3,
    });
    await fail(1);
    clock.advance(60_000);
    const trials = [inFlight(), inFlight(), inFlight()];
    expect(service, "three trial slots, three calls reach the service").toHaveBeenCalledTimes(4);
    expect((await refused()).state).toBe("HALF_OPEN");

    for (const trial of trials) trial.resolve("ok");
    await Promise.all(trials.map((trial) => expect(trial.result).resolves.toBe("ok")));
    expect(breaker.state).toBe("CLOSED");
  });

  it("gives a new half-open phase fresh trial slots after a failed trial", async () => {
    const { fail, refused, inFlight, clock, service } = harness({
      failureThreshold: 1,
      halfOpenMaxCalls: 2,
      resetTimeoutMs: 1_000,
    });
    await fail(1);
    clock.advance(1_000);
    await fail(1); // the first phase's trial reopens the circuit
    clock.advance(1_000);
    inFlight();
    inFlight();
    expect(service, "both slots of the new phase are usable").toHaveBeenCalledTimes(4);
    expect((await refused()).state).toBe("HALF_OPEN");
  });
});

describe("step 6 — errors that are not the service's fault", () => {
  const notFound = () => new HttpStatusError(404, "https://api.example.test/users/42");

  it("rethrows them unchanged and never opens the circuit for them", async () => {
    const { fail, breaker, service, transitions } = harness({
      failureThreshold: 2,
      isFailure: isServiceFault,
    });
    await fail(10, notFound);
    expect(breaker.state).toBe("CLOSED");
    expect(service).toHaveBeenCalledTimes(10);
    expect(transitions).toEqual([]);
  });

  it.each([
    ["a string", () => "disk full"],
    ["undefined", () => undefined],
    ["a plain object", () => ({ status: 404 })],
  ])(
    "asks isFailure about exactly the value thrown when it is not an Error: %s",
    async (_label, make) => {
      const isFailure = vi.fn((_error: unknown) => false);
      const { fail } = harness({ isFailure });
      const thrown = make();
      await fail(1, () => thrown);
      expect(isFailure).toHaveBeenCalledTimes(1);
      expect(isFailure.mock.calls[0]?.[0], "the value itself, not a wrapper").toBe(thrown);
    },
  );

  it("asks isFailure once per error, with the error itself, and never for a success", async () => {
    const isFailure = vi.fn((_error: unknown) => true);
    const { fail, succeed } = harness({ isFailure });
    const error = outage();
    await fail(1, () => error);
    await succeed();
    expect(isFailure).toHaveBeenCalledTimes(1);
    expect(isFailure).toHaveBeenCalledWith(error);
  });

  it("asks isFailure about an error that settles while OPEN too, and still ignores the outcome", async () => {
    const isFailure = vi.fn((_error: unknown) => true);
    const { fail, inFlight, breaker, refused } = harness({ failureThreshold: 1, isFailure });
    const straggler = inFlight();
    await fail(1);
    expect(breaker.state).toBe("OPEN");
    const late = outage();
    straggler.reject(late);
    await expect(straggler.result).rejects.toBe(late);
    expect(isFailure, "called once per error, whatever the state").toHaveBeenCalledTimes(2);
    expect(isFailure).toHaveBeenLastCalledWith(late);
    expect(breaker.state).toBe("OPEN");
    await refused();
  });

  it("treats them like a success in CLOSED: they break a run of failures", async () => {
    const { fail, breaker } = harness({ failureThreshold: 3, isFailure: isServiceFault });
    await fail(2);
    await fail(1, notFound);
    await fail(2);
    expect(breaker.state, "the 404 answered, so the failures are not in a row").toBe("CLOSED");
    await fail(1);
    expect(breaker.state).toBe("OPEN");
  });

  it("treats them like a success in HALF_OPEN: the service answered, so the trial closes the circuit", async () => {
    const { fail, succeed, breaker, clock, transitions } = harness({
      failureThreshold: 1,
      isFailure: isServiceFault,
    });
    await fail(1);
    clock.advance(60_000);
    await fail(1, notFound); // the trial, rejected with the 404 as it came
    expect(breaker.state).toBe("CLOSED");
    expect(transitions).toEqual(["CLOSED -> OPEN", "OPEN -> HALF_OPEN", "HALF_OPEN -> CLOSED"]);
    await succeed();
  });

  it("counts every error by default, even a 404", async () => {
    const { fail, breaker } = harness({ failureThreshold: 2 });
    await fail(2, notFound);
    expect(breaker.state).toBe("OPEN");
  });
});

describe("step 7 — rejecting bad options", () => {
  it.each([
    [{ failureThreshold: 0 }, "failureThreshold must be an integer >= 1, got 0"],
    [{ failureThreshold: -3 }, "failureThreshold must be an integer >= 1, got -3"],
    [{ failureThreshold: 2.5 }, "failureThreshold must be an integer >= 1, got 2.5"],
    [{ failureThreshold: Number.NaN }, "failureThreshold must be an integer >= 1, got NaN"],
    [
      { failureThreshold: Number.POSITIVE_INFINITY },
      "failureThreshold must be an integer >= 1, got Infinity",
    ],
    [{ resetTimeoutMs: -1 }, "resetTimeoutMs must be a finite number >= 0, got -1"],
    [
      { resetTimeoutMs: Number.POSITIVE_INFINITY },
      "resetTimeoutMs must be a finite number >= 0, got Infinity",
    ],
    [{ resetTimeoutMs: Number.NaN }, "resetTimeoutMs must be a finite number >= 0, got NaN"],
    [{ halfOpenMaxCalls: 0 }, "halfOpenMaxCalls must be an integer >= 1, got 0"],
    [{ halfOpenMaxCalls: 1.5 }, "halfOpenMaxCalls must be an integer >= 1, got 1.5"],
    [{ halfOpenMaxCalls: -1 }, "halfOpenMaxCalls must be an integer >= 1, got -1"],
    [{ halfOpenMaxCalls: Number.NaN }, "halfOpenMaxCalls must be an integer >= 1, got NaN"],
    [
      { halfOpenMaxCalls: Number.POSITIVE_INFINITY },
      "halfOpenMaxCalls must be an integer >= 1, got Infinity",
    ],
    // null is not "missing": only undefined takes the default.
    [{ failureThreshold: null }, "failureThreshold must be an integer >= 1, got null"],
    [{ resetTimeoutMs: null }, "resetTimeoutMs must be a finite number >= 0, got null"],
    [{ halfOpenMaxCalls: null }, "halfOpenMaxCalls must be an integer >= 1, got null"],
    // No coercion: a number in a string, or a boolean, is not a number.
    [{ failureThreshold: "3" }, "failureThreshold must be an integer >= 1, got 3"],
    [{ resetTimeoutMs: "1000" }, "resetTimeoutMs must be a finite number >= 0, got 1000"],
    [{ halfOpenMaxCalls: true }, "halfOpenMaxCalls must be an integer >= 1, got true"],
  ] as unknown as [CircuitBreakerOptions, string][])(
    "throws a RangeError for %o",
    (options, message) => {
      const error = thrownBy(() => new CircuitBreaker(async () => "ok", options));
      expect(error).toBeInstanceOf(RangeError);
      expect((error as RangeError).message).toBe(message);
    },
  );

  it("takes the defaults for options that are undefined", async () => {
    const { fail, breaker, refused } = harness({
      failureThreshold: undefined,
      resetTimeoutMs: undefined,
      halfOpenMaxCalls: undefined,
    });
    await fail(4);
    expect(breaker.state, "failureThreshold: undefined is the default 5").toBe("CLOSED");
    await fail(1);
    expect((await refused()).retryAfterMs, "resetTimeoutMs: undefined is 60 000").toBe(60_000);
  });

  it("checks fn first, then failureThreshold, resetTimeoutMs and halfOpenMaxCalls in that order", () => {
    const allBad = { failureThreshold: 0, resetTimeoutMs: -1, halfOpenMaxCalls: 0 };
    const notFn = thrownBy(() => new CircuitBreaker("nope" as never, allBad));
    expect(notFn).toBeInstanceOf(TypeError);
    const messageOf = (options: CircuitBreakerOptions) =>
      (thrownBy(() => new CircuitBreaker(async () => "ok", options)) as Error).message;
    expect(messageOf(allBad)).toBe("failureThreshold must be an integer >= 1, got 0");
    expect(messageOf({ ...allBad, failureThreshold: 1 })).toBe(
      "resetTimeoutMs must be a finite number >= 0, got -1",
    );
    expect(messageOf({ ...allBad, failureThreshold: 1, resetTimeoutMs: 0 })).toBe(
      "halfOpenMaxCalls must be an integer >= 1, got 0",
    );
  });

  it('throws a TypeError when options is null: null is not "no options"', () => {
    expect(
      () => new CircuitBreaker(async () => "x", null as unknown as CircuitBreakerOptions),
    ).toThrow(TypeError);
  });

  it("throws a TypeError when fn is not a function", () => {
    const error = thrownBy(() => new CircuitBreaker("https://example.test" as never));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe("fn must be a function");
  });

  it("accepts the smallest valid values: one failure opens, and the trial may start at once", async () => {
    const { fail, succeed, transitions } = harness({
      failureThreshold: 1,
      resetTimeoutMs: 0,
      halfOpenMaxCalls: 1,
    });
    await fail(1);
    await succeed();
    expect(transitions).toEqual(["CLOSED -> OPEN", "OPEN -> HALF_OPEN", "HALF_OPEN -> CLOSED"]);
  });
});

describe("step 8 — guarding a real HTTP call", () => {
  const STATUS_URL = "https://status.example.test/v1/health";
  const server = useMockServer();

  // The first fetch in a worker loads undici and msw's interceptor (50–150 ms): pay for it once
  // here rather than inside whichever test happens to run first.
  beforeAll(async () => {
    const warmUpUrl = "https://status.example.test/warm-up";
    server.use(http.get(warmUpUrl, () => new HttpResponse(null, { status: 204 }), { once: true }));
    await fetch(warmUpUrl);
  });

  /** The kind of function a breaker wraps in real code: fetch, and throw on a non-2xx answer. */
  async function getJson(url: string): Promise<unknown> {
    const response = await fetch(url);
    if (!response.ok) throw new HttpStatusError(response.status, url);
    return response.json();
  }

  /** Answers every request with `respond()`, and counts the requests that reached the server. */
  function serve(respond: () => Response) {
    const hits = { count: 0 };
    server.use(
      http.get(STATUS_URL, () => {
        hits.count += 1;
        return respond();
      }),
    );
    return hits;
  }

  function guardedClient() {
    const clock = manualClock();
    const breaker = new CircuitBreaker(getJson, {
      failureThreshold: 3,
      resetTimeoutMs: 30_000,
      isFailure: isServiceFault,
      now: clock.now,
    });
    return { breaker, clock };
  }

  it("opens after three 503 answers, and then sends no request at all", async () => {
    const hits = serve(
      () => new HttpResponse(null, { status: 503, headers: { "Retry-After": "30" } }),
    );
    const { breaker } = guardedClient();
    for (let i = 0; i < 3; i++) {
      await expect(breaker.fire(STATUS_URL)).rejects.toMatchObject({ status: 503 });
    }
    expect(breaker.state).toBe("OPEN");
    await expect(breaker.fire(STATUS_URL)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(hits.count, "the open circuit must not send the fourth request").toBe(3);
  });

  it("lets 404 answers through without opening", async () => {
    const hits = serve(() => HttpResponse.json({ message: "no such check" }, { status: 404 }));
    const { breaker } = guardedClient();
    for (let i = 0; i < 5; i++) {
      await expect(breaker.fire(STATUS_URL)).rejects.toMatchObject({ status: 404 });
    }
    expect(breaker.state).toBe("CLOSED");
    expect(hits.count).toBe(5);
  });

  it("counts network errors (fetch rejects with a TypeError) as failures", async () => {
    serve(() => HttpResponse.error());
    const { breaker } = guardedClient();
    for (let i = 0; i < 3; i++) {
      await expect(breaker.fire(STATUS_URL)).rejects.toBeInstanceOf(TypeError);
    }
    expect(breaker.state).toBe("OPEN");
  });

  it("closes again when the trial request finds the service recovered", async () => {
    let healthy = false;
    const hits = serve(() =>
      healthy
        ? HttpResponse.json({ status: "ok" })
        : HttpResponse.json({ message: "internal error" }, { status: 500 }),
    );
    const { breaker, clock } = guardedClient();
    for (let i = 0; i < 3; i++) {
      await expect(breaker.fire(STATUS_URL)).rejects.toMatchObject({ status: 500 });
    }
    healthy = true;
    await expect(breaker.fire(STATUS_URL)).rejects.toBeInstanceOf(CircuitOpenError);
    clock.advance(30_000);
    await expect(breaker.fire(STATUS_URL)).resolves.toEqual({ status: "ok" });
    expect(breaker.state).toBe("CLOSED");
    expect(hits.count).toBe(4);
  });
});
