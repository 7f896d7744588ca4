/**
 * Keys to commands, with the two questions that guard against a stray key press in front of a
 * room: ending the dojo, and showing the reference before the kata is green. Pure: the app feeds it
 * readline's keypress objects and carries out the commands.
 */

export interface KeyPress {
  name?: string;
  sequence?: string;
  ctrl?: boolean;
}

export type DojoCommand =
  | "confirm"
  | "toggle-pause"
  | "rotate"
  | "skip"
  | "longer"
  | "shorter"
  | "hint"
  | "reference"
  | "dismiss"
  | "scroll-up"
  | "scroll-down"
  | "page-up"
  | "page-down"
  | "end";

export const KEY_HELP =
  "Enter start turn · space pause · n rotate now · s skip next · +/- minutes · h hint · r reference · Esc close · q end";

/** The legend in as many words as `width` allows; every key stays, `q` included. */
export function keyLegend(width: number, panelOpen = false): string {
  const levels = [
    `${KEY_HELP}${panelOpen ? " · ↑↓ PgUp PgDn scroll" : ""}`,
    `Enter start · space pause · n rotate · s skip · +/- min · h hint · r ref · Esc close${panelOpen ? " · ↑↓ scroll" : ""} · q end`,
    `↵ start · ␣ pause · n rotate · s skip · ± min · h hint · r ref · Esc${panelOpen ? " · ↑↓" : ""} · q end`,
    `↵ ␣ n s ± h r Esc${panelOpen ? " ↑↓" : ""} q`,
  ];
  return levels.find((level) => level.length <= width) ?? (levels.at(-1) as string);
}

interface Question {
  text: string;
  command: DojoCommand;
}

export class KeyController {
  private question: Question | undefined;

  /** The question waiting for y/N, for the view. */
  get prompt(): string | undefined {
    return this.question ? `${this.question.text} [y/N]` : undefined;
  }

  /**
   * The command a key asks for, or undefined. `green` tells whether the reference can be shown
   * without asking. Ctrl-C ends at once (the retro is still written).
   */
  handle(key: KeyPress, context: { green: boolean; panelOpen?: boolean }): DojoCommand | undefined {
    if (key.ctrl && key.name === "c") {
      this.question = undefined;
      return "end";
    }
    if (this.question) {
      const { command } = this.question;
      this.question = undefined;
      return key.name === "y" ? command : undefined; // any other key means no
    }
    const char = key.sequence ?? "";
    if (key.name === "return" || key.name === "enter") return "confirm";
    if (key.name === "space") return "toggle-pause";
    if (key.name === "escape") return "dismiss";
    if (context.panelOpen) {
      if (key.name === "up") return "scroll-up";
      if (key.name === "down") return "scroll-down";
      if (key.name === "pageup") return "page-up";
      if (key.name === "pagedown") return "page-down";
    }
    if (char === "+" || char === "=") return "longer"; // "=" is "+" without shift on most layouts
    if (char === "-" || char === "_") return "shorter";
    switch (key.name) {
      case "n":
        return "rotate";
      case "s":
        return "skip";
      case "h":
        return "hint";
      case "r":
        if (context.green) return "reference";
        this.question = {
          text: "Not green yet. Show the reference solution to everyone anyway?",
          command: "reference",
        };
        return undefined;
      case "q":
        this.question = { text: "End the dojo and write the retro?", command: "end" };
        return undefined;
      default:
        return undefined;
    }
  }
}
