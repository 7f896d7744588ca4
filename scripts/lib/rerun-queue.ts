/**
 * The re-run queue of watch mode and the dojo: one run at a time; a save during a run supersedes
 * it (the run is cancelled, so a saved fix never waits behind a stuck or stale run), and every
 * file saved meanwhile is re-read by the one run that follows.
 */
export interface RerunTarget {
  /** One run; `changedFiles` empty means: read every file of the kata fresh. */
  run(changedFiles: string[]): Promise<void>;
  /** Ends the run in progress as soon as possible. */
  cancel(): void;
}

export class RerunQueue {
  private running = false;
  private pending: Set<string> | undefined;
  private pendingAll = false;
  private closed = false;

  constructor(private readonly target: RerunTarget) {}

  /** A run for this save (no file: everything fresh), now or right after the current one. */
  async request(changedFile?: string): Promise<void> {
    if (this.closed) return;
    if (this.running) {
      this.pending ??= new Set();
      if (changedFile) this.pending.add(changedFile);
      else this.pendingAll = true;
      this.target.cancel();
      return;
    }
    this.running = true;
    try {
      await this.target.run(changedFile ? [changedFile] : []);
    } finally {
      this.running = false;
    }
    if (this.pending && !this.closed) {
      const files = this.pendingAll ? [] : [...this.pending];
      this.pending = undefined;
      this.pendingAll = false;
      // One run for everything saved meanwhile (several files: read them all fresh).
      await this.request(files.length === 1 ? files[0] : undefined);
    }
  }

  get busy(): boolean {
    return this.running;
  }

  close(): void {
    this.closed = true;
    if (this.running) this.target.cancel();
  }
}
