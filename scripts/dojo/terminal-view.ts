/**
 * The full-screen terminal view, a pure function of the dojo's snapshot: big countdown, who drives
 * and navigates, the live test status and a panel (rotation, green, hint, reference). Every line
 * fits the terminal's width; the app only writes the string.
 */
import pc from "../lib/colors.ts";
import { colorDiffLine } from "../lib/solution.ts";
import { bigText, formatCountdown, formatElapsed, GLYPH_HEIGHT } from "./big-digits.ts";
import type { DojoSnapshot, Panel } from "./dojo-state.ts";
import { keyLegend } from "./keys.ts";

export interface TerminalViewOptions {
  width: number;
  height: number;
  /** A y/N question from the key controller; shown instead of the notice. */
  prompt?: string;
  /** The projector page's address, when it is served. */
  pageUrl?: string | undefined;
}

export function renderTerminal(snapshot: DojoSnapshot, options: TerminalViewOptions): string {
  const width = Math.max(40, options.width);
  const height = Math.max(20, options.height);
  const top: string[] = [];
  top.push(header(snapshot, width));
  top.push(stepLine(snapshot));
  top.push("");
  top.push(...centreBlock(snapshot, width));
  top.push("");
  top.push(rolesLine(snapshot));
  top.push("");
  top.push(...statusLines(snapshot, width));
  top.push(timelineLine(snapshot));

  const footer = [
    footerMessage(snapshot, options),
    pc.dim(keyLegend(width, snapshot.panel !== null)),
  ];
  const room = height - top.length - footer.length - 1;
  const panel = panelLines(snapshot, width, Math.max(0, room));
  const lines = [...top, "", ...panel];
  while (lines.length < height - footer.length) lines.push("");
  return [...lines.slice(0, height - footer.length), ...footer]
    .map((line) => fitWidth(line, width))
    .join("\n");
}

function header(snapshot: DojoSnapshot, width: number): string {
  const left = `${pc.inverse(pc.bold(" DOJO "))} ${pc.bold(snapshot.kata.title)} ${pc.dim(`(${snapshot.kata.slug})`)}`;
  const turn =
    snapshot.phase === "ready"
      ? "before turn 1"
      : snapshot.phase === "ended"
        ? `${snapshot.turn} turns`
        : `turn ${snapshot.turn}`;
  const right = `${turn} · ${formatElapsed(snapshot.elapsedMs)} elapsed`;
  return spread(left, pc.dim(right), width);
}

function stepLine(snapshot: DojoSnapshot): string {
  const { status, kata } = snapshot;
  if (!status.hasRun) return pc.dim("Running the spec for the first time…");
  if (status.loadError) return pc.red("The spec cannot run: the file does not load.");
  if (status.step) {
    return `Step ${status.step.number} of ${kata.stepCount} — ${pc.bold(status.step.title)} ${pc.dim(`(${status.step.passed}/${status.step.total})`)}`;
  }
  return pc.green(`All ${kata.stepCount} steps green`);
}

/** The big countdown during a turn; the rotation in its place between turns. */
function centreBlock(snapshot: DojoSnapshot, width: number): string[] {
  if (snapshot.phase === "handover" && snapshot.handover) {
    return handoverBlock(snapshot).map((line) => centre(line, width));
  }
  if (snapshot.phase === "ready") return readyBlock(snapshot).map((line) => centre(line, width));
  const text = formatCountdown(snapshot.remainingMs);
  const digits = bigText(text, width >= 80 ? 2 : 1);
  const colour =
    snapshot.phase === "paused" || snapshot.phase === "ended"
      ? pc.dim
      : snapshot.remainingMs <= 30_000
        ? pc.red
        : snapshot.remainingMs <= 60_000
          ? pc.yellow
          : pc.green;
  const label =
    snapshot.phase === "paused"
      ? pc.yellow(pc.bold("PAUSED · space resumes"))
      : snapshot.phase === "ended"
        ? pc.dim("dojo ended")
        : pc.dim(`${minutes(snapshot.turnLengthMs)} turn`);
  return [...digits.map((line) => centre(colour(line), width)), centre(label, width)];
}

function readyBlock(snapshot: DojoSnapshot): string[] {
  const lines = [
    pc.bold("Ready when you are."),
    "",
    `${pc.green(pc.bold(snapshot.driver))} drives${snapshot.navigator ? `, ${pc.cyan(pc.bold(snapshot.navigator))} navigates` : " (solo: no navigator)"}.`,
    "",
    pc.inverse(pc.bold(` Press Enter to start turn 1 (${minutes(snapshot.turnLengthMs)}) `)),
  ];
  return padBlock(lines);
}

function handoverBlock(snapshot: DojoSnapshot): string[] {
  const handover = snapshot.handover;
  if (!handover) return padBlock([]);
  const { from, to } = handover;
  const lines: string[] = [pc.yellow(pc.bold(`TURN ${snapshot.turn} IS OVER — ROTATE`)), ""];
  if (to.navigator === null) {
    lines.push(`${pc.green(pc.bold(to.driver))} keeps driving (solo). Stretch, then carry on.`);
  } else {
    const wasNavigating = from.navigator === to.driver ? pc.dim(" (was navigating)") : "";
    lines.push(`${pc.green(pc.bold(to.driver))}  ⇒  takes the keyboard, drives${wasNavigating}`);
    lines.push(`${pc.cyan(pc.bold(to.navigator))}  ⇒  navigates`);
  }
  if (snapshot.breakSuggested) {
    lines.push(
      pc.magenta(
        pc.bold(`${plural(snapshot.turnsCompleted, "turn")} done: time for a short break.`),
      ),
    );
  }
  lines.push(
    pc.inverse(
      pc.bold(
        ` Press Enter to start turn ${snapshot.turn + 1} (${minutes(snapshot.turnLengthMs)}) `,
      ),
    ),
  );
  return padBlock(lines);
}

/** Keeps the layout from jumping: the centre block is always as tall as the big digits + label. */
function padBlock(lines: string[]): string[] {
  const block = lines.slice(0, GLYPH_HEIGHT + 1);
  while (block.length < GLYPH_HEIGHT + 1) block.push("");
  return block;
}

function rolesLine(snapshot: DojoSnapshot): string {
  const between = snapshot.phase === "ready" || snapshot.phase === "handover";
  const parts = [
    `${pc.inverse(" DRIVER ")} ${pc.green(pc.bold(snapshot.driver))}`,
    snapshot.navigator
      ? `${pc.inverse(" NAVIGATOR ")} ${pc.cyan(pc.bold(snapshot.navigator))}`
      : pc.dim("solo — no navigator"),
  ];
  // Someone who sits the coming turn out keeps their place: they are often the "next" after it.
  const sittingOut = snapshot.skipped.filter((name) => name !== snapshot.upNext);
  if (snapshot.upNext) {
    const back = snapshot.skipped.includes(snapshot.upNext)
      ? pc.dim(between ? " (sits this turn out, then navigates)" : " (sits the next turn out)")
      : "";
    parts.push(`${pc.inverse(" NEXT ")} ${pc.bold(snapshot.upNext)}${back}`);
  }
  if (sittingOut.length > 0) {
    const when = between ? "sitting out this turn" : "sitting out next turn";
    parts.push(pc.dim(`${when}: ${sittingOut.join(", ")}`));
  }
  return `${between ? pc.dim("up: ") : ""}${parts.join("    ")}`;
}

function statusLines(snapshot: DojoSnapshot, width: number): string[] {
  const { status } = snapshot;
  const running = status.running ? pc.dim("  ⟳ running…") : "";
  if (!status.hasRun) return [`${pc.dim("○ tests: waiting for the first run")}${running}`, "", ""];
  if (status.loadError) {
    return [
      `${pc.red("✗ the spec could not run")}${running}`,
      `  ${pc.red(status.loadError)}`,
      status.firstTypeError ? `  ${pc.dim(status.firstTypeError)}` : "",
    ];
  }
  const bar = progressBar(status.passed, status.total, Math.min(30, Math.floor(width / 5)));
  const count = `${status.passed}/${status.total} tests passing`;
  if (status.solved) return [`${pc.green(`✔ ${count}`)} ${bar}${running}`, "", ""];
  const first = `${status.passed === status.total && status.total > 0 ? pc.yellow(`● ${count}`) : `● ${pc.bold(count)}`} ${bar}${running}`;
  if (!status.failure) {
    const typeNote =
      status.typeErrors > 0
        ? pc.yellow(
            `  tests pass, but ${status.typeErrors} type error(s): ${status.firstTypeError ?? ""}`,
          )
        : "";
    return [first, typeNote, ""];
  }
  const message = status.failure.message.split("\n").filter((line) => line.trim() !== "");
  return [
    first,
    `${pc.red("✗")} ${status.failure.test}`,
    `  ${pc.red(message[0] ?? "")}${message.length > 1 ? pc.dim(" …") : ""}`,
  ];
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

const SPARKS = "▁▂▃▄▅▆▇█";

/** Green tests at the end of each turn, as a sparkline and numbers (the live turn marked). */
function timelineLine(snapshot: DojoSnapshot): string {
  if (snapshot.timeline.length === 0) return pc.dim("Green per turn: no turn yet");
  const total = Math.max(1, ...snapshot.timeline.map((entry) => entry.total ?? 0));
  const recent = snapshot.timeline.slice(-12);
  const spark = recent
    .map((entry) => {
      const level = Math.round(((entry.passed ?? 0) / total) * (SPARKS.length - 1));
      const char = SPARKS[level] ?? SPARKS[0];
      return entry.live ? pc.cyan(char ?? "") : pc.green(char ?? "");
    })
    .join("");
  const numbers = recent
    .map((entry) => `T${entry.turn} ${entry.passed ?? "–"}${entry.live ? "·now" : ""}`)
    .join("  ");
  return `${pc.dim("Green per turn")} ${spark}  ${pc.dim(numbers)}`;
}

function panelLines(snapshot: DojoSnapshot, width: number, room: number): string[] {
  const lines: string[] = [];
  if (snapshot.green) {
    lines.push(
      pc.green(
        pc.bold(
          `✔ GREEN in ${formatElapsed(snapshot.green.afterMs)} and ${snapshot.green.turns} turn${snapshot.green.turns === 1 ? "" : "s"}.`,
        ),
      ) +
        pc.dim(
          " r: the reference, for discussion · q: end and write the retro · space: keep going",
        ),
    );
  }
  const head = lines.length;
  if (snapshot.panel) lines.push(...panelBody(snapshot.panel, width));
  if (lines.length <= room) return lines;
  // A long panel (the reference) scrolls: its offset says where the window starts.
  const offset = snapshot.panel?.kind === "reference" ? snapshot.panel.offset : 0;
  const body = lines.slice(head);
  const fits = Math.max(1, room - head - 1);
  const start = Math.min(offset, Math.max(0, body.length - fits));
  const shown = [...lines.slice(0, head), ...body.slice(start, start + fits)];
  const below = body.length - start - fits;
  shown.push(
    pc.dim(
      `lines ${start + 1}–${start + Math.min(fits, body.length - start)} of ${body.length}${below > 0 ? ` · ${below} more` : ""} · ↑↓ PgUp PgDn scroll · Esc closes`,
    ),
  );
  return shown;
}

function panelBody(panel: Panel, width: number): string[] {
  if (panel.kind === "hint") {
    const body = panel.body.split("\n").flatMap((line) => wrap(line, width - 2));
    return [
      pc.bold(pc.yellow(`Hint ${panel.tier} of ${panel.of} — ${panel.title}`)),
      ...body.map((line) => `  ${line}`),
    ];
  }
  return [
    pc.bold("Your file → the reference"),
    ...panel.diff
      .split("\n")
      .filter((line) => line !== "")
      .map(colorDiffLine),
  ];
}

/** A question waiting for y/N comes first, then a notice, else the page's address. */
function footerMessage(snapshot: DojoSnapshot, options: TerminalViewOptions): string {
  if (options.prompt) return pc.yellow(pc.bold(options.prompt));
  if (snapshot.notice) return pc.yellow(snapshot.notice);
  return options.pageUrl ? pc.dim(`Projector page: ${options.pageUrl}`) : "";
}

function progressBar(done: number, total: number, width: number): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `${pc.green("█".repeat(filled))}${pc.dim("░".repeat(width - filled))}`;
}

// ── layout helpers (ANSI-aware) ────────────────────────────────────────────────────────────────

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escape sequences is the point
const ANSI = /\x1b\[[0-9;]*m/y;

export function visibleLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; ) {
    ANSI.lastIndex = i;
    const sequence = ANSI.exec(text);
    if (sequence) {
      i += sequence[0].length;
      continue;
    }
    const code = text.codePointAt(i) ?? 0;
    i += code > 0xffff ? 2 : 1;
    length += 1;
  }
  return length;
}

/** Cuts a line to `width` visible characters, keeping colour codes and ending with "…" when cut. */
export function fitWidth(text: string, width: number): string {
  if (visibleLength(text) <= width) return text;
  let out = "";
  let length = 0;
  for (let i = 0; i < text.length; ) {
    ANSI.lastIndex = i;
    const sequence = ANSI.exec(text);
    if (sequence) {
      out += sequence[0];
      i += sequence[0].length;
      continue;
    }
    const code = text.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(code);
    i += char.length;
    if (length === width - 1) return `${out}…\x1b[0m`;
    out += char;
    length += 1;
  }
  return out;
}

function centre(text: string, width: number): string {
  if (text === "") return text;
  const padding = Math.max(0, Math.floor((width - visibleLength(text)) / 2));
  return " ".repeat(padding) + text;
}

function spread(left: string, right: string, width: number): string {
  const gap = width - visibleLength(left) - visibleLength(right);
  return gap >= 2 ? `${left}${" ".repeat(gap)}${right}` : `${left}  ${right}`;
}

function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
