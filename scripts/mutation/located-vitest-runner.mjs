// Stryker's vitest runner does not report where each test starts in its file. Without that,
// Stryker's incremental mode takes every test to span its whole spec, so any change to a spec
// (a test added by a review) makes every test "changed" and no mutant result is reused: a full
// re-test of the kata. This runner is Stryker's vitest runner, plus the start of each test
// (vitest's `includeTaskLocation`, set in vitest.reference.config.ts) on the dry run's results.
// Stryker then re-tests only the mutants whose killing tests changed, and the survivors that a
// new test covers. Its limits (code between tests) are handled in incremental.ts.
import { resolve } from "node:path";
import { declareFactoryPlugin, PluginKind } from "@stryker-mutator/api/plugin";
import { strykerPlugins as vitestPlugins } from "@stryker-mutator/vitest-runner";

const vitestFactory = vitestPlugins[0].factory;

/** The same name Stryker's vitest runner gives a test: its suites' names and its own. */
function fullName(task) {
  const parts = [task.name];
  for (let suite = task.suite; suite; suite = suite.suite) parts.unshift(suite.name);
  return parts.join(" ").trim();
}

function testsOf(task) {
  if (task.type === "test") return [task];
  return (task.tasks ?? []).flatMap(testsOf);
}

function locatedVitestRunner(injector) {
  const runner = vitestFactory(injector);
  const dryRun = runner.dryRun.bind(runner);
  runner.dryRun = async (options) => {
    const result = await dryRun(options);
    if (result.status !== "complete") return result;
    const starts = new Map();
    for (const file of runner.ctx.state.getFiles()) {
      for (const test of testsOf(file)) {
        if (!test.location) continue;
        // vitest counts lines and columns from 1, Stryker from 0.
        const start = { line: test.location.line - 1, column: test.location.column - 1 };
        starts.set(`${resolve(file.filepath)}#${fullName(test)}`, start);
      }
    }
    for (const test of result.tests) {
      const start = starts.get(`${test.fileName}#${test.name}`);
      if (start) test.startPosition = start;
    }
    return result;
  };
  return runner;
}
locatedVitestRunner.inject = vitestFactory.inject;

export const strykerPlugins = [
  declareFactoryPlugin(PluginKind.TestRunner, "vitest-located", locatedVitestRunner),
];
