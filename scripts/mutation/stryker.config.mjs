// Mutation testing of the reference solutions: a mutant that no test kills is a behaviour the
// spec does not pin down (or an equivalent mutant, to be listed in the kata's NOTES.md).
// Run through `npm run mutate`, which picks the katas and prints the per-kata table.
const slugs = (process.env.KATA_MUTATE ?? "").split(",").filter(Boolean);
const kataGlob = slugs.length > 1 ? `{${slugs.join(",")}}` : (slugs[0] ?? "*");

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // Stryker's vitest runner, plus where each test starts, so that its incremental mode can
  // tell which tests a spec change touched (see located-vitest-runner.mjs).
  testRunner: "vitest-located",
  vitest: { configFile: "scripts/mutation/vitest.reference.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner", "./scripts/mutation/located-vitest-runner.mjs"],
  mutate: [`solutions/${kataGlob}/*.ts`, "!solutions/*/*.lib.ts", "!solutions/*/bad/**"],
  coverageAnalysis: "perTest",
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ["json", "html", "clear-text"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  htmlReporter: { fileName: "reports/mutation/index.html" },
  clearTextReporter: {
    allowColor: false,
    logTests: false,
    reportMutants: false,
    reportScoreTable: false,
  },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  ignoreStatic: true,
};
