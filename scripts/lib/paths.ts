/** Where things live. Every path the tooling uses is built here, from the repository root. */
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const KATAS_DIR = join(ROOT, "katas");
export const SOLUTIONS_DIR = join(ROOT, "solutions");
/** The learning path: tracks in order, each with its katas in order. */
export const CATALOGUE_FILE = join(KATAS_DIR, "catalogue.json");
export const README_FILE = join(ROOT, "README.md");
export const CONTRIBUTING_FILE = join(ROOT, "CONTRIBUTING.md");
export const PACKAGE_LOCK = join(ROOT, "package-lock.json");

/**
 * fixtures/, by role: shared mock helpers (one file per concern, one folder per AWS service
 * family), the test set-up every spec loads, type declarations, fake executables, and data that
 * belongs to one kata. A kata's own data never sits beside a helper, so no slug can collide.
 */
export const FIXTURES = {
  dir: join(ROOT, "fixtures"),
  helpers: join(ROOT, "fixtures", "helpers"),
  setup: join(ROOT, "fixtures", "setup"),
  hermeticSetup: join(ROOT, "fixtures", "setup", "hermetic.ts"),
  types: join(ROOT, "fixtures", "types"),
  kataModuleTypes: join(ROOT, "fixtures", "types", "kata-modules.d.ts"),
  bin: join(ROOT, "fixtures", "bin"),
  katas: join(ROOT, "fixtures", "katas"),
} as const;

/** Git-ignored working state of the runner: progress, reset backups, pristine stubs. */
export const STATE_DIR = join(ROOT, ".kata");
export const PRISTINE_DIR = join(STATE_DIR, "pristine");

/** Stryker's output (git-ignored) and the incremental record it starts from (committed). */
export const MUTATION = {
  reportDir: join(ROOT, "reports", "mutation"),
  report: join(ROOT, "reports", "mutation", "mutation.json"),
  html: join(ROOT, "reports", "mutation", "index.html"),
  config: join(ROOT, "scripts", "mutation", "stryker.config.mjs"),
  /** Stryker's vitest runner plus where each test starts (Stryker loads it as a plugin). */
  runner: join(ROOT, "scripts", "mutation", "located-vitest-runner.mjs"),
  vitestConfig: join(ROOT, "scripts", "mutation", "vitest.reference.config.ts"),
  /** Per kata: the mutants' results and what they were computed from (see mutation/incremental.ts). */
  incrementalDir: join(ROOT, "scripts", "mutation", "incremental"),
} as const;

export const kataPaths = (slug: string) => ({
  dir: join(KATAS_DIR, slug),
  meta: join(KATAS_DIR, slug, "kata.json"),
  readme: join(KATAS_DIR, slug, "README.md"),
  stub: join(KATAS_DIR, slug, `${slug}.ts`),
  spec: join(KATAS_DIR, slug, `${slug}.spec.ts`),
  hints: join(KATAS_DIR, slug, "hints.md"),
  solutionDir: join(SOLUTIONS_DIR, slug),
  reference: join(SOLUTIONS_DIR, slug, `${slug}.ts`),
  library: join(SOLUTIONS_DIR, slug, `${slug}.lib.ts`),
  notes: join(SOLUTIONS_DIR, slug, "NOTES.md"),
  badDir: join(SOLUTIONS_DIR, slug, "bad"),
  fixtureDir: join(FIXTURES.katas, slug),
  pristineStub: join(PRISTINE_DIR, "katas", slug, `${slug}.ts`),
  incrementalReport: join(MUTATION.incrementalDir, `${slug}.json`),
});

export const BAD_PATCH_EXTENSION = ".patch";
const BAD_EXTENSIONS = [".ts", BAD_PATCH_EXTENSION];

/**
 * The known-bad solutions of a kata, sorted by file name: whole files (`bad/<name>.ts`) and
 * patches to the reference (`bad/<name>.patch`, see targets.ts). A bad solution is known by its
 * name (`bad:<name>`), never by its position, which moves when a file is added.
 */
export function badSolutions(slug: string): string[] {
  return badDirEntries(slug)
    .filter((name) => BAD_EXTENSIONS.includes(extname(name)))
    .map((name) => join(kataPaths(slug).badDir, name));
}

/** Everything in a kata's bad/ folder that is not a bad solution (the contract check flags it). */
export function strayBadFiles(slug: string): string[] {
  return badDirEntries(slug)
    .filter((name) => !BAD_EXTENSIONS.includes(extname(name)))
    .map((name) => join(kataPaths(slug).badDir, name));
}

function badDirEntries(slug: string): string[] {
  const dir = kataPaths(slug).badDir;
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort();
}

/** The name a bad solution is known by: its file name without the extension. */
export const badName = (file: string): string => basename(file, extname(file));

/** The bad solution of this kata with this name, or undefined. */
export const badSolutionNamed = (slug: string, name: string): string | undefined =>
  badSolutions(slug).find((file) => badName(file) === name);

/** Every kata folder with a kata.json, sorted by slug (the catalogue file orders them). */
export function kataSlugsOnDisk(): string[] {
  return kataDirsOnDisk().filter((slug) => existsSync(kataPaths(slug).meta));
}

/** Every folder under katas/, kata.json or not (the contract check flags the ones without). */
export function kataDirsOnDisk(): string[] {
  return foldersIn(KATAS_DIR);
}

/** The folder names directly inside `dir`, sorted; none when it does not exist. */
export function foldersIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}
