import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TurnTicker } from "./clock.ts";
import { type Dojo, type DojoEvent, MINUTE_MS, NOTICE_MS } from "./dojo-state.ts";
import { makeDojo, specRun } from "./testing.ts";

const START = new Date("2026-11-22T10:00:00");

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});
afterEach(() => {
  vi.useRealTimers();
});

/** Records the dojo's events; the ticker ends turns the way the app's does. */
function watch(dojo: Dojo) {
  const events: DojoEvent[] = [];
  dojo.subscribe((event) => events.push(event));
  const ticker = new TurnTicker(dojo, () => {});
  ticker.start();
  return {
    events,
    bells: () => events.filter((e) => e.type === "turn-ended" && e.byTimer).length,
    stop: () => ticker.stop(),
  };
}

const pairOf = (dojo: Dojo) => {
  const { driver, navigator, upNext } = dojo.snapshot();
  return { driver, navigator, upNext };
};

describe("turns and the countdown", () => {
  it("waits for Enter before the first turn, showing who starts and the full turn", () => {
    const dojo = makeDojo();
    const snapshot = dojo.snapshot();
    expect(snapshot.phase).toBe("ready");
    expect(pairOf(dojo)).toEqual({ driver: "Ana", navigator: "Bo", upNext: "Cy" });
    expect(snapshot.remainingMs).toBe(5 * MINUTE_MS);
    expect(snapshot.endsAt).toBeNull();
    vi.advanceTimersByTime(10 * MINUTE_MS);
    expect(dojo.snapshot().remainingMs, "nothing counts down before Enter").toBe(5 * MINUTE_MS);
  });

  it("counts down from the turn length once the team confirms", () => {
    const dojo = makeDojo();
    dojo.confirm();
    vi.advanceTimersByTime(90_000);
    const snapshot = dojo.snapshot();
    expect(snapshot.phase).toBe("running");
    expect(snapshot.turn).toBe(1);
    expect(snapshot.remainingMs).toBe(210_000);
    expect(snapshot.endsAt).toBe(START.getTime() + 5 * MINUTE_MS);
    expect(snapshot.elapsedMs).toBe(90_000);
  });

  it("rings once when the time is up and shows the rotation until Enter", () => {
    const dojo = makeDojo();
    const watcher = watch(dojo);
    dojo.confirm();
    vi.advanceTimersByTime(5 * MINUTE_MS - 1);
    expect(dojo.currentPhase).toBe("running");
    vi.advanceTimersByTime(1);
    expect(dojo.currentPhase).toBe("handover");
    expect(watcher.bells()).toBe(1);
    const snapshot = dojo.snapshot();
    expect(snapshot.handover).toEqual({
      from: { driver: "Ana", navigator: "Bo" },
      to: { driver: "Bo", navigator: "Cy" },
    });
    expect(snapshot.remainingMs, "the next turn is shown full").toBe(5 * MINUTE_MS);
    vi.advanceTimersByTime(3 * MINUTE_MS);
    expect(dojo.currentPhase, "the next turn waits for the team").toBe("handover");
    expect(watcher.bells()).toBe(1);
    dojo.confirm();
    expect(dojo.snapshot().turn).toBe(2);
    expect(pairOf(dojo)).toEqual({ driver: "Bo", navigator: "Cy", upNext: "Ana" });
    watcher.stop();
  });

  it("rotates around the whole team: the navigator drives next, the next person navigates", () => {
    const dojo = makeDojo({ team: ["Ana", "Bo", "Cy", "Dee"] });
    const drivers: string[] = [];
    for (let turn = 0; turn < 5; turn += 1) {
      dojo.confirm();
      const { driver, navigator } = pairOf(dojo);
      drivers.push(`${driver}/${navigator}`);
      dojo.rotateNow();
    }
    expect(drivers).toEqual(["Ana/Bo", "Bo/Cy", "Cy/Dee", "Dee/Ana", "Ana/Bo"]);
  });

  it("swaps the pair in a team of two, with no separate 'next'", () => {
    const dojo = makeDojo({ team: ["Ana", "Bo"] });
    dojo.confirm();
    expect(pairOf(dojo)).toEqual({ driver: "Ana", navigator: "Bo", upNext: null });
    dojo.rotateNow();
    dojo.confirm();
    expect(pairOf(dojo)).toEqual({ driver: "Bo", navigator: "Ana", upNext: null });
  });

  it("runs solo with one person: the same driver every turn and no navigator", () => {
    const dojo = makeDojo({ team: ["Ana"] });
    const watcher = watch(dojo);
    dojo.confirm();
    expect(pairOf(dojo)).toEqual({ driver: "Ana", navigator: null, upNext: null });
    vi.advanceTimersByTime(5 * MINUTE_MS);
    expect(dojo.snapshot().handover?.to).toEqual({ driver: "Ana", navigator: null });
    dojo.confirm();
    expect(pairOf(dojo)).toEqual({ driver: "Ana", navigator: null, upNext: null });
    expect(watcher.bells()).toBe(1);
    watcher.stop();
  });

  it("ends the turn early on n, without the bell", () => {
    const dojo = makeDojo();
    const watcher = watch(dojo);
    dojo.confirm();
    vi.advanceTimersByTime(2 * MINUTE_MS);
    dojo.rotateNow();
    expect(dojo.currentPhase).toBe("handover");
    expect(watcher.bells()).toBe(0);
    expect(watcher.events).toContainEqual({
      type: "turn-ended",
      byTimer: false,
      breakSuggested: false,
    });
    expect(dojo.record().turns[0]).toMatchObject({ endedBy: "rotate", activeMs: 2 * MINUTE_MS });
    watcher.stop();
  });
});

describe("pause", () => {
  it("freezes the countdown and leaves paused time out of the turn", () => {
    const dojo = makeDojo();
    const watcher = watch(dojo);
    dojo.confirm();
    vi.advanceTimersByTime(MINUTE_MS);
    dojo.togglePause();
    vi.advanceTimersByTime(10 * MINUTE_MS);
    expect(dojo.snapshot()).toMatchObject({
      phase: "paused",
      paused: true,
      remainingMs: 4 * MINUTE_MS,
      endsAt: null,
    });
    dojo.togglePause();
    vi.advanceTimersByTime(4 * MINUTE_MS);
    expect(dojo.currentPhase).toBe("handover");
    expect(dojo.record().turns[0]?.activeMs).toBe(5 * MINUTE_MS);
    expect(dojo.record().pausedMs).toBe(10 * MINUTE_MS);
    watcher.stop();
  });

  it("asks for Enter when space is pressed between turns", () => {
    const dojo = makeDojo();
    dojo.togglePause();
    expect(dojo.currentPhase).toBe("ready");
    expect(dojo.snapshot().notice).toMatch(/press Enter/);
  });
});

describe("skipping someone who stepped out", () => {
  it("passes over the next person once, then brings them back at the next rotation", () => {
    const dojo = makeDojo({ team: ["Ana", "Bo", "Cy", "Dee"] });
    dojo.confirm();
    dojo.skipNext(); // Cy stepped out
    expect(dojo.snapshot()).toMatchObject({ upNext: "Dee", skipped: ["Cy"] });
    expect(dojo.snapshot().notice).toBe("Cy is skipped this round; Dee is next.");
    const pairs: string[] = [];
    for (let turn = 0; turn < 4; turn += 1) {
      dojo.rotateNow();
      dojo.confirm();
      pairs.push(`${pairOf(dojo).driver}/${pairOf(dojo).navigator}`);
      if (turn === 0) expect(dojo.snapshot().upNext, "Cy is back first").toBe("Cy");
    }
    expect(pairs).toEqual(["Bo/Dee", "Dee/Cy", "Cy/Ana", "Ana/Bo"]);
    expect(dojo.snapshot().skipped).toEqual([]);
    expect(dojo.record().skips).toEqual([{ name: "Cy", turn: 1, between: false }]);
  });

  it("changes who takes over when pressed on the handover screen", () => {
    const dojo = makeDojo({ team: ["Ana", "Bo", "Cy", "Dee"] });
    dojo.confirm();
    dojo.rotateNow();
    expect(dojo.snapshot().handover?.to).toEqual({ driver: "Bo", navigator: "Cy" });
    dojo.skipNext();
    expect(dojo.snapshot().handover?.to).toEqual({ driver: "Bo", navigator: "Dee" });
  });

  it("skips the first navigator before the first turn", () => {
    const dojo = makeDojo();
    dojo.skipNext();
    expect(pairOf(dojo)).toMatchObject({ driver: "Ana", navigator: "Cy" });
    dojo.confirm();
    expect(pairOf(dojo)).toEqual({ driver: "Ana", navigator: "Cy", upNext: "Bo" });
    expect(dojo.snapshot().skipped).toEqual([]);
  });

  it("refuses to skip when nobody would be left to navigate", () => {
    const pair = makeDojo({ team: ["Ana", "Bo"] });
    pair.confirm();
    pair.skipNext();
    expect(pair.snapshot().skipped).toEqual([]);
    expect(pair.snapshot().notice).toMatch(/nobody more can be skipped/);

    const solo = makeDojo({ team: ["Ana"] });
    solo.skipNext();
    expect(solo.snapshot().notice).toBe("Solo dojo: there is no one to skip.");
  });
});

describe("turn length", () => {
  it("adds a minute to this turn and the next ones", () => {
    const dojo = makeDojo();
    dojo.confirm();
    vi.advanceTimersByTime(MINUTE_MS);
    dojo.changeTurnLength(+1);
    expect(dojo.snapshot()).toMatchObject({
      turnLengthMs: 6 * MINUTE_MS,
      remainingMs: 5 * MINUTE_MS,
    });
    expect(dojo.snapshot().notice).toBe("Turns last 6 min now.");
    dojo.rotateNow();
    dojo.confirm();
    expect(dojo.snapshot().remainingMs).toBe(6 * MINUTE_MS);
  });

  it("never goes below one minute", () => {
    const dojo = makeDojo({ turnMinutes: 2 });
    dojo.changeTurnLength(-1);
    dojo.changeTurnLength(-1);
    expect(dojo.snapshot().turnLengthMs).toBe(MINUTE_MS);
    expect(dojo.snapshot().notice).toMatch(/at least|from 1 to/);
  });

  it("ends the turn when shortening it puts its end in the past", () => {
    const dojo = makeDojo({ turnMinutes: 3 });
    dojo.confirm();
    vi.advanceTimersByTime(2.5 * MINUTE_MS);
    dojo.changeTurnLength(-1);
    expect(dojo.currentPhase).toBe("handover");
  });

  it("changes the time left of a paused turn too", () => {
    const dojo = makeDojo();
    dojo.confirm();
    dojo.togglePause();
    dojo.changeTurnLength(+1);
    expect(dojo.snapshot().remainingMs).toBe(6 * MINUTE_MS);
  });
});

describe("breaks", () => {
  it("suggests a break after every --breaks-every turns", () => {
    const dojo = makeDojo({ breaksEvery: 2 });
    const suggested: boolean[] = [];
    for (let turn = 0; turn < 4; turn += 1) {
      dojo.confirm();
      dojo.rotateNow();
      suggested.push(dojo.snapshot().breakSuggested);
    }
    expect(suggested).toEqual([false, true, false, true]);
    dojo.confirm();
    expect(dojo.snapshot().breakSuggested, "cleared when the next turn starts").toBe(false);
  });

  it("never suggests one with --breaks-every 0", () => {
    const dojo = makeDojo({ breaksEvery: 0 });
    for (let turn = 0; turn < 3; turn += 1) {
      dojo.confirm();
      dojo.rotateNow();
      expect(dojo.snapshot().breakSuggested).toBe(false);
    }
  });
});

describe("hints", () => {
  it("shows the tiers in order to everyone and counts each once", () => {
    const dojo = makeDojo();
    dojo.confirm();
    const tiers: number[] = [];
    for (let press = 0; press < 4; press += 1) {
      dojo.showNextHint();
      const panel = dojo.snapshot().panel;
      if (panel?.kind === "hint") tiers.push(panel.tier);
    }
    expect(tiers).toEqual([1, 2, 3, 3]);
    expect(dojo.snapshot().hints).toEqual({ used: 3, tiers: 3 });
    expect(dojo.record().hints.map((hint) => [hint.tier, hint.turn])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    dojo.dismiss();
    expect(dojo.snapshot().panel).toBeNull();
  });

  it("says so when the kata has no hints", () => {
    const dojo = makeDojo({ hints: [] });
    dojo.showNextHint();
    expect(dojo.snapshot().panel).toBeNull();
    expect(dojo.snapshot().notice).toBe("This kata has no hints.");
  });
});

describe("test results", () => {
  it("shows the live status: passing/total, the step the team is on, the first failure", () => {
    const dojo = makeDojo();
    dojo.confirm();
    dojo.runStarted();
    expect(dojo.snapshot().status.running).toBe(true);
    dojo.recordRun(specRun([3, 1, 0]));
    expect(dojo.snapshot().status).toMatchObject({
      running: false,
      hasRun: true,
      passed: 4,
      total: 9,
      solved: false,
      step: { number: 2, title: "retries and the last error", passed: 1, total: 3 },
      failure: { test: "test 2.2", message: "expected 2 attempts\nsecond line" },
    });
  });

  it("reports a file that does not load instead of a step", () => {
    const dojo = makeDojo();
    dojo.recordRun(specRun([0, 0, 0], { loadError: "SyntaxError: Unexpected token\n  at …" }));
    expect(dojo.snapshot().status).toMatchObject({
      loadError: "SyntaxError: Unexpected token",
      step: null,
      failure: null,
    });
  });

  it("keeps the tests passing at the end of each turn, for the timeline", () => {
    const dojo = makeDojo();
    dojo.confirm();
    dojo.recordRun(specRun([2, 0, 0]));
    dojo.rotateNow();
    dojo.confirm();
    dojo.recordRun(specRun([3, 2, 0]));
    expect(dojo.snapshot().timeline).toEqual([
      { turn: 1, passed: 2, total: 9, live: false },
      { turn: 2, passed: 5, total: 9, live: true },
    ]);
  });

  it("records when each step first went green, and in which turn", () => {
    const dojo = makeDojo();
    dojo.confirm();
    vi.advanceTimersByTime(3 * MINUTE_MS);
    dojo.recordRun(specRun([3, 0, 0]));
    dojo.rotateNow();
    dojo.confirm();
    vi.advanceTimersByTime(4 * MINUTE_MS);
    dojo.recordRun(specRun([2, 3, 0])); // step 1 broke again: its first green stands
    expect(dojo.record().steps).toEqual([
      { number: 1, title: "the first call", greenAtMs: 3 * MINUTE_MS, turn: 1 },
      { number: 2, title: "retries and the last error", greenAtMs: 7 * MINUTE_MS, turn: 2 },
      { number: 3, title: "backoff delays", greenAtMs: null, turn: null },
    ]);
  });

  it("celebrates green once: time and turns to green, and the timer stops for the discussion", () => {
    const dojo = makeDojo();
    const watcher = watch(dojo);
    dojo.confirm();
    vi.advanceTimersByTime(5 * MINUTE_MS);
    dojo.confirm();
    vi.advanceTimersByTime(2 * MINUTE_MS);
    dojo.recordRun(specRun([3, 3, 3]));
    expect(dojo.snapshot()).toMatchObject({
      green: { afterMs: 7 * MINUTE_MS, turns: 2 },
      phase: "paused",
      remainingMs: 3 * MINUTE_MS,
    });
    dojo.recordRun(specRun([3, 3, 3]));
    expect(watcher.events.filter((event) => event.type === "green")).toHaveLength(1);
    watcher.stop();
  });

  it("is not green while type errors remain", () => {
    const dojo = makeDojo();
    dojo.confirm();
    dojo.recordRun(specRun([3, 3, 3], { typeErrors: 2 }));
    expect(dojo.snapshot().green).toBeNull();
    expect(dojo.snapshot().status).toMatchObject({ solved: false, typeErrors: 2 });
  });
});

describe("the end", () => {
  it("closes the turn in progress and keeps the whole history for the retro", () => {
    const dojo = makeDojo();
    dojo.confirm();
    dojo.recordRun(specRun([1, 0, 0]));
    vi.advanceTimersByTime(5 * MINUTE_MS);
    dojo.tick();
    dojo.confirm();
    vi.advanceTimersByTime(MINUTE_MS);
    dojo.end();
    const record = dojo.record();
    expect(record.turns.map((turn) => [turn.driver, turn.endedBy, turn.passedAtEnd])).toEqual([
      ["Ana", "timer", 1],
      ["Bo", "end", 1],
    ]);
    expect((record.endedAt ?? 0) - (record.startedAt ?? 0)).toBe(6 * MINUTE_MS);
    expect(dojo.snapshot()).toMatchObject({ phase: "ended", remainingMs: 0 });
    dojo.confirm();
    dojo.togglePause();
    expect(dojo.currentPhase, "commands after the end change nothing").toBe("ended");
  });
});

describe("the snapshot", () => {
  it("is plain JSON, so the page receives exactly what the terminal shows", () => {
    const dojo = makeDojo();
    dojo.confirm();
    dojo.recordRun(specRun([1, 0, 0]));
    dojo.showNextHint();
    const snapshot = dojo.snapshot();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it("lets a notice fade after a few seconds", () => {
    const dojo = makeDojo();
    dojo.say("hello");
    vi.advanceTimersByTime(NOTICE_MS - 1);
    expect(dojo.snapshot().notice).toBe("hello");
    vi.advanceTimersByTime(1);
    expect(dojo.snapshot().notice).toBeNull();
  });
});
