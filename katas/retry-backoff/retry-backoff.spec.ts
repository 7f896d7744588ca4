import { getEventListeners } from "node:events";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { HttpResponse, http } from "msw";
import { afterEach, beforeAll, beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { useMockedClient } from "../../fixtures/helpers/aws/client";
import { ec2Errors } from "../../fixtures/helpers/aws/ec2";
import { useMockServer } from "../../fixtures/helpers/http";
import {
  backoffDelay,
  isRetryableHttpStatus,
  type RetryOptions,
  retry,
  withRetry,
} from "./retry-backoff";

// ---------------------------------------------------------------------------------------------
// Helpers. Time is fake: only setTimeout and clearTimeout are replaced, so the real setImmediate
// can still let promise callbacks (and msw answering fetch) run without moving the clock.
// ---------------------------------------------------------------------------------------------

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
});

const realMathRandom = Math.random;

afterEach(() => {
  vi.useRealTimers();
  Math.random = realMathRandom;
});

/**
 * Puts a new function in Math.random. (A spy would not do: a solution that kept the spy from an
 * earlier lookup would still see its new return value.) The afterEach above puts the real one back.
 */
function replaceMathRandom(value: number): void {
  Math.random = () => value;
}

/** Lets every pending promise callback run, without moving the fake clock. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Moves the fake clock forward, then lets the callbacks it triggered run. */
async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await flush();
}

interface Outcome<T> {
  status: "pending" | "resolved" | "rejected";
  value?: T;
  error?: unknown;
}

/** Follows a promise without awaiting it, so a test can look at its state between clock steps. */
function track<T>(promise: Promise<T>): Outcome<T> {
  const outcome: Outcome<T> = { status: "pending" };
  promise.then(
    (value) => Object.assign(outcome, { status: "resolved", value }),
    (error: unknown) => Object.assign(outcome, { status: "rejected", error }),
  );
  return outcome;
}

/** Runs every wait on the fake clock until `promise` settles; returns how it settled. */
async function runToEnd<T>(promise: Promise<T>): Promise<Outcome<T>> {
  const outcome = track(promise);
  for (let round = 0; round < 20 && outcome.status === "pending"; round++) {
    await vi.runAllTimersAsync();
    await flush();
  }
  return outcome;
}

/** Lets real callbacks run (on the fake clock) until `condition` holds; fails after 100 rounds. */
async function until(condition: () => boolean, expectation: string): Promise<void> {
  for (let round = 0; round < 100 && !condition(); round++) await flush();
  expect(condition(), expectation).toBe(true);
}

/** A function that fails `failures` times (Error "failure 1", "failure 2", …), then resolves. */
function flaky<T>(failures: number, value: T) {
  const errors: Error[] = [];
  const fn = vi.fn(async (_attempt: number): Promise<T> => {
    if (errors.length >= failures) return value;
    const error = new Error(`failure ${errors.length + 1}`);
    errors.push(error);
    throw error;
  });
  return { fn, errors };
}

const alwaysFails = () => flaky(Number.POSITIVE_INFINITY, "never returned");

/** An error as an HTTP client throws it: the response status in `status`. */
class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    url: string,
  ) {
    super(`GET ${url} answered ${status}`);
  }
}

const httpError = (status: number) => new HttpError(status, "https://api.example.test/");

// ---------------------------------------------------------------------------------------------

describe("step 1 — the first call", () => {
  it("resolves with the value of the first call when it succeeds, calling fn once", async () => {
    const fn = vi.fn(async () => "up");
    await expect(retry(fn)).resolves.toBe("up");
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("passes the attempt number, 1, to the first call", async () => {
    const fn = vi.fn(async (attempt: number) => `attempt ${attempt}`);
    await expect(retry(fn)).resolves.toBe("attempt 1");
    expect(fn.mock.calls).toEqual([[1]]);
  });

  it("accepts a function that returns a plain value instead of a promise", async () => {
    await expect(retry(() => 42)).resolves.toBe(42);
  });

  it("calls fn(1) synchronously, before retry returns its promise", async () => {
    const fn = vi.fn(async () => "up");
    const promise = retry(fn);
    expect(
      fn,
      "fn(1) must already have been called when retry() returns: no await (not even a microtask) comes first",
    ).toHaveBeenCalledTimes(1);
    await expect(promise).resolves.toBe("up");
  });

  it("makes the first call at once, without waiting", async () => {
    const outcome = track(retry(async () => "up"));
    await flush();
    expect(outcome, "no time has passed: the first call must not wait").toEqual({
      status: "resolved",
      value: "up",
    });
    expect(vi.getTimerCount(), "no timer may be left behind").toBe(0);
  });
});

describe("step 2 — retries and the last error", () => {
  it("retries a failing call and resolves with the first success", async () => {
    const { fn } = flaky(2, "ok");
    const outcome = await runToEnd(retry(fn));
    expect(outcome).toEqual({ status: "resolved", value: "ok" });
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it("passes the attempt number to every call: 1, 2, 3", async () => {
    const { fn } = flaky(2, "ok");
    await runToEnd(retry(fn));
    expect(fn.mock.calls).toEqual([[1], [2], [3]]);
  });

  it("gives up after 4 calls by default (the first + 3 retries), rejecting with the LAST error", async () => {
    const { fn, errors } = alwaysFails();
    const outcome = await runToEnd(retry(fn));
    expect(outcome.status, "retry must reject when every attempt fails").toBe("rejected");
    expect(outcome.error, "the error of the last attempt, not the first").toBe(errors[3]);
    expect(fn).toHaveBeenCalledTimes(4);
  });

  it.each([0, 1, 2, 5])("makes exactly retries + 1 calls with retries: %i", async (retries) => {
    const { fn, errors } = alwaysFails();
    const outcome = await runToEnd(retry(fn, { retries }));
    expect(fn).toHaveBeenCalledTimes(retries + 1);
    expect(outcome.error).toBe(errors[retries]);
  });

  it("rethrows what was thrown even when it is not an Error (a string)", async () => {
    const fn = vi.fn(() => Promise.reject("disk full"));
    const outcome = await runToEnd(retry(fn, { retries: 2 }));
    expect(outcome).toEqual({ status: "rejected", error: "disk full" });
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it("retries and rethrows a rejection with no reason at all (undefined)", async () => {
    const fn = vi.fn(() => Promise.reject());
    const outcome = await runToEnd(retry(fn, { retries: 1 }));
    expect(outcome.status, "a failure must never turn into a success").toBe("rejected");
    expect(outcome.error).toBeUndefined();
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("retries a function that throws synchronously", async () => {
    const error = new Error("config not loaded");
    const fn = vi.fn((): string => {
      throw error;
    });
    const outcome = await runToEnd(retry(fn, { retries: 2 }));
    expect(outcome).toEqual({ status: "rejected", error });
    expect(outcome.error).toBe(error);
    expect(fn).toHaveBeenCalledTimes(3);
  });
});

describe("step 3 — the backoff delay", () => {
  const none = { jitter: "none" } as const;

  it("starts at baseDelayMs 100 and doubles by default (jitter: none)", () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, none))).toEqual([100, 200, 400, 800, 1600]);
  });

  it("grows from baseDelayMs by factor", () => {
    const options = { ...none, baseDelayMs: 50, factor: 3 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options))).toEqual([50, 150, 450, 1350]);
  });

  it("stays constant with factor 1", () => {
    const options = { ...none, factor: 1 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options))).toEqual([100, 100, 100, 100]);
  });

  it("caps every delay at maxDelayMs, 20 000 ms by default", () => {
    expect(backoffDelay(8, none)).toBe(12_800);
    expect(backoffDelay(9, none), "100 * 2^8 = 25 600 is over the cap").toBe(20_000);
    expect(backoffDelay(30, none)).toBe(20_000);
  });

  it("reaches the cap exactly and stays there", () => {
    const options = { ...none, maxDelayMs: 400 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, options))).toEqual([100, 200, 400, 400, 400]);
    expect(backoffDelay(3, { ...none, maxDelayMs: 399 })).toBe(399);
  });

  it("accepts a cap below the base: every wait is then maxDelayMs", async () => {
    const options = { ...none, baseDelayMs: 1000, maxDelayMs: 500 };
    expect(
      [1, 2, 3].map((n) => backoffDelay(n, options)),
      "maxDelayMs below baseDelayMs is legal (no cross-field check): min(500, 1000 * 2^(n-1)) is 500",
    ).toEqual([500, 500, 500]);
    expect(backoffDelay(1, { baseDelayMs: 1000, maxDelayMs: 500, random: () => 0.5 })).toBe(250);
    const error = new Error("down");
    const fn = vi.fn(() => Promise.reject(error));
    const outcome = await runToEnd(retry(fn, { ...options, retries: 1 }));
    expect(outcome, "retry accepts the cap below the base too: no RangeError").toEqual({
      status: "rejected",
      error,
    });
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("rounds down to whole milliseconds", () => {
    const options = { ...none, factor: 1.5 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options))).toEqual([100, 150, 225, 337]);
  });

  it("gives no wait at all with baseDelayMs 0 or maxDelayMs 0", () => {
    expect(backoffDelay(3, { ...none, baseDelayMs: 0 })).toBe(0);
    expect(backoffDelay(3, { ...none, maxDelayMs: 0 })).toBe(0);
  });

  it("gives 0, not NaN, with baseDelayMs 0 even when factor ** (n - 1) overflows", () => {
    expect(2 ** 1099, "the growth alone overflows").toBe(Number.POSITIVE_INFINITY);
    expect(backoffDelay(1100, { ...none, baseDelayMs: 0 }), "0 * anything is 0").toBe(0);
    expect(backoffDelay(1100, { baseDelayMs: 0, random: () => 0.5 })).toBe(0);
    expect(backoffDelay(1100, { jitter: "equal", baseDelayMs: 0, random: () => 0.5 })).toBe(0);
  });

  it("uses full jitter by default: random() * d, anywhere in [0, d]", () => {
    expect(backoffDelay(3, { random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { random: () => 0.5 })).toBe(200);
    expect(backoffDelay(1, { random: () => 0.999 }), "99.9 rounds down").toBe(99);
  });

  it("uses equal jitter on request: d / 2 + random() * d / 2", () => {
    const equal = { jitter: "equal" } as const;
    expect(backoffDelay(3, { ...equal, random: () => 0 })).toBe(200);
    expect(backoffDelay(3, { ...equal, random: () => 0.5 })).toBe(300);
    expect(backoffDelay(3, { ...equal, random: () => 0.999 })).toBe(399);
    expect(backoffDelay(1, { ...equal, baseDelayMs: 75, random: () => 0 })).toBe(37);
  });

  it("ignores random() with jitter: none", () => {
    const random = vi.fn(() => 0.5);
    expect(backoffDelay(3, { ...none, random })).toBe(400);
    expect(random, "jitter: none does not use random").not.toHaveBeenCalled();
  });

  it("rounds down once, at the end: equal jitter of an odd or fractional d keeps its halves whole", () => {
    const equal = { jitter: "equal" } as const;
    expect(
      backoffDelay(1, { ...equal, baseDelayMs: 75, random: () => 0.5 }),
      "d = 75: floor(37.5 + 18.75) = 56",
    ).toBe(56);
    expect(
      backoffDelay(3, { ...equal, factor: 1.5, random: () => 0.99 }),
      "d = 225: floor(112.5 + 111.375) = 223",
    ).toBe(223);
  });

  it("computes the growth as written, with one **: base 100, factor 1.7, retry 3 is 288, not 289", () => {
    // 1.7 ** 2 * 100 is 288.99999999999994 in floating point, so the formula floors to 288;
    // multiplying 100 by 1.7 twice rounds after each step and gives exactly 289.
    expect(
      backoffDelay(3, { ...none, factor: 1.7 }),
      "floor(100 * 1.7 ** 2) = floor(288.99999999999994) = 288",
    ).toBe(288);
    expect(backoffDelay(2, { ...none, factor: 1.7 }), "floor(100 * 1.7 ** 1) = 170").toBe(170);
  });

  it("computes equal jitter in the order written, d / 2 + r * d / 2, not factored as d * (1 + r) / 2", () => {
    // 1 + 0.16 rounds to 1.1599999999999999, so d * (1 + r) / 2 would come out 1 ms short.
    const equal = { jitter: "equal" } as const;
    expect(
      backoffDelay(1, { ...equal, random: () => 0.16 }),
      "d = 100, r = 0.16: 50 + 8 = 58 (the factored form gives 57)",
    ).toBe(58);
    expect(
      backoffDelay(2, { ...equal, random: () => 0.13 }),
      "d = 200, r = 0.13: 100 + 13 = 113 (the factored form gives 112)",
    ).toBe(113);
  });

  it("rounds down once, at the end: full jitter of a fractional d keeps its fraction until the end", () => {
    const options = { factor: 1.5, random: () => 0.99 };
    expect(
      backoffDelay(4, options),
      "d = 100 * 1.5^3 = 337.5: floor(0.99 * 337.5) = floor(334.125) = 334, not floor(0.99 * 337) = 333",
    ).toBe(334);
    expect(
      backoffDelay(4, { ...options, jitter: "equal" }),
      "d = 337.5: floor(168.75 + 0.99 * 168.75) = floor(335.8125) = 335",
    ).toBe(335);
  });

  it("rounds down a delay of 2 ** 31 ms or more too: 3e9 stays 3e9, never a negative number", () => {
    const huge = { baseDelayMs: 3e9, maxDelayMs: 5e9 };
    expect(
      backoffDelay(1, { ...huge, jitter: "none" }),
      "d = 3e9 is a finite delay the table accepts: floor(3e9) is 3e9 (3e9 | 0 would be -1294967296)",
    ).toBe(3_000_000_000);
    expect(backoffDelay(1, { ...huge, random: () => 0.75 }), "full: floor(0.75 * 3e9)").toBe(
      2_250_000_000,
    );
    expect(
      backoffDelay(2, { ...huge, jitter: "equal", random: () => 0.5 }),
      "equal: d = min(5e9, 6e9) = 5e9, floor(2.5e9 + 0.5 * 2.5e9)",
    ).toBe(3_750_000_000);
  });

  it("caps first and jitters after, so a capped delay is still spread over [0, cap]", () => {
    expect(backoffDelay(10, { random: () => 0.5 })).toBe(10_000);
    expect(backoffDelay(10, { jitter: "equal", random: () => 0 })).toBe(10_000);
  });

  it("uses Math.random when no random is given", () => {
    vi.spyOn(Math, "random").mockReturnValue(0.25);
    expect(backoffDelay(3)).toBe(100);
  });

  it.each([1.5, 1, -1, -0.001, Number.NaN])(
    "throws a RangeError when random() returns %s, outside [0, 1), whatever the jitter",
    (r) => {
      for (const jitter of ["full", "equal"] as const) {
        expect(() => backoffDelay(3, { jitter, random: () => r })).toThrow(RangeError);
        expect(() => backoffDelay(3, { jitter, random: () => r })).toThrow(
          `random() must be a number >= 0 and < 1 (got ${r})`,
        );
      }
    },
  );

  it.each([null, undefined, false, "", "0.5", [], {}])(
    "throws a RangeError when random() returns %o, which is not a number (no coercion)",
    (value) => {
      const random = () => value as unknown as number;
      for (const jitter of ["full", "equal"] as const) {
        expect(
          () => backoffDelay(3, { jitter, random }),
          `random() returning ${typeof value} ${JSON.stringify(value)} must be refused, not coerced to a number`,
        ).toThrow(RangeError);
        expect(() => backoffDelay(3, { jitter, random })).toThrow(
          `random() must be a number >= 0 and < 1 (got ${String(value)})`,
        );
      }
    },
  );

  it("draws and checks random() even when the capped delay is 0", () => {
    for (const jitter of ["full", "equal"] as const) {
      for (const zero of [{ baseDelayMs: 0 }, { maxDelayMs: 0 }]) {
        const random = vi.fn(() => 0.5);
        expect(backoffDelay(2, { ...zero, jitter, random })).toBe(0);
        expect(
          random,
          `one random() per delay with jitter "${jitter}" and ${JSON.stringify(zero)}`,
        ).toHaveBeenCalledTimes(1);
        expect(
          () => backoffDelay(2, { ...zero, jitter, random: () => 1 }),
          `random() = 1 must be refused with jitter "${jitter}", even when d is 0`,
        ).toThrow("random() must be a number >= 0 and < 1 (got 1)");
      }
    }
  });

  it("accepts random() = 0 and a value just under 1", () => {
    expect(backoffDelay(3, { random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { random: () => 1 - 2 ** -53 })).toBe(399);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "throws a RangeError for retry number %s",
    (retryNumber) => {
      expect(() => backoffDelay(retryNumber)).toThrow(RangeError);
      expect(() => backoffDelay(retryNumber)).toThrow(
        `retryNumber must be a whole number >= 1 (got ${retryNumber})`,
      );
    },
  );
});

describe("step 4 — waiting between attempts", () => {
  it("waits 100, 200 then 400 ms (the defaults, with jitter: none) and never calls early", async () => {
    const { fn } = flaky(3, "ok");
    const outcome = track(retry(fn, { jitter: "none" }));
    await flush();
    expect(fn).toHaveBeenCalledTimes(1);
    for (const [wait, callsBefore] of [
      [100, 1],
      [200, 2],
      [400, 3],
    ] as const) {
      await advance(wait - 1);
      expect(fn, `call ${callsBefore + 1} must wait the full ${wait} ms`).toHaveBeenCalledTimes(
        callsBefore,
      );
      await advance(1);
      expect(fn, `call ${callsBefore + 1} is due after ${wait} ms`).toHaveBeenCalledTimes(
        callsBefore + 1,
      );
    }
    expect(outcome).toEqual({ status: "resolved", value: "ok" });
  });

  it("waits the jittered delay: with random() = 0.5, 50 then 100 ms (full jitter by default)", async () => {
    const { fn } = flaky(2, "ok");
    const outcome = track(retry(fn, { random: () => 0.5 }));
    await advance(49);
    expect(fn).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(fn).toHaveBeenCalledTimes(2);
    await advance(99);
    expect(fn).toHaveBeenCalledTimes(2);
    await advance(1);
    expect(outcome).toEqual({ status: "resolved", value: "ok" });
  });

  it("waits according to baseDelayMs, factor and maxDelayMs", async () => {
    const { fn } = flaky(3, "ok");
    const options = { jitter: "none", baseDelayMs: 30, factor: 3, maxDelayMs: 200 } as const;
    const outcome = track(retry(fn, options));
    for (const [wait, callsBefore] of [
      [30, 1],
      [90, 2],
      [200, 3],
    ] as const) {
      await advance(wait - 1);
      expect(fn, `call ${callsBefore + 1} must wait ${wait} ms`).toHaveBeenCalledTimes(callsBefore);
      await advance(1);
    }
    expect(outcome).toEqual({ status: "resolved", value: "ok" });
  });

  it("hands a delay longer than a timer can hold to setTimeout as it is, not clamped", async () => {
    const controller = new AbortController();
    const setTimeoutSpy = vi.spyOn(globalThis, "setTimeout");
    try {
      const huge = 3_000_000_000; // over 2 ** 31 - 1 ms
      const { fn } = alwaysFails();
      const outcome = track(
        retry(fn, {
          jitter: "none",
          baseDelayMs: huge,
          maxDelayMs: huge,
          signal: controller.signal,
        }),
      );
      await flush();
      const delays = setTimeoutSpy.mock.calls.map((call) => call[1]);
      expect(delays, "the wait is a setTimeout of backoffDelay's 3e9 ms, unchanged").toEqual([
        huge,
      ]);
      controller.abort();
      await flush();
      expect(outcome.status).toBe("rejected");
    } finally {
      setTimeoutSpy.mockRestore();
    }
  });

  it("looks Math.random up for each wait: one replaced during the first wait sets the second", async () => {
    const { fn } = flaky(2, "ok");
    replaceMathRandom(0.5);
    const outcome = track(retry(fn));
    await advance(49);
    expect(fn, "the first wait is 0.5 * 100 = 50 ms").toHaveBeenCalledTimes(1);
    replaceMathRandom(0.25);
    await advance(1);
    expect(fn).toHaveBeenCalledTimes(2);
    await advance(49);
    expect(
      fn,
      "the second wait is 0.25 * 200 = 50 ms, from the new Math.random",
    ).toHaveBeenCalledTimes(2);
    await advance(1);
    expect(outcome).toEqual({ status: "resolved", value: "ok" });
  });

  it("waits a 0 ms delay on setTimeout too: fn(n + 1) comes from the timer, not straight after the failure", async () => {
    for (const options of [
      { baseDelayMs: 0 },
      { maxDelayMs: 0 },
      { jitter: "full" as const, random: () => 0 },
    ]) {
      const { fn } = flaky(1, "ok");
      const outcome = track(retry(fn, options));
      await flush();
      expect(
        fn,
        `with ${JSON.stringify(options)} the delay is 0, but the retry must still wait for its setTimeout to fire`,
      ).toHaveBeenCalledTimes(1);
      expect(vi.getTimerCount(), "the 0 ms wait is a pending setTimeout").toBe(1);
      await advance(0);
      expect(fn, "the 0 ms timer fired: the second attempt runs").toHaveBeenCalledTimes(2);
      expect(outcome).toEqual({ status: "resolved", value: "ok" });
    }
  });

  it("does not wait after the last attempt: rejects as soon as it fails", async () => {
    const { fn, errors } = alwaysFails();
    const outcome = track(retry(fn, { retries: 2, jitter: "none" }));
    await advance(100 + 200);
    expect(fn).toHaveBeenCalledTimes(3);
    expect(outcome.status, "nothing comes after the last attempt: reject at once").toBe("rejected");
    expect(outcome.error).toBe(errors[2]);
    expect(vi.getTimerCount(), "no timer may be left pending").toBe(0);
  });
});

describe("step 5 — which errors are retried", () => {
  it.each([408, 429, 500, 501, 502, 503, 504, 505, 507, 511, 599])(
    "isRetryableHttpStatus(%i) is true",
    (status) => {
      expect(isRetryableHttpStatus(status)).toBe(true);
    },
  );

  it.each([
    0, 200, 304, 400, 401, 403, 404, 407, 409, 410, 421, 422, 423, 424, 425, 426, 428, 430, 499,
    600,
  ])("isRetryableHttpStatus(%i) is false", (status) => {
    expect(
      isRetryableHttpStatus(status),
      `only 408, 429 and 500-599 are retryable; ${status} is not (425 Too Early included)`,
    ).toBe(false);
  });

  it.each([500.5, 599.5, 408.5, 429.1, Number.NaN])(
    "isRetryableHttpStatus(%d) is false: only whole numbers are HTTP statuses",
    (status) => {
      expect(
        isRetryableHttpStatus(status),
        `${status} is not a whole number, so it is no HTTP status (the README's rule)`,
      ).toBe(false);
    },
  );

  it.each([400, 401, 403, 404, 409, 422, 425])(
    "does not retry an error with status %i",
    async (status) => {
      const error = httpError(status);
      const fn = vi.fn(() => Promise.reject(error));
      const outcome = await runToEnd(retry(fn));
      expect(outcome).toEqual({ status: "rejected", error });
      expect(fn, `a ${status} will not change on a retry`).toHaveBeenCalledTimes(1);
    },
  );

  it.each([408, 429, 500, 503])("retries an error with status %i", async (status) => {
    const error = httpError(status);
    const fn = vi.fn(() => Promise.reject(error));
    const outcome = await runToEnd(retry(fn, { retries: 1 }));
    expect(outcome).toEqual({ status: "rejected", error });
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it.each([
    ["a fetch network failure", new TypeError("fetch failed")],
    ["a reset connection", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
    ["an error whose status is not a number", Object.assign(new Error("x"), { status: "failed" })],
  ])("retries an error with no numeric status: %s", async (_label, error) => {
    const fn = vi.fn(() => Promise.reject(error));
    const outcome = await runToEnd(retry(fn, { retries: 1 }));
    expect(outcome).toEqual({ status: "rejected", error });
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it.each([
    ["a plain object with status 404", () => ({ status: 404 })],
    ["a thrown Response with status 404", () => new Response(null, { status: 404 })],
    ["a function with status 404", () => Object.assign(() => "not found", { status: 404 })],
    [
      "an error class thrown as-is, with static status 404",
      () =>
        // biome-ignore lint/complexity/noStaticOnlyClass: the point is a class thrown as it is
        class NotFound {
          static status = 404;
        },
    ],
    [
      "a function with $metadata.httpStatusCode 403",
      () => Object.assign(() => "forbidden", { $metadata: { httpStatusCode: 403 } }),
    ],
    [
      "a plain object with $metadata.httpStatusCode 403",
      () => ({ $metadata: { httpStatusCode: 403 } }),
    ],
  ])(
    "reads the status of any value thrown, not only of an Error: %s is not retried",
    async (_label, make) => {
      const thrown = make();
      const fn = vi.fn(() => Promise.reject(thrown));
      const outcome = await runToEnd(retry(fn, { retries: 2 }));
      expect(outcome).toEqual({ status: "rejected", error: thrown });
      expect(outcome.error).toBe(thrown);
      expect(fn, "its status says a retry will not help").toHaveBeenCalledTimes(1);
    },
  );

  it.each([
    ["statusCode 404 (Node's http, got)", () => Object.assign(new Error("x"), { statusCode: 404 })],
    [
      "response.status 403 (axios)",
      () => Object.assign(new Error("x"), { response: { status: 403 } }),
    ],
    ["a plain { statusCode: 400 }", () => ({ statusCode: 400 })],
    [
      "a cause carrying status 404",
      () => new Error("GET /instances failed", { cause: { status: 404 } }),
    ],
  ])(
    "reads only status and $metadata.httpStatusCode: an error with %s has no status and is retried",
    async (_label, make) => {
      const thrown = make();
      const fn = vi.fn(() => Promise.reject(thrown));
      const outcome = await runToEnd(retry(fn, { retries: 1 }));
      expect(outcome).toEqual({ status: "rejected", error: thrown });
      expect(
        fn,
        "statusCode and response.status are not read by the default, so nothing says the error is permanent",
      ).toHaveBeenCalledTimes(2);
    },
  );

  it("reads $metadata.httpStatusCode when status is there but not a number: a 404 behind it is not retried", async () => {
    const error = Object.assign(new Error("not found"), {
      status: "failed",
      $metadata: { httpStatusCode: 404 },
    });
    const fn = vi.fn(() => Promise.reject(error));
    const outcome = await runToEnd(retry(fn, { retries: 2 }));
    expect(outcome).toEqual({ status: "rejected", error });
    expect(fn, "the 404 in $metadata decides: no retry").toHaveBeenCalledTimes(1);
  });

  it.each([
    ["status", { status: "404" }],
    ["$metadata.httpStatusCode", { $metadata: { httpStatusCode: "403" } }],
  ])(
    "retries an error whose %s is a numeric string: a string is no status, however it reads",
    async (_where, fields) => {
      const error = Object.assign(new Error("answered with a string status"), fields);
      const fn = vi.fn(() => Promise.reject(error));
      const outcome = await runToEnd(retry(fn, { retries: 2 }));
      expect(outcome).toEqual({ status: "rejected", error });
      expect(
        fn,
        `${JSON.stringify(fields)}: only a number is a status (no coercion), so the error is retried like any other`,
      ).toHaveBeenCalledTimes(3);
    },
  );

  it("retries a thrown null and rejects with that null: it has no status to read", async () => {
    const fn = vi.fn(() => Promise.reject(null));
    const outcome = await runToEnd(retry(fn, { retries: 2 }));
    expect(
      outcome,
      "null carries no status, so it is retried and rethrown as it was (not a TypeError from reading null.status)",
    ).toEqual({ status: "rejected", error: null });
    expect(fn, "no numeric status: retried like a string or undefined").toHaveBeenCalledTimes(3);
  });

  it("takes a NaN status as a number: not retryable, and $metadata is not read", async () => {
    const error = Object.assign(new Error("bad status"), {
      status: Number.NaN,
      $metadata: { httpStatusCode: 503 },
    });
    const fn = vi.fn(() => Promise.reject(error));
    const outcome = await runToEnd(retry(fn, { retries: 2 }));
    expect(outcome).toEqual({ status: "rejected", error });
    expect(
      fn,
      'typeof NaN is "number": status decides, isRetryableHttpStatus(NaN) is false, so no retry (the 503 is never read)',
    ).toHaveBeenCalledTimes(1);
  });

  it("takes a NaN $metadata.httpStatusCode as a number too: not retryable, so not retried", async () => {
    const error = Object.assign(new Error("bad status"), {
      $metadata: { httpStatusCode: Number.NaN },
    });
    const fn = vi.fn(() => Promise.reject(error));
    const outcome = await runToEnd(retry(fn, { retries: 2 }));
    expect(outcome).toEqual({ status: "rejected", error });
    expect(
      fn,
      'typeof NaN is "number" in $metadata as in status: isRetryableHttpStatus(NaN) is false, so no retry',
    ).toHaveBeenCalledTimes(1);
  });

  it.each([
    ["status 0", () => ({ status: 0 })],
    [
      "status 0 and $metadata.httpStatusCode 503",
      () => ({ status: 0, $metadata: { httpStatusCode: 503 } }),
    ],
    ["$metadata.httpStatusCode 0", () => ({ $metadata: { httpStatusCode: 0 } })],
  ])(
    "takes a status of 0 as a number, not as no status: an error with %s is not retried",
    async (_label, make) => {
      const error = make();
      const fn = vi.fn(() => Promise.reject(error));
      const outcome = await runToEnd(retry(fn, { retries: 2 }));
      expect(outcome).toEqual({ status: "rejected", error });
      expect(
        fn,
        "0 is a number, so it is the status (the 503 behind it is not read), and isRetryableHttpStatus(0) is false: no retry",
      ).toHaveBeenCalledTimes(1);
    },
  );

  it("takes a numeric status over $metadata.httpStatusCode when an error has both", async () => {
    const retried = Object.assign(new Error("busy"), {
      status: 503,
      $metadata: { httpStatusCode: 404 },
    });
    const kept = Object.assign(new Error("gone"), {
      status: 404,
      $metadata: { httpStatusCode: 503 },
    });
    const first = vi.fn(() => Promise.reject(retried));
    const second = vi.fn(() => Promise.reject(kept));
    await runToEnd(retry(first, { retries: 1 }));
    await runToEnd(retry(second, { retries: 1 }));
    expect(first, "status 503 wins over the 404 in $metadata").toHaveBeenCalledTimes(2);
    expect(second, "status 404 wins over the 503 in $metadata").toHaveBeenCalledTimes(1);
  });

  describe("AWS SDK errors, whose status is in $metadata.httpStatusCode", () => {
    const ec2Mock = useMockedClient(EC2Client);
    // Your own retry around an SDK call should turn the SDK's off, or the attempts multiply.
    const ec2 = new EC2Client({ maxAttempts: 1 });
    const describeInstances = () => ec2.send(new DescribeInstancesCommand({}));

    it("retries EC2 throttling (RequestLimitExceeded, 503)", async () => {
      ec2Mock
        .on(DescribeInstancesCommand)
        .rejectsOnce(ec2Errors.requestLimitExceeded())
        .resolves({ Reservations: [] });
      const outcome = await runToEnd(retry(describeInstances));
      expect(outcome.status).toBe("resolved");
      expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(2);
    });

    it("does not retry UnauthorizedOperation (403)", async () => {
      const denied = ec2Errors.unauthorizedOperation();
      ec2Mock.on(DescribeInstancesCommand).rejects(denied);
      const outcome = await runToEnd(retry(describeInstances));
      expect(outcome).toEqual({ status: "rejected", error: denied });
      expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
    });
  });

  it("asks shouldRetry(error, attempt) and stops as soon as it says no", async () => {
    const { fn, errors } = alwaysFails();
    const shouldRetry = vi.fn((_error: unknown, attempt: number) => attempt < 2);
    const outcome = await runToEnd(retry(fn, { shouldRetry }));
    expect(fn).toHaveBeenCalledTimes(2);
    expect(shouldRetry.mock.calls).toEqual([
      [errors[0], 1],
      [errors[1], 2],
    ]);
    expect(outcome.error).toBe(errors[1]);
  });

  it("lets shouldRetry replace the default: it may retry a 404", async () => {
    const error = httpError(404);
    const fn = vi.fn(() => Promise.reject(error));
    await runToEnd(retry(fn, { retries: 1, shouldRetry: () => true }));
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it.each([
    ["1", 1, 2],
    ['"yes"', "yes", 2],
    ["0", 0, 1],
    ['""', "", 1],
    ["undefined", undefined, 1],
  ])(
    "reads what shouldRetry returns as truthy or falsy, like an if: %s",
    async (_label, answer, calls) => {
      const { fn } = alwaysFails();
      const shouldRetry = () => answer as unknown as boolean;
      const outcome = await runToEnd(retry(fn, { retries: 1, jitter: "none", shouldRetry }));
      expect(outcome.status).toBe("rejected");
      expect(fn, `shouldRetry returned ${String(answer)}`).toHaveBeenCalledTimes(calls);
    },
  );

  it("does not ask shouldRetry after the last attempt", async () => {
    const { fn } = alwaysFails();
    const shouldRetry = vi.fn(() => true);
    const outcome = await runToEnd(retry(fn, { retries: 2, shouldRetry }));
    expect(outcome.status).toBe("rejected");
    expect(shouldRetry).toHaveBeenCalledTimes(2);
  });
});

describe("step 6 — telling the caller about retries", () => {
  it("tells onRetry the failed attempt, the coming delay and the error, once per retry", async () => {
    const { fn, errors } = flaky(3, "ok");
    const onRetry = vi.fn();
    const outcome = await runToEnd(retry(fn, { jitter: "none", onRetry }));
    expect(outcome.value).toBe("ok");
    expect(onRetry.mock.calls).toEqual([
      [{ attempt: 1, delayMs: 100, error: errors[0] }],
      [{ attempt: 2, delayMs: 200, error: errors[1] }],
      [{ attempt: 3, delayMs: 400, error: errors[2] }],
    ]);
    expect(onRetry.mock.calls[2]?.[0].error).toBe(errors[2]);
  });

  it("gives onRetry a new plain object at each retry, so one it keeps never changes", async () => {
    const { fn, errors } = flaky(2, "ok");
    const kept: object[] = [];
    await runToEnd(retry(fn, { jitter: "none", onRetry: (info) => void kept.push(info) }));
    expect(kept).toHaveLength(2);
    expect(kept[0], "each retry gets its own object, not one object reused and changed").not.toBe(
      kept[1],
    );
    expect(kept[0], "the first object still says what it said at the first retry").toEqual({
      attempt: 1,
      delayMs: 100,
      error: errors[0],
    });
    for (const info of kept) {
      expect(Object.getPrototypeOf(info), "a plain object: its prototype is Object.prototype").toBe(
        Object.prototype,
      );
    }
  });

  it("gives onRetry an object as the literal { attempt, delayMs, error } makes it: Object.prototype, three own data fields", async () => {
    const { fn, errors } = flaky(2, "ok");
    const kept: object[] = [];
    await runToEnd(retry(fn, { jitter: "none", onRetry: (info) => void kept.push(info) }));
    expect(kept).toHaveLength(2);
    for (const [index, info] of kept.entries()) {
      expect(Object.getPrototypeOf(info), "its prototype is Object.prototype").toBe(
        Object.prototype,
      );
      expect(
        Reflect.ownKeys(info).sort(),
        "its own properties are attempt, delayMs and error, nothing else (no symbol either)",
      ).toEqual(["attempt", "delayMs", "error"]);
      expect(
        Object.getOwnPropertyDescriptors(info),
        "three writable, enumerable, configurable data fields, as an object literal makes them: not frozen, sealed or a getter",
      ).toEqual({
        attempt: { value: index + 1, writable: true, enumerable: true, configurable: true },
        delayMs: { value: 100 * 2 ** index, writable: true, enumerable: true, configurable: true },
        error: { value: errors[index], writable: true, enumerable: true, configurable: true },
      });
    }
  });

  it("calls onRetry when the wait starts, not when it ends", async () => {
    const { fn, errors } = flaky(1, "ok");
    const onRetry = vi.fn();
    track(retry(fn, { jitter: "none", onRetry }));
    await flush();
    expect(onRetry, "no time has passed yet").toHaveBeenCalledWith({
      attempt: 1,
      delayMs: 100,
      error: errors[0],
    });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("waits exactly the delayMs it told onRetry, with jitter drawing a new random() each retry", async () => {
    const draws = [0.25, 0.75, 0.5, 0.125, 0.9, 0.3];
    const random = vi.fn(() => draws.shift() ?? 0.6);
    const { fn } = flaky(2, "ok");
    const told: number[] = [];
    const outcome = track(retry(fn, { random, onRetry: ({ delayMs }) => told.push(delayMs) }));
    await flush();
    expect(told, "onRetry is called when the first wait starts").toHaveLength(1);
    for (let retry = 1; retry <= 2; retry++) {
      const delayMs = told[retry - 1] as number;
      if (delayMs > 0) await advance(delayMs - 1);
      expect(
        fn,
        `retry ${retry} must not start before the ${delayMs} ms onRetry announced`,
      ).toHaveBeenCalledTimes(retry);
      await advance(1);
      expect(
        fn,
        `retry ${retry} starts after exactly the ${delayMs} ms onRetry announced`,
      ).toHaveBeenCalledTimes(retry + 1);
    }
    await flush();
    expect(outcome.value).toBe("ok");
    expect(told, "full jitter: floor(0.25 * 100), then floor(0.75 * 200)").toEqual([25, 150]);
    expect(
      random,
      "one random() per retry: the announced delay is the one waited",
    ).toHaveBeenCalledTimes(2);
  });

  it("does not wait for a promise onRetry returns: its return value is ignored", async () => {
    const { fn } = flaky(1, "ok");
    const onRetry = vi.fn(() => new Promise<void>(() => {}));
    const outcome = track(retry(fn, { jitter: "none", onRetry }));
    await advance(100);
    expect(
      fn,
      "the retry starts after the 100 ms wait, though onRetry's promise never settles",
    ).toHaveBeenCalledTimes(2);
    await flush();
    expect(outcome.value).toBe("ok");
  });

  it("does not look at a promise onRetry returns: no .then, .catch or .finally is attached to it", async () => {
    const { fn } = flaky(1, "ok");
    const returned = new Promise<void>(() => {});
    const then = vi.fn();
    const catchSpy = vi.fn();
    const finallySpy = vi.fn();
    Object.assign(returned, { then, catch: catchSpy, finally: finallySpy });
    const outcome = await runToEnd(retry(fn, { jitter: "none", onRetry: () => returned }));
    expect(outcome.value).toBe("ok");
    expect(then, "retry must not call .then on onRetry's promise").not.toHaveBeenCalled();
    expect(
      catchSpy,
      "retry must not .catch onRetry's promise: its rejection is left for Node to report",
    ).not.toHaveBeenCalled();
    expect(finallySpy, "retry must not call .finally on onRetry's promise").not.toHaveBeenCalled();
  });

  it("does not call onRetry when the first call succeeds", async () => {
    const onRetry = vi.fn();
    await expect(retry(async () => "up", { onRetry })).resolves.toBe("up");
    expect(onRetry).not.toHaveBeenCalled();
  });

  it("does not call onRetry after the last attempt", async () => {
    const { fn } = alwaysFails();
    const onRetry = vi.fn();
    const outcome = await runToEnd(retry(fn, { retries: 2, onRetry }));
    expect(outcome.status).toBe("rejected");
    expect(onRetry).toHaveBeenCalledTimes(2);
  });

  it("does not call onRetry for an error that is not retried", async () => {
    const error = httpError(403);
    const onRetry = vi.fn();
    const outcome = await runToEnd(retry(() => Promise.reject(error), { onRetry }));
    expect(outcome.error).toBe(error);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it.each([
    ["an error that is not retried (a 404)", { retries: 3 }, () => httpError(404)],
    [
      "an error shouldRetry turns down",
      { retries: 3, shouldRetry: () => false },
      () => new Error("x"),
    ],
    ["the last attempt's error", { retries: 0 }, () => new Error("x")],
  ])(
    "asks shouldRetry before computing the delay: %s draws no random() and is rethrown",
    async (_label, options, make) => {
      const error = make();
      const random = vi.fn(() => 1);
      const outcome = await runToEnd(retry(() => Promise.reject(error), { ...options, random }));
      expect(
        outcome,
        "the error is rethrown as it is: random() = 1 would be a RangeError, but no delay is computed",
      ).toEqual({ status: "rejected", error });
      expect(random, "no retry, so no delay and no random()").not.toHaveBeenCalled();
    },
  );

  it("starts no wait and leaves no timer or listener behind when onRetry throws", async () => {
    const controller = new AbortController();
    const { fn } = alwaysFails();
    const hookError = new Error("onRetry broke");
    const onRetry = () => {
      throw hookError;
    };
    const outcome = track(retry(fn, { onRetry, signal: controller.signal }));
    await until(() => outcome.status !== "pending", "retry settles without the clock moving");
    expect(outcome).toEqual({ status: "rejected", error: hookError });
    expect(vi.getTimerCount(), "onRetry comes before the wait: no timer was started").toBe(0);
    expect(getEventListeners(controller.signal, "abort"), "no abort listener left").toEqual([]);
  });

  it("rejects with the RangeError of a random() out of range, before onRetry, with no more calls", async () => {
    const { fn } = alwaysFails();
    const onRetry = vi.fn();
    const outcome = await runToEnd(retry(fn, { random: () => 1.5, onRetry }));
    expect(outcome.status).toBe("rejected");
    expect(outcome.error).toBeInstanceOf(RangeError);
    expect(String(outcome.error)).toContain("random() must be a number >= 0 and < 1 (got 1.5)");
    expect(onRetry).not.toHaveBeenCalled();
    expect(fn).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount(), "no wait was started").toBe(0);
  });

  it.each(["shouldRetry", "onRetry"] as const)(
    "rejects with the error %s throws and makes no more calls",
    async (hook) => {
      const { fn } = alwaysFails();
      const hookError = new Error(`${hook} broke`);
      const throwing = () => {
        throw hookError;
      };
      const outcome = await runToEnd(retry(fn, { [hook]: throwing }));
      expect(outcome.error).toBe(hookError);
      expect(fn).toHaveBeenCalledTimes(1);
      expect(vi.getTimerCount(), "no wait was started").toBe(0);
    },
  );
});

describe("step 7 — cancelling with an AbortSignal", () => {
  it("rejects with signal.reason and never calls fn when the signal is already aborted", async () => {
    const controller = new AbortController();
    const reason = new Error("deploy cancelled");
    controller.abort(reason);
    const fn = vi.fn(async () => "up");
    await expect(retry(fn, { signal: controller.signal })).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
  });

  it("rejects with the platform's AbortError when abort() was given no reason", async () => {
    const controller = new AbortController();
    controller.abort();
    const rejection = retry(async () => "up", { signal: controller.signal });
    await expect(rejection).rejects.toBe(controller.signal.reason);
    await expect(rejection).rejects.toMatchObject({ name: "AbortError" });
  });

  it.each([0, "", false, null, Number.NaN])(
    "rejects with signal.reason exactly as given, even a falsy one (%o): before a call, after a failed attempt, during a wait",
    async (reason) => {
      const before = new AbortController();
      before.abort(reason);
      const fn = vi.fn(async () => "up");
      await expect(
        retry(fn, { signal: before.signal }),
        "already aborted: the reason given to abort(), not an AbortError in its place",
      ).rejects.toBe(reason);
      expect(fn).not.toHaveBeenCalled();

      const during = new AbortController();
      const failing = vi.fn(async () => {
        during.abort(reason);
        throw new Error("connection reset");
      });
      const afterAttempt = track(retry(failing, { signal: during.signal }));
      await until(() => afterAttempt.status !== "pending", "retry settles after the attempt");
      expect(afterAttempt, "aborted during the attempt: the reason as given").toEqual({
        status: "rejected",
        error: reason,
      });

      const waiting = new AbortController();
      const inWait = track(retry(alwaysFails().fn, { jitter: "none", signal: waiting.signal }));
      await flush();
      waiting.abort(reason);
      await flush();
      expect(inWait, "aborted during a wait: the reason as given").toEqual({
        status: "rejected",
        error: reason,
      });
    },
  );

  it("cuts a pending wait short at once and makes no more calls", async () => {
    const { fn } = alwaysFails();
    const controller = new AbortController();
    const reason = new Error("shutting down");
    const outcome = track(retry(fn, { jitter: "none", signal: controller.signal }));
    await advance(50);
    expect(fn).toHaveBeenCalledTimes(1);
    controller.abort(reason);
    await flush();
    expect(outcome, "the abort must end the 100 ms wait at once").toEqual({
      status: "rejected",
      error: reason,
    });
    expect(vi.getTimerCount(), "the timer of the wait must be cleared").toBe(0);
    await advance(60_000);
    expect(fn, "no call may happen after the abort").toHaveBeenCalledTimes(1);
  });

  it("does not start a wait when the signal fired during a failing attempt", async () => {
    const controller = new AbortController();
    const reason = new Error("user pressed Ctrl+C");
    const fn = vi.fn(async () => {
      controller.abort(reason);
      throw new Error("connection reset");
    });
    const outcome = track(retry(fn, { jitter: "none", signal: controller.signal }));
    await flush();
    expect(outcome).toEqual({ status: "rejected", error: reason });
    expect(vi.getTimerCount(), "no wait may start after the abort").toBe(0);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("rejects with signal.reason when the signal fired during the last attempt, which failed", async () => {
    const controller = new AbortController();
    const reason = new Error("deploy cancelled");
    const fn = vi.fn(async () => {
      controller.abort(reason);
      throw new Error("connection reset");
    });
    const outcome = track(retry(fn, { retries: 0, signal: controller.signal }));
    await flush();
    expect(outcome, "the caller cancelled: the reason, not the attempt's error").toEqual({
      status: "rejected",
      error: reason,
    });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("rejects with signal.reason when the signal fired during an attempt whose error is not retried", async () => {
    const controller = new AbortController();
    const reason = new Error("deploy cancelled");
    const fn = vi.fn(async () => {
      controller.abort(reason);
      throw httpError(404);
    });
    const outcome = track(retry(fn, { signal: controller.signal }));
    await flush();
    expect(outcome, "the caller cancelled: the reason, not the 404").toEqual({
      status: "rejected",
      error: reason,
    });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("asks neither shouldRetry nor onRetry about an attempt that failed after the signal fired", async () => {
    const controller = new AbortController();
    const reason = new Error("user pressed Ctrl+C");
    const fn = vi.fn(async () => {
      controller.abort(reason);
      throw new Error("connection reset");
    });
    const shouldRetry = vi.fn(() => true);
    const onRetry = vi.fn();
    const outcome = track(retry(fn, { signal: controller.signal, shouldRetry, onRetry }));
    await flush();
    expect(outcome).toEqual({ status: "rejected", error: reason });
    expect(shouldRetry, "the failure after an abort is not looked at").not.toHaveBeenCalled();
    expect(onRetry, "no retry is coming: nothing to announce").not.toHaveBeenCalled();
  });

  it("ends the wait at once when onRetry aborts the signal", async () => {
    const controller = new AbortController();
    const reason = new Error("enough retries for today");
    const { fn } = alwaysFails();
    const onRetry = vi.fn(() => controller.abort(reason));
    const outcome = track(retry(fn, { jitter: "none", signal: controller.signal, onRetry }));
    await flush();
    expect(onRetry).toHaveBeenCalledTimes(1);
    expect(outcome, "the 100 ms wait must not run").toEqual({ status: "rejected", error: reason });
    expect(vi.getTimerCount(), "no timer may be left pending").toBe(0);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("ends a 0 ms wait too when onRetry aborts the signal: a zero delay is still a wait", async () => {
    for (const options of [{ baseDelayMs: 0 }, { jitter: "full" as const, random: () => 0 }]) {
      const controller = new AbortController();
      const reason = new Error("stop before the next attempt");
      const { fn } = alwaysFails();
      const onRetry = vi.fn(() => controller.abort(reason));
      const outcome = await runToEnd(retry(fn, { ...options, signal: controller.signal, onRetry }));
      expect(onRetry).toHaveBeenCalledTimes(1);
      expect(
        outcome,
        `with ${JSON.stringify(options)} the delay is 0, and an abort in onRetry must still end retry`,
      ).toEqual({ status: "rejected", error: reason });
      expect(fn, "fn must not be called again after the abort").toHaveBeenCalledTimes(1);
    }
  });

  it("rejects with what onRetry threw when it aborts the signal and then throws: the throw comes first", async () => {
    const controller = new AbortController();
    const hookError = new Error("onRetry broke");
    const { fn } = alwaysFails();
    const onRetry = () => {
      controller.abort(new Error("cancelled in onRetry"));
      throw hookError;
    };
    const outcome = track(retry(fn, { signal: controller.signal, onRetry }));
    await until(() => outcome.status !== "pending", "retry settles without the clock moving");
    expect(outcome, "onRetry's own error, not signal.reason").toEqual({
      status: "rejected",
      error: hookError,
    });
    expect(fn).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount(), "no wait was started").toBe(0);
  });

  it("rejects with the attempt's error when shouldRetry aborts the signal and says no: nothing is left to cancel", async () => {
    const controller = new AbortController();
    const error = new Error("connection reset");
    const fn = vi.fn(async () => {
      throw error;
    });
    const onRetry = vi.fn();
    const shouldRetry = vi.fn(() => {
      controller.abort(new Error("cancelled in shouldRetry"));
      return false;
    });
    const outcome = track(retry(fn, { signal: controller.signal, shouldRetry, onRetry }));
    await until(() => outcome.status !== "pending", "retry settles without the clock moving");
    expect(
      outcome,
      "the error is not retried: retry rejects with it, not with signal.reason",
    ).toEqual({ status: "rejected", error });
    expect(onRetry).not.toHaveBeenCalled();
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("calls onRetry, then ends the wait with signal.reason, when shouldRetry aborts the signal and says yes", async () => {
    const controller = new AbortController();
    const reason = new Error("cancelled in shouldRetry");
    const { fn } = alwaysFails();
    const onRetry = vi.fn();
    const shouldRetry = vi.fn(() => {
      controller.abort(reason);
      return true;
    });
    const outcome = track(
      retry(fn, { jitter: "none", signal: controller.signal, shouldRetry, onRetry }),
    );
    await until(() => outcome.status !== "pending", "retry settles without the clock moving");
    expect(onRetry, "a retry was decided: onRetry hears of it").toHaveBeenCalledTimes(1);
    expect(outcome, "the wait ends at once with signal.reason").toEqual({
      status: "rejected",
      error: reason,
    });
    expect(vi.getTimerCount(), "no timer may be left pending").toBe(0);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("returns the result of an attempt that succeeded although the signal fired meanwhile", async () => {
    const controller = new AbortController();
    const fn = vi.fn(async () => {
      controller.abort();
      return "i-0abc1234def567890";
    });
    await expect(retry(fn, { signal: controller.signal })).resolves.toBe("i-0abc1234def567890");
  });

  it("leaves no abort listener on the signal once it has settled", async () => {
    const controller = new AbortController();
    const { fn } = flaky(2, "ok");
    const outcome = await runToEnd(retry(fn, { signal: controller.signal }));
    expect(outcome.value).toBe("ok");
    expect(getEventListeners(controller.signal, "abort"), "one listener left per wait").toEqual([]);
  });

  it("never sets signal.onabort: the caller's own onabort handler is kept and still fires", async () => {
    const controller = new AbortController();
    const callersHandler = vi.fn();
    controller.signal.onabort = callersHandler;
    const { fn } = flaky(2, "ok");
    const outcome = track(retry(fn, { jitter: "none", signal: controller.signal }));
    await flush();
    expect(controller.signal.onabort, "during a wait, signal.onabort is still the caller's").toBe(
      callersHandler,
    );
    await advance(100);
    await advance(200);
    expect(outcome).toEqual({ status: "resolved", value: "ok" });
    expect(controller.signal.onabort, "after settling, signal.onabort is still the caller's").toBe(
      callersHandler,
    );
    controller.abort();
    expect(callersHandler, "the caller's onabort must still fire, once").toHaveBeenCalledTimes(1);
  });

  it("leaves no abort listener on the signal after an abort", async () => {
    const controller = new AbortController();
    const { fn } = alwaysFails();
    const outcome = track(retry(fn, { signal: controller.signal }));
    await flush();
    controller.abort();
    await flush();
    expect(outcome.status).toBe("rejected");
    expect(getEventListeners(controller.signal, "abort")).toEqual([]);
  });

  it("leaves no abort listener on the signal when onRetry aborted it just before the wait", async () => {
    const controller = new AbortController();
    const { fn } = alwaysFails();
    const onRetry = () => controller.abort();
    const outcome = track(retry(fn, { jitter: "none", signal: controller.signal, onRetry }));
    await flush();
    expect(outcome.status).toBe("rejected");
    expect(
      getEventListeners(controller.signal, "abort"),
      "the signal was already aborted when the wait began: no listener may be added (or it must be removed)",
    ).toEqual([]);
  });

  it("leaves no abort listener on the signal once it has given up with the last error", async () => {
    const controller = new AbortController();
    const { fn, errors } = alwaysFails();
    const outcome = await runToEnd(retry(fn, { retries: 2, signal: controller.signal }));
    expect(outcome.error).toBe(errors[2]);
    expect(getEventListeners(controller.signal, "abort"), "listener left after giving up").toEqual(
      [],
    );
  });

  it("leaves no abort listener on the signal after an error that is not retried", async () => {
    const controller = new AbortController();
    const error = httpError(404);
    const outcome = await runToEnd(
      retry(() => Promise.reject(error), { signal: controller.signal }),
    );
    expect(outcome.error).toBe(error);
    expect(getEventListeners(controller.signal, "abort"), "listener left after a 404").toEqual([]);
  });
});

describe("step 8 — bad options", () => {
  it("accepts a fractional baseDelayMs or maxDelayMs: they are finite numbers >= 0, not whole numbers", async () => {
    expect(
      () => backoffDelay(1, { jitter: "none", baseDelayMs: 12.5 }),
      "baseDelayMs: 12.5 is a finite number >= 0: it must not be refused",
    ).not.toThrow();
    expect(backoffDelay(2, { jitter: "none", baseDelayMs: 12.5 }), "floor(12.5 * 2)").toBe(25);
    expect(backoffDelay(1, { jitter: "none", baseDelayMs: 12.5 }), "floor(12.5)").toBe(12);
    expect(
      backoffDelay(5, { jitter: "none", maxDelayMs: 1500.5 }),
      "min(1500.5, 100 * 2 ** 4) rounded down: maxDelayMs 1500.5 is accepted",
    ).toBe(1500);
    expect(() => withRetry(async () => 1, { baseDelayMs: 0.5, maxDelayMs: 0.25 })).not.toThrow();
    const { fn } = flaky(1, "ok");
    const outcome = await runToEnd(
      retry(fn, { jitter: "none", baseDelayMs: 12.5, maxDelayMs: 1500.5 }),
    );
    expect(outcome, "fractional delays are accepted by retry too").toEqual({
      status: "resolved",
      value: "ok",
    });
  });

  it("treats onRetry: null as no callback: retry goes on as without one", async () => {
    const { fn } = flaky(2, "ok");
    const options = { jitter: "none", onRetry: null } as unknown as RetryOptions;
    const outcome = await runToEnd(retry(fn, options));
    expect(outcome, "onRetry: null is no onRetry: no TypeError, the retries run").toEqual({
      status: "resolved",
      value: "ok",
    });
    expect(fn).toHaveBeenCalledTimes(3);
  });

  const cases: Array<[RetryOptions, string]> = [
    [{ retries: -1 }, "retries must be a whole number >= 0 (got -1)"],
    [{ retries: 1.5 }, "retries must be a whole number >= 0 (got 1.5)"],
    [{ retries: Number.NaN }, "retries must be a whole number >= 0 (got NaN)"],
    [{ retries: Number.POSITIVE_INFINITY }, "retries must be a whole number >= 0 (got Infinity)"],
    [{ baseDelayMs: -1 }, "baseDelayMs must be a finite number >= 0 (got -1)"],
    [{ baseDelayMs: Number.NaN }, "baseDelayMs must be a finite number >= 0 (got NaN)"],
    [
      { baseDelayMs: Number.POSITIVE_INFINITY },
      "baseDelayMs must be a finite number >= 0 (got Infinity)",
    ],
    [{ maxDelayMs: -5 }, "maxDelayMs must be a finite number >= 0 (got -5)"],
    [{ maxDelayMs: Number.NaN }, "maxDelayMs must be a finite number >= 0 (got NaN)"],
    [
      { maxDelayMs: Number.POSITIVE_INFINITY },
      "maxDelayMs must be a finite number >= 0 (got Infinity)",
    ],
    [{ factor: 0.5 }, "factor must be a finite number >= 1 (got 0.5)"],
    [{ factor: Number.NaN }, "factor must be a finite number >= 1 (got NaN)"],
    [{ factor: Number.POSITIVE_INFINITY }, "factor must be a finite number >= 1 (got Infinity)"],
    [
      { jitter: "random" } as unknown as RetryOptions,
      'jitter must be "none", "full" or "equal" (got random)',
    ],
    [
      { jitter: "FULL" } as unknown as RetryOptions,
      'jitter must be "none", "full" or "equal" (got FULL)',
    ],
    [
      { jitter: " none " } as unknown as RetryOptions,
      'jitter must be "none", "full" or "equal" (got  none )',
    ],
    // Inherited property names are not jitter modes.
    [
      { jitter: "toString" } as unknown as RetryOptions,
      'jitter must be "none", "full" or "equal" (got toString)',
    ],
    [
      { jitter: "constructor" } as unknown as RetryOptions,
      'jitter must be "none", "full" or "equal" (got constructor)',
    ],
    // null is not "missing": only undefined takes the default.
    [
      { retries: null } as unknown as RetryOptions,
      "retries must be a whole number >= 0 (got null)",
    ],
    [
      { baseDelayMs: null } as unknown as RetryOptions,
      "baseDelayMs must be a finite number >= 0 (got null)",
    ],
    [
      { maxDelayMs: null } as unknown as RetryOptions,
      "maxDelayMs must be a finite number >= 0 (got null)",
    ],
    [{ factor: null } as unknown as RetryOptions, "factor must be a finite number >= 1 (got null)"],
    [
      { jitter: null } as unknown as RetryOptions,
      'jitter must be "none", "full" or "equal" (got null)',
    ],
    // A number in a string (or a boolean) is not a number: no coercion.
    [
      { baseDelayMs: "250" } as unknown as RetryOptions,
      "baseDelayMs must be a finite number >= 0 (got 250)",
    ],
    [
      { maxDelayMs: true } as unknown as RetryOptions,
      "maxDelayMs must be a finite number >= 0 (got true)",
    ],
    [{ factor: "3" } as unknown as RetryOptions, "factor must be a finite number >= 1 (got 3)"],
    [{ retries: "2" } as unknown as RetryOptions, "retries must be a whole number >= 0 (got 2)"],
    // String(X), not a template literal: `${Symbol()}` throws a TypeError.
    [
      { jitter: Symbol("full") } as unknown as RetryOptions,
      'jitter must be "none", "full" or "equal" (got Symbol(full))',
    ],
    [
      { retries: Symbol("3") } as unknown as RetryOptions,
      "retries must be a whole number >= 0 (got Symbol(3))",
    ],
  ];

  it.each(cases)(
    "retry rejects %o with a RangeError, without calling fn",
    async (options, message) => {
      const fn = vi.fn(async () => "up");
      const rejection = retry(fn, options);
      await expect(rejection).rejects.toThrow(RangeError);
      await expect(rejection).rejects.toThrow(message);
      expect(fn).not.toHaveBeenCalled();
    },
  );

  it.each(cases)("backoffDelay throws for %o", (options, message) => {
    expect(() => backoffDelay(1, options)).toThrow(RangeError);
    expect(() => backoffDelay(1, options)).toThrow(message);
  });

  it.each(cases)("withRetry throws for %o when wrapping, before any call", (options, message) => {
    const fn = vi.fn(async () => "up");
    expect(() => withRetry(fn, options)).toThrow(RangeError);
    expect(() => withRetry(fn, options)).toThrow(message);
    expect(fn).not.toHaveBeenCalled();
  });

  it("checks the options before the signal: a bad option with an aborted signal is a RangeError", async () => {
    const controller = new AbortController();
    controller.abort(new Error("cancelled"));
    const fn = vi.fn(async () => "up");
    const rejection = retry(fn, { retries: -1, signal: controller.signal });
    await expect(rejection).rejects.toThrow(RangeError);
    await expect(rejection).rejects.toThrow("retries must be a whole number >= 0 (got -1)");
    expect(fn).not.toHaveBeenCalled();
  });

  it("reports the first bad option in the table's order, and retryNumber before any option", () => {
    const allBad = {
      retries: -1,
      baseDelayMs: -1,
      maxDelayMs: -1,
      factor: 0,
      jitter: "x",
    } as unknown as RetryOptions;
    expect(() => backoffDelay(0, allBad)).toThrow(
      "retryNumber must be a whole number >= 1 (got 0)",
    );
    expect(() => backoffDelay(1, allBad)).toThrow("retries must be a whole number >= 0 (got -1)");
    const fromBase = { ...allBad, retries: 1 };
    expect(() => withRetry(async () => 1, fromBase)).toThrow(
      "baseDelayMs must be a finite number >= 0 (got -1)",
    );
    expect(() => withRetry(async () => 1, { ...fromBase, baseDelayMs: 1 })).toThrow(
      "maxDelayMs must be a finite number >= 0 (got -1)",
    );
    expect(() => withRetry(async () => 1, { ...fromBase, baseDelayMs: 1, maxDelayMs: 1 })).toThrow(
      "factor must be a finite number >= 1 (got 0)",
    );
    expect(() =>
      withRetry(async () => 1, { ...fromBase, baseDelayMs: 1, maxDelayMs: 1, factor: 1 }),
    ).toThrow('jitter must be "none", "full" or "equal" (got x)');
  });

  it("reports the first bad option in the table's order, whatever order the keys were written in", () => {
    const reversed = { jitter: "x", factor: 0, maxDelayMs: -1, baseDelayMs: -1, retries: -1 };
    expect(
      () => backoffDelay(1, reversed as unknown as RetryOptions),
      "retries comes first in the table, although it is the last key of the object",
    ).toThrow("retries must be a whole number >= 0 (got -1)");
    expect(() => withRetry(async () => 1, { factor: 0, baseDelayMs: -1 })).toThrow(
      "baseDelayMs must be a finite number >= 0 (got -1)",
    );
  });

  it.each([
    ["random", { random: null }],
    ["shouldRetry", { shouldRetry: null }],
    ["onRetry", { onRetry: null }],
    ["signal", { signal: null }],
    ["random", { random: 5 }],
    ["onRetry", { onRetry: "log" }],
  ])(
    "does not refuse %s up front, whatever its value: only the table's options are checked",
    async (_name, fields) => {
      const options = fields as unknown as RetryOptions;
      const fn = vi.fn(async () => "ok");
      expect(
        () => withRetry(fn, options),
        `${JSON.stringify(fields)} is left to its TypeScript type: withRetry must not throw when wrapping`,
      ).not.toThrow();
      expect(
        backoffDelay(1, { ...options, jitter: "none" }),
        `${JSON.stringify(fields)} is not checked by backoffDelay: with jitter none the delay is baseDelayMs`,
      ).toBe(100);
      const outcome = await runToEnd(retry(fn, options));
      expect(
        outcome,
        `${JSON.stringify(fields)} is not refused before fn runs: a first success resolves`,
      ).toEqual({ status: "resolved", value: "ok" });
      expect(fn).toHaveBeenCalledTimes(1);
    },
  );

  it.each([
    ["shouldRetry: null", { shouldRetry: null, jitter: "none" }],
    ["random: null", { random: null, jitter: "full" }],
  ])(
    "does not take the default for %s: calling null is a TypeError, and retry rejects with it",
    async (name, fields) => {
      const options = fields as unknown as RetryOptions;
      const { fn } = alwaysFails();
      const outcome = await runToEnd(retry(fn, options));
      expect(outcome.status).toBe("rejected");
      expect(
        outcome.error,
        `${name} is not missing, so it is not the default: calling it throws a TypeError`,
      ).toBeInstanceOf(TypeError);
      expect(fn, "no retry: the TypeError comes at the first failure").toHaveBeenCalledTimes(1);
    },
  );

  it("accepts a whole number as large as it gets: retries 1e300 and 2 ** 53 + 2, retryNumber 1e300", async () => {
    for (const retries of [1e300, 2 ** 53 + 2]) {
      const { fn } = flaky(2, "ok");
      expect(
        () => withRetry(fn, { retries }),
        `retries ${retries} is a whole number (Number.isInteger): not refused`,
      ).not.toThrow();
      const outcome = await runToEnd(retry(fn, { retries, jitter: "none" }));
      expect(outcome, `retries ${retries} is accepted`).toEqual({
        status: "resolved",
        value: "ok",
      });
    }
    expect(
      backoffDelay(1e300, { jitter: "none", maxDelayMs: 500 }),
      "retryNumber 1e300 is a whole number: its delay is the cap",
    ).toBe(500);
    expect(
      backoffDelay(2 ** 53 + 2, { jitter: "none" }),
      "retryNumber 2 ** 53 + 2 is a whole number: its delay is the cap, 20 000 by default",
    ).toBe(20_000);
  });

  it("reads options inherited through a prototype, like any property", async () => {
    const badDefaults = Object.create({ retries: -1 }) as RetryOptions;
    expect(
      () => backoffDelay(1, badDefaults),
      "an inherited retries: -1 is read (options.retries) and refused",
    ).toThrow("retries must be a whole number >= 0 (got -1)");
    const fn = vi.fn(async () => "up");
    await expect(retry(fn, badDefaults)).rejects.toThrow(RangeError);
    expect(fn).not.toHaveBeenCalled();
    const noJitter = Object.create({ jitter: "none", baseDelayMs: 250 }) as RetryOptions;
    expect(backoffDelay(2, noJitter), "inherited jitter and baseDelayMs are used").toBe(500);
  });

  it("takes the defaults for options that are undefined", async () => {
    const undefinedOptions = {
      retries: undefined,
      baseDelayMs: undefined,
      maxDelayMs: undefined,
      factor: undefined,
      jitter: undefined,
    };
    expect(backoffDelay(3, { ...undefinedOptions, random: () => 0.5 })).toBe(200);
    const { fn } = alwaysFails();
    const outcome = await runToEnd(retry(fn, undefinedOptions));
    expect(outcome.status).toBe("rejected");
    expect(fn, "retries: undefined is the default 3").toHaveBeenCalledTimes(4);
  });

  it("accepts the boundary values: retries 0, baseDelayMs 0, maxDelayMs 0, factor 1", async () => {
    const options = { retries: 0, baseDelayMs: 0, maxDelayMs: 0, factor: 1 };
    await expect(retry(async () => "fine", options)).resolves.toBe("fine");
  });
});

describe("step 9 — withRetry, the decorator", () => {
  it("calls the wrapped function with the same arguments and resolves with its result", async () => {
    const add = withRetry(async (a: number, b: number) => a + b);
    await expect(add(2, 3)).resolves.toBe(5);
  });

  it("retries a failing call with the same arguments", async () => {
    let failures = 0;
    const fn = vi.fn(async (host: string, port: number) => {
      if (failures < 2) {
        failures += 1;
        throw new Error("connection refused");
      }
      return `${host}:${port} is up`;
    });
    const check = withRetry(fn);
    const outcome = await runToEnd(check("db.internal", 5432));
    expect(outcome.value).toBe("db.internal:5432 is up");
    expect(fn.mock.calls).toEqual([
      ["db.internal", 5432],
      ["db.internal", 5432],
      ["db.internal", 5432],
    ]);
  });

  it("calls fn synchronously, before the wrapped function returns its promise", async () => {
    const fn = vi.fn(async (name: string) => `${name} is up`);
    const wrapped = withRetry(fn);
    const promise = wrapped("db");
    expect(
      fn,
      "fn must already have been called when the wrapped function returns: no await (not even a microtask) comes first",
    ).toHaveBeenCalledTimes(1);
    await expect(promise).resolves.toBe("db is up");
  });

  it("keeps `this`, so it can wrap a method", async () => {
    const client = {
      baseUrl: "https://api.example.test",
      urlFor: withRetry(async function (this: { baseUrl: string }, path: string) {
        return `${this.baseUrl}${path}`;
      }),
    };
    await expect(client.urlFor("/health")).resolves.toBe("https://api.example.test/health");
  });

  it("gives every call its own retry budget", async () => {
    const { fn, errors } = alwaysFails();
    const wrapped = withRetry(fn, { retries: 1 });
    const first = await runToEnd(wrapped(1));
    const second = await runToEnd(wrapped(2));
    expect(fn).toHaveBeenCalledTimes(4);
    expect(first.error).toBe(errors[1]);
    expect(second.error).toBe(errors[3]);
  });

  it("applies its options to every call: here a 10 ms wait", async () => {
    const { fn } = flaky(1, "ok");
    const wrapped = withRetry(fn, { retries: 1, jitter: "none", baseDelayMs: 10 });
    const outcome = track(wrapped(1));
    await advance(9);
    expect(fn, "the retry must wait the full 10 ms").toHaveBeenCalledTimes(1);
    await advance(1);
    expect(outcome).toEqual({ status: "resolved", value: "ok" });
  });

  it("reads options inherited through a prototype on every call", async () => {
    const { fn } = alwaysFails();
    const wrapped = withRetry(fn, Object.create({ retries: 0 }) as RetryOptions);
    const outcome = await runToEnd(wrapped(1));
    expect(outcome.status).toBe("rejected");
    expect(
      fn,
      "the inherited retries: 0 means one call (the default 3 would make 4)",
    ).toHaveBeenCalledTimes(1);
  });

  it("keeps the options object, not a copy: a change made after wrapping applies to later calls", async () => {
    const { fn } = alwaysFails();
    const options: RetryOptions = { retries: 0, jitter: "none" };
    const wrapped = withRetry(fn, options);
    options.retries = 2;
    const outcome = await runToEnd(wrapped(1));
    expect(outcome.status).toBe("rejected");
    expect(fn, "each call reads options.retries again: now 2, so 3 calls").toHaveBeenCalledTimes(3);
  });

  it("checks the options again on every call: one made bad after wrapping is a RangeError, fn not called", async () => {
    for (const bad of [-1, null, 1.5]) {
      const { fn } = alwaysFails();
      const options: RetryOptions = { retries: 1, jitter: "none" };
      const wrapped = withRetry(fn, options);
      (options as { retries: unknown }).retries = bad;
      const outcome = await runToEnd(wrapped(1));
      expect(outcome.error, `retries ${bad} set after wrapping: the call rejects`).toBeInstanceOf(
        RangeError,
      );
      expect((outcome.error as Error).message).toBe(
        `retries must be a whole number >= 0 (got ${String(bad)})`,
      );
      expect(fn, "a call with a bad option never calls fn").not.toHaveBeenCalled();
    }
  });

  it("looks Math.random up when a wrapped call waits, not when wrapping", async () => {
    const { fn } = flaky(1, "ok");
    replaceMathRandom(0.99);
    const wrapped = withRetry(fn, { retries: 1 });
    replaceMathRandom(0.1);
    const outcome = track(wrapped(1));
    await advance(9);
    expect(
      fn,
      "the wait is 0.1 * 100 = 10 ms, from the Math.random of the call",
    ).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(outcome).toEqual({ status: "resolved", value: "ok" });
  });

  it("keeps the parameter and result types of the wrapped function", async () => {
    const lookup = withRetry(async (name: string, ttl: number) => ({ name, ttl }));
    expectTypeOf(lookup).toEqualTypeOf<
      (name: string, ttl: number) => Promise<{ name: string; ttl: number }>
    >();
    await expect(lookup("example.test", 300)).resolves.toEqual({ name: "example.test", ttl: 300 });
  });
});

describe("step 10 — a flaky HTTP service", () => {
  const server = useMockServer();
  const url = "https://inventory.example.test/v1/instances";
  const instances = { instances: [{ id: "i-0abc1234def567890", state: "running" }] };

  // The first fetch of a process loads undici and msw's interceptor, which takes a few hundred ms
  // on a busy machine: pay for it once here, so that no test's own time includes it.
  beforeAll(async () => {
    const warmUp = "https://warm-up.example.test/";
    server.use(http.get(warmUp, () => HttpResponse.text("ok"), { once: true }));
    await (await fetch(warmUp)).text();
  });

  /** Answers GET `url` with the given responses in turn (the last one repeats). */
  function respondInTurn(...responses: Array<() => Response>): string[] {
    const requests: string[] = [];
    server.use(
      http.get(url, ({ request }) => {
        requests.push(`${request.method} ${request.url}`);
        const respond = responses[Math.min(requests.length, responses.length) - 1];
        return respond?.();
      }),
    );
    return requests;
  }

  /** The function under retry: a real fetch that throws an HttpError for a non-2xx answer. */
  async function getJson(): Promise<unknown> {
    const response = await fetch(url);
    if (!response.ok) throw new HttpError(response.status, url);
    return response.json();
  }

  it.each([503, 502, 429])(
    "retries a %i and resolves with the body of the 200 that follows, 100 ms later",
    async (status) => {
      const requests = respondInTurn(
        () => new HttpResponse(null, { status }),
        () => HttpResponse.json(instances),
      );
      const onRetry = vi.fn();
      const outcome = track(retry(getJson, { jitter: "none", onRetry }));
      await until(() => onRetry.mock.calls.length === 1, `the ${status} should lead to a retry`);
      expect(onRetry).toHaveBeenCalledWith({
        attempt: 1,
        delayMs: 100,
        error: expect.objectContaining({ name: "HttpError", status }),
      });
      await advance(99);
      expect(requests, "no second request before the 100 ms wait is over").toHaveLength(1);
      await advance(1);
      await until(() => outcome.status !== "pending", "retry should settle after the 2nd request");
      expect(outcome).toEqual({ status: "resolved", value: instances });
      expect(requests).toEqual([`GET ${url}`, `GET ${url}`]);
    },
  );

  it("does not retry a 404: one request, rejected with its status", async () => {
    const requests = respondInTurn(() =>
      HttpResponse.json({ message: "Not Found" }, { status: 404 }),
    );
    const outcome = track(retry(getJson, { jitter: "none" }));
    await until(() => outcome.status !== "pending", "a 404 must end the retries at once");
    expect(outcome.status).toBe("rejected");
    expect(outcome.error).toBeInstanceOf(HttpError);
    expect((outcome.error as HttpError).status).toBe(404);
    expect(requests).toHaveLength(1);
    expect(vi.getTimerCount(), "no wait may be scheduled for a 404").toBe(0);
  });

  it("retries a dropped connection (fetch rejects with a TypeError)", async () => {
    const requests = respondInTurn(
      () => HttpResponse.error(),
      () => HttpResponse.json(instances),
    );
    const onRetry = vi.fn();
    const outcome = track(retry(getJson, { jitter: "none", onRetry }));
    await until(() => onRetry.mock.calls.length === 1, "a network error should lead to a retry");
    expect(onRetry.mock.calls[0]?.[0].error).toBeInstanceOf(TypeError);
    await advance(100);
    await until(() => outcome.status !== "pending", "retry should settle after the 2nd request");
    expect(outcome).toEqual({ status: "resolved", value: instances });
    expect(requests).toHaveLength(2);
  });

  it("rejects with the last HttpError when the service stays down", async () => {
    const requests = respondInTurn(() => new HttpResponse("upstream timeout", { status: 504 }));
    const onRetry = vi.fn();
    const outcome = track(retry(getJson, { retries: 2, jitter: "none", onRetry }));
    await until(() => onRetry.mock.calls.length === 1, "the first 504 should lead to a retry");
    await advance(100);
    await until(() => onRetry.mock.calls.length === 2, "the second 504 should lead to a retry");
    await advance(200);
    await until(() => outcome.status !== "pending", "retry should give up after the 3rd request");
    expect(outcome.status).toBe("rejected");
    expect((outcome.error as HttpError).status).toBe(504);
    expect(requests).toHaveLength(3);
  });
});
