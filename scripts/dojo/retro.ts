/**
 * The retro: a markdown file written when the dojo ends, for the team's discussion and to compare
 * dojos later. `renderRetro` is pure; `writeRetro` picks a file name that never overwrites one.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatElapsed } from "./big-digits.ts";
import type { DojoRecord, StepProgress, TurnRecord } from "./dojo-state.ts";

export function renderRetro(record: DojoRecord): string {
  const lines: string[] = [];
  const { kata } = record;
  lines.push(`# Dojo retro — ${kata.title}`, "");
  lines.push(`- **Kata:** \`${kata.slug}\` (${plural(kata.steps.length, "step")})`);
  if (record.startedAt !== null) {
    const start = new Date(record.startedAt);
    const end = new Date(record.endedAt ?? record.startedAt);
    const total = (record.endedAt ?? record.startedAt) - record.startedAt;
    lines.push(
      `- **When:** ${localDate(start)}, ${localTime(start)}–${localTime(end)} (total ${formatElapsed(total)})`,
    );
  }
  lines.push(
    `- **Team:** ${record.team.join(", ")}${record.team.length === 1 ? " (solo)" : ""} · ${record.turnMinutes}-minute turns`,
  );
  lines.push(`- **Outcome:** ${outcome(record)}`);
  lines.push(`- **Hints:** ${hintSummary(record)}`);
  if (record.pausedMs > 0) lines.push(`- **Paused:** ${formatElapsed(record.pausedMs)} in total`);
  if (record.referenceShownAtMs !== null) {
    lines.push(`- **Reference shown:** at ${formatElapsed(record.referenceShownAtMs)}`);
  }
  lines.push("");

  lines.push("## Turns", "");
  if (record.turns.length === 0) lines.push("No turn was played.");
  else {
    lines.push("| Turn | Driver | Navigator | Time | Tests passing at the end |");
    lines.push("| ---: | --- | --- | ---: | ---: |");
    for (const turn of record.turns) lines.push(turnRow(turn));
  }
  lines.push("");

  lines.push("## Time to green per step", "");
  lines.push("| Step | Green after | In turn | Took |");
  lines.push("| --- | ---: | ---: | ---: |");
  let previousGreenMs = 0;
  for (const step of record.steps) {
    lines.push(stepRow(step, previousGreenMs));
    if (step.greenAtMs !== null) previousGreenMs = Math.max(previousGreenMs, step.greenAtMs);
  }
  lines.push("");

  if (record.hints.length > 0) {
    lines.push("## Hints used", "");
    for (const hint of record.hints) {
      lines.push(
        `- Tier ${hint.tier} (${hint.title}) ${whenShown(hint)}, at ${formatElapsed(hint.atMs)}`,
      );
    }
    lines.push("");
  }

  if (record.skips.length > 0) {
    lines.push("## Stepped out", "");
    for (const skip of record.skips) {
      const when =
        skip.turn === 0
          ? "before the first turn"
          : skip.between
            ? `after turn ${skip.turn}`
            : `during turn ${skip.turn}`;
      lines.push(`- ${skip.name} stepped out and was skipped ${when}`);
    }
    lines.push("");
  }

  lines.push("## For the discussion", "");
  discussionPrompts(record).forEach((prompt, index) => {
    lines.push(`${index + 1}. ${prompt}`);
  });
  lines.push("");
  return lines.join("\n");
}

/**
 * Writes the retro as `<dir>/<date>-<slug>.md` (the local date the dojo started); a second dojo on
 * the same kata that day gets `-2`, then `-3`…: an earlier retro is never overwritten.
 */
export function writeRetro(record: DojoRecord, dir: string, now: Date = new Date()): string {
  mkdirSync(dir, { recursive: true });
  const date = localDate(record.startedAt === null ? now : new Date(record.startedAt));
  const text = renderRetro(record);
  for (let n = 1; n < 1000; n += 1) {
    const file = join(dir, `${date}-${record.kata.slug}${n === 1 ? "" : `-${n}`}.md`);
    try {
      writeFileSync(file, text, { flag: "wx" }); // "wx" fails if the file exists, even in a race
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  throw new Error(`too many retros for ${record.kata.slug} on ${date} in ${dir}`);
}

function outcome(record: DojoRecord): string {
  if (record.green) {
    return record.green.turns === 0
      ? "already green before the first turn"
      : `green after ${formatElapsed(record.green.afterMs)}, in ${plural(record.green.turns, "turn")}`;
  }
  const final = record.final;
  if (!final.hasRun) return "not green (the spec never finished a run)";
  const where = final.loadError
    ? "the spec could not load the file"
    : final.step
      ? `on step ${final.step.number} — ${final.step.title}`
      : final.typeErrors > 0
        ? `tests pass but ${plural(final.typeErrors, "type error")} remain`
        : "";
  return `not green yet: ${final.passed}/${final.total} tests passing at the end${where ? `, ${where}` : ""}`;
}

/** "before the first turn", "in turn 2", "between turns 2 and 3" (on the hand-over screen). */
function whenShown(hint: DojoRecord["hints"][number]): string {
  if (hint.turn === 0) return "before the first turn";
  if (hint.between) return `between turns ${hint.turn} and ${hint.turn + 1}`;
  return `in turn ${hint.turn}`;
}

function hintSummary(record: DojoRecord): string {
  if (record.hintTiers === 0) return "this kata has no hints";
  if (record.hints.length === 0) return `none (of ${record.hintTiers} tiers)`;
  return `${record.hints.length} of ${record.hintTiers} tiers`;
}

function turnRow(turn: TurnRecord): string {
  const ended =
    turn.endedBy === "rotate" ? " (rotated early)" : turn.endedBy === "end" ? " (dojo ended)" : "";
  const tests =
    turn.passedAtEnd === null ? "—" : `${turn.passedAtEnd}/${turn.totalAtEnd ?? turn.passedAtEnd}`;
  return `| ${turn.number} | ${cell(turn.driver)} | ${turn.navigator === null ? "—" : cell(turn.navigator)} | ${formatElapsed(turn.activeMs)}${ended} | ${tests} |`;
}

function stepRow(step: StepProgress, previousGreenMs: number): string {
  const name = `${step.number} — ${cell(step.title)}`;
  if (step.greenAtMs === null || step.turn === null) return `| ${name} | not green | | |`;
  if (step.turn === 0) return `| ${name} | already green | | |`;
  const took = Math.max(0, step.greenAtMs - previousGreenMs);
  return `| ${name} | ${formatElapsed(step.greenAtMs)} | ${step.turn} | ${formatElapsed(took)} |`;
}

/** Three questions, pointed at what happened in this dojo rather than generic ones. */
export function discussionPrompts(record: DojoRecord): string[] {
  const prompts: string[] = [];
  const slowest = slowestStep(record.steps);
  if (slowest) {
    prompts.push(
      `Step ${slowest.step.number} (${slowest.step.title}) took longest: ${formatElapsed(slowest.tookMs)}. What made it slow, and what smaller test or first move would have helped?`,
    );
  } else {
    prompts.push(
      "No step went green. Where did the team get stuck, and what would a smaller first step have looked like?",
    );
  }
  if (record.hints.length > 0) {
    const highest = Math.max(...record.hints.map((hint) => hint.tier));
    prompts.push(
      `The team asked for ${plural(record.hints.length, "hint")} (up to tier ${highest}). What did the hint give that the navigators could not, and would asking earlier or later have been better?`,
    );
  } else {
    const why = record.hintTiers === 0 ? "This kata has no hints" : "No hints were used";
    prompts.push(
      `${why}. How did the navigators decide what to try next, and did everyone get a say?`,
    );
  }
  if (record.team.length === 1) {
    prompts.push(
      `Solo, in ${record.turnMinutes}-minute turns: did the turn ends help you step back, and what would you ask a navigator if you had one?`,
    );
  } else if (record.turns.length <= 1) {
    prompts.push(
      `The dojo ended during its first turn. What would help the team settle into ${record.turnMinutes}-minute turns and frequent handovers next time?`,
    );
  } else {
    prompts.push(
      `With ${record.turnMinutes}-minute turns the keyboard changed hands ${plural(Math.max(0, record.turns.length - 1), "time")}. Which handover went smoothest, what did the new driver need to hear, and should turns be shorter or longer next time?`,
    );
  }
  return prompts;
}

function slowestStep(steps: StepProgress[]): { step: StepProgress; tookMs: number } | undefined {
  let previous = 0;
  let slowest: { step: StepProgress; tookMs: number } | undefined;
  for (const step of steps) {
    if (step.greenAtMs === null || step.turn === null || step.turn === 0) continue;
    const tookMs = Math.max(0, step.greenAtMs - previous);
    previous = Math.max(previous, step.greenAtMs);
    if (!slowest || tookMs > slowest.tookMs) slowest = { step, tookMs };
  }
  return slowest;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** Table cells cannot contain a raw pipe or a line break. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

const pad2 = (n: number) => String(n).padStart(2, "0");
const localDate = (date: Date) =>
  `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
const localTime = (date: Date) => `${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
