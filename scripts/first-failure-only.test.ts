/**
 * The contract check stops a known-bad solution's spec at its first failing test
 * (lib/first-failure-only.ts). It must skip only within the file that failed: in a process that
 * serves one spec file after another, a file that passes must still pass whole, or a bad solution
 * the spec lets through would be counted as rejected.
 */
import { join } from "node:path";
import { expect, it } from "vitest";
import { createVitest, type TestModule } from "vitest/node";
import { ROOT } from "./lib/paths.ts";
import { warmPool } from "./lib/warm-pool/warm-pool.ts";
import { useVitestSandbox } from "./test-support/vitest-sandbox.ts";

const FIRST_FAILURE_ONLY = join(ROOT, "scripts/lib/first-failure-only.ts");

const sandbox = useVitestSandbox("kata-first-failure-");

/** A spec file whose tests pass or fail as listed, in that order. */
function writeSpec(name: string, outcomes: ("pass" | "fail")[]) {
  const tests = outcomes.map(
    (outcome, i) => `it("test ${i + 1}", () => { expect("${outcome}").toBe("pass"); });`,
  );
  sandbox.write(name, ['import { expect, it } from "vitest";', ...tests].join("\n"));
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

it("skips the tests after the first failure, and only in the file that failed", async () => {
  writeSpec("a-rejected.spec.ts", ["pass", "fail", "pass", "fail"]);
  writeSpec("b-let-through.spec.ts", ["pass", "pass", "pass"]);
  writeSpec("c-rejected-late.spec.ts", ["pass", "pass", "fail"]);

  const states = await run();

  expect(states.get("a-rejected.spec.ts")).toEqual(["passed", "failed", "skipped", "skipped"]);
  expect(states.get("b-let-through.spec.ts"), "a later file must run whole").toEqual([
    "passed",
    "passed",
    "passed",
  ]);
  expect(states.get("c-rejected-late.spec.ts")).toEqual(["passed", "passed", "failed"]);
});
