import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { delayToNextSecond, TurnTicker } from "./clock.ts";
import { MINUTE_MS } from "./dojo-state.ts";
import { makeDojo } from "./testing.ts";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-11-22T10:00:00"));
});
afterEach(() => {
  vi.useRealTimers();
});

describe("delayToNextSecond", () => {
  it("wakes exactly when the rounded-up seconds change", () => {
    expect(delayToNextSecond(300_000)).toBe(1000);
    expect(delayToNextSecond(299_250)).toBe(250);
    expect(delayToNextSecond(1)).toBe(1);
  });

  it("wakes once a second when nothing counts down", () => {
    expect(delayToNextSecond(null)).toBe(1000);
    expect(delayToNextSecond(0)).toBe(1000);
  });
});

describe("TurnTicker", () => {
  it("redraws once per displayed second and ends the turn on time", () => {
    const dojo = makeDojo({ turnMinutes: 1 });
    const shown: number[] = [];
    const ticker = new TurnTicker(dojo, () =>
      shown.push(Math.ceil(dojo.snapshot().remainingMs / 1000)),
    );
    dojo.confirm();
    ticker.start();
    vi.advanceTimersByTime(3000);
    expect(shown).toEqual([59, 58, 57]);
    vi.advanceTimersByTime(MINUTE_MS - 3000 - 1);
    expect(dojo.currentPhase).toBe("running");
    vi.advanceTimersByTime(1);
    expect(dojo.currentPhase).toBe("handover");
    expect(dojo.record().turns[0]?.endedAt).toBe(Date.now());
    ticker.stop();
  });

  it("keeps its rhythm after a pause in the middle of a second", () => {
    const dojo = makeDojo({ turnMinutes: 1 });
    const ticker = new TurnTicker(dojo, () => {});
    dojo.confirm();
    ticker.start();
    vi.advanceTimersByTime(1500);
    dojo.togglePause();
    vi.advanceTimersByTime(60_000);
    dojo.togglePause();
    vi.advanceTimersByTime(58_499);
    expect(dojo.currentPhase).toBe("running");
    vi.advanceTimersByTime(1);
    expect(dojo.currentPhase).toBe("handover");
    ticker.stop();
  });

  it("stops waking once stopped", () => {
    const tick = vi.fn();
    const ticker = new TurnTicker({ tick, countdownMs: () => null }, () => {});
    ticker.start();
    vi.advanceTimersByTime(2000);
    ticker.stop();
    vi.advanceTimersByTime(5000);
    expect(tick).toHaveBeenCalledTimes(2);
  });
});
