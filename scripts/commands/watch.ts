/**
 * Watch mode (`npm start`): the first unsolved kata, re-run on every save in its folder, with the
 * step view and single-key commands. One vitest instance stays warm per kata, so a save costs only
 * the re-run; a save during a run cancels it and starts the new one (a stuck run never holds a
 * fix back), and a run whose test process hangs is stopped by the session (kata-session.ts).
 *
 * This is the controller: it owns the session, the file watcher and the keys, changes the state
 * (watch/watch-state.ts), and draws it through the view (watch/watch-view.ts), a pure function of
 * the state, a snapshot of the workbook's progress and the terminal's size, which it reads here.
 */
import { emitKeypressEvents } from "node:readline";
import type { FSWatcher } from "chokidar";
import { findKata, type Kata, loadCatalogue } from "../lib/catalogue.ts";
import pc from "../lib/colors.ts";
import { UserError } from "../lib/errors.ts";
import { readHints } from "../lib/hints.ts";
import { KataChecker } from "../lib/kata-checker.ts";
import { KataSession } from "../lib/kata-session.ts";
import { watchKataFolder } from "../lib/kata-watcher.ts";
import { kataPaths } from "../lib/paths.ts";
import { readProgress, recordHint, statusOf } from "../lib/progress.ts";
import { RerunQueue } from "../lib/rerun-queue.ts";
import { resetKata } from "../lib/reset.ts";
import { solutionLines } from "../lib/solution.ts";
import { commandFor, type KeyPress, type WatchCommand } from "../watch/watch-keys.ts";
import {
  initialState,
  movedCursor,
  scrolled,
  type WatchState,
  type WorkbookSnapshot,
} from "../watch/watch-state.ts";
import { outputLines, renderWatchScreen } from "../watch/watch-view.ts";

type ConfirmedAction = "next" | "solution" | "reset";

/** How often the "running…" line is redrawn while a run goes on. */
const RUNNING_REDRAW_MS = 1_000;

export async function watchCommand(slug: string | undefined): Promise<number> {
  const catalogue = loadCatalogue();
  if (catalogue.length === 0) throw new UserError("There are no katas yet.");
  const start = slug ? findKata(catalogue, slug) : firstUnsolved(catalogue);
  if (!start) {
    console.log(pc.green("Every kata is solved. 🎉  Pick one to revisit: npm start -- <slug>"));
    return 0;
  }
  const watcher = new KataWatcher(catalogue);
  await watcher.open(start);
  return watcher.done;
}

export function firstUnsolved(catalogue: Kata[]): Kata | undefined {
  const progress = readProgress();
  return catalogue.find((kata) => statusOf(kata.slug, progress) !== "solved");
}

class KataWatcher {
  private state!: WatchState;
  private session?: KataSession;
  private checker?: KataChecker;
  private fileWatcher?: FSWatcher;
  private queue?: RerunQueue;
  private runningTimer?: NodeJS.Timeout;
  private resolveDone!: (code: number) => void;
  readonly done = new Promise<number>((resolve) => {
    this.resolveDone = resolve;
  });

  constructor(private readonly catalogue: Kata[]) {
    this.listenToKeys();
    process.stdout.on("resize", () => this.draw());
  }

  /**
   * Ctrl-C in a terminal arrives as a key; a signal (a closed terminal, `kill`, a test harness)
   * ends the watch the same way. Registered after vitest starts, whose own handlers do not always
   * end the process.
   */
  private listenToSignals(): void {
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.removeAllListeners(signal);
      process.once(signal, () => {
        void this.quit().finally(() => process.exit(0));
      });
    }
  }

  async open(kata: Kata): Promise<void> {
    await this.closeKata();
    this.state = initialState(kata);
    this.draw();
    const session = await KataSession.open(kata.slug);
    this.session = session;
    this.listenToSignals();
    const checker = new KataChecker(kata, session);
    this.checker = checker;
    this.queue = new RerunQueue({
      run: (files) => this.runOnce(checker, files),
      cancel: () => session.cancel(),
    });
    this.fileWatcher = watchKataFolder(kata.slug);
    this.fileWatcher.on("change", (file) => void this.queue?.request(file));
    this.fileWatcher.on("add", (file) => void this.queue?.request(file));
    await this.queue.request();
  }

  private async runOnce(checker: KataChecker, files: string[]): Promise<void> {
    if (checker !== this.checker) return;
    const startedAt = performance.now();
    this.state = { ...this.state, running: { startedAt, done: 0 } };
    this.runningTimer = setInterval(() => this.draw({ quiet: true }), RUNNING_REDRAW_MS);
    this.draw({ quiet: true });
    try {
      const run = await checker.check(files.length === 1 ? files[0] : undefined, {
        onTestStarted: (test) => this.progress({ test }),
        onTestFinished: (done) => this.progress({ done }),
      });
      if (checker !== this.checker) return;
      // A run a newer save cancelled shows nothing: the next one follows at once.
      if (run.result.stopped?.reason === "superseded") return;
      const solvedNow = run.solved && !this.state.last?.solved;
      this.state = {
        ...this.state,
        last: run,
        lastDurationMs: performance.now() - startedAt,
        notice: solvedNow
          ? pc.green("Solved! n: the next kata · s: compare with the reference.")
          : undefined,
      };
    } finally {
      clearInterval(this.runningTimer);
      if (checker === this.checker) this.state = { ...this.state, running: undefined };
    }
    this.draw();
  }

  private lastProgressDraw = 0;
  private progress(update: { test?: string; done?: number }): void {
    const running = this.state.running;
    if (!running) return;
    this.state = { ...this.state, running: { ...running, ...update } };
    // At most a few frames a second: a spec of 133 tests must not flicker.
    if (performance.now() - this.lastProgressDraw > 200) {
      this.lastProgressDraw = performance.now();
      this.draw({ quiet: true });
    }
  }

  private snapshot(): WorkbookSnapshot {
    const progress = readProgress();
    return {
      catalogue: this.catalogue,
      status: (slug) => statusOf(slug, progress),
      tests: (slug) => progress.katas[slug],
    };
  }

  private terminal() {
    return {
      // A terminal that reports no size (0) gets a usual one.
      rows: process.stdout.rows || 40,
      columns: process.stdout.columns || 100,
      now: performance.now(),
    };
  }

  /**
   * Draws the screen. `quiet` frames (the running line) are for terminals only: a pipe gets one
   * frame per result.
   */
  private draw(options: { quiet?: boolean } = {}): void {
    if (!this.state) return;
    if (options.quiet && !process.stdout.isTTY) return;
    const screen = renderWatchScreen(this.state, this.snapshot(), this.terminal());
    // On a terminal the screen fills every row: a newline after its last row would scroll the
    // header away, so the cursor stays at the end of the last row.
    if (process.stdout.isTTY) process.stdout.write(`\x1b[2J\x1b[3J\x1b[H${screen}`);
    else process.stdout.write(`\n────────\n${screen}\n`);
  }

  private listenToKeys(): void {
    if (!process.stdin.isTTY) return; // piped: watch and re-run, stop with Ctrl-C
    emitKeypressEvents(process.stdin);
    process.stdin.setRawMode(true);
    process.stdin.on("keypress", (_text: string, key: KeyPress) => {
      const command = commandFor(key, {
        panel: this.state?.panel,
        asking: this.state?.question !== undefined,
        pageRows: this.terminal().rows - 4,
      });
      if (!command) return;
      void this.carryOut(command).catch((error: unknown) => {
        this.state = {
          ...this.state,
          notice: pc.red(error instanceof Error ? error.message : String(error)),
        };
        this.draw();
      });
    });
  }

  private async carryOut(command: WatchCommand): Promise<void> {
    const state = this.state;
    const green = state.last?.solved ?? false;
    switch (command.do) {
      case "quit":
        return this.quit();
      case "answer": {
        const action = state.question?.action;
        this.state = {
          ...state,
          question: undefined,
          notice: command.yes ? state.notice : pc.dim("Cancelled."),
        };
        if (command.yes && action) return this.confirmedActions[action as ConfirmedAction]();
        return this.draw();
      }
      case "back":
        this.state = { ...state, panel: undefined };
        return this.draw();
      case "hint":
        return this.showNextHint();
      case "list": {
        const cursor = Math.max(
          0,
          this.catalogue.findIndex((k) => k.slug === state.kata.slug),
        );
        this.state = { ...state, panel: { kind: "list", cursor } };
        return this.draw();
      }
      case "cursor":
        if (state.panel)
          this.state = {
            ...state,
            panel: movedCursor(state.panel, command.by, this.catalogue.length),
          };
        return this.draw();
      case "pick": {
        const index = command.index ?? (state.panel?.kind === "list" ? state.panel.cursor : -1);
        const kata = this.catalogue[index];
        if (kata && kata.slug !== state.kata.slug) return this.open(kata);
        this.state = { ...state, panel: undefined };
        return this.draw();
      }
      case "scroll": {
        if (!state.panel) return;
        const lines =
          state.panel.kind === "solution" ? state.panel.lines.length : outputLines(state).length;
        this.state = {
          ...state,
          panel: scrolled(state.panel, command.by, lines, this.terminal().rows - 5),
        };
        return this.draw();
      }
      case "output":
        this.state = { ...state, panel: { kind: "output", offset: 0 } };
        return this.draw();
      case "next":
        if (green) return this.openNext();
        return this.ask("This kata is not solved yet. Move on anyway?", "next");
      case "solution":
        if (green) return this.showSolution();
        return this.ask("Not green yet. Show the reference solution anyway?", "solution");
      case "reset":
        return this.ask(
          `Reset ${state.kata.slug} to its stub? Your file is backed up first.`,
          "reset",
        );
    }
  }

  /** What a "yes" carries out, by the question's action. */
  private readonly confirmedActions: Record<ConfirmedAction, () => Promise<void> | void> = {
    next: () => this.openNext(),
    solution: () => this.showSolution(),
    reset: () => this.reset(),
  };

  private ask(text: string, action: ConfirmedAction): void {
    this.state = { ...this.state, question: { text, action } };
    this.draw();
  }

  private showNextHint(): void {
    const { kata } = this.state;
    const hints = readHints(kata.slug);
    const seen = readProgress().katas[kata.slug]?.hintsShown ?? 0;
    const tier = Math.min(seen + 1, hints.length);
    const hint = hints.find((h) => h.tier === tier);
    if (!hint) return;
    // Asking again after the last tier: say so, rather than showing it again without a word.
    const lastWasShown = seen >= hints.length;
    recordHint(kata.slug, hint.tier);
    this.state = {
      ...this.state,
      panel: { kind: "hint", hint, tiers: hints.length, lastWasShown },
    };
    this.draw();
  }

  private async openNext(): Promise<void> {
    const index = this.catalogue.findIndex((k) => k.slug === this.state.kata.slug);
    const progress = readProgress();
    const next =
      this.catalogue.slice(index + 1).find((k) => statusOf(k.slug, progress) !== "solved") ??
      this.catalogue.find(
        (k) => statusOf(k.slug, progress) !== "solved" && k.slug !== this.state.kata.slug,
      );
    if (!next) {
      this.state = { ...this.state, notice: pc.green("Every kata is solved. 🎉") };
      return this.draw();
    }
    await this.open(next);
  }

  private showSolution(): void {
    this.state = {
      ...this.state,
      panel: { kind: "solution", lines: solutionLines(this.state.kata.slug), offset: 0 },
    };
    this.draw();
  }

  private async reset(): Promise<void> {
    const { backup } = await resetKata(this.state.kata.slug);
    await this.queue?.request(kataPaths(this.state.kata.slug).stub);
    this.state = {
      ...this.state,
      panel: undefined,
      notice: backup
        ? `Reset. Your previous file is saved as ${pc.cyan(backup)}.`
        : "Already the untouched stub.",
    };
    this.draw();
  }

  private async closeKata(): Promise<void> {
    this.queue?.close();
    clearInterval(this.runningTimer);
    await this.fileWatcher?.close();
    await this.session?.close();
    this.fileWatcher = undefined;
    this.session = undefined;
    this.checker = undefined;
    this.queue = undefined;
  }

  private async quit(): Promise<void> {
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdin.pause();
    await this.closeKata();
    this.resolveDone(0);
  }
}
