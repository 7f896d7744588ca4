/**
 * The dojo itself, as a state machine with no I/O: turns and their countdown, the rotation, pause,
 * skips, breaks, hints, the test results coming in, and when each step (and the kata) went green.
 * Commands change the state and notify listeners; views read `snapshot()`, the retro reads
 * `record()`. Time comes only from the injected clock, so tests drive it without sleeping.
 */
import { stripVTControlCharacters } from "node:util";
import type { Hint } from "../lib/hints.ts";
import type { CheckedRun } from "../lib/kata-checker.ts";
import { firstFailingStep } from "../lib/results.ts";
import type { Clock } from "./clock.ts";
import { beforeFirstTurn, canSkipUpNext, rotate, type Seating, upNext } from "./rotation.ts";

export const MINUTE_MS = 60_000;
export const MIN_TURN_MINUTES = 1;
export const MAX_TURN_MINUTES = 120;
/** How long a notice ("Cy will be skipped", "turns last 6 min now") stays on screen. */
export const NOTICE_MS = 8_000;

/**
 * ready: before the first turn; running/paused: a turn is on; handover: a turn is over and the
 * next pair is shown until the team confirms; ended: the dojo is over.
 */
export type Phase = "ready" | "running" | "paused" | "handover" | "ended";

export interface DojoKata {
  slug: string;
  title: string;
  /** Step titles in order, from kata.json. */
  steps: string[];
}

export interface DojoConfig {
  kata: DojoKata;
  /** Names in rotation order; one name is a solo dojo. */
  team: string[];
  turnMinutes: number;
  /** Suggest a break after every this many turns; 0 never does. */
  breaksEvery: number;
  hints: Hint[];
  clock: Clock;
}

export interface TurnRecord {
  number: number;
  driver: string;
  navigator: string | null;
  startedAt: number;
  endedAt: number | null;
  /** The turn length when it started, plus any +/- during it. */
  plannedMs: number;
  /** Time the countdown actually ran: the turn minus its pauses. */
  activeMs: number;
  /** Tests passing when the turn ended (null: no run had finished yet). */
  passedAtEnd: number | null;
  totalAtEnd: number | null;
  endedBy: "timer" | "rotate" | "end" | null;
}

export interface HintUse {
  tier: number;
  title: string;
  /** The turn it was shown in (0: before the first turn). */
  turn: number;
  /** Shown on the hand-over screen, between `turn` and the next one. */
  between: boolean;
  atMs: number;
}

export interface StepProgress {
  number: number;
  title: string;
  /** Time since the dojo started when every test of the step first passed. */
  greenAtMs: number | null;
  turn: number | null;
}

export interface LiveStatus {
  /** A spec run is in progress (a save was just noticed). */
  running: boolean;
  hasRun: boolean;
  passed: number;
  total: number;
  solved: boolean;
  typeErrors: number;
  firstTypeError: string | null;
  /** Why the spec could not run at all (syntax error, failed import). */
  loadError: string | null;
  /** The step the team is on: the first with a failing test. */
  step: { number: number; title: string; passed: number; total: number } | null;
  failure: { test: string; message: string } | null;
}

export type Panel =
  | { kind: "hint"; tier: number; of: number; title: string; body: string }
  | { kind: "reference"; diff: string; offset: number };

export interface PairNames {
  driver: string;
  navigator: string | null;
}

/** Everything a view shows, as plain JSON (the web page receives exactly this). */
export interface DojoSnapshot {
  kata: { slug: string; title: string; stepCount: number };
  phase: Phase;
  team: string[];
  /** People stepped out: passed over at the next rotation. */
  skipped: string[];
  /** The turn on now (or just finished, in handover); 0 before the first. */
  turn: number;
  /** At the keyboard now; in ready and handover, the pair about to start. */
  driver: string;
  navigator: string | null;
  /** Who navigates after the next rotation. */
  upNext: string | null;
  /** In handover: the pair that just finished and the one taking over. */
  handover: { from: PairNames; to: PairNames } | null;
  breakSuggested: boolean;
  turnLengthMs: number;
  /** Left in the turn at the moment of the snapshot (the page counts down from it locally). */
  remainingMs: number;
  /** When the running turn ends, on the dojo's clock; null when not counting down. */
  endsAt: number | null;
  paused: boolean;
  elapsedMs: number;
  turnsCompleted: number;
  status: LiveStatus;
  timeline: { turn: number; passed: number | null; total: number | null; live: boolean }[];
  green: { afterMs: number; turns: number } | null;
  panel: Panel | null;
  notice: string | null;
  hints: { used: number; tiers: number };
  retroPath: string | null;
}

/** The whole history, for the retro. */
export interface DojoRecord {
  kata: DojoKata;
  team: string[];
  turnMinutes: number;
  startedAt: number | null;
  endedAt: number | null;
  turns: TurnRecord[];
  steps: StepProgress[];
  green: { afterMs: number; turns: number } | null;
  hints: HintUse[];
  hintTiers: number;
  /** `turn`: the turn on when the skip was pressed; `between`: pressed after it ended. */
  skips: { name: string; turn: number; between: boolean }[];
  pausedMs: number;
  referenceShownAtMs: number | null;
  final: LiveStatus;
}

export type DojoEvent =
  | { type: "changed" }
  | { type: "turn-ended"; byTimer: boolean; breakSuggested: boolean }
  | { type: "green" };

const NO_STATUS: LiveStatus = {
  running: false,
  hasRun: false,
  passed: 0,
  total: 0,
  solved: false,
  typeErrors: 0,
  firstTypeError: null,
  loadError: null,
  step: null,
  failure: null,
};

export class Dojo {
  private phase: Phase = "ready";
  /** Who sits where now; before turn 1, a seating that rotates into the first turn's. */
  private seating: Seating;
  private readonly skipped = new Set<number>();
  private turnLengthMs: number;
  private deadline = 0;
  private remainingWhenPaused = 0;
  private runningSince = 0;
  private pausedSince = 0;
  private pausedMs = 0;
  private readonly turns: TurnRecord[] = [];
  private startedAt: number | null = null;
  private endedAt: number | null = null;
  private status: LiveStatus = NO_STATUS;
  private readonly stepGreen = new Map<number, { atMs: number; turn: number }>();
  private green: { afterMs: number; turns: number } | null = null;
  private readonly hintUses: HintUse[] = [];
  private readonly skips: { name: string; turn: number; between: boolean }[] = [];
  private referenceShownAtMs: number | null = null;
  private breakSuggested = false;
  private panel: Panel | null = null;
  private notice: { text: string; at: number } | null = null;
  private retroPath: string | null = null;
  private readonly hints: Hint[];
  private readonly listeners = new Set<(event: DojoEvent) => void>();

  constructor(private readonly config: DojoConfig) {
    if (config.team.length === 0) throw new Error("a dojo needs at least one person");
    this.turnLengthMs = config.turnMinutes * MINUTE_MS;
    this.hints = [...config.hints].sort((a, b) => a.tier - b.tier);
    this.seating = beforeFirstTurn(config.team.length);
  }

  subscribe(listener: (event: DojoEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get currentPhase(): Phase {
    return this.phase;
  }

  get isGreen(): boolean {
    return this.green !== null;
  }

  // ── commands ────────────────────────────────────────────────────────────────────────────────

  /** Enter: starts the first turn, or the next one after a handover (applying the rotation). */
  confirm(): void {
    if (this.phase !== "ready" && this.phase !== "handover") return;
    const now = this.now();
    const { seating, passedOver } = this.rotation();
    for (const index of passedOver) this.skipped.delete(index);
    this.seating = seating;
    const driver = seating.driver ?? 0;
    this.startedAt ??= now;
    this.turns.push({
      number: this.turns.length + 1,
      driver: this.name(driver),
      navigator: seating.navigator === null ? null : this.name(seating.navigator),
      startedAt: now,
      endedAt: null,
      plannedMs: this.turnLengthMs,
      activeMs: 0,
      passedAtEnd: null,
      totalAtEnd: null,
      endedBy: null,
    });
    this.phase = "running";
    this.breakSuggested = false;
    this.deadline = now + this.turnLengthMs;
    this.runningSince = now;
    this.emit({ type: "changed" });
  }

  /** Space: pauses or resumes the countdown. */
  togglePause(): void {
    const now = this.now();
    if (this.phase === "running") {
      this.pauseAt(now);
    } else if (this.phase === "paused") {
      this.phase = "running";
      this.deadline = now + this.remainingWhenPaused;
      this.runningSince = now;
      this.pausedMs += now - this.pausedSince;
    } else if (this.phase === "ready" || this.phase === "handover") {
      this.say("The turn has not started yet: press Enter to start it.");
      return;
    } else return;
    this.emit({ type: "changed" });
  }

  /** n: ends the turn now and shows the rotation. */
  rotateNow(): void {
    if (this.phase !== "running" && this.phase !== "paused") return;
    this.finishTurn("rotate", this.now());
  }

  /** s: the person who would navigate next has stepped out; pass over them once. */
  skipNext(): void {
    if (this.phase === "ended") return;
    const size = this.config.team.length;
    if (size === 1) {
      this.say("Solo dojo: there is no one to skip.");
      return;
    }
    if (!canSkipUpNext(this.seating, this.skipped)) {
      this.say("No one else is left to navigate: nobody more can be skipped.");
      return;
    }
    const skippedIndex = upNext(this.seating, this.skipped) as number;
    this.skipped.add(skippedIndex);
    const name = this.name(skippedIndex);
    const between = this.phase === "ready" || this.phase === "handover";
    this.skips.push({ name, turn: this.turns.length, between });
    const next = upNext(this.seating, this.skipped);
    this.say(
      `${name} is skipped this round; ${next === null ? "no one" : this.name(next)} is next.`,
    );
  }

  /** + / -: changes the turn length by whole minutes, for this turn and the next ones. */
  changeTurnLength(deltaMinutes: number): void {
    if (this.phase === "ended") return;
    const wanted = this.turnLengthMs + deltaMinutes * MINUTE_MS;
    const next = Math.min(
      MAX_TURN_MINUTES * MINUTE_MS,
      Math.max(MIN_TURN_MINUTES * MINUTE_MS, wanted),
    );
    const applied = next - this.turnLengthMs;
    if (applied === 0) {
      this.say(
        `A turn lasts from ${MIN_TURN_MINUTES} to ${MAX_TURN_MINUTES} minutes; it stays at ${this.turnLengthMs / MINUTE_MS} min.`,
      );
      return;
    }
    this.turnLengthMs = next;
    const turn = this.currentTurn();
    if (this.phase === "running" && turn) {
      this.deadline += applied;
      turn.plannedMs += applied;
    } else if (this.phase === "paused" && turn) {
      this.remainingWhenPaused = Math.max(0, this.remainingWhenPaused + applied);
      turn.plannedMs += applied;
    }
    this.say(`Turns last ${next / MINUTE_MS} min now.`);
    // Shortening may have moved the end of this turn into the past.
    if (this.phase === "running") this.tick();
    else if (this.phase === "paused" && this.remainingWhenPaused === 0) {
      this.finishTurn("timer", this.now());
    }
  }

  /** h: the next hint tier, shown to everyone (the last tier again once all are out). */
  showNextHint(): void {
    if (this.phase === "ended") return;
    if (this.hints.length === 0) {
      this.say("This kata has no hints.");
      return;
    }
    const hint = this.hints[Math.min(this.hintUses.length, this.hints.length - 1)] as Hint;
    if (!this.hintUses.some((use) => use.tier === hint.tier)) {
      this.hintUses.push({
        tier: hint.tier,
        title: hint.title,
        turn: this.turns.length,
        between: this.phase === "handover",
        atMs: this.elapsedMs(),
      });
    }
    this.panel = {
      kind: "hint",
      tier: hint.tier,
      of: this.hints.length,
      title: hint.title,
      body: hint.body,
    };
    this.emit({ type: "changed" });
  }

  /** r: the reference diff, for the discussion (the caller reads the files). */
  showReference(diff: string): void {
    this.referenceShownAtMs ??= this.elapsedMs();
    this.panel = { kind: "reference", diff: stripVTControlCharacters(diff), offset: 0 };
    this.emit({ type: "changed" });
  }

  /** ↑↓ PgUp PgDn: scrolls the reference panel by `lines` (the view keeps it in range). */
  scrollPanel(lines: number): void {
    if (this.panel?.kind !== "reference") return;
    const total = this.panel.diff.split("\n").length;
    const offset = Math.min(Math.max(0, total - 1), Math.max(0, this.panel.offset + lines));
    this.panel = { ...this.panel, offset };
    this.emit({ type: "changed" });
  }

  /** Esc: closes the hint or reference panel and the notice. */
  dismiss(): void {
    this.panel = null;
    this.notice = null;
    this.emit({ type: "changed" });
  }

  /** Shows a short message to everyone (also used by the app for things outside the state). */
  say(text: string): void {
    this.notice = { text, at: this.now() };
    this.emit({ type: "changed" });
  }

  /** A save was noticed and the spec is running. */
  runStarted(): void {
    if (this.phase === "ended") return;
    this.status = { ...this.status, running: true };
    this.emit({ type: "changed" });
  }

  /** A spec run finished: live status, steps that went green, the kata going green. */
  recordRun(run: CheckedRun): void {
    if (this.phase === "ended") return; // a run finishing after the end does not change the record
    const { result, typeErrors, solved } = run;
    const failing = result.loadErrors.length > 0 ? undefined : firstFailingStep(result);
    const failedTest = failing?.tests.find((test) => test.state !== "passed");
    const firstLine = (text: string) => stripVTControlCharacters(text).split("\n")[0] ?? "";
    const firstTypeError = typeErrors[0];
    this.status = {
      running: false,
      hasRun: true,
      passed: result.passed,
      total: result.total,
      solved,
      typeErrors: typeErrors.length,
      firstTypeError: firstTypeError
        ? `${firstTypeError.location} ${firstLine(firstTypeError.message)}`.trim()
        : null,
      loadError: result.loadErrors[0] ? firstLine(result.loadErrors[0].message) : null,
      step: failing
        ? {
            number: failing.number,
            title: failing.title,
            passed: failing.tests.filter((test) => test.state === "passed").length,
            total: failing.tests.length,
          }
        : null,
      failure: failedTest
        ? {
            test: failedTest.name,
            message: stripVTControlCharacters(
              failedTest.failures[0]?.message ?? "skipped (an earlier failure stopped it)",
            ),
          }
        : null,
    };
    const atMs = this.elapsedMs();
    const turn = this.turns.length;
    if (result.loadErrors.length === 0) {
      for (const step of result.steps) {
        const green = step.tests.length > 0 && step.tests.every((test) => test.state === "passed");
        if (green && !this.stepGreen.has(step.number))
          this.stepGreen.set(step.number, { atMs, turn });
      }
    }
    if (solved && this.green === null) {
      this.green = { afterMs: atMs, turns: turn };
      // The timer stops so the team can look at the result together; space carries on.
      if (this.phase === "running") this.pauseAt(this.now());
      this.emit({ type: "green" });
    }
    this.emit({ type: "changed" });
  }

  /** The clock moved: ends the turn when its time is up. */
  tick(): void {
    if (this.phase === "running" && this.now() >= this.deadline) {
      this.finishTurn("timer", this.deadline);
    }
  }

  /** q: the dojo is over; a turn in progress ends now. */
  end(): void {
    if (this.phase === "ended") return;
    const now = this.now();
    if (this.phase === "running" || this.phase === "paused") this.finishTurn("end", now);
    if (this.phase === "paused") this.pausedMs += now - this.pausedSince;
    this.phase = "ended";
    this.endedAt = this.startedAt === null ? null : now;
    this.emit({ type: "changed" });
  }

  /** Where the retro was written, so the page can say so after the end. */
  setRetroPath(path: string): void {
    this.retroPath = path;
    this.emit({ type: "changed" });
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────────

  /** Time left in the running turn, or null when no countdown runs (for the ticker). */
  countdownMs(): number | null {
    return this.phase === "running" ? Math.max(0, this.deadline - this.now()) : null;
  }

  snapshot(): DojoSnapshot {
    const now = this.now();
    const team = this.config.team;
    const between = this.phase === "ready" || this.phase === "handover";
    // Between turns the screen shows who is about to start, and who comes after them.
    const { shown, skipsLeft } = between
      ? this.preview()
      : { shown: this.seating, skipsLeft: this.skipped };
    const upNextIndex = upNext(shown, skipsLeft);
    const current = this.currentTurn();
    return {
      kata: {
        slug: this.config.kata.slug,
        title: this.config.kata.title,
        stepCount: this.config.kata.steps.length,
      },
      phase: this.phase,
      team: [...team],
      skipped: [...this.skipped].sort((a, b) => a - b).map((index) => this.name(index)),
      turn: this.turns.length,
      driver: this.name(shown.driver ?? 0),
      navigator: shown.navigator === null ? null : this.name(shown.navigator),
      // In a pair the next navigator is the driver: a plain swap, not worth a "next".
      upNext: upNextIndex === null || upNextIndex === shown.driver ? null : this.name(upNextIndex),
      handover:
        this.phase === "handover" && current
          ? {
              from: { driver: current.driver, navigator: current.navigator },
              to: this.names(shown),
            }
          : null,
      breakSuggested: this.breakSuggested,
      turnLengthMs: this.turnLengthMs,
      remainingMs: this.remainingMs(now),
      endsAt: this.phase === "running" ? this.deadline : null,
      paused: this.phase === "paused",
      elapsedMs: this.elapsedMs(),
      turnsCompleted: this.turns.filter((turn) => turn.endedAt !== null).length,
      status: { ...this.status },
      timeline: this.turns.map((turn) => {
        const live = turn.endedAt === null;
        return {
          turn: turn.number,
          passed: live ? (this.status.hasRun ? this.status.passed : null) : turn.passedAtEnd,
          total: live ? (this.status.hasRun ? this.status.total : null) : turn.totalAtEnd,
          live,
        };
      }),
      green: this.green ? { ...this.green } : null,
      panel: this.panel,
      notice: this.notice && now - this.notice.at < NOTICE_MS ? this.notice.text : null,
      hints: { used: this.hintUses.length, tiers: this.hints.length },
      retroPath: this.retroPath,
    };
  }

  record(): DojoRecord {
    return {
      kata: this.config.kata,
      team: [...this.config.team],
      turnMinutes: this.config.turnMinutes,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      turns: this.turns.map((turn) => ({ ...turn })),
      steps: this.config.kata.steps.map((title, index) => {
        const green = this.stepGreen.get(index + 1);
        return {
          number: index + 1,
          title,
          greenAtMs: green?.atMs ?? null,
          turn: green?.turn ?? null,
        };
      }),
      green: this.green ? { ...this.green } : null,
      hints: this.hintUses.map((use) => ({ ...use })),
      hintTiers: this.hints.length,
      skips: this.skips.map((skip) => ({ ...skip })),
      pausedMs: this.pausedMs,
      referenceShownAtMs: this.referenceShownAtMs,
      final: { ...this.status },
    };
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────

  private now(): number {
    return this.config.clock.now();
  }

  private name(index: number): string {
    return this.config.team[index] ?? "?";
  }

  private names(seating: Seating): PairNames {
    return {
      driver: this.name(seating.driver ?? 0),
      navigator: seating.navigator === null ? null : this.name(seating.navigator),
    };
  }

  private rotation(): { seating: Seating; passedOver: number[] } {
    return rotate(this.seating, this.skipped);
  }

  /** The seating the next rotation gives, and the skips still pending after it. */
  private preview(): { shown: Seating; skipsLeft: Set<number> } {
    const { seating, passedOver } = this.rotation();
    const skipsLeft = new Set(this.skipped);
    for (const index of passedOver) skipsLeft.delete(index);
    return { shown: seating, skipsLeft };
  }

  private currentTurn(): TurnRecord | undefined {
    return this.turns[this.turns.length - 1];
  }

  private elapsedMs(): number {
    if (this.startedAt === null) return 0;
    return (this.endedAt ?? this.now()) - this.startedAt;
  }

  private remainingMs(now: number): number {
    switch (this.phase) {
      case "running":
        return Math.max(0, this.deadline - now);
      case "paused":
        return this.remainingWhenPaused;
      case "ended":
        return 0;
      default:
        return this.turnLengthMs;
    }
  }

  private pauseAt(now: number): void {
    const turn = this.currentTurn();
    this.phase = "paused";
    this.remainingWhenPaused = Math.max(0, this.deadline - now);
    if (turn) turn.activeMs += now - this.runningSince;
    this.pausedSince = now;
  }

  private finishTurn(by: "timer" | "rotate" | "end", at: number): void {
    const turn = this.currentTurn();
    if (!turn) return;
    if (this.phase === "running") turn.activeMs += at - this.runningSince;
    turn.endedAt = at;
    turn.endedBy = by;
    turn.passedAtEnd = this.status.hasRun ? this.status.passed : null;
    turn.totalAtEnd = this.status.hasRun ? this.status.total : null;
    if (by === "end") return;
    if (this.phase === "paused") this.pausedMs += at - this.pausedSince;
    const every = this.config.breaksEvery;
    this.phase = "handover";
    this.breakSuggested = every > 0 && this.turns.length % every === 0;
    this.emit({ type: "turn-ended", byTimer: by === "timer", breakSuggested: this.breakSuggested });
    this.emit({ type: "changed" });
  }

  private emit(event: DojoEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
