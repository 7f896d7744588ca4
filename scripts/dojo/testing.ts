/** Builders shared by the dojo's tests: spec runs and dojos, without vitest or a kata on disk. */

import type { Hint } from "../lib/hints.ts";
import type { CheckedRun } from "../lib/kata-checker.ts";
import type { KataResult, StepInfo } from "../lib/results.ts";
import { type Clock, systemClock } from "./clock.ts";
import { Dojo, type DojoConfig } from "./dojo-state.ts";

export const KATA = {
  slug: "retry-backoff",
  title: "Retry with exponential backoff",
  steps: ["the first call", "retries and the last error", "backoff delays"],
};

export const HINTS: Hint[] = [
  { tier: 1, title: "nudge", body: "What should happen after the first failure?" },
  { tier: 2, title: "approach", body: "Loop over attempts; sleep between them." },
  { tier: 3, title: "near-solution", body: "for (let attempt = 1; ; attempt++) { … }" },
];

/**
 * A run where step N has `passing[N-1]` of `testsPerStep` tests passing. Solved when every test
 * passes and there are no type errors.
 */
export function specRun(
  passing: number[],
  options: { testsPerStep?: number; typeErrors?: number; loadError?: string } = {},
): CheckedRun {
  const perStep = options.testsPerStep ?? 3;
  const steps: StepInfo[] = passing.map((passed, index) => ({
    number: index + 1,
    title: KATA.steps[index] ?? `step ${index + 1}`,
    tests: Array.from({ length: perStep }, (_, test) =>
      test < passed
        ? { name: `test ${index + 1}.${test + 1}`, state: "passed" as const, failures: [] }
        : {
            name: `test ${index + 1}.${test + 1}`,
            state: "failed" as const,
            failures: [{ message: `expected ${test + 1} attempts\nsecond line` }],
          },
    ),
  }));
  const result: KataResult = {
    slug: KATA.slug,
    steps: options.loadError ? [] : steps,
    passed: options.loadError ? 0 : passing.reduce((sum, n) => sum + n, 0),
    total: options.loadError ? 0 : passing.length * perStep,
    loadErrors: options.loadError ? [{ message: options.loadError }] : [],
    unhandled: [],
  };
  const typeErrors = Array.from({ length: options.typeErrors ?? 0 }, (_, i) => ({
    location: `katas/retry-backoff/retry-backoff.ts:${i + 1}:1`,
    message: "Type 'string' is not assignable to type 'number'.",
  }));
  const green =
    result.loadErrors.length === 0 && result.total > 0 && result.passed === result.total;
  return { result, typeErrors, solved: green && typeErrors.length === 0 };
}

export function makeDojo(overrides: Partial<DojoConfig> = {}, clock: Clock = systemClock): Dojo {
  return new Dojo({
    kata: KATA,
    team: ["Ana", "Bo", "Cy"],
    turnMinutes: 5,
    breaksEvery: 6,
    hints: HINTS,
    clock,
    ...overrides,
  });
}
