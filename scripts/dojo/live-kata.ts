/**
 * The kata under the team's hands: a warm KataSession, checked by KataChecker on every save in the
 * kata's folder (chokidar, as in watch mode), through the same re-run queue as watch mode: a save
 * during a run cancels it and starts a fresh one, so a burst of saves never queues a backlog.
 */
import type { FSWatcher } from "chokidar";
import type { Kata } from "../lib/catalogue.ts";
import { type CheckedRun, KataChecker } from "../lib/kata-checker.ts";
import { KataSession } from "../lib/kata-session.ts";
import { watchKataFolder } from "../lib/kata-watcher.ts";
import { RerunQueue } from "../lib/rerun-queue.ts";

export interface LiveKataListener {
  onRunStarted(): void;
  onRun(run: CheckedRun): void;
  onError(error: unknown): void;
}

export class LiveKata {
  private closed = false;
  private readonly queue: RerunQueue;

  private constructor(
    private readonly checker: KataChecker,
    private readonly session: KataSession,
    private readonly fileWatcher: FSWatcher,
    private readonly listener: LiveKataListener,
  ) {
    this.queue = new RerunQueue({
      run: (files) => this.runOnce(files),
      cancel: () => this.session.cancel(),
    });
  }

  static async open(kata: Kata, listener: LiveKataListener): Promise<LiveKata> {
    const session = await withoutNewSignalHandlers(() => KataSession.open(kata.slug));
    const fileWatcher = watchKataFolder(kata.slug);
    const live = new LiveKata(new KataChecker(kata, session), session, fileWatcher, listener);
    fileWatcher.on("change", (file) => void live.rerun(file));
    fileWatcher.on("add", (file) => void live.rerun(file));
    return live;
  }

  /** Runs the spec now (the first run passes no file: everything is read fresh). */
  rerun(changedFile?: string): Promise<void> {
    return this.queue.request(changedFile);
  }

  private async runOnce(files: string[]): Promise<void> {
    if (this.closed) return;
    this.listener.onRunStarted();
    try {
      const run = await this.checker.check(files.length === 1 ? files[0] : undefined);
      // A run a newer save cancelled is not the team's result: the next run follows at once.
      if (!this.closed && run.result.stopped?.reason !== "superseded") this.listener.onRun(run);
    } catch (error) {
      if (!this.closed) this.listener.onError(error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.close();
    await this.fileWatcher.close();
    await this.session.close();
  }
}

const ENDING_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * vitest's logger exits the process 1 ms after SIGINT or SIGTERM. The dojo handles those signals
 * itself (it ends the dojo and writes the retro first), so the handlers vitest adds while the
 * session opens are taken off again. Nothing else of vitest's is touched.
 */
async function withoutNewSignalHandlers<T>(open: () => Promise<T>): Promise<T> {
  const before = new Map(ENDING_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const opened = await open();
  for (const signal of ENDING_SIGNALS) {
    const known = before.get(signal) ?? [];
    for (const handler of process.listeners(signal)) {
      if (!known.includes(handler)) process.off(signal, handler as (...args: unknown[]) => void);
    }
  }
  return opened;
}
