/**
 * What one run of a kata's spec produced, in the shape the views need: steps in spec order, each
 * with its tests and their failure messages. Built from vitest's reported tasks.
 */
import { relative } from "node:path";
import { stripVTControlCharacters } from "node:util";
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
  /** What the test printed (console.log and friends), line by line, when it printed anything. */
  output?: string[];
  /** It ran out of time (the spec's per-test timeout): a promise that never settled. */
  timedOut?: boolean;
}

/** An error no test caught: a rejection nobody awaited, an exception thrown from a timer. */
export interface UnhandledInfo {
  /** "Unhandled Rejection" or "Uncaught Exception", as vitest names them. */
  kind: string;
  message: string;
  /** The test that was running when it was first seen, when vitest knew. */
  test?: string;
  /** How many times the same message was seen. */
  count: number;
}

/** A run the runner had to stop: the learner's code never gave the test process back. */
export interface StoppedInfo {
  /** `hang`: no sign of life from the test process; `superseded`: a newer save cancelled it. */
  reason: "hang" | "superseded";
  afterMs: number;
  /** The last test the process said it had started, when it said so. */
  test?: string;
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
  /** Errors that escaped every test (each kind and message once, counted). */
  unhandled: UnhandledInfo[];
  /** Set when the run was stopped before it could finish. */
  stopped?: StoppedInfo;
}

export const STEP_TITLE = /^step (\d+) — (.+)$/;

export const isGreen = (result: KataResult) =>
  result.loadErrors.length === 0 &&
  result.unhandled.length === 0 &&
  result.stopped === undefined &&
  result.total > 0 &&
  result.passed === result.total;

/** The first step with a failing test, or undefined when every step passes. */
export const firstFailingStep = (result: KataResult) =>
  result.steps.find((step) => step.tests.some((test) => test.state !== "passed"));

/** What the runner saw of a run besides vitest's own results (see kata-session.ts). */
export interface RunExtras {
  /** Console output by test id. */
  output?: ReadonlyMap<string, string[]>;
  stopped?: StoppedInfo;
}

export function toKataResult(
  slug: string,
  modules: readonly TestModule[],
  unhandledErrors: readonly unknown[] = [],
  extras: RunExtras = {},
): KataResult {
  const steps: StepInfo[] = [];
  const loadErrors: FailureInfo[] = [];
  const info = (test: TestCase, prefix = "") => toTestInfo(test, prefix, extras.output);
  for (const module of modules) {
    // A process the runner stopped reports its own exit as an error: the stop says it better.
    if (!extras.stopped) loadErrors.push(...module.errors().map(toFailureInfo));
    for (const child of module.children) {
      if (child.type === "suite") steps.push(stepFromSuite(child, info));
      else stepFor(steps, 0, "tests outside the steps").tests.push(info(child));
    }
  }
  const unhandled = extras.stopped ? [] : groupUnhandled(unhandledErrors);
  steps.sort((a, b) => a.number - b.number);
  const tests = steps.flatMap((step) => step.tests);
  return {
    slug,
    steps,
    passed: tests.filter((test) => test.state === "passed").length,
    total: tests.length,
    loadErrors,
    unhandled,
    ...(extras.stopped ? { stopped: extras.stopped } : {}),
  };
}

/** Unhandled errors, each kind and message once, with the first test it was seen in. */
function groupUnhandled(errors: readonly unknown[]): UnhandledInfo[] {
  const groups = new Map<string, UnhandledInfo>();
  for (const error of errors) {
    const e = (
      typeof error === "object" && error !== null ? error : { message: String(error) }
    ) as {
      message?: string;
      name?: string;
      type?: string;
      VITEST_TEST_NAME?: string;
    };
    const name = e.name && e.name !== "Error" ? `${e.name}: ` : "";
    const message =
      stripVTControlCharacters(`${name}${e.message ?? "unknown error"}`).split("\n")[0] ?? "";
    const kind = e.type ?? "Unhandled error";
    const key = `${kind}\0${message}`;
    const group = groups.get(key);
    if (group) group.count += 1;
    else
      groups.set(key, {
        kind,
        message,
        count: 1,
        ...(e.VITEST_TEST_NAME ? { test: e.VITEST_TEST_NAME } : {}),
      });
  }
  return [...groups.values()];
}

type ToTestInfo = (test: TestCase, prefix?: string) => TestInfo;

function stepFromSuite(suite: TestSuite, info: ToTestInfo): StepInfo {
  const match = STEP_TITLE.exec(suite.name);
  const step: StepInfo = {
    number: match ? Number(match[1]) : 0,
    title: match?.[2] ?? suite.name,
    tests: [],
  };
  for (const test of suite.children.allTests()) {
    step.tests.push(info(test, namePrefix(test, suite)));
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

/** vitest's own words for a test or hook that ran out of time. */
const TIMED_OUT = /^(Test|Hook) timed out in \d+ms/;

function toTestInfo(test: TestCase, prefix = "", output?: ReadonlyMap<string, string[]>): TestInfo {
  const result = test.result();
  const state =
    result.state === "passed" ? "passed" : result.state === "failed" ? "failed" : "skipped";
  const failures = (result.errors ?? []).map(toFailureInfo);
  const printed = output?.get(test.id);
  return {
    name: prefix + test.name,
    state,
    failures,
    ...(printed && printed.length > 0 ? { output: printed } : {}),
    ...(failures.some((f) => TIMED_OUT.test(f.message)) ? { timedOut: true } : {}),
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
