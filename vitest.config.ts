/**
 * `npx vitest --project katas` runs every spec on your files in katas/ (the learner's view);
 * `--project reference` and `--project lib` run the same specs on the solutions;
 * `--project runner` runs the tooling's own tests. The runner (`npm run kata`) builds the same
 * projects programmatically, see scripts/lib/vitest-projects.ts.
 */
import { defineConfig } from "vitest/config";
import { kataSlugsOnDisk } from "./scripts/lib/paths.ts";
import { parseTarget } from "./scripts/lib/targets.ts";
import {
  KATA_TEST_SETTINGS,
  kataProject,
  katasWithLibrary,
  specGlob,
} from "./scripts/lib/vitest-projects.ts";

const libraryKatas = katasWithLibrary(kataSlugsOnDisk());

export default defineConfig({
  test: {
    projects: [
      kataProject("katas", "stub", [specGlob()]),
      kataProject("reference", "reference", [specGlob()], true),
      kataProject(
        "lib",
        "lib",
        libraryKatas.length > 0 ? libraryKatas.map(specGlob) : ["no-library-variant-yet"],
        true,
      ),
      // For kata authors: KATA_TARGET=bad:<name> npx vitest run --project target katas/<slug>
      kataProject("target", parseTarget(process.env.KATA_TARGET), [specGlob()]),
      {
        test: {
          name: "runner",
          root: KATA_TEST_SETTINGS.root,
          include: ["scripts/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          sequence: { shuffle: { files: true, tests: true } },
        },
      },
    ],
  },
});
