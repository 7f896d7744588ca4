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
  | "end";

export const KEY_HELP =
  "Enter start turn · space pause · n rotate now · s skip next · +/- minutes · h hint · r reference · Esc close · q end";

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
  handle(key: KeyPress, context: { green: boolean }): DojoCommand | undefined {
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
