import { getEventListeners } from "node:events";
import { HttpResponse, http } from "msw";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { useMockServer } from "../../fixtures/helpers/http";
import {
  type RemoveTokensOptions,
  SlidingWindowLimiter,
  type SlidingWindowOptions,
  TokenBucketLimiter,
  type TokenBucketOptions,
} from "./rate-limiter";

// ---------------------------------------------------------------------------------------------
// Fake time only: vitest's fake timers move Date.now and fire setTimeout when the test says so.
// ---------------------------------------------------------------------------------------------

const START = Date.UTC(2026, 10, 2, 9, 0, 0);

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Moves time forward, firing due timers and settling the promises they resolve. */
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);
/** Lets already-settled promises run their callbacks without moving time. */
const flush = () => vi.advanceTimersByTimeAsync(0);

/** Watches a promise without awaiting it, so a test can ask "settled yet?" at any moment. */
function track(promise: Promise<void>) {
  const seen: { state: "pending" | "resolved" | "rejected"; reason?: unknown } = {
    state: "pending",
  };
  promise.then(
    () => {
      seen.state = "resolved";
    },
    (reason: unknown) => {
      seen.state = "rejected";
      seen.reason = reason;
    },
  );
  return seen;
}

const bucket = (options: TokenBucketOptions) => new TokenBucketLimiter(options);
const window = (options: SlidingWindowOptions) => new SlidingWindowLimiter(options);

/** Calls tryRemove `times` times and returns how many were allowed. */
function allowed(
  limiter: { tryRemove(key: string, tokens?: number): boolean },
  key: string,
  times: number,
) {
  let count = 0;
  for (let i = 0; i < times; i++) if (limiter.tryRemove(key)) count += 1;
  return count;
}

/** Runs `action` and returns what it threw (fails the test if it did not throw). */
function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return expect.fail("expected a throw");
}

// ---------------------------------------------------------------------------------------------

describe("step 1 — a bucket of tokens", () => {
  it("starts a new key with a full bucket: capacity calls pass, the next is refused", () => {
    const limiter = bucket({ capacity: 3, refillPerSecond: 1 });
    expect(limiter.tryRemove("alice")).toBe(true);
    expect(limiter.tryRemove("alice")).toBe(true);
    expect(limiter.tryRemove("alice")).toBe(true);
    expect(limiter.tryRemove("alice"), "the bucket is empty after 3 tokens").toBe(false);
  });

  it("reports capacity tokens for a key it has never seen", () => {
    const limiter = bucket({ capacity: 7, refillPerSecond: 1 });
    expect(limiter.tokensAvailable("nobody")).toBe(7);
  });

  it("takes several tokens at once, and one by default", () => {
    const limiter = bucket({ capacity: 10, refillPerSecond: 1 });
    expect(limiter.tryRemove("alice", 4)).toBe(true);
    expect(limiter.tokensAvailable("alice")).toBe(6);
    expect(limiter.tryRemove("alice")).toBe(true);
    expect(limiter.tokensAvailable("alice")).toBe(5);
  });

  it("takes nothing when it refuses: a request too big fails, a smaller one still fits", () => {
    const limiter = bucket({ capacity: 5, refillPerSecond: 1 });
    expect(limiter.tryRemove("alice", 3)).toBe(true);
    expect(limiter.tryRemove("alice", 3), "only 2 tokens are left").toBe(false);
    expect(limiter.tokensAvailable("alice"), "a refusal takes nothing").toBe(2);
    expect(limiter.tryRemove("alice", 2)).toBe(true);
    expect(limiter.tokensAvailable("alice")).toBe(0);
  });

  it("allows a request for the whole capacity at once (the burst)", () => {
    const limiter = bucket({ capacity: 5, refillPerSecond: 1 });
    expect(limiter.tryRemove("alice", 5)).toBe(true);
    expect(limiter.tryRemove("alice")).toBe(false);
  });
});

describe("step 2 — refilling from elapsed time", () => {
  it("adds tokens in proportion to the time elapsed, fractions included", async () => {
    const limiter = bucket({ capacity: 4, refillPerSecond: 2 });
    limiter.tryRemove("alice", 4);
    await advance(250);
    expect(limiter.tokensAvailable("alice"), "250 ms at 2 tokens/s").toBeCloseTo(0.5, 9);
    expect(limiter.tryRemove("alice"), "half a token is not a token").toBe(false);
    await advance(250);
    expect(limiter.tryRemove("alice"), "500 ms at 2 tokens/s is one token").toBe(true);
  });

  it("gets the boundary right when a token takes a fraction of a millisecond (3 per second)", async () => {
    const limiter = bucket({ capacity: 3, refillPerSecond: 3 });
    limiter.tryRemove("alice", 3);
    await advance(333);
    expect(limiter.tokensAvailable("alice")).toBeCloseTo(0.999, 9);
    expect(limiter.tryRemove("alice"), "one token takes 333.33… ms").toBe(false);
    await advance(1);
    expect(limiter.tryRemove("alice")).toBe(true);
    expect(limiter.tokensAvailable("alice")).toBeCloseTo(0.002, 9);
  });

  it("refills slower than one token a second (0.5 per second: one token every 2 s)", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 0.5 });
    limiter.tryRemove("alice");
    await advance(1_999);
    expect(limiter.tryRemove("alice")).toBe(false);
    await advance(1);
    expect(limiter.tryRemove("alice")).toBe(true);
  });

  it("never holds more than capacity, however long the key was idle", async () => {
    const limiter = bucket({ capacity: 4, refillPerSecond: 10 });
    limiter.tryRemove("alice", 4);
    await advance(3_600_000);
    expect(limiter.tokensAvailable("alice")).toBe(4);
    expect(allowed(limiter, "alice", 10), "an idle hour is still a burst of 4").toBe(4);
  });

  it("loses nothing to rounding when checked often (ten checks 10 ms apart at 10 tokens/s)", async () => {
    const limiter = bucket({ capacity: 2, refillPerSecond: 10 });
    limiter.tryRemove("alice", 2);
    for (let i = 1; i < 10; i++) {
      await advance(10);
      expect(limiter.tryRemove("alice"), `${i * 10} ms is not yet a whole token`).toBe(false);
    }
    await advance(10);
    expect(limiter.tryRemove("alice"), "exactly 100 ms at 10 tokens/s is one token").toBe(true);
  });

  it("loses nothing to rounding at a fractional rate either: checking every 2 ms changes nothing", () => {
    const checked = bucket({ capacity: 4, refillPerSecond: 0.3 });
    const unchecked = bucket({ capacity: 4, refillPerSecond: 0.3 });
    checked.tryRemove("alice", 4);
    unchecked.tryRemove("alice", 4);
    let allowed = 0;
    for (let ms = 2; ms < 10_000; ms += 2) {
      vi.setSystemTime(START + ms);
      if (checked.tryRemove("alice", 4)) allowed += 1;
    }
    expect(allowed, "4 tokens take 13 334 ms").toBe(0);
    vi.setSystemTime(START + 10_000);
    expect(
      checked.tokensAvailable("alice"),
      "5 000 refused checks: the same count as a bucket nobody asked (0.6 summed 5 000 times is 2999.999999999728)",
    ).toBe(unchecked.tokensAvailable("alice"));
    expect(checked.tokensAvailable("alice")).toBe(3);
  });

  it("refills with no timer running: the tokens come from the clock, not from a tick", async () => {
    const limiter = bucket({ capacity: 2, refillPerSecond: 1 });
    limiter.tryRemove("alice", 2);
    expect(limiter.tryRemove("alice")).toBe(false);
    expect(vi.getTimerCount(), "tryRemove schedules nothing").toBe(0);
    vi.setSystemTime(START + 1_000); // the clock moves; no timer fires
    expect(limiter.tryRemove("alice")).toBe(true);
  });

  it("adds nothing for time lost when the clock goes backwards, and refills from the new time", async () => {
    const limiter = bucket({ capacity: 2, refillPerSecond: 1 });
    limiter.tryRemove("alice", 2);
    vi.setSystemTime(START - 3_600_000); // an NTP correction: one hour back
    expect(limiter.tokensAvailable("alice"), "no tokens appear, and none go negative").toBe(0);
    expect(limiter.tryRemove("alice")).toBe(false);
    vi.setSystemTime(START - 3_600_000 + 1_000);
    expect(limiter.tryRemove("alice"), "one second after the jump, one token").toBe(true);
    expect(limiter.tryRemove("alice")).toBe(false);
  });
  it("counts exactly at a whole-number rate: tokens are thousandths, never a float's 0.999…", async () => {
    const limiter = bucket({ capacity: 10, refillPerSecond: 9 });
    limiter.tryRemove("alice", 10);
    await advance(112);
    expect(limiter.tokensAvailable("alice"), "112 ms at 9 per second: 1 008 thousandths").toBe(
      1.008,
    );
    expect(limiter.tryRemove("alice")).toBe(true);
    await advance(888);
    expect(limiter.tokensAvailable("alice"), "8 + 888 × 9 = 8 000 thousandths, exactly").toBe(8);
    expect(limiter.tryRemove("alice", 8), "exactly 8 tokens are 8 tokens").toBe(true);
  });

  it("computes elapsedMs × refillPerSecond first at a fractional rate (0.3 per second: 3 tokens at 10 s)", async () => {
    const limiter = bucket({ capacity: 4, refillPerSecond: 0.3 });
    limiter.tryRemove("alice", 4);
    await advance(9_999);
    expect(limiter.tryRemove("alice", 3)).toBe(false);
    await advance(1);
    expect(
      limiter.tokensAvailable("alice"),
      "10 000 × 0.3 = 3 000 thousandths; 10 000 × (0.3 / 1000) would be 2.9999999999999996",
    ).toBe(3);
    expect(limiter.tryRemove("alice", 3)).toBe(true);
  });

  it("reports tokensAvailable as the count divided by 1000, never rounded to thousandths", async () => {
    const slow = bucket({ capacity: 1, refillPerSecond: 0.3 });
    slow.tryRemove("alice");
    await advance(1);
    expect(
      slow.tokensAvailable("alice"),
      "1 ms at 0.3 per second: 0.3 thousandths, so 0.3 / 1000 tokens (not 0)",
    ).toBe(0.3 / 1000);
    const fast = bucket({ capacity: 1, refillPerSecond: 2.5 });
    fast.tryRemove("bob");
    await advance(1);
    expect(
      fast.tokensAvailable("bob"),
      "1 ms at 2.5 per second: 2.5 thousandths, so 0.0025 tokens (not 0.002)",
    ).toBe(0.0025);
  });

  it("keeps the tokens it had at the latest time any call saw when the clock goes back", async () => {
    const limiter = bucket({ capacity: 2, refillPerSecond: 1 });
    limiter.tryRemove("alice", 2);
    await advance(500);
    expect(limiter.tokensAvailable("bob"), "a call for another key sees the time too").toBe(2);
    vi.setSystemTime(START - 3_600_000); // an NTP correction: one hour back
    expect(
      limiter.tokensAvailable("alice"),
      "the half token refilled before the jump stays: nothing added, nothing removed",
    ).toBe(0.5);
    vi.setSystemTime(START - 3_600_000 + 499);
    expect(limiter.tryRemove("alice")).toBe(false);
    vi.setSystemTime(START - 3_600_000 + 500);
    expect(limiter.tryRemove("alice"), "half a second after the jump, the other half").toBe(true);
  });

  it("notices a jump back only once: the time after it counts from the new time", async () => {
    const limiter = bucket({ capacity: 3, refillPerSecond: 1 });
    limiter.tryRemove("alice", 3);
    vi.setSystemTime(START - 10_000);
    expect(limiter.tokensAvailable("alice")).toBe(0);
    vi.setSystemTime(START - 10_000 + 1_000);
    expect(limiter.tokensAvailable("alice")).toBe(1);
    vi.setSystemTime(START - 20_000); // and back again
    expect(limiter.tokensAvailable("alice"), "still the token of the second before").toBe(1);
    vi.setSystemTime(START - 20_000 + 2_000);
    expect(limiter.tokensAvailable("alice")).toBe(3);
  });
  it("sees no time in a call refused for its arguments: a later clock is not a jump back", async () => {
    const limiter = bucket({ capacity: 10, refillPerSecond: 1 });
    limiter.tryRemove("alice", 10);
    vi.setSystemTime(START + 5_000); // seen only by calls that are refused for their arguments
    expect(() => limiter.tryRemove("alice", 0)).toThrow(RangeError);
    await expect(limiter.removeTokens("alice", 11)).rejects.toThrow(RangeError);
    await expect(
      limiter.removeTokens("alice", 1, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(DOMException);
    await expect(
      limiter.removeTokens("alice", 1, null as unknown as RemoveTokensOptions),
      "options of null is refused for its arguments too",
    ).rejects.toBeInstanceOf(TypeError);
    vi.setSystemTime(START + 2_000);
    expect(
      limiter.tokensAvailable("alice"),
      "2 s after the take: the refused calls read no clock, so 5 s was never seen and this is no jump back",
    ).toBe(2);
  });

  it("divides the count by 1000 for tokensAvailable, never multiplying by 0.001 (9 per second)", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 9 });
    limiter.tryRemove("alice");
    await advance(1);
    expect(
      limiter.tokensAvailable("alice"),
      "1 ms at 9 per second: 9 thousandths, so 9 / 1000 = 0.009 tokens (× 0.001 gives 0.009000000000000001)",
    ).toBe(9 / 1000);
  });

  it.each(["a token bucket", "a sliding window"])(
    "keeps its own time in %s: another limiter's later time is no jump back for it",
    async (kind) => {
      const make = () =>
        kind === "a token bucket"
          ? bucket({ capacity: 10, refillPerSecond: 1 })
          : window({ limit: 1, windowMs: 500 });
      const mine = make();
      const other = make();
      mine.tryRemove("alice", kind === "a token bucket" ? 10 : 1);
      vi.setSystemTime(START + 1_000);
      expect(other.size, "another limiter sees START + 1 000 ms").toBe(0);
      vi.setSystemTime(START + 200); // earlier than the other limiter's time, later than mine
      if (kind === "a token bucket") {
        expect(
          mine.tokensAvailable("alice"),
          "this limiter last saw START: 200 ms have passed for it (not 1 000, the other limiter's time)",
        ).toBe(0.2);
      } else {
        expect(
          mine.tryRemove("alice"),
          "this limiter last saw START: at START + 200 its take still counts (the other limiter's 1 000 is not its time)",
        ).toBe(false);
      }
    },
  );

  it("notices a jump back only for the limiter that saw the later time", async () => {
    const seen = bucket({ capacity: 10, refillPerSecond: 1 });
    const other = bucket({ capacity: 10, refillPerSecond: 1 });
    seen.tryRemove("alice", 10);
    other.tryRemove("alice", 10);
    vi.setSystemTime(START + 1_000);
    expect(seen.tokensAvailable("alice")).toBe(1);
    vi.setSystemTime(START + 400); // a jump back of 600 ms, noticed by `seen` only
    expect(seen.tokensAvailable("alice"), "the jump is cut out: still the token it had").toBe(1);
    expect(
      other.tokensAvailable("alice"),
      "the other limiter never saw START + 1 000: for it 400 ms have passed, no jump",
    ).toBe(0.4);
    vi.setSystemTime(START + 900);
    expect(seen.tokensAvailable("alice"), "500 ms after the jump it noticed").toBe(1.5);
    expect(other.tokensAvailable("alice"), "900 ms after its take, no offset").toBe(0.9);
  });
});

describe("step 3 — one bucket per client key", () => {
  it("keeps each key's tokens apart", async () => {
    const limiter = bucket({ capacity: 2, refillPerSecond: 1 });
    expect(allowed(limiter, "alice", 5)).toBe(2);
    expect(allowed(limiter, "bob", 5), "bob has his own bucket").toBe(2);
    await advance(1_000);
    expect(limiter.tokensAvailable("alice")).toBe(1);
    expect(limiter.tokensAvailable("bob")).toBe(1);
    expect(limiter.tokensAvailable("carol")).toBe(2);
  });

  it("compares keys exactly: a different letter case is a different client", () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 });
    expect(limiter.tryRemove("10.0.0.1:Alice")).toBe(true);
    expect(limiter.tryRemove("10.0.0.1:alice")).toBe(true);
    expect(limiter.tryRemove("10.0.0.1:Alice")).toBe(false);
  });

  it.each([
    ["a space around it", " alice", "alice"],
    ["a trailing newline", "alice\n", "alice"],
    ["a Unicode normal form (NFD é vs NFC é)", "jos\u0065\u0301", "jos\u00e9"],
  ])(
    "compares keys exactly: %s makes a different client, never trimmed or normalised",
    async (_what, one, other) => {
      for (const limiter of [
        bucket({ capacity: 1, refillPerSecond: 1 }),
        window({ limit: 1, windowMs: 1_000 }),
      ]) {
        expect(limiter.tryRemove(one)).toBe(true);
        expect(limiter.tokensAvailable(other), `${JSON.stringify(other)} has its own tokens`).toBe(
          1,
        );
        expect(
          limiter.tryRemove(other),
          `${JSON.stringify(other)} is not ${JSON.stringify(one)}`,
        ).toBe(true);
        const wait = track(limiter.removeTokens(one));
        await flush();
        expect(wait.state, `${JSON.stringify(one)} has used its token: it waits`).toBe("pending");
        expect(limiter.size, "two keys are held").toBe(2);
        await advance(1_000);
        expect(wait.state).toBe("resolved");
      }
    },
  );
  it.each(["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"])(
    "treats a key named like an Object.prototype member (%s) as any other new key",
    async (key) => {
      for (const limiter of [
        bucket({ capacity: 2, refillPerSecond: 1 }),
        window({ limit: 2, windowMs: 1_000 }),
      ]) {
        expect(limiter.size, `${key} is not held before its first take`).toBe(0);
        expect(limiter.tokensAvailable(key), `${key} is a new key: a full bucket`).toBe(2);
        expect(limiter.tryRemove(key), `${key}'s first take`).toBe(true);
        expect(limiter.size, `${key} is held from its first take`).toBe(1);
        expect(limiter.tokensAvailable(key)).toBe(1);
        await limiter.removeTokens(key);
        expect(limiter.tryRemove(key), `${key} has no tokens left`).toBe(false);
        expect(limiter.tokensAvailable("other"), "another key is not affected").toBe(2);
        expect(limiter.size).toBe(1);
      }
    },
  );
});

describe("step 4 — forgetting idle keys", () => {
  it("counts in size the keys it holds", () => {
    const limiter = bucket({ capacity: 5, refillPerSecond: 1 });
    expect(limiter.size, "nothing is held before the first take").toBe(0);
    limiter.tryRemove("alice");
    limiter.tryRemove("bob", 5);
    limiter.tryRemove("bob");
    expect(limiter.tokensAvailable("carol")).toBe(5);
    expect(limiter.size, "only keys that lost tokens are held; reading creates nothing").toBe(2);
  });

  it("forgets a key once its bucket has had time to refill from empty (capacity / refillPerSecond)", async () => {
    const limiter = bucket({ capacity: 4, refillPerSecond: 2 });
    limiter.tryRemove("alice", 4);
    await advance(1_999);
    expect(limiter.size, "1 999 ms: the bucket is not full yet").toBe(1);
    expect(limiter.tokensAvailable("alice")).toBeCloseTo(3.998, 9);
    await advance(1);
    expect(limiter.size, "2 000 ms: as good as new, so forgotten").toBe(0);
    expect(limiter.tokensAvailable("alice")).toBe(4);
  });

  it("keeps memory bounded under many one-off clients", async () => {
    const limiter = bucket({ capacity: 3, refillPerSecond: 3 });
    for (let i = 0; i < 10_000; i++) limiter.tryRemove(`client-${i}`, 3);
    expect(limiter.size).toBe(10_000);
    await advance(1_000);
    limiter.tryRemove("late-comer");
    expect(limiter.size, "only the late comer is left").toBe(1);
  });

  it("forgets each key on its own schedule: a recent take keeps a key", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 });
    limiter.tryRemove("alice");
    await advance(600);
    limiter.tryRemove("bob");
    await advance(400);
    expect(limiter.size, "alice is full again; bob is not").toBe(1);
    expect(limiter.tryRemove("bob")).toBe(false);
    expect(limiter.tryRemove("alice")).toBe(true);
  });

  it("never forgets a key that someone is waiting for", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 });
    limiter.tryRemove("alice");
    const waiting = track(limiter.removeTokens("alice"));
    vi.setSystemTime(START + 5_000); // time passes, the timer has not fired yet
    expect(limiter.size, "alice has a waiter: her key must stay").toBe(1);
    expect(limiter.tryRemove("alice"), "the waiter comes first").toBe(false);
    await advance(1_000); // the wait's timer fires: a fake clock's jump does not fire timers
    expect(waiting.state).toBe("resolved");
  });

  it("keeps only the key someone waits for: idle keys held after it are still forgotten", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 });
    limiter.tryRemove("alice"); // t = 0: alice is the oldest key
    const waiting = track(limiter.removeTokens("alice"));
    await advance(100);
    limiter.tryRemove("bob"); // t = 100: bob is idle from t = 1 100
    vi.setSystemTime(START + 5_000); // the wall clock moves on; alice's timer has not fired yet
    expect(
      limiter.size,
      "alice is kept for her waiter, but bob, idle since t = 1 100, must be forgotten (1 key, not 2)",
    ).toBe(1);
    expect(limiter.tokensAvailable("bob"), "bob is as good as new").toBe(1);
    await advance(1_000);
    expect(waiting.state).toBe("resolved");
  });

  it("forgets a sliding window's key windowMs after its last take", async () => {
    const limiter = window({ limit: 2, windowMs: 1_000 });
    limiter.tryRemove("alice");
    await advance(500);
    limiter.tryRemove("alice");
    await advance(999);
    expect(limiter.size, "the second take still counts").toBe(1);
    await advance(1);
    expect(limiter.size).toBe(0);
  });
  it("holds a bucket until capacity / refillPerSecond after its last take, even once it is full", async () => {
    const limiter = bucket({ capacity: 4, refillPerSecond: 2 });
    limiter.tryRemove("alice"); // 3 left: full again 500 ms later
    await advance(500);
    expect(limiter.tokensAvailable("alice")).toBe(4);
    expect(limiter.size, "full, but 2 000 ms have not passed since the take").toBe(1);
    await advance(1_499);
    expect(limiter.size).toBe(1);
    await advance(1);
    expect(limiter.size, "2 000 ms after the take").toBe(0);
  });

  it.each([
    [0.3, 3, 10_000],
    [0.7, 21, 30_000], // ceil(21 000 / 0.7) is 30 001, but 30 000 × 0.7 is already 21 000
    [9.28, 29, 3_126], // 29 000 / 9.28 is 3 125, but 3 125 × 9.28 is 28 999.999999999996
  ])(
    "forgets on the same arithmetic as the refill (%s per second, capacity %i: at %i ms)",
    async (refillPerSecond, capacity, fullAt) => {
      const limiter = bucket({ capacity, refillPerSecond });
      limiter.tryRemove("alice", capacity);
      await advance(fullAt - 1);
      expect(limiter.size).toBe(1);
      expect(limiter.tryRemove("alice", capacity), "not full 1 ms before").toBe(false);
      await advance(1);
      expect(limiter.size, `${fullAt} × ${refillPerSecond} thousandths: full, so forgotten`).toBe(
        0,
      );
    },
  );

  it("counts only takes: a refused tryRemove or an abandoned wait does not keep a key", async () => {
    const limiter = bucket({ capacity: 4, refillPerSecond: 2 });
    limiter.tryRemove("alice", 4);
    await advance(1_000);
    expect(limiter.tryRemove("alice", 4), "2 tokens only: refused").toBe(false);
    const controller = new AbortController();
    const waiting = track(limiter.removeTokens("alice", 4, { signal: controller.signal }));
    await advance(500);
    controller.abort();
    await flush();
    expect(waiting.state).toBe("rejected");
    await advance(499);
    expect(limiter.size, "1 999 ms after the last take").toBe(1);
    await advance(1);
    expect(
      limiter.size,
      "2 000 ms after the last take, whatever was refused since: forgotten",
    ).toBe(0);

    const windowed = window({ limit: 1, windowMs: 1_000 });
    windowed.tryRemove("bob");
    await advance(500);
    expect(windowed.tryRemove("bob"), "the window is full: refused").toBe(false);
    await advance(500);
    expect(windowed.size, "windowMs after the last take, not after the refusal").toBe(0);
  });

  it("forgets a key used again later without waiting for the keys used before it", async () => {
    const limiter = bucket({ capacity: 2, refillPerSecond: 2 }); // forgotten 1 000 ms after a take
    limiter.tryRemove("alice"); // t = 0
    await advance(100);
    limiter.tryRemove("bob", 2); // t = 100
    await advance(800);
    limiter.tryRemove("alice"); // t = 900: alice is now the most recently used
    await advance(200);
    expect(limiter.size, "t = 1 100: bob's last take was 1 000 ms ago; alice's 200 ms").toBe(1);
    expect(limiter.tokensAvailable("alice")).toBeCloseTo(1.4, 9);
  });

  it("forgets nothing in a call refused for its arguments: it reads no clock", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 }); // forgotten 1 000 ms after a take
    limiter.tryRemove("alice");
    vi.setSystemTime(START + 1_000); // seen only by a call refused for its arguments
    expect(() => limiter.tryRemove("bob", 0)).toThrow(RangeError);
    vi.setSystemTime(START + 500);
    expect(
      limiter.size,
      "500 ms after the take alice is still held: the refused call at 1 000 ms neither forgot her nor recorded a time",
    ).toBe(1);
  });

  it("forgets a key as long after a clock jump back as it would have been without it", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 });
    limiter.tryRemove("alice");
    await advance(500);
    expect(limiter.size).toBe(1);
    vi.setSystemTime(START - 3_600_000);
    expect(limiter.size, "the jump is noticed here, 500 ms after the take").toBe(1);
    vi.setSystemTime(START - 3_600_000 + 499);
    expect(limiter.size, "499 ms after the jump: 999 ms after the take").toBe(1);
    vi.setSystemTime(START - 3_600_000 + 500);
    expect(limiter.size, "not an hour later").toBe(0);
  });
});

describe("step 5 — the sliding window", () => {
  it("allows limit tokens per window and refuses the next", () => {
    const limiter = window({ limit: 3, windowMs: 1_000 });
    expect(allowed(limiter, "alice", 5)).toBe(3);
    expect(limiter.tokensAvailable("alice")).toBe(0);
    expect(limiter.tokensAvailable("bob")).toBe(3);
  });

  it("frees a take exactly windowMs after it: still counted 1 ms before", async () => {
    const limiter = window({ limit: 1, windowMs: 1_000 });
    limiter.tryRemove("alice");
    await advance(999);
    expect(limiter.tryRemove("alice")).toBe(false);
    await advance(1);
    expect(limiter.tryRemove("alice")).toBe(true);
  });

  it("frees takes one by one as each leaves the window", async () => {
    const limiter = window({ limit: 3, windowMs: 1_000 });
    limiter.tryRemove("alice"); // t = 0
    await advance(300);
    limiter.tryRemove("alice", 2); // t = 300
    await advance(700);
    expect(limiter.tokensAvailable("alice"), "the take at t = 0 has left").toBe(1);
    expect(limiter.tryRemove("alice", 2)).toBe(false);
    await advance(300);
    expect(limiter.tokensAvailable("alice"), "the take at t = 300 has left").toBe(3);
  });

  it("allows no burst across a window boundary, unlike a fixed window", async () => {
    const limiter = window({ limit: 10, windowMs: 1_000 });
    expect(allowed(limiter, "alice", 1)).toBe(1); // t = 0
    await advance(990);
    expect(allowed(limiter, "alice", 10)).toBe(9); // t = 990
    await advance(10); // t = 1 000: a fixed window (from t = 0, or from the first take) resets here
    expect(allowed(limiter, "alice", 10), "only the take of t = 0 has left the window").toBe(1);
    await advance(989);
    expect(limiter.tryRemove("alice"), "t = 1 989: the 9 takes of t = 990 still count").toBe(false);
    await advance(1);
    expect(allowed(limiter, "alice", 20), "t = 1 990: they have left; t = 1 000's has not").toBe(9);
  });

  it("counts a multi-token take whole and refuses what would overflow", () => {
    const limiter = window({ limit: 5, windowMs: 60_000 });
    expect(limiter.tryRemove("alice", 4)).toBe(true);
    expect(limiter.tryRemove("alice", 2)).toBe(false);
    expect(limiter.tokensAvailable("alice"), "a refusal takes nothing").toBe(1);
    expect(limiter.tryRemove("alice", 1)).toBe(true);
  });
  it("frees a take at the first whole millisecond >= t + windowMs when windowMs is fractional", async () => {
    const limiter = window({ limit: 1, windowMs: 1.5 });
    limiter.tryRemove("alice");
    await advance(1);
    expect(limiter.tryRemove("alice"), "1 ms < 1.5 ms: it still counts").toBe(false);
    expect(limiter.size).toBe(1);
    await advance(1);
    expect(limiter.tokensAvailable("alice")).toBe(1);
    expect(limiter.size, "forgotten when its last take has left").toBe(0);
  });

  it.each([1.4, 2.2])(
    "rounds a fractional windowMs up, never to the nearest millisecond (windowMs %s)",
    async (windowMs) => {
      const limiter = window({ limit: 1, windowMs });
      limiter.tryRemove("alice");
      const whole = Math.floor(windowMs);
      await advance(whole);
      expect(
        limiter.tryRemove("alice"),
        `${whole} ms < ${windowMs} ms: the take still counts (it leaves at ${whole + 1} ms)`,
      ).toBe(false);
      expect(limiter.size, "the key is held while its take counts").toBe(1);
      await advance(1);
      expect(limiter.size, `forgotten at ${whole + 1} ms, once its take has left`).toBe(0);
      expect(limiter.tryRemove("alice"), `free again at ${whole + 1} ms`).toBe(true);
    },
  );

  it("ends a tiny or fractional window at the README's millisecond at a real Date.now() (about 1.8e12)", async () => {
    // Near 1.8e12 one step of a double is 2^-12 ms, so `t + windowMs` rounds there: count in
    // whole milliseconds (the first whole millisecond >= t + windowMs), never on that sum.
    expect(START + 1e-5, "the fake clock is a real date, where t + 1e-5 rounds to t").toBe(START);
    const tiny = window({ limit: 1, windowMs: 1e-5 });
    const long = window({ limit: 1, windowMs: 1 + 1e-6 });
    expect(tiny.tryRemove("alice")).toBe(true);
    expect(
      tiny.tryRemove("alice"),
      "windowMs 1e-5, limit 1: a second take in the same millisecond is refused (it leaves at t + 1)",
    ).toBe(false);
    expect(tiny.tokensAvailable("alice"), "the take still counts at t").toBe(0);
    expect(long.tryRemove("alice")).toBe(true);
    await advance(1);
    expect(tiny.tryRemove("alice"), "windowMs 1e-5: gone at t + 1").toBe(true);
    expect(
      long.tryRemove("alice"),
      "windowMs 1 + 1e-6: at t + 1 the take still counts (1 ms < 1.000001 ms; it leaves at t + 2)",
    ).toBe(false);
    expect(long.size, "the key is held while its take counts").toBe(1);
    await advance(1);
    expect(long.tryRemove("alice"), "windowMs 1 + 1e-6: gone at t + 2").toBe(true);
  });

  it("serves a waiter of a tiny or fractional window at the README's millisecond at a real Date.now()", async () => {
    const tiny = window({ limit: 1, windowMs: 1e-5 });
    const long = window({ limit: 1, windowMs: 1 + 1e-6 });
    tiny.tryRemove("alice");
    long.tryRemove("alice");
    const tinyWait = track(tiny.removeTokens("alice"));
    const longWait = track(long.removeTokens("alice"));
    await flush();
    expect(tinyWait.state, "windowMs 1e-5: the take counts until t + 1, so the caller waits").toBe(
      "pending",
    );
    await advance(1);
    expect(tinyWait.state, "windowMs 1e-5: served at t + 1").toBe("resolved");
    expect(longWait.state, "windowMs 1 + 1e-6: still waiting at t + 1").toBe("pending");
    await advance(1);
    expect(longWait.state, "windowMs 1 + 1e-6: served at t + 2").toBe("resolved");
  });

  it("keeps counting a take for the time it had left when the clock goes back", async () => {
    const limiter = window({ limit: 1, windowMs: 1_000 });
    limiter.tryRemove("alice");
    await advance(400);
    expect(limiter.tryRemove("alice")).toBe(false);
    vi.setSystemTime(START - 3_600_000);
    expect(limiter.tryRemove("alice"), "600 ms are left on the take").toBe(false);
    vi.setSystemTime(START - 3_600_000 + 599);
    expect(limiter.tryRemove("alice")).toBe(false);
    vi.setSystemTime(START - 3_600_000 + 600);
    expect(limiter.tryRemove("alice"), "not frozen for an hour").toBe(true);
  });
});

describe("step 6 — waiting for tokens", () => {
  it("resolves at once and takes the tokens during the call when they are there", async () => {
    const limiter = bucket({ capacity: 5, refillPerSecond: 1 });
    const call = limiter.removeTokens("alice", 3);
    expect(limiter.tokensAvailable("alice"), "taken before the caller even awaits").toBe(2);
    await expect(call).resolves.toBeUndefined();
  });

  it("waits for the refill and resolves exactly when the tokens are there", async () => {
    const limiter = bucket({ capacity: 2, refillPerSecond: 2 });
    limiter.tryRemove("alice", 2);
    const waiting = track(limiter.removeTokens("alice"));
    await advance(499);
    expect(waiting.state, "half a second at 2 tokens/s is needed").toBe("pending");
    await advance(1);
    expect(waiting.state).toBe("resolved");
    expect(limiter.tokensAvailable("alice"), "the waiter took its token").toBe(0);
  });

  it("resolves on the first whole millisecond with enough tokens (3 per second: 334 ms)", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 3 });
    limiter.tryRemove("alice");
    const waiting = track(limiter.removeTokens("alice"));
    await advance(333);
    expect(waiting.state).toBe("pending");
    await advance(1);
    expect(waiting.state).toBe("resolved");
  });

  it("serves waiters in the order they came (FIFO)", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 });
    limiter.tryRemove("alice");
    const order: string[] = [];
    const calls = ["first", "second", "third"].map((name) =>
      limiter.removeTokens("alice").then(() => {
        order.push(`${name}@${Date.now() - START}`);
      }),
    );
    await advance(3_000);
    await Promise.all(calls);
    expect(order).toEqual(["first@1000", "second@2000", "third@3000"]);
  });

  it("lets no small request overtake a big one waiting before it", async () => {
    const limiter = bucket({ capacity: 4, refillPerSecond: 1 });
    limiter.tryRemove("alice", 4);
    const big = track(limiter.removeTokens("alice", 3));
    const small = track(limiter.removeTokens("alice", 1));
    await advance(1_000);
    expect(small.state, "one token is there, but the big request came first").toBe("pending");
    await advance(2_000);
    expect(big.state).toBe("resolved");
    expect(small.state, "3 s: the big one took 3, nothing is left for the small one").toBe(
      "pending",
    );
    await advance(1_000);
    expect(small.state).toBe("resolved");
  });

  it("serves every waiter whose tokens are there in the same moment", async () => {
    const limiter = window({ limit: 3, windowMs: 1_000 });
    limiter.tryRemove("alice", 3);
    const waiters = [track(limiter.removeTokens("alice")), track(limiter.removeTokens("alice", 2))];
    await advance(1_000);
    expect(waiters.map((w) => w.state)).toEqual(["resolved", "resolved"]);
    expect(limiter.tokensAvailable("alice")).toBe(0);
  });

  it("refuses tryRemove while others wait for the key, even when the tokens are there", async () => {
    const limiter = bucket({ capacity: 4, refillPerSecond: 1 });
    limiter.tryRemove("alice", 4);
    const waiting = track(limiter.removeTokens("alice", 3));
    await advance(1_000);
    expect(limiter.tokensAvailable("alice")).toBe(1);
    expect(limiter.tryRemove("alice"), "the waiter has first claim on the tokens").toBe(false);
    expect(limiter.tokensAvailable("alice"), "and the refusal took nothing").toBe(1);
    await advance(2_000);
    expect(waiting.state).toBe("resolved");
  });

  it("queues a new removeTokens behind the waiters, even when its tokens are there", async () => {
    const limiter = bucket({ capacity: 4, refillPerSecond: 1 });
    limiter.tryRemove("alice", 4);
    const big = track(limiter.removeTokens("alice", 2));
    await advance(1_000);
    const late = track(limiter.removeTokens("alice", 1));
    await flush();
    expect(late.state, "it came after the big request").toBe("pending");
    await advance(1_000);
    expect(big.state).toBe("resolved");
    expect(late.state).toBe("pending");
    await advance(1_000);
    expect(late.state).toBe("resolved");
  });

  it("keeps each key's queue apart: a waiter for one key never holds up another", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 });
    limiter.tryRemove("alice");
    const alice = track(limiter.removeTokens("alice"));
    await expect(limiter.removeTokens("bob")).resolves.toBeUndefined();
    expect(limiter.tryRemove("carol")).toBe(true);
    expect(alice.state).toBe("pending");
  });

  it("waits in a sliding window until the oldest takes leave it", async () => {
    const limiter = window({ limit: 2, windowMs: 1_000 });
    limiter.tryRemove("alice"); // t = 0
    await advance(400);
    limiter.tryRemove("alice"); // t = 400
    const one = track(limiter.removeTokens("alice", 1));
    const two = track(limiter.removeTokens("alice", 2));
    await advance(599);
    expect(one.state).toBe("pending");
    await advance(1);
    expect(one.state, "t = 1 000: the first take left").toBe("resolved");
    await advance(1_000);
    expect(two.state, "t = 2 000: the takes of t = 400 and t = 1 000 have both left").toBe(
      "resolved",
    );
  });

  it("counts the tokens already free in a sliding window when computing the wait", async () => {
    const limiter = window({ limit: 3, windowMs: 1_000 });
    limiter.tryRemove("alice", 2); // t = 0: one token is still free
    await advance(100);
    const waiting = track(limiter.removeTokens("alice", 2));
    await advance(899);
    expect(waiting.state, "t = 999: one free token is not two").toBe("pending");
    await advance(1);
    expect(waiting.state, "t = 1 000: the free one plus the two that left").toBe("resolved");
    expect(limiter.tokensAvailable("alice")).toBe(1);
  });

  it("counts the tokens of each take, not the takes, when computing a sliding window's wait", async () => {
    const limiter = window({ limit: 3, windowMs: 1_000 });
    limiter.tryRemove("alice", 2); // t = 0
    await advance(100);
    limiter.tryRemove("alice", 1); // t = 100: the window is full
    await advance(100);
    const waiting = track(limiter.removeTokens("alice", 2));
    await advance(799);
    expect(waiting.state, "t = 999: the take of 2 tokens at t = 0 still counts").toBe("pending");
    await advance(1);
    expect(
      waiting.state,
      "t = 1 000: the 2 tokens taken at t = 0 have left, enough for 2 (not t = 1 100, as if each take were one token)",
    ).toBe("resolved");
  });

  it("arms no timer longer than setTimeout's limit (2^31 - 1 ms), and still serves a long wait on time", async () => {
    const armed: number[] = [];
    const real = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, "setTimeout").mockImplementation(((
      fn: () => void,
      ms?: number,
    ) => {
      armed.push(ms ?? 0);
      return real(fn, ms);
    }) as typeof setTimeout);
    try {
      // 1 token at 2^-23 per second: 1000 × 2^23 = 8 388 608 000 ms, about 97 days.
      const slow = bucket({ capacity: 1, refillPerSecond: 2 ** -23 });
      slow.tryRemove("alice");
      const tokenWait = track(slow.removeTokens("alice"));
      const windowed = window({ limit: 1, windowMs: 3e9 });
      windowed.tryRemove("bob");
      const windowWait = track(windowed.removeTokens("bob"));
      await flush();
      expect(armed.length, "a timer is armed for each waiter").toBeGreaterThan(0);
      expect(
        Math.max(...armed),
        "no delay above 2^31 - 1 ms: Node would fire it after 1 ms",
      ).toBeLessThanOrEqual(2 ** 31 - 1);
      await advance(3e9 - 1);
      expect(windowWait.state, "the window's take still counts 1 ms before 3e9").toBe("pending");
      await advance(1);
      expect(windowWait.state, "served when the take has left the window, at 3e9 ms").toBe(
        "resolved",
      );
      await advance(8_388_608_000 - 3e9 - 1);
      expect(tokenWait.state, "the token is not there 1 ms before 8 388 608 000").toBe("pending");
      await advance(1);
      expect(tokenWait.state, "served at the first whole millisecond its token is there").toBe(
        "resolved",
      );
      expect(Math.max(...armed), "no re-armed delay above 2^31 - 1 ms either").toBeLessThanOrEqual(
        2 ** 31 - 1,
      );
      expect(armed.length, "re-armed in long steps, not every millisecond").toBeLessThan(20);
    } finally {
      spy.mockRestore();
    }
  });

  it("leaves no timer behind once every waiter is served", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 });
    limiter.tryRemove("alice");
    const calls = [limiter.removeTokens("alice"), limiter.removeTokens("alice")];
    expect(vi.getTimerCount(), "waiting needs a timer").toBeGreaterThan(0);
    await advance(2_000);
    await Promise.all(calls);
    expect(vi.getTimerCount()).toBe(0);
  });
  it("serves a waiter for 9 tokens at exactly 1 000 ms at 9 per second, not a millisecond later", async () => {
    const limiter = bucket({ capacity: 9, refillPerSecond: 9 });
    limiter.tryRemove("alice", 9);
    const waiting = track(limiter.removeTokens("alice", 9));
    await advance(999);
    expect(waiting.state).toBe("pending");
    await advance(1);
    expect(waiting.state, "9 000 thousandths at 1 000 ms").toBe("resolved");
  });

  it("serves a waiter for 3 tokens at exactly 10 000 ms at 0.3 per second", async () => {
    const limiter = bucket({ capacity: 4, refillPerSecond: 0.3 });
    limiter.tryRemove("alice", 4);
    const waiting = track(limiter.removeTokens("alice", 3));
    await advance(9_999);
    expect(waiting.state).toBe("pending");
    await advance(1);
    expect(waiting.state, "10 000 × 0.3 = 3 000 thousandths").toBe("resolved");
  });

  it("counts the part of a token already refilled when it starts waiting", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 });
    limiter.tryRemove("alice");
    await advance(500);
    const waiting = track(limiter.removeTokens("alice"));
    await advance(499);
    expect(waiting.state).toBe("pending");
    await advance(1);
    expect(waiting.state, "half a token was there: 500 ms more, not a whole token's time").toBe(
      "resolved",
    );
  });

  it.each([3_334, 3_336])(
    "serves a waiter at the very millisecond tryRemove first succeeds (0.3 per second, a take at %i ms)",
    async (secondTakeAt) => {
      // Two limiters with the same history: one has a waiter, the other is polled every
      // millisecond. Dividing by a fractional rate rounds; the waiter must not be a millisecond
      // early or late on the count tryRemove uses, whatever that count's last bits are.
      const waited = bucket({ capacity: 3, refillPerSecond: 0.3 });
      const polled = bucket({ capacity: 3, refillPerSecond: 0.3 });
      for (const limiter of [waited, polled]) limiter.tryRemove("alice", 3);
      await advance(secondTakeAt);
      for (const limiter of [waited, polled]) expect(limiter.tryRemove("alice")).toBe(true);
      const waiting = track(waited.removeTokens("alice", 2));
      await advance(6_600);
      for (let ms = secondTakeAt + 6_600; ms < secondTakeAt + 6_700; ms++) {
        const succeeded = polled.tryRemove("alice", 2);
        expect(waiting.state, `at ${ms} ms tryRemove(2) ${succeeded ? "succeeds" : "fails"}`).toBe(
          succeeded ? "resolved" : "pending",
        );
        if (succeeded) return;
        await advance(1);
      }
      expect.fail("2 tokens should be there 6 667 ms after the second take");
    },
  );

  it.each([4, 7, 1_234])(
    "serves a waiter that arrives mid-refill at the very millisecond tryRemove first succeeds (0.3 per second, waiting from %i ms)",
    async (arrivesAt) => {
      // The count is always computed from the last take; a wait computed from the count at the
      // waiter's arrival sums the floats differently and can land a millisecond off.
      const waited = bucket({ capacity: 3, refillPerSecond: 0.3 });
      const polled = bucket({ capacity: 3, refillPerSecond: 0.3 });
      for (const limiter of [waited, polled]) limiter.tryRemove("alice", 3);
      await advance(arrivesAt);
      const waiting = track(waited.removeTokens("alice", 3));
      await advance(9_950 - arrivesAt);
      for (let ms = 9_950; ms < 10_050; ms++) {
        const succeeded = polled.tryRemove("alice", 3);
        expect(waiting.state, `at ${ms} ms tryRemove(3) ${succeeded ? "succeeds" : "fails"}`).toBe(
          succeeded ? "resolved" : "pending",
        );
        if (succeeded) return;
        await advance(1);
      }
      expect.fail("3 tokens should be there 10 000 ms after the drain");
    },
  );

  it("waits for a fractional window to the first whole millisecond (windowMs 1.5: 2 ms)", async () => {
    const limiter = window({ limit: 1, windowMs: 1.5 });
    limiter.tryRemove("alice");
    const waiting = track(limiter.removeTokens("alice"));
    await advance(1);
    expect(waiting.state).toBe("pending");
    await advance(1);
    expect(waiting.state).toBe("resolved");
  });

  it("waits for a window of 1.4 ms to the ceiling: 2 ms, not 1", async () => {
    const limiter = window({ limit: 1, windowMs: 1.4 });
    limiter.tryRemove("alice");
    const waiting = track(limiter.removeTokens("alice"));
    await advance(1);
    expect(waiting.state, "at 1 ms the take still counts (1 < 1.4)").toBe("pending");
    await advance(1);
    expect(waiting.state, "served at 2 ms, the first whole millisecond >= 1.4").toBe("resolved");
  });

  it("refuses tryRemove only for the key someone waits for, not for the other keys it holds", async () => {
    for (const limiter of [
      bucket({ capacity: 2, refillPerSecond: 1 }),
      window({ limit: 2, windowMs: 1_000 }),
    ]) {
      limiter.tryRemove("bob"); // bob is held, with a token left
      limiter.tryRemove("alice", 2);
      const alice = track(limiter.removeTokens("alice"));
      expect(
        limiter.tryRemove("bob"),
        "nobody waits for bob: his token is there, so tryRemove takes it",
      ).toBe(true);
      expect(alice.state).toBe("pending");
      await advance(1_000);
      expect(alice.state).toBe("resolved");
    }
  });

  it("serves a wait that spans a clock jump back from the limiter's latest time, not the wall clock", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 });
    limiter.tryRemove("alice");
    const waiting = track(limiter.removeTokens("alice")); // its timer is due in 1 000 ms
    await advance(400);
    expect(limiter.tokensAvailable("alice"), "the latest time seen: t + 400").toBeCloseTo(0.4, 9);
    vi.setSystemTime(START + 400 - 3_600_000); // an NTP correction: one hour back
    await advance(600); // the timer fires on schedule, sees the jump, and finds the limiter at t + 400
    expect(
      waiting.state,
      "600 ms after the jump: the limiter's time is still t + 400 (the jump is cut out), 0.4 tokens",
    ).toBe("pending");
    await advance(599);
    expect(waiting.state, "1 199 ms after the jump: 0.999 tokens").toBe("pending");
    await advance(1);
    expect(
      waiting.state,
      "1 200 ms after the jump the token is there: the waiter's timer reads the limiter's own clock",
    ).toBe("resolved");
  });
});

describe("step 7 — giving up with an AbortSignal", () => {
  it("rejects with signal.reason at once, taking nothing, when the signal is already aborted", async () => {
    const limiter = bucket({ capacity: 5, refillPerSecond: 1 });
    const reason = new Error("client went away");
    const call = limiter.removeTokens("alice", 2, { signal: AbortSignal.abort(reason) });
    await expect(call).rejects.toBe(reason);
    expect(limiter.tokensAvailable("alice"), "the tokens were there, but nothing is taken").toBe(5);
  });

  it("rejects with signal.reason as soon as the signal aborts during the wait", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 });
    limiter.tryRemove("alice");
    const controller = new AbortController();
    const waiting = track(limiter.removeTokens("alice", 1, { signal: controller.signal }));
    await advance(300);
    controller.abort();
    await flush();
    expect(waiting.state).toBe("rejected");
    expect(waiting.reason, "the signal's own reason, not a wrapper").toBe(controller.signal.reason);
    expect((waiting.reason as Error).name).toBe("AbortError");
    await advance(700);
    expect(limiter.tokensAvailable("alice"), "the token that refilled is still there").toBe(1);
  });

  it("lets the waiters behind move up, and serves them at once if their tokens are there", async () => {
    const limiter = bucket({ capacity: 5, refillPerSecond: 1 });
    limiter.tryRemove("alice", 5);
    const controller = new AbortController();
    const big = track(limiter.removeTokens("alice", 5, { signal: controller.signal }));
    const small = track(limiter.removeTokens("alice", 2));
    await advance(2_000);
    expect(small.state, "behind the big one").toBe("pending");
    controller.abort(new Error("timeout"));
    await flush();
    expect(big.state).toBe("rejected");
    expect(small.state, "2 tokens were there: served the moment the big one left").toBe("resolved");
    expect(limiter.tokensAvailable("alice")).toBe(0);
  });

  it("rejects the waiter that gives up before it serves the waiters behind it", async () => {
    const limiter = bucket({ capacity: 5, refillPerSecond: 1 });
    limiter.tryRemove("alice", 5);
    await advance(2_000);
    const controller = new AbortController();
    const order: string[] = [];
    limiter.removeTokens("alice", 5, { signal: controller.signal }).then(
      () => order.push("big served"),
      () => order.push("big rejected"),
    );
    limiter.removeTokens("alice", 2).then(() => order.push("small served"));
    controller.abort(new Error("timeout"));
    await flush();
    expect(order, "the aborted promise settles first, then the waiter its leaving serves").toEqual([
      "big rejected",
      "small served",
    ]);
  });

  it("re-arms the wait for the next waiter when the head gives up", async () => {
    const limiter = bucket({ capacity: 5, refillPerSecond: 1 });
    limiter.tryRemove("alice", 5);
    const controller = new AbortController();
    track(limiter.removeTokens("alice", 5, { signal: controller.signal }));
    const next = track(limiter.removeTokens("alice", 3));
    await advance(1_000);
    controller.abort();
    await advance(1_999);
    expect(next.state).toBe("pending");
    await advance(1);
    expect(next.state, "3 s: three tokens").toBe("resolved");
  });

  it("removes an aborted waiter from the middle of the queue without disturbing the others", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 });
    limiter.tryRemove("alice");
    const controller = new AbortController();
    const first = track(limiter.removeTokens("alice"));
    const middle = track(limiter.removeTokens("alice", 1, { signal: controller.signal }));
    const last = track(limiter.removeTokens("alice"));
    controller.abort();
    await advance(1_000);
    expect([first.state, middle.state, last.state]).toEqual(["resolved", "rejected", "pending"]);
    await advance(1_000);
    expect(last.state, "the aborted waiter's turn was skipped, not taken").toBe("resolved");
  });

  it("removes the waiter that gave up, not another, once waiters ahead of it were served", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 });
    limiter.tryRemove("alice");
    const controller = new AbortController();
    const first = track(limiter.removeTokens("alice"));
    const second = track(limiter.removeTokens("alice", 1, { signal: controller.signal }));
    const third = track(limiter.removeTokens("alice"));
    await advance(1_000);
    expect([first.state, second.state, third.state]).toEqual(["resolved", "pending", "pending"]);
    await advance(500);
    controller.abort(); // the second is now at the head of the queue
    await flush();
    expect(second.state).toBe("rejected");
    await advance(499);
    expect(third.state).toBe("pending");
    await advance(1);
    expect(third.state, "2 s: the token goes to the waiter behind the one that gave up").toBe(
      "resolved",
    );
    await advance(1_000);
    expect(limiter.tokensAvailable("alice"), "nobody is left in the queue to take it").toBe(1);
  });

  it("leaves no abort listener behind, whether the wait ends served or aborted", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 });
    limiter.tryRemove("alice");
    const shared = new AbortController(); // one signal for a whole request, reused
    const served = limiter.removeTokens("alice", 1, { signal: shared.signal });
    expect(getEventListeners(shared.signal, "abort").length, "listening while waiting").toBe(1);
    await advance(1_000);
    await served;
    expect(getEventListeners(shared.signal, "abort")).toHaveLength(0);

    const other = new AbortController();
    const aborted = track(limiter.removeTokens("alice", 1, { signal: other.signal }));
    other.abort();
    await flush();
    expect(aborted.state).toBe("rejected");
    expect(getEventListeners(other.signal, "abort")).toHaveLength(0);
  });

  it("leaves no abort listener behind on a call served at once, which never waited", async () => {
    const limiter = bucket({ capacity: 2, refillPerSecond: 1 });
    const shared = new AbortController(); // one signal for a whole request, reused
    await limiter.removeTokens("alice", 1, { signal: shared.signal });
    expect(
      getEventListeners(shared.signal, "abort"),
      "served during the call: no listener may be left on the signal",
    ).toHaveLength(0);
    const windowed = window({ limit: 1, windowMs: 1_000 });
    await windowed.removeTokens("alice", 1, { signal: shared.signal });
    expect(getEventListeners(shared.signal, "abort")).toHaveLength(0);
  });

  it("leaves no timer behind when the only waiter gives up", async () => {
    const limiter = bucket({ capacity: 1, refillPerSecond: 1 });
    limiter.tryRemove("alice");
    const controller = new AbortController();
    const waiting = track(limiter.removeTokens("alice", 1, { signal: controller.signal }));
    controller.abort();
    await flush();
    expect(waiting.state).toBe("rejected");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("gives up in a sliding window too", async () => {
    const limiter = window({ limit: 1, windowMs: 1_000 });
    limiter.tryRemove("alice");
    const reason = new Error("deadline");
    const controller = new AbortController();
    const call = limiter.removeTokens("alice", 1, { signal: controller.signal });
    const done = expect(call).rejects.toBe(reason);
    controller.abort(reason);
    await done;
    await advance(1_000);
    expect(limiter.tokensAvailable("alice")).toBe(1);
  });
});

describe("step 8 — rejecting bad input", () => {
  it.each([
    [{ capacity: 0, refillPerSecond: 1 }, "capacity must be an integer >= 1, got 0"],
    [{ capacity: 2.5, refillPerSecond: 1 }, "capacity must be an integer >= 1, got 2.5"],
    [{ capacity: Number.NaN, refillPerSecond: 1 }, "capacity must be an integer >= 1, got NaN"],
    [
      { capacity: Number.POSITIVE_INFINITY, refillPerSecond: 1 },
      "capacity must be an integer >= 1, got Infinity",
    ],
    [{ refillPerSecond: 1 }, "capacity must be an integer >= 1, got undefined"],
    [{ capacity: 5, refillPerSecond: 0 }, "refillPerSecond must be a finite number > 0, got 0"],
    [{ capacity: 5, refillPerSecond: -1 }, "refillPerSecond must be a finite number > 0, got -1"],
    [
      { capacity: 5, refillPerSecond: Number.NaN },
      "refillPerSecond must be a finite number > 0, got NaN",
    ],
    [
      { capacity: 5, refillPerSecond: Number.POSITIVE_INFINITY },
      "refillPerSecond must be a finite number > 0, got Infinity",
    ],
  ] as [TokenBucketOptions, string][])(
    "TokenBucketLimiter throws a RangeError for %o",
    (options, message) => {
      const error = thrownBy(() => bucket(options));
      expect(error).toBeInstanceOf(RangeError);
      expect((error as RangeError).message).toBe(message);
    },
  );

  it.each([
    [{ limit: 0, windowMs: 1_000 }, "limit must be an integer >= 1, got 0"],
    [{ limit: 1.5, windowMs: 1_000 }, "limit must be an integer >= 1, got 1.5"],
    [{ limit: Number.NaN, windowMs: 1_000 }, "limit must be an integer >= 1, got NaN"],
    [
      { limit: Number.POSITIVE_INFINITY, windowMs: 1_000 },
      "limit must be an integer >= 1, got Infinity",
    ],
    [{ windowMs: 1_000 }, "limit must be an integer >= 1, got undefined"],
    [{ limit: 3, windowMs: 0 }, "windowMs must be a finite number > 0, got 0"],
    [{ limit: 3, windowMs: -5 }, "windowMs must be a finite number > 0, got -5"],
    [{ limit: 3, windowMs: Number.NaN }, "windowMs must be a finite number > 0, got NaN"],
    [
      { limit: 3, windowMs: Number.POSITIVE_INFINITY },
      "windowMs must be a finite number > 0, got Infinity",
    ],
  ] as [SlidingWindowOptions, string][])(
    "SlidingWindowLimiter throws a RangeError for %o",
    (options, message) => {
      const error = thrownBy(() => window(options));
      expect(error).toBeInstanceOf(RangeError);
      expect((error as RangeError).message).toBe(message);
    },
  );

  it.each([
    [() => bucket({ capacity: 0, refillPerSecond: 0 }), "capacity must be an integer >= 1, got 0"],
    [() => window({ limit: 0, windowMs: 0 }), "limit must be an integer >= 1, got 0"],
  ])(
    "checks the options in the order listed: the first bad one is reported (%#)",
    (make, message) => {
      const error = thrownBy(make);
      expect(error).toBeInstanceOf(RangeError);
      expect((error as RangeError).message).toBe(message);
    },
  );

  it.each([
    [{ capacity: "5", refillPerSecond: 1 }, "capacity must be an integer >= 1, got 5"],
    [{ capacity: 5, refillPerSecond: "5" }, "refillPerSecond must be a finite number > 0, got 5"],
    [
      { capacity: 5, refillPerSecond: true },
      "refillPerSecond must be a finite number > 0, got true",
    ],
    [{ limit: "3", windowMs: 1_000 }, "limit must be an integer >= 1, got 3"],
    [{ limit: 3, windowMs: "1000" }, "windowMs must be a finite number > 0, got 1000"],
    [{ limit: 3, windowMs: true }, "windowMs must be a finite number > 0, got true"],
  ] as [Record<string, unknown>, string][])(
    "refuses an option that is not a number, never converting it: %o",
    (options, message) => {
      const make = () =>
        "capacity" in options
          ? bucket(options as unknown as TokenBucketOptions)
          : window(options as unknown as SlidingWindowOptions);
      const error = thrownBy(make);
      expect(error, "a string or a boolean is not a number: a RangeError").toBeInstanceOf(
        RangeError,
      );
      expect((error as RangeError).message).toBe(message);
    },
  );

  it.each([
    [{ capacity: 5, refillPerSecond: Number.MIN_VALUE }, Number.MIN_VALUE],
    [{ capacity: 1, refillPerSecond: 1e-310 }, 1e-310],
    [{ capacity: 1, refillPerSecond: 1e-300 }, 1e-300],
    [{ capacity: 1_000, refillPerSecond: 1e-10 }, 1e-10],
    // One token would take 1000 / 1.5e-13 ≈ 6.7e15 ms (under 2^53 - 1), the whole bucket twice that.
    [{ capacity: 2, refillPerSecond: 1.5e-13 }, 1.5e-13],
  ] as [TokenBucketOptions, number][])(
    "refuses a rate so slow an empty bucket would take more than 2^53 - 1 ms to fill: %o",
    (options, rate) => {
      const error = thrownBy(() => bucket(options));
      expect(error, "a RangeError, thrown at once").toBeInstanceOf(RangeError);
      expect((error as RangeError).message).toBe(
        `refillPerSecond must be a finite number > 0, got ${rate}`,
      );
    },
  );

  it("accepts a slow rate whose empty bucket fills within 2^53 - 1 ms", () => {
    // 1000 / 2^-40 = 2^40 × 1000 ms, about 1.1e15: under 2^53 - 1.
    const limiter = bucket({ capacity: 1, refillPerSecond: 2 ** -40 });
    expect(limiter.tryRemove("a")).toBe(true);
    expect(limiter.tryRemove("a")).toBe(false);
  });

  it.each([
    [1, 1.1102230246251567e-13],
    [2, 2 * 1.1102230246251567e-13],
  ])(
    "accepts a rate whose empty bucket fills in exactly 2^53 - 1 ms (capacity %s at %s per second)",
    (capacity, refillPerSecond) => {
      expect(
        (capacity * 1000) / refillPerSecond,
        "the fill time of this case is exactly Number.MAX_SAFE_INTEGER",
      ).toBe(Number.MAX_SAFE_INTEGER);
      const limiter = bucket({ capacity, refillPerSecond });
      expect(
        limiter.tryRemove("a", capacity),
        "refused only when the fill time is more than 2^53 - 1 ms, not equal to it",
      ).toBe(true);
      expect(limiter.tryRemove("a")).toBe(false);
    },
  );

  it("sets no upper bound: a huge capacity or limit (not a safe integer) and a windowMs above setTimeout's limit", () => {
    const huge = bucket({ capacity: 1e20, refillPerSecond: 1e20 });
    expect(
      huge.tryRemove("a", 1e20),
      "capacity 1e20 is an integer: Number.isInteger, not isSafeInteger",
    ).toBe(true);
    expect(huge.tryRemove("a", 1e20), "the whole bucket was taken").toBe(false);
    const wide = window({ limit: 2 ** 53, windowMs: 1_000 });
    expect(wide.tryRemove("a", 2 ** 53), "limit 2^53 is an integer too").toBe(true);
    expect(wide.tryRemove("a", 2 ** 53), "the whole limit was taken").toBe(false);
    const long = window({ limit: 1, windowMs: 3e9 });
    expect(long.tryRemove("a"), "windowMs has no upper bound (3e9 is above 2^31 - 1)").toBe(true);
    expect(long.tryRemove("a")).toBe(false);
  });

  it("accepts the smallest valid options and fractional rates and windows", () => {
    expect(bucket({ capacity: 1, refillPerSecond: 0.001 }).tryRemove("a")).toBe(true);
    expect(window({ limit: 1, windowMs: 0.5 }).tryRemove("a")).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 6])(
    "tryRemove throws a RangeError for tokens = %s (capacity 5)",
    (tokens) => {
      const limiter = bucket({ capacity: 5, refillPerSecond: 1 });
      const error = thrownBy(() => limiter.tryRemove("alice", tokens));
      expect(error).toBeInstanceOf(RangeError);
      expect((error as RangeError).message).toBe(
        `tokens must be an integer from 1 to 5, got ${tokens}`,
      );
      expect(limiter.tokensAvailable("alice"), "nothing is taken").toBe(5);
    },
  );

  it.each([
    ["1", "got 1"],
    [null, "got null"],
  ])("refuses tokens that are not a number (%o), never converting them", async (tokens, got) => {
    const limiter = bucket({ capacity: 5, refillPerSecond: 1 });
    const error = thrownBy(() => limiter.tryRemove("alice", tokens as unknown as number));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as RangeError).message).toBe(`tokens must be an integer from 1 to 5, ${got}`);
    await expect(limiter.removeTokens("alice", tokens as unknown as number)).rejects.toThrow(
      new RangeError(`tokens must be an integer from 1 to 5, ${got}`),
    );
    expect(limiter.tokensAvailable("alice"), "nothing is taken").toBe(5);
  });

  it("checks tokens against the window's limit", () => {
    const limiter = window({ limit: 3, windowMs: 1_000 });
    const error = thrownBy(() => limiter.tryRemove("alice", 4));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as RangeError).message).toBe("tokens must be an integer from 1 to 3, got 4");
  });

  it("rejects (never throws) from removeTokens for a request that could never be met", async () => {
    const limiter = bucket({ capacity: 5, refillPerSecond: 1 });
    let call: Promise<void> | undefined;
    expect(() => {
      call = limiter.removeTokens("alice", 6);
    }, "removeTokens must not throw synchronously").not.toThrow();
    await expect(call).rejects.toThrow(
      new RangeError("tokens must be an integer from 1 to 5, got 6"),
    );
    await expect(limiter.removeTokens("alice", 0)).rejects.toBeInstanceOf(RangeError);
    expect(vi.getTimerCount(), "nothing waits for an impossible request").toBe(0);
  });

  it("rejects (never throws) when options is null, with the TypeError destructuring it raises", async () => {
    const limiter = bucket({ capacity: 5, refillPerSecond: 1 });
    let call: Promise<void> | undefined;
    expect(() => {
      call = limiter.removeTokens("alice", 1, null as unknown as RemoveTokensOptions);
    }, "removeTokens must not throw synchronously, whatever its arguments").not.toThrow();
    await expect(call).rejects.toBeInstanceOf(TypeError);
    expect(limiter.tokensAvailable("alice"), "nothing is taken").toBe(5);
  });

  it.each([undefined, null])(
    "throws the TypeError destructuring raises when the options object is %s",
    (options) => {
      expect(
        () => new TokenBucketLimiter(options as unknown as TokenBucketOptions),
        "a token bucket needs its options object",
      ).toThrow(TypeError);
      expect(
        () => new SlidingWindowLimiter(options as unknown as SlidingWindowOptions),
        "a sliding window needs its options object",
      ).toThrow(TypeError);
    },
  );

  it("takes options of undefined in removeTokens as none given (only null is refused)", async () => {
    const limiter = bucket({ capacity: 5, refillPerSecond: 1 });
    await expect(
      limiter.removeTokens("alice", 2, undefined),
      "removeTokens defaults its options: undefined is the default, unlike the constructor's",
    ).resolves.toBeUndefined();
    expect(limiter.tokensAvailable("alice"), "the tokens were taken").toBe(3);
  });

  it("reports bad tokens before it reads options of null", async () => {
    const limiter = bucket({ capacity: 5, refillPerSecond: 1 });
    await expect(
      limiter.removeTokens("alice", 0, null as unknown as RemoveTokensOptions),
      "tokens are checked first: the RangeError, not the TypeError of destructuring null",
    ).rejects.toThrow(new RangeError("tokens must be an integer from 1 to 5, got 0"));
  });

  it("reports bad tokens before an aborted signal", async () => {
    const limiter = bucket({ capacity: 5, refillPerSecond: 1 });
    const options: RemoveTokensOptions = { signal: AbortSignal.abort(new Error("gone")) };
    await expect(limiter.removeTokens("alice", 2.5, options)).rejects.toBeInstanceOf(RangeError);
  });
});

describe("step 9 — pacing calls to a rate-limited API", () => {
  // An API that allows 5 requests per access token (the authorization header) in any 1 000 ms,
  // and answers the sixth like GitHub's REST API answers a secondary rate limit: 429,
  // retry-after, x-ratelimit-* headers, a message.
  const ISSUES_URL = "https://api.example.test/repos/acme/infra/issues";
  const server = useMockServer();

  // The first fetch in a worker loads undici and msw's interceptor: pay for it here, once.
  beforeAll(async () => {
    const warmUpUrl = "https://api.example.test/warm-up";
    server.use(http.get(warmUpUrl, () => new HttpResponse(null, { status: 204 }), { once: true }));
    await fetch(warmUpUrl);
  });

  function rateLimitedApi(limit = 5, windowMs = 1_000) {
    const accepted = new Map<string, number[]>();
    const log: { token: string; at: number; status: number }[] = [];
    server.use(
      http.get(ISSUES_URL, ({ request }) => {
        const token = request.headers.get("authorization") ?? "anonymous";
        const now = Date.now();
        const recent = (accepted.get(token) ?? []).filter((at) => at > now - windowMs);
        accepted.set(token, recent);
        const at = now - START;
        if (recent.length >= limit) {
          log.push({ token, at, status: 429 });
          return HttpResponse.json(
            {
              message:
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
              documentation_url:
                "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
            },
            {
              status: 429,
              headers: {
                "retry-after": "1",
                "x-ratelimit-limit": String(limit),
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": String(Math.ceil(((recent[0] ?? now) + windowMs) / 1000)),
              },
            },
          );
        }
        recent.push(now);
        log.push({ token, at, status: 200 });
        return HttpResponse.json([{ number: 1347, title: "Found a bug", state: "open" }], {
          headers: {
            "x-ratelimit-limit": String(limit),
            "x-ratelimit-remaining": String(limit - recent.length),
          },
        });
      }),
    );
    return log;
  }

  /** `calls` requests in a row, each waiting for a token of `limiter` first. */
  async function client(
    limiter: { removeTokens(key: string): Promise<void> },
    token: string,
    calls: number,
  ) {
    const responses: Response[] = [];
    for (let i = 0; i < calls; i++) {
      await limiter.removeTokens(token);
      responses.push(await fetch(ISSUES_URL, { headers: { authorization: token } }));
    }
    return responses;
  }

  /** Lets fake time run until every promise has settled. */
  async function runUntilDone<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const result = work.finally(() => {
      done = true;
    });
    while (!done) await advance(50);
    return result;
  }

  it("paced by a sliding window of the API's own limit, 20 calls all succeed, 5 a second", async () => {
    const log = rateLimitedApi();
    const limiter = window({ limit: 5, windowMs: 1_000 });
    const responses = await runUntilDone(client(limiter, "Bearer ghp_alice", 20));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(log.map((entry) => entry.at)).toEqual(
      [0, 1_000, 2_000, 3_000].flatMap((at) => Array(5).fill(at)),
    );
  });

  it("paced by a token bucket of the same numbers, the sixth call in a second gets a 429", async () => {
    const log = rateLimitedApi();
    const limiter = bucket({ capacity: 5, refillPerSecond: 5 });
    const responses = await runUntilDone(client(limiter, "Bearer ghp_alice", 6));
    expect(
      log.map((entry) => entry.at),
      "a full bucket, then one token 200 ms later",
    ).toEqual([0, 0, 0, 0, 0, 200]);
    const throttled = responses[5] as Response;
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("1");
    expect(throttled.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(await throttled.json()).toMatchObject({
      message: expect.stringContaining("secondary rate limit"),
    });
  });

  it("paces each API token on its own: two clients at full speed side by side", async () => {
    const log = rateLimitedApi();
    const limiter = window({ limit: 5, windowMs: 1_000 });
    const [alice, bob] = await runUntilDone(
      Promise.all([client(limiter, "Bearer ghp_alice", 10), client(limiter, "Bearer ghp_bob", 10)]),
    );
    expect([...(alice ?? []), ...(bob ?? [])].every((r) => r.status === 200)).toBe(true);
    expect(Math.max(...log.map((entry) => entry.at)), "both done in one second").toBe(1_000);
  });

  it("never sends the request of a caller that gave up while waiting", async () => {
    const log = rateLimitedApi();
    const limiter = window({ limit: 5, windowMs: 1_000 });
    await runUntilDone(client(limiter, "Bearer ghp_alice", 5));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("request deadline")), 300);
    const call = limiter
      .removeTokens("Bearer ghp_alice", 1, { signal: controller.signal })
      .then(() => fetch(ISSUES_URL, { headers: { authorization: "Bearer ghp_alice" } }));
    const refused = expect(call).rejects.toThrow("request deadline");
    await advance(300);
    await refused;
    await advance(1_000);
    expect(log, "five requests, and not the sixth").toHaveLength(5);
  });
});
