/**
 * Runs a kata's spec through vitest's programmatic API and keeps the instance warm, so the watch
 * loop only pays for the re-run itself: no new vite server per save, and (see warm-pool.ts) no
 * wait for the spec's dependencies to load.
 *
 * The learner's code misbehaves while it is being written, and a run must survive it:
 * - a test process that stops answering (an infinite loop in the learner's code: it sends no
 *   heartbeat for HANG_AFTER_MS in a test, HANG_WHILE_LOADING_MS before one) is killed, and the
 *   run ends with `stopped` set, naming the test it had started;
 * - a test that times out (a promise that never settles) fails with vitest's per-test timeout,
 *   and the tests after it are skipped (learner-run.ts), so the run ends in seconds;
 * - `cancel()` ends a run at once (a newer save supersedes it);
 * - what the tests print is kept per test, for the step view to show under a failure.
 */
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { UserConsoleLog } from "vitest";
import { createVitest, type TestCase, type TestSpecification, type Vitest } from "vitest/node";
import { kataPaths } from "./paths.ts";
import { type KataResult, type StoppedInfo, toKataResult } from "./results.ts";
import { standardDecoratorsPlugin } from "./standard-decorators.ts";
import { kataTargetPlugin, type Target } from "./targets.ts";
import { KATA_TEST_SETTINGS, specGlob } from "./vitest-projects.ts";
import {
  busyWorkerSilence,
  busyWorkerTest,
  closeWarmPool,
  killBusyWorkers,
  warmPool,
} from "./warm-pool/warm-pool.ts";

/**
 * A test process that has sent no heartbeat for this long while in a test is stuck in synchronous
 * code. Before its first test it may still be loading modules (seconds on a loaded machine), so
 * it gets longer.
 */
export const HANG_AFTER_MS = 8_000;
export const HANG_WHILE_LOADING_MS = 30_000;
const WATCHDOG_EVERY_MS = 250;
/** Output kept per test: enough to debug with, bounded so a print loop cannot flood memory. */
const MAX_OUTPUT_LINES = 200;
const LEARNER_RUN = fileURLToPath(new URL("./learner-run.ts", import.meta.url));

/** What a run tells whoever watches it, as it goes (the views' "running…" line). */
export interface RunObserver {
  onTestStarted?(fullName: string): void;
  onTestFinished?(done: number): void;
}

/** The state of the run in progress, fed by the reporter's events. */
interface RunInProgress {
  startedAt: number;
  running?: string;
  done: number;
  output: Map<string, string[]>;
  stopped?: StoppedInfo;
  observer?: RunObserver;
  /** Called once, when the spec has loaded and its tests start. */
  onTestsStart?: () => void;
}

export class KataSession {
  private specs: TestSpecification[] = [];
  private current: RunInProgress | undefined;

  private constructor(
    readonly slug: string,
    private readonly vitest: Vitest,
  ) {}

  static async open(slug: string, target: Target = "stub"): Promise<KataSession> {
    let session: KataSession | undefined;
    const vitest = await createVitest(
      "test",
      {
        config: false,
        watch: false,
        // Silent (the views render the results), except for what a run in progress needs.
        reporters: [
          {
            onTestModuleCollected: () => session?.testsStarted(),
            onTestCaseReady: (test: TestCase) => session?.testStarted(test),
            onTestCaseResult: () => session?.testFinished(),
            onUserConsoleLog: (log: UserConsoleLog) => session?.printed(log),
          },
        ],
        ...KATA_TEST_SETTINGS,
        setupFiles: [...KATA_TEST_SETTINGS.setupFiles, LEARNER_RUN],
        env: { ...KATA_TEST_SETTINGS.env },
        include: [specGlob(slug)],
        // A process per run (the learner's code must not leak into the next run), started and
        // loaded with the spec's dependencies while the learner types.
        pool: warmPool("fresh"),
      },
      {
        plugins: [kataTargetPlugin(target), standardDecoratorsPlugin()],
        logLevel: "silent",
        server: { watch: null },
      },
      { stdout: devNull(), stderr: devNull() },
    );
    session = new KataSession(slug, vitest);
    session.specs = await vitest.globTestSpecifications();
    return session;
  }

  /**
   * Runs the spec once; `changedFile` (absolute) is re-read from disk first. `whileTestsRun` is
   * called when the spec has loaded and its tests run in the worker process: this process is
   * idle until they end, so work done then (the type-check) costs no time.
   */
  async run(
    changedFile?: string,
    whileTestsRun?: () => void,
    observer?: RunObserver,
  ): Promise<KataResult> {
    if (changedFile) this.vitest.invalidateFile(changedFile);
    else for (const file of this.kataFiles()) this.vitest.invalidateFile(file);
    const run: RunInProgress = {
      startedAt: performance.now(),
      done: 0,
      output: new Map(),
      ...(observer ? { observer } : {}),
      ...(whileTestsRun ? { onTestsStart: whileTestsRun } : {}),
    };
    this.current = run;
    const watchdog = setInterval(() => this.checkForHang(run), WATCHDOG_EVERY_MS);
    try {
      const { testModules, unhandledErrors } = await this.vitest.runTestSpecifications(
        this.specs,
        true,
      );
      return toKataResult(this.slug, testModules, unhandledErrors, {
        output: run.output,
        ...(run.stopped ? { stopped: run.stopped } : {}),
      });
    } finally {
      clearInterval(watchdog);
      if (this.current === run) this.current = undefined;
    }
  }

  /** Ends the run in progress at once (its process is killed); it resolves as stopped. */
  cancel(): void {
    const run = this.current;
    if (!run) return;
    run.stopped ??= this.stoppedNow(run, "superseded");
    killBusyWorkers();
  }

  get isRunning(): boolean {
    return this.current !== undefined;
  }

  private checkForHang(run: RunInProgress): void {
    const silence = busyWorkerSilence();
    if (run.stopped || !silence) return;
    if (silence.ms < (silence.inTest ? HANG_AFTER_MS : HANG_WHILE_LOADING_MS)) return;
    run.stopped = this.stoppedNow(run, "hang");
    killBusyWorkers();
  }

  private stoppedNow(run: RunInProgress, reason: StoppedInfo["reason"]): StoppedInfo {
    const test = busyWorkerTest() ?? run.running;
    return { reason, afterMs: performance.now() - run.startedAt, ...(test ? { test } : {}) };
  }

  private testsStarted(): void {
    const run = this.current;
    const callback = run?.onTestsStart;
    if (run) run.onTestsStart = undefined;
    callback?.();
  }

  private testStarted(test: TestCase): void {
    const run = this.current;
    if (!run) return;
    run.running = test.fullName.replaceAll(" > ", " › ");
    run.observer?.onTestStarted?.(run.running);
  }

  private testFinished(): void {
    const run = this.current;
    if (!run) return;
    run.done += 1;
    run.observer?.onTestFinished?.(run.done);
  }

  private printed(log: UserConsoleLog): void {
    const run = this.current;
    if (!run || !log.taskId) return;
    const lines = run.output.get(log.taskId) ?? [];
    if (lines.length >= MAX_OUTPUT_LINES) return;
    lines.push(
      ...log.content
        .replace(/\n$/, "")
        .split("\n")
        .slice(0, MAX_OUTPUT_LINES - lines.length),
    );
    run.output.set(log.taskId, lines);
  }

  async close(): Promise<void> {
    this.cancel();
    await this.vitest.close();
    await closeWarmPool();
  }

  private kataFiles(): string[] {
    const paths = kataPaths(this.slug);
    return [paths.stub, paths.spec];
  }
}

/** One spec run, start to finish. */
export async function runKataOnce(slug: string, target: Target = "stub"): Promise<KataResult> {
  const session = await KataSession.open(slug, target);
  try {
    return await session.run();
  } finally {
    await session.close();
  }
}

/** vitest writes its own banners to these streams; the views own the terminal. */
function devNull(): NodeJS.WriteStream {
  return new Writable({ write: (_chunk, _enc, done) => done() }) as unknown as NodeJS.WriteStream;
}
