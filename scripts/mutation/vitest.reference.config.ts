/**
 * Stryker's vitest runner has no "project" option and would load every project of the main
 * config, so mutation testing gets this single-project config: every spec, on the reference.
 */
import { defineConfig } from "vitest/config";
import { kataProject, specGlob } from "../lib/vitest-projects.ts";

const slugs = (process.env.KATA_MUTATE ?? "").split(",").filter(Boolean);
const reference = kataProject(
  "reference",
  "reference",
  slugs.length > 0 ? slugs.map(specGlob) : [specGlob()],
);

// Where each test starts, for Stryker's incremental mode (see located-vitest-runner.mjs).
export default defineConfig({
  plugins: reference.plugins,
  test: { ...reference.test, includeTaskLocation: true },
});
