import { stripVTControlCharacters } from "node:util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { bigText } from "./big-digits.ts";
import type { Dojo } from "./dojo-state.ts";
import { fitWidth, renderTerminal, visibleLength } from "./terminal-view.ts";
import { makeDojo, specRun } from "./testing.ts";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-11-22T10:00:00"));
});
afterEach(() => {
  vi.useRealTimers();
});

const SIZE = { width: 120, height: 40 };

function screen(dojo: Dojo, options: Partial<Parameters<typeof renderTerminal>[1]> = {}) {
  const text = stripVTControlCharacters(renderTerminal(dojo.snapshot(), { ...SIZE, ...options }));
  return { text, lines: text.split("\n") };
}

describe("the terminal view", () => {
  it("shows the kata, the step, a big countdown and who drives, navigates and is next", () => {
    const dojo = makeDojo();
    dojo.confirm();
    dojo.recordRun(specRun([3, 1, 0]));
    vi.advanceTimersByTime(61_000);
    const { text, lines } = screen(dojo);
    expect(lines[0]).toMatch(
      /^ DOJO {2}Retry with exponential backoff \(retry-backoff\) +turn 1 · 1:01 elapsed$/,
    );
    expect(lines[1]).toBe("Step 2 of 3 — retries and the last error (1/3)");
    for (const digits of bigText("3:59", 2)) expect(text).toContain(digits);
    expect(text).toMatch(/ DRIVER {2}Ana {4} NAVIGATOR {2}Bo {4} NEXT {2}Cy/);
    expect(text).toContain("● 4/9 tests passing");
    expect(text).toContain("✗ test 2.2\n  expected 2 attempts …");
    expect(text).toMatch(/Green per turn \S+ {2}T1 4·now/);
    expect(lines.at(-1)).toMatch(/^Enter start turn · space pause · n rotate now · s skip next/);
  });

  it("fills the screen exactly and never wider than the terminal", () => {
    const dojo = makeDojo({ team: ["Anastasia-Konstantinopolous", "Bartholomew", "Cy"] });
    dojo.confirm();
    dojo.recordRun(specRun([0, 0, 0]));
    dojo.showNextHint();
    for (const size of [SIZE, { width: 60, height: 24 }]) {
      const { lines } = screen(dojo, size);
      expect(lines).toHaveLength(size.height);
      for (const line of lines) expect(visibleLength(line)).toBeLessThanOrEqual(size.width);
    }
  });

  it("asks for Enter before the first turn", () => {
    const { text } = screen(makeDojo());
    expect(text).toContain("Ana drives, Bo navigates.");
    expect(text).toContain("Press Enter to start turn 1 (5 min)");
    expect(text).toContain("Running the spec for the first time…");
  });

  it("shows the rotation clearly when a turn ends, with a break when one is due", () => {
    const dojo = makeDojo({ breaksEvery: 1 });
    dojo.confirm();
    dojo.rotateNow();
    const { text } = screen(dojo);
    expect(text).toContain("TURN 1 IS OVER — ROTATE");
    expect(text).toMatch(/^ +Bo {2}⇒ {2}takes the keyboard, drives \(was navigating\)$/m);
    expect(text).toContain("Cy  ⇒  navigates");
    expect(text).toContain("1 turn done: time for a short break.");
    expect(text).toContain("Press Enter to start turn 2 (5 min)");
  });

  it("runs solo: no navigator anywhere", () => {
    const dojo = makeDojo({ team: ["Ana"] });
    expect(screen(dojo).text).toContain("Ana drives (solo: no navigator).");
    dojo.confirm();
    expect(screen(dojo).text).toContain("solo — no navigator");
    dojo.rotateNow();
    expect(screen(dojo).text).toContain("Ana keeps driving (solo).");
  });

  it("says when the countdown is paused, and who stepped out", () => {
    const dojo = makeDojo({ team: ["Ana", "Bo", "Cy", "Dee"] });
    dojo.confirm();
    dojo.skipNext();
    dojo.togglePause();
    const { text } = screen(dojo);
    expect(text).toContain("PAUSED · space resumes");
    expect(text).toContain("NEXT  Dee");
    expect(text).toContain("sitting out next turn: Cy");
  });

  it("shows a hint to everyone, and the reference diff in colour-free text", () => {
    const dojo = makeDojo();
    dojo.confirm();
    dojo.showNextHint();
    expect(screen(dojo).text).toContain(
      "Hint 1 of 3 — nudge\n  What should happen after the first failure?",
    );
    dojo.showReference("--- yours\n+++ reference\n@@ -1 +1 @@\n-throw\n+return 1");
    expect(screen(dojo).text).toContain("Your file → the reference\n--- yours\n+++ reference");
  });

  it("shows a long panel in a window that scrolls, saying where it is", () => {
    const dojo = makeDojo();
    dojo.showReference(Array.from({ length: 100 }, (_, i) => `+line ${i}`).join("\n"));
    const first = screen(dojo).lines;
    expect(first).toHaveLength(SIZE.height);
    const position = (lines: string[]) => lines.find((line) => /^lines \d+–\d+ of 101/.test(line));
    expect(position(first)).toMatch(
      /^lines 1–\d+ of 101 · \d+ more · ↑↓ PgUp PgDn scroll · Esc closes$/,
    );
    dojo.scrollPanel(10);
    const scrolled = screen(dojo).lines;
    expect(scrolled.some((line) => line.startsWith("+line 10"))).toBe(true);
    expect(scrolled.some((line) => line === "+line 0")).toBe(false);
    dojo.scrollPanel(1000);
    expect(
      screen(dojo).lines.some((line) => line === "+line 99"),
      "the end is reachable",
    ).toBe(true);
  });

  it("keeps every key in the legend at 80 columns, q included", () => {
    const dojo = makeDojo();
    const lines = screen(dojo, { width: 80 }).lines;
    const legend = lines.at(-1) ?? "";
    expect(legend.length).toBeLessThanOrEqual(80);
    expect(legend).toMatch(/q end$/);
    expect(legend).toContain("h hint");
  });

  it("names who sits the coming turn out once, beside NEXT, on the hand-over screen", () => {
    const dojo = makeDojo();
    dojo.confirm();
    dojo.skipNext(); // Cy, who would navigate next, sits turn 2 out
    dojo.rotateNow();
    const { text } = screen(dojo);
    expect(text).toContain("NEXT  Cy (sits this turn out, then navigates)");
    expect(text).not.toContain("sitting out this turn: Cy");
  });

  it("celebrates green with the time and turns it took", () => {
    const dojo = makeDojo();
    dojo.confirm();
    vi.advanceTimersByTime(4 * 60_000 + 10_000);
    dojo.recordRun(specRun([3, 3, 3]));
    const { text, lines } = screen(dojo);
    expect(lines[1]).toBe("All 3 steps green");
    expect(text).toContain("✔ 9/9 tests passing");
    expect(text).toContain("✔ GREEN in 4:10 and 1 turn. r: the reference, for discussion");
  });

  it("puts a y/N question, then a notice, then the page address in the footer", () => {
    const dojo = makeDojo();
    const url = "http://127.0.0.1:4321/";
    expect(screen(dojo, { pageUrl: url }).lines.at(-2)).toBe(`Projector page: ${url}`);
    dojo.say("Turns last 6 min now.");
    expect(screen(dojo, { pageUrl: url }).lines.at(-2)).toBe("Turns last 6 min now.");
    expect(screen(dojo, { prompt: "End the dojo? [y/N]" }).lines.at(-2)).toBe(
      "End the dojo? [y/N]",
    );
  });

  it("reports a file that does not load", () => {
    const dojo = makeDojo();
    dojo.recordRun(specRun([0], { loadError: "SyntaxError: Unexpected token" }));
    const { text } = screen(dojo);
    expect(text).toContain("The spec cannot run: the file does not load.");
    expect(text).toContain("✗ the spec could not run\n  SyntaxError: Unexpected token");
  });
});

describe("fitWidth", () => {
  it("cuts by visible characters, keeping colour codes", () => {
    const line = "\x1b[32mgreen\x1b[39m and plain";
    expect(fitWidth(line, 100)).toBe(line);
    const cut = fitWidth(line, 8);
    expect(stripVTControlCharacters(cut)).toBe("green a…");
    expect(visibleLength(cut)).toBe(8);
  });
});
