/**
 * A throw-away copy of the workbook for the runner's own tests: the tooling, the shared fixtures,
 * a small fixture kata (./tiny-kata, with its own catalogue) and, on request, real katas (added
 * to that catalogue in their own tracks); node_modules is
 * linked, and the copy is a git repository with one commit, as a learner's clone would be.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { type CatalogueFile, readCatalogueFile } from "../lib/catalogue.ts";
import { GENERATED_TABLE_MARKERS } from "../lib/generated-docs.ts";
import { kataPaths, MUTATION, ROOT } from "../lib/paths.ts";

const TINY_KATA = fileURLToPath(new URL("./tiny-kata/", import.meta.url));

// The tooling and the fixtures every spec needs; kata-specific fixtures come with their katas.
const TOP_LEVEL = [
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "vitest.config.ts",
  "biome.json",
  ".gitignore",
  "scripts",
  "fixtures/setup",
  "fixtures/types",
  "fixtures/helpers",
  "fixtures/bin",
];

export interface CliResult {
  exitCode: number;
  /** stdout and stderr interleaved, as a terminal would show them. */
  all: string;
}

/** Runs a command in the temp repo and never rejects: tests assert on the exit code. */
export async function runIn(dir: string, file: string, args: string[]): Promise<CliResult> {
  const result = await execa(file, args, {
    cwd: dir,
    reject: false,
    env: CLI_ENV,
    extendEnv: false,
    all: true,
  });
  return { exitCode: result.exitCode ?? -1, all: result.all ?? "" };
}

export interface TempRepo {
  dir: string;
  path: (...parts: string[]) => string;
  /** `npm run -s kata -- <args>`, never rejecting: the test reads the exit code. */
  kata: (...args: string[]) => Promise<CliResult>;
  remove: () => void;
}

export async function makeTempRepo(
  options: { realKatas?: string[]; withNodeModules?: boolean } = {},
): Promise<TempRepo> {
  const dir = mkdtempSync(join(tmpdir(), "kata-runner-"));
  // The katas' mutation records come with their katas (a record of an absent kata is an error).
  const notARecord = (source: string) => !source.startsWith(`${MUTATION.incrementalDir}${sep}`);
  for (const entry of TOP_LEVEL)
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true, filter: notARecord });
  cpSync(TINY_KATA, dir, { recursive: true });
  const realKatas = options.realKatas ?? [];
  for (const slug of realKatas) {
    const paths = kataPaths(slug);
    for (const from of [paths.dir, paths.solutionDir, paths.fixtureDir, paths.incrementalReport]) {
      if (existsSync(from)) cpSync(from, join(dir, relative(ROOT, from)), { recursive: true });
    }
  }
  writeCatalogue(dir, realKatas);
  if (options.withNodeModules !== false)
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  // The README with its generated kata table, as `verify` expects it.
  writeFileSync(join(dir, "README.md"), `# A temp workbook\n\n${GENERATED_TABLE_MARKERS}\n`);
  if (options.withNodeModules !== false)
    await runIn(dir, "npm", ["run", "-s", "kata", "--", "docs"]);
  const git = (...args: string[]) => execa("git", args, { cwd: dir, env: GIT_ENV });
  await git("init", "-q");
  await git("add", "-A");
  await git("commit", "-q", "-m", "the workbook as cloned");
  return {
    dir,
    path: (...parts) => join(dir, ...parts),
    kata: (...args) => runIn(dir, "npm", ["run", "-s", "kata", "--", ...args]),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The temp workbook's catalogue: the fixture kata's track, then the workbook's other tracks, each
 * with the real katas asked for (in the workbook's order), the others empty.
 */
function writeCatalogue(dir: string, realKatas: string[]): void {
  const file = join(dir, "katas", "catalogue.json");
  const catalogue = readCatalogueFile(file);
  const own = new Set(catalogue.tracks.map((track) => track.id));
  for (const track of readCatalogueFile().tracks.filter((t) => !own.has(t.id))) {
    catalogue.tracks.push({
      ...track,
      katas: track.katas.filter((slug) => realKatas.includes(slug)),
    });
  }
  writeFileSync(file, `${JSON.stringify(catalogue satisfies CatalogueFile, null, 2)}\n`);
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Learner",
  GIT_AUTHOR_EMAIL: "learner@example.invalid",
  GIT_COMMITTER_NAME: "Learner",
  GIT_COMMITTER_EMAIL: "learner@example.invalid",
};

/**
 * The environment of a learner's shell: this process's, without what vitest sets for its workers
 * (VITEST, VITEST_WORKER_ID, NODE_ENV=test…), which would change how the runner's own vitest
 * behaves. Use with `extendEnv: false`.
 */
export const CLI_ENV: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined &&
        !entry[0].startsWith("VITEST") &&
        entry[0] !== "NODE_ENV" &&
        entry[0] !== "TEST",
    ),
  ),
  ...GIT_ENV,
  NO_COLOR: "1",
  FORCE_COLOR: "0",
  CI: "true",
};
