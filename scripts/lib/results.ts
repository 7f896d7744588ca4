/**
 * What one run of a kata's spec produced, in the shape the views need: steps in spec order, each
 * with its tests and their failure messages. Built from vitest's reported tasks.
 */
import { relative } from "node:path";
import type { TestCase, TestModule, TestSuite } from "vitest/node";
import { ROOT } from "./paths.ts";

export interface FailureInfo {
  message: string;
  /** vitest's expected-vs-received diff, when the assertion produced one. */
  diff?: string;
  /** `file:line:column` of the failing line in a kata or solution file, when known. */
  location?: string;
}

export interface TestInfo {
  name: string;
  state: "passed" | "failed" | "skipped";
  failures: FailureInfo[];
}

export interface StepInfo {
  /** 1-based step number as the spec names it; 0 for tests outside any `step N — …` block. */
  number: number;
  title: string;
  tests: TestInfo[];
}

export interface KataResult {
  slug: string;
  steps: StepInfo[];
  passed: number;
  total: number;
  /** Errors that stopped the spec from running at all: a syntax error, a failed import, … */
  loadErrors: FailureInfo[];
}

export const STEP_TITLE = /^step (\d+) — (.+)$/;

export const isGreen = (result: KataResult) =>
  result.loadErrors.length === 0 && result.total > 0 && result.passed === result.total;

/** The first step with a failing test, or undefined when every step passes. */
export const firstFailingStep = (result: KataResult) =>
  result.steps.find((step) => step.tests.some((test) => test.state !== "passed"));

export function toKataResult(
  slug: string,
  modules: readonly TestModule[],
  unhandled: readonly unknown[] = [],
): KataResult {
  const steps: StepInfo[] = [];
  const loadErrors: FailureInfo[] = [];
  for (const module of modules) {
    loadErrors.push(...module.errors().map(toFailureInfo));
    for (const child of module.children) {
      if (child.type === "suite") steps.push(stepFromSuite(child));
      else stepFor(steps, 0, "tests outside the steps").tests.push(toTestInfo(child));
    }
  }
  loadErrors.push(...unhandled.map(toFailureInfo));
  steps.sort((a, b) => a.number - b.number);
  const tests = steps.flatMap((step) => step.tests);
  return {
    slug,
    steps,
    passed: tests.filter((test) => test.state === "passed").length,
    total: tests.length,
    loadErrors,
  };
}

function stepFromSuite(suite: TestSuite): StepInfo {
  const match = STEP_TITLE.exec(suite.name);
  const step: StepInfo = {
    number: match ? Number(match[1]) : 0,
    title: match?.[2] ?? suite.name,
    tests: [],
  };
  for (const test of suite.children.allTests()) {
    step.tests.push(toTestInfo(test, namePrefix(test, suite)));
  }
  return step;
}

function stepFor(steps: StepInfo[], number: number, title: string): StepInfo {
  let step = steps.find((s) => s.number === number && s.title === title);
  if (!step) {
    step = { number, title, tests: [] };
    steps.push(step);
  }
  return step;
}

/** Nested describe names between the step and the test, so "step 2 > on 503 > retries" reads whole. */
function namePrefix(test: TestCase, step: TestSuite): string {
  const parts: string[] = [];
  let parent = test.parent;
  while (parent.type === "suite" && parent !== step) {
    parts.unshift(parent.name);
    parent = parent.parent;
  }
  return parts.map((part) => `${part} › `).join("");
}

function toTestInfo(test: TestCase, prefix = ""): TestInfo {
  const result = test.result();
  const state =
    result.state === "passed" ? "passed" : result.state === "failed" ? "failed" : "skipped";
  return {
    name: prefix + test.name,
    state,
    failures: (result.errors ?? []).map(toFailureInfo),
  };
}

function toFailureInfo(error: unknown): FailureInfo {
  const e = (typeof error === "object" && error !== null ? error : { message: String(error) }) as {
    message?: string;
    name?: string;
    diff?: string;
    stacks?: { file: string; line: number; column: number }[];
  };
  const name = e.name && e.name !== "AssertionError" && e.name !== "Error" ? `${e.name}: ` : "";
  const frame =
    e.stacks?.find((s) => /\/(katas|solutions)\//.test(s.file) && !s.file.endsWith(".spec.ts")) ??
    e.stacks?.find((s) => /\/(katas|solutions)\//.test(s.file));
  return {
    message: `${name}${e.message ?? "unknown error"}`,
    ...(e.diff ? { diff: e.diff } : {}),
    ...(frame ? { location: `${relative(ROOT, frame.file)}:${frame.line}:${frame.column}` } : {}),
  };
}
