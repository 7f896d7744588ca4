/** Where things live. Every path the tooling uses is built here, from the repository root. */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const KATAS_DIR = join(ROOT, "katas");
export const SOLUTIONS_DIR = join(ROOT, "solutions");
/** Git-ignored working state of the runner: progress, reset backups, pristine stubs. */
export const STATE_DIR = join(ROOT, ".kata");

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
  pristineStub: join(STATE_DIR, "pristine", "katas", slug, `${slug}.ts`),
});

/**
 * The known-bad solutions of a kata, sorted by file name (so `bad-1` is always the same file):
 * whole files (`bad/<name>.ts`) and patches to the reference (`bad/<name>.patch`, see targets.ts).
 */
export function badSolutions(slug: string): string[] {
  const dir = kataPaths(slug).badDir;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".ts") || name.endsWith(BAD_PATCH_EXTENSION))
    .sort()
    .map((name) => join(dir, name));
}

export const BAD_PATCH_EXTENSION = ".patch";

/** Every kata folder with a kata.json, sorted by slug (the catalogue orders them). */
export function kataSlugsOnDisk(): string[] {
  return kataDirsOnDisk().filter((slug) => existsSync(kataPaths(slug).meta));
}

/** Every folder under katas/, kata.json or not (the contract check flags the ones without). */
export function kataDirsOnDisk(): string[] {
  if (!existsSync(KATAS_DIR)) return [];
  return readdirSync(KATAS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}
