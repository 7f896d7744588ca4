/**
 * The contract check stops a known-bad solution's spec at its first failing test
 * (lib/first-failure-only.ts): what the file has not started yet, tests and whole steps with their
 * `beforeAll`, is not run. Only in that file: in a process that serves one spec file after
 * another, a file that passes must still pass whole, or a bad solution the spec lets through
 * would be counted as rejected.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { createVitest, type TestModule } from "vitest/node";
import { ROOT } from "./lib/paths.ts";
import { warmPool } from "./lib/warm-pool/warm-pool.ts";
import { useVitestSandbox } from "./test-support/vitest-sandbox.ts";

const FIRST_FAILURE_ONLY = join(ROOT, "scripts/lib/first-failure-only.ts");

const sandbox = useVitestSandbox("kata-first-failure-");
const NOT_RUN = ["skipped", "pending"];

const test = (outcome: "pass" | "fail", name: string) =>
  `it("${name}", () => { expect("${outcome}").toBe("pass"); });`;

/** A step whose beforeAll leaves a file named `marker` behind when it runs. */
const step = (marker: string, body: string) =>
  [
    `describe("${marker}", () => {`,
    `  beforeAll(() => { writeFileSync(${JSON.stringify(join(sandbox.dir, marker))}, ""); });`,
    `  ${body}`,
    "});",
  ].join("\n");

function writeSpec(name: string, ...lines: string[]) {
  sandbox.write(
    name,
    [
      'import { writeFileSync } from "node:fs";',
      'import { beforeAll, describe, expect, it } from "vitest";',
      ...lines,
    ].join("\n"),
  );
}

/** Runs the specs one file after another in ONE reused process; returns each test's state. */
async function run(): Promise<Map<string, string[]>> {
  const vitest = await createVitest(
    "test",
    { config: false, watch: false, reporters: [{}], root: sandbox.dir, maxWorkers: 1 },
    {
      test: {
        root: sandbox.dir,
        include: ["*.spec.ts"],
        setupFiles: [FIRST_FAILURE_ONLY],
        pool: warmPool("reuse"),
        sequence: { shuffle: false },
      },
      logLevel: "silent",
      server: { watch: null },
    },
  );
  sandbox.vitest = vitest;
  const { testModules } = await vitest.start();
  return new Map(
    (testModules as TestModule[]).map((module) => [
      module.moduleId.slice(sandbox.dir.length + 1),
      [...module.children.allTests()].map((test) => test.result().state),
    ]),
  );
}

it("skips what follows the first failure, later steps' beforeAll included, in that file only", async () => {
  writeSpec(
    "a-rejected.spec.ts",
    step("a-step-1-ran", `${test("pass", "1")} ${test("fail", "2")} ${test("pass", "3")}`),
    step("a-step-2-ran", test("pass", "4")),
  );
  writeSpec(
    "b-let-through.spec.ts",
    step("b-step-1-ran", `${test("pass", "1")} ${test("pass", "2")}`),
  );
  writeSpec("c-rejected-late.spec.ts", test("pass", "1"), test("fail", "2"));

  const states = await run();

  const [first, second, third, inLaterStep] = states.get("a-rejected.spec.ts") ?? [];
  expect([first, second]).toEqual(["passed", "failed"]);
  // A task skipped while the file runs reaches the main process without a result: "pending",
  // which the contract check counts, like "skipped", as not passed.
  expect(NOT_RUN, "a test after the failure, in the same step").toContain(third);
  expect(NOT_RUN, "a test in a later step").toContain(inLaterStep);
  expect(existsSync(join(sandbox.dir, "a-step-1-ran"))).toBe(true);
  expect(existsSync(join(sandbox.dir, "a-step-2-ran")), "a later step's beforeAll ran").toBe(false);

  expect(states.get("b-let-through.spec.ts"), "a later file must run whole").toEqual([
    "passed",
    "passed",
  ]);
  expect(existsSync(join(sandbox.dir, "b-step-1-ran"))).toBe(true);
  expect(states.get("c-rejected-late.spec.ts")).toEqual(["passed", "failed"]);
});
