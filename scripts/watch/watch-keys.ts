/**
 * Keys to commands in watch mode, and the legend that says them, fitted to the terminal's width.
 * Pure: the controller feeds it readline's keypress objects and carries out the commands.
 */
import type { Panel } from "./watch-state.ts";

export interface KeyPress {
  name?: string;
  sequence?: string;
  ctrl?: boolean;
}

export type WatchCommand =
  | { do: "quit" }
  | { do: "hint" }
  | { do: "next" }
  | { do: "list" }
  | { do: "solution" }
  | { do: "reset" }
  | { do: "output" }
  | { do: "back" }
  | { do: "scroll"; by: number }
  | { do: "cursor"; by: number }
  | { do: "pick"; index?: number }
  | { do: "answer"; yes: boolean };

/** The command a key asks for in this context, or undefined (the key does nothing). */
export function commandFor(
  key: KeyPress,
  context: { panel: Panel | undefined; asking: boolean; pageRows: number },
): WatchCommand | undefined {
  if (key.ctrl && key.name === "c") return { do: "quit" };
  if (context.asking) return { do: "answer", yes: key.name === "y" };
  const { panel } = context;
  const name = key.name ?? "";
  if (name === "escape" || (panel && name === "b")) return { do: "back" };
  if (panel?.kind === "list") {
    if (name === "up" || name === "k") return { do: "cursor", by: -1 };
    if (name === "down" || name === "j") return { do: "cursor", by: 1 };
    if (name === "return" || name === "enter") return { do: "pick" };
    if (/^[1-9]$/.test(key.sequence ?? "")) return { do: "pick", index: Number(key.sequence) - 1 };
  }
  if (panel?.kind === "solution" || panel?.kind === "output") {
    const page = Math.max(1, context.pageRows - 1);
    if (name === "up" || name === "k") return { do: "scroll", by: -1 };
    if (name === "down" || name === "j") return { do: "scroll", by: 1 };
    if (name === "pageup") return { do: "scroll", by: -page };
    if (name === "pagedown" || name === "space") return { do: "scroll", by: page };
  }
  switch (name) {
    case "q":
      return { do: "quit" };
    case "h":
      return { do: "hint" };
    case "n":
      return { do: "next" };
    case "l":
      return { do: "list" };
    case "s":
      return { do: "solution" };
    case "r":
      return { do: "reset" };
    case "o":
      return { do: "output" };
    default:
      return undefined;
  }
}

const STEP_VIEW_KEYS = [
  ["h", "hint"],
  ["n", "next kata"],
  ["l", "list"],
  ["s", "solution"],
  ["r", "reset"],
  ["o", "output"],
  ["q", "quit"],
] as const;

/** The keys that work now, in as many words as `columns` allows (never cut mid-legend). */
export function legend(panel: Panel | undefined, columns: number): string {
  const panelKeys: Record<Panel["kind"], string[][]> = {
    hint: [
      ["h", "next hint"],
      ["Esc", "back"],
      ["q", "quit"],
    ],
    list: [
      ["↑↓", "choose"],
      ["Enter", "open"],
      ["1-9", "open"],
      ["Esc", "back"],
      ["q", "quit"],
    ],
    solution: [
      ["↑↓ PgUp PgDn", "scroll"],
      ["Esc", "back"],
      ["q", "quit"],
    ],
    output: [
      ["↑↓ PgUp PgDn", "scroll"],
      ["Esc", "back"],
      ["q", "quit"],
    ],
  };
  const keys = panel ? panelKeys[panel.kind] : STEP_VIEW_KEYS.map(([k, v]) => [k, v]);
  const long = keys.map(([k, v]) => `${k} ${v}`).join(" · ");
  if (long.length <= columns) return long;
  const short = keys.map(([k, v]) => `${k} ${v?.split(" ")[0]}`).join(" · ");
  if (short.length <= columns) return short;
  return keys.map(([k]) => k).join(" ");
}
