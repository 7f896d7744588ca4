/**
 * Watch mode's screen at the sizes learners have: 80×24 keeps the header, the failing test's
 * name and its message, and cuts the diff's tail (saying so); a taller terminal gives the diff the
 * rows it has; every line fits the width; the keys' legend never loses `q`.
 */
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import type { Kata } from "../lib/catalogue.ts";
import type { CheckedRun } from "../lib/kata-checker.ts";
import type { KataResult, StepInfo, TestInfo } from "../lib/results.ts";
import { legend } from "./watch-keys.ts";
import { initialState, type WatchState, type WorkbookSnapshot } from "./watch-state.ts";
import { renderWatchScreen } from "./watch-view.ts";

const KATA: Kata = {
  slug: "circuit-breaker",
  title: "Circuit breaker with an unusually long title that wraps",
  summary: "a summary",
  difficulty: 3,
  minutes: 60,
  seeds: ["003"],
  tags: [],
  library: null,
  steps: [],
  track: "reliability",
  position: 2,
};

const passing = (name: string): TestInfo => ({ name, state: "passed", failures: [] });
const DIFF = [
  "- Expected",
  "+ Received",
  "",
  "  {",
  ...Array.from({ length: 30 }, (_, i) => `-   "field${i}": "expected ${i}",`),
  "  }",
].join("\n");

function run(
  overrides: Partial<KataResult> = {},
  typeErrors: CheckedRun["typeErrors"] = [],
): CheckedRun {
  const steps: StepInfo[] = Array.from({ length: 8 }, (_, i) => ({
    number: i + 1,
    title: `the step number ${i + 1}, with a title of some length`,
    tests: Array.from({ length: 6 }, (_, j) =>
      passing(`does thing ${j + 1} of step ${i + 1} as the README says`),
    ),
  }));
  const failingStep = steps[3] as StepInfo;
  failingStep.tests[2] = {
    name: "runs the trial in HALF_OPEN, announced before the function is called",
    state: "failed",
    failures: [
      {
        message:
          "expected { state: 'CLOSED', …(30) } to deeply equal { state: 'HALF_OPEN', …(30) }",
        diff: DIFF,
        location: "katas/circuit-breaker/circuit-breaker.spec.ts:338:33",
      },
    ],
    output: ["fire called", "state is CLOSED", "third line", "fourth line"],
  };
  for (const step of steps.slice(4)) for (const test of step.tests) test.state = "failed";
  const result: KataResult = {
    slug: KATA.slug,
    steps,
    passed: 0,
    total: 48,
    loadErrors: [],
    unhandled: [
      {
        kind: "Unhandled Rejection",
        message: "503 Service Unavailable",
        count: 24,
        test: "does thing 1",
      },
    ],
    ...overrides,
  };
  result.passed = steps.flatMap((s) => s.tests).filter((t) => t.state === "passed").length;
  return { result, typeErrors, solved: false };
}

const WORKBOOK: WorkbookSnapshot = {
  catalogue: [KATA],
  status: () => "started",
  tests: () => ({ passed: 20, total: 48 }),
};

function screen(state: WatchState, rows: number, columns: number): string[] {
  return stripVTControlCharacters(
    renderWatchScreen(state, WORKBOOK, { rows, columns, now: 0 }),
  ).split("\n");
}

describe("the step view at 80×24", () => {
  const lines = screen({ ...initialState(KATA), last: run(), lastDurationMs: 230 }, 24, 80);

  it("fits: no more rows than the terminal has, no line wider than it", () => {
    expect(lines.length, lines.join("\n")).toBeLessThanOrEqual(24);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it("keeps the header, the failing test's name and its message, and says where the diff was cut", () => {
    const text = lines.join("\n");
    expect(lines[0]).toMatch(/^Circuit breaker/);
    expect(lines[0], "the header does not wrap").toContain("katas solved");
    expect(text).toContain(
      "✗ runs the trial in HALF_OPEN, announced before the function is called",
    );
    expect(text).toContain("expected { state: 'CLOSED', …(30) } to deeply equal");
    expect(text).toMatch(/… \d+ more diff lines/);
    expect(text).toContain("h hint");
    expect(text).toContain("q quit");
  });
});

describe("the step view at 120×40 with type errors", () => {
  const typeErrors = [
    {
      location: "katas/circuit-breaker/circuit-breaker.ts:3:9",
      message: "Type 'number' is not assignable to type 'string'.",
    },
    { location: "katas/circuit-breaker/circuit-breaker.ts:9:1", message: "Cannot find name 'x'." },
  ];
  const lines = screen(
    { ...initialState(KATA), last: run({}, typeErrors), lastDurationMs: 230 },
    40,
    120,
  );

  it("gives the diff the rows the terminal has, and still fits", () => {
    expect(lines.length).toBeLessThanOrEqual(40);
    const diffLines = lines.filter((line) => line.includes('"field')).length;
    expect(diffLines, lines.join("\n")).toBeGreaterThanOrEqual(10);
    expect(lines.join("\n")).toContain("TypeScript errors (2):");
    expect(lines.length, "no rows left empty while the diff is cut").toBeGreaterThanOrEqual(36);
  });
});

describe("the keys' legend", () => {
  it("fits 80 columns and 60, and always names q", () => {
    for (const columns of [80, 60, 40]) {
      for (const panel of [undefined, { kind: "list" as const, cursor: 0 }]) {
        const text = legend(panel, columns);
        expect(text.length, text).toBeLessThanOrEqual(columns);
        expect(text).toContain("q");
      }
    }
  });
});

describe("a run in progress", () => {
  it("says so, with the test it is in, over the last result", () => {
    const state: WatchState = {
      ...initialState(KATA),
      last: run(),
      lastDurationMs: 230,
      running: { startedAt: 0, done: 12, test: "step 2 — … › opens on the threshold" },
    };
    const text = stripVTControlCharacters(
      renderWatchScreen(state, WORKBOOK, { rows: 24, columns: 80, now: 3_200 }),
    );
    expect(text).toContain("⟳ running… 12 tests done · step 2 — … › opens on the threshold (3 s)");
    expect(text).toContain("Circuit breaker");
  });
});

describe("the kata list", () => {
  it("has a legend for its marks and shows which kata is chosen", () => {
    const text = stripVTControlCharacters(
      renderWatchScreen({ ...initialState(KATA), panel: { kind: "list", cursor: 0 } }, WORKBOOK, {
        rows: 24,
        columns: 80,
        now: 0,
      }),
    );
    expect(text).toContain("✔ solved  ◐ in progress  ✎ edited, not run  · not started  ▶ open now");
    expect(text).toMatch(/›▶◐ {2}2 {2}circuit-breaker/);
    expect(text).toContain("Enter open");
  });
});
