/**
 * Watch mode (`npm start`): the first unsolved kata, re-run on every save in its folder, with the
 * step view and single-key commands. One vitest instance stays warm per kata, so a save costs only
 * the re-run. The screen is a pure function of the state below; keys only change the state.
 */
import { emitKeypressEvents } from "node:readline";
import type { FSWatcher } from "chokidar";
import pc from "picocolors";
import { findKata, type Kata, loadCatalogue } from "../lib/catalogue.ts";
import { type CheckedRun, KataChecker } from "../lib/check-run.ts";
import { UserError } from "../lib/errors.ts";
import { readHints } from "../lib/hints.ts";
import { KataSession } from "../lib/kata-session.ts";
import { watchKataFolder } from "../lib/kata-watcher.ts";
import { kataPaths } from "../lib/paths.ts";
import { readProgress, recordHint, statusOf } from "../lib/progress.ts";
import { resetKata } from "../lib/reset.ts";
import { referenceWithDiff } from "../lib/solution.ts";
import { renderStepViewToFit } from "../lib/step-view.ts";
import { showHint } from "./hint.ts";

const KEYS = "h hint · n next kata · l list · s solution · r reset · q quit";

interface Confirmation {
  question: string;
  onYes: () => Promise<void> | void;
}

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
  private kata!: Kata;
  private session?: KataSession;
  private checker?: KataChecker;
  private fileWatcher?: FSWatcher;
  private last?: CheckedRun;
  private lastDurationMs = 0;
  private running = false;
  private rerunQueued: string | undefined | null = null;
  private panel = "";
  private confirmation?: Confirmation;
  private resolveDone!: (code: number) => void;
  readonly done = new Promise<number>((resolve) => {
    this.resolveDone = resolve;
  });

  constructor(private readonly catalogue: Kata[]) {
    this.listenToKeys();
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
    this.kata = kata;
    this.last = undefined;
    this.panel = "";
    this.draw(pc.dim(`Starting ${kata.slug}…`));
    this.session = await KataSession.open(kata.slug);
    this.listenToSignals();
    this.checker = new KataChecker(kata, this.session);
    this.fileWatcher = watchKataFolder(kata.slug);
    this.fileWatcher.on("change", (file) => void this.rerun(file));
    this.fileWatcher.on("add", (file) => void this.rerun(file));
    await this.rerun(undefined);
  }

  /** Runs the spec; saves arriving during a run are folded into one more run after it. */
  private async rerun(changedFile: string | undefined): Promise<void> {
    if (!this.checker) return;
    if (this.running) {
      this.rerunQueued = changedFile;
      return;
    }
    this.running = true;
    const started = performance.now();
    try {
      this.last = await this.checker.check(changedFile);
      this.lastDurationMs = performance.now() - started;
      if (this.last.solved && !this.panel)
        this.panel = pc.green("Press n for the next kata, s to compare with the reference.");
    } finally {
      this.running = false;
    }
    this.draw();
    if (this.rerunQueued !== null) {
      const next = this.rerunQueued;
      this.rerunQueued = null;
      await this.rerun(next);
    }
  }

  private draw(status?: string): void {
    const progress = readProgress();
    const panelLines = this.panel ? this.panel.split("\n").length + 1 : 0;
    const rows = (process.stdout.rows ?? 60) - panelLines - 4;
    const body = this.last
      ? renderStepViewToFit(
          {
            kata: this.kata,
            ...this.last,
            solvedCount: this.catalogue.filter((k) => statusOf(k.slug, progress) === "solved")
              .length,
            kataCount: this.catalogue.length,
          },
          rows,
        )
      : (status ?? "");
    const footer = this.confirmation
      ? pc.yellow(`${this.confirmation.question} [y/N]`)
      : pc.dim(
          `Watching katas/${this.kata.slug}/ — save to re-run${this.last ? ` (last run ${Math.round(this.lastDurationMs)} ms)` : ""}\n${KEYS}`,
        );
    const screen = [body, this.panel ? `\n${this.panel}` : "", "", footer].join("\n");
    if (process.stdout.isTTY) process.stdout.write("\x1b[2J\x1b[3J\x1b[H");
    else process.stdout.write("\n────────\n");
    process.stdout.write(`${screen}\n`);
  }

  private listenToKeys(): void {
    if (!process.stdin.isTTY) return; // piped: watch and re-run, stop with Ctrl-C
    emitKeypressEvents(process.stdin);
    process.stdin.setRawMode(true);
    process.stdin.on(
      "keypress",
      (_text: string, key: { name?: string; ctrl?: boolean; sequence?: string }) => {
        void this.onKey(key).catch((error: unknown) => {
          this.panel = pc.red(error instanceof Error ? error.message : String(error));
          this.draw();
        });
      },
    );
  }

  private async onKey(key: { name?: string; ctrl?: boolean }): Promise<void> {
    if (key.ctrl && key.name === "c") return this.quit();
    if (this.confirmation) {
      const { onYes } = this.confirmation;
      this.confirmation = undefined;
      if (key.name === "y") await onYes();
      else {
        this.panel = pc.dim("Cancelled.");
        this.draw();
      }
      return;
    }
    const solved = this.last?.solved ?? false;
    switch (key.name) {
      case "q":
        return this.quit();
      case "h":
        return this.showNextHint();
      case "l":
        this.panel = this.listPanel();
        return this.draw();
      case "n":
        return this.guard(solved, "This kata is not solved yet. Move on anyway?", () =>
          this.openNext(),
        );
      case "s":
        return this.guard(solved, "Not green yet. Show the reference solution anyway?", () =>
          this.showSolution(),
        );
      case "r":
        this.confirmation = {
          question: `Reset ${this.kata.slug} to its stub? Your file is backed up first.`,
          onYes: () => this.reset(),
        };
        return this.draw();
      default:
        return;
    }
  }

  private async guard(
    ok: boolean,
    question: string,
    action: () => Promise<void> | void,
  ): Promise<void> {
    if (ok) return action();
    this.confirmation = { question, onYes: action };
    this.draw();
  }

  private showNextHint(): void {
    const hints = readHints(this.kata.slug);
    const seen = readProgress().katas[this.kata.slug]?.hintsShown ?? 0;
    const hint = hints.find((h) => h.tier === Math.min(seen + 1, hints.length));
    if (!hint) return;
    recordHint(this.kata.slug, hint.tier);
    this.panel = showHint(this.kata.title, hint, hints.length);
    this.draw();
  }

  private listPanel(): string {
    const progress = readProgress();
    return this.catalogue
      .map((kata) => {
        const status = statusOf(kata.slug, progress);
        const mark =
          status === "solved"
            ? pc.green("✔")
            : kata.slug === this.kata.slug
              ? pc.cyan("▶")
              : pc.dim("·");
        return `${mark} ${String(kata.position).padStart(2)}  ${kata.slug.padEnd(24)} ${pc.dim(kata.title)}`;
      })
      .join("\n");
  }

  private async openNext(): Promise<void> {
    const index = this.catalogue.findIndex((k) => k.slug === this.kata.slug);
    const progress = readProgress();
    const next =
      this.catalogue.slice(index + 1).find((k) => statusOf(k.slug, progress) !== "solved") ??
      this.catalogue.find(
        (k) => statusOf(k.slug, progress) !== "solved" && k.slug !== this.kata.slug,
      );
    if (!next) {
      this.panel = pc.green("Every kata is solved. 🎉");
      return this.draw();
    }
    await this.open(next);
  }

  private showSolution(): void {
    const { diff } = referenceWithDiff(this.kata.slug);
    this.panel = `${pc.bold("Your file → the reference")} ${pc.dim(`(full file: solutions/${this.kata.slug}/${this.kata.slug}.ts, notes: NOTES.md)`)}\n${diff || pc.dim("(identical)")}`;
    this.draw();
  }

  private async reset(): Promise<void> {
    const { backup } = await resetKata(this.kata.slug);
    this.panel = backup
      ? `Reset. Your previous file is saved as ${pc.cyan(backup)}.`
      : "Already the untouched stub.";
    await this.rerun(kataPaths(this.kata.slug).stub);
  }

  private async closeKata(): Promise<void> {
    await this.fileWatcher?.close();
    await this.session?.close();
    this.fileWatcher = undefined;
    this.session = undefined;
    this.checker = undefined;
  }

  private async quit(): Promise<void> {
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdin.pause();
    await this.closeKata();
    this.resolveDone(0);
  }
}
