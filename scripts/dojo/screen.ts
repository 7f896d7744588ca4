/**
 * The terminal as a full screen: the alternate buffer (so the shell's scrollback is left as it
 * was), no cursor, and redraws that overwrite in place rather than clear (no flicker on a
 * projector). Outside a terminal, frames are printed one after another instead.
 */

const ALT_SCREEN_ON = "\x1b[?1049h";
const ALT_SCREEN_OFF = "\x1b[?1049l";
const CURSOR_HIDE = "\x1b[?25l";
const CURSOR_SHOW = "\x1b[?25h";
const HOME = "\x1b[H";
const CLEAR_LINE_END = "\x1b[K";
const CLEAR_BELOW = "\x1b[J";

export class Screen {
  private active = false;
  private lastFrame = "";
  private readonly restoreOnExit = () => this.leave();

  constructor(private readonly output: NodeJS.WriteStream) {}

  get fullScreen(): boolean {
    return Boolean(this.output.isTTY);
  }

  get size(): { width: number; height: number } {
    return { width: this.output.columns ?? 100, height: this.output.rows ?? 30 };
  }

  enter(): void {
    if (!this.fullScreen || this.active) return;
    this.active = true;
    this.output.write(ALT_SCREEN_ON + CURSOR_HIDE);
    // Whatever happens, the user gets their terminal back.
    process.once("exit", this.restoreOnExit);
  }

  draw(frame: string): void {
    if (this.active) {
      this.output.write(
        `${HOME}${frame.split("\n").join(`${CLEAR_LINE_END}\n`)}${CLEAR_LINE_END}${CLEAR_BELOW}`,
      );
    } else if (frame !== this.lastFrame) {
      this.output.write(`\n${"─".repeat(40)}\n${frame}\n`);
    }
    this.lastFrame = frame;
  }

  bell(): void {
    this.output.write("\x07");
  }

  leave(): void {
    if (!this.active) return;
    this.active = false;
    process.off("exit", this.restoreOnExit);
    this.output.write(CURSOR_SHOW + ALT_SCREEN_OFF);
  }
}
