/**
 * Which files a kata's checks depend on: its own folders (kata, solutions, fixture data), every
 * file those import by relative path (the shared helpers under fixtures/helpers, a sibling
 * module), transitively, and the files that decide how any spec runs (the test settings, the
 * target plugin, the hermetic set-up) with the lockfile. Packages are covered by the lockfile.
 *
 * `--changed` uses it to pick the katas a change touches, and mutation testing to know when a
 * kata's recorded mutants are stale (see mutation/incremental.ts).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { FIXTURES, kataPaths, MUTATION, PACKAGE_LOCK, ROOT } from "./paths.ts";

const SOURCE = /\.(ts|mts|mjs|js)$/;
/** `new URL("../x.ts", import.meta.url)`: how specs name a file a child process runs. */
const URL_REFERENCE = /new URL\(\s*["'`]([^"'`]+)["'`]\s*,\s*import\.meta\.url\s*\)/g;

/** The files `file` names by relative path (imports, re-exports, `new URL(…, import.meta.url)`). */
export function relativeReferences(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = ts
    .preProcessFile(text, true, true)
    .importedFiles.map((imported) => imported.fileName);
  for (const match of text.matchAll(URL_REFERENCE)) if (match[1]) specifiers.push(match[1]);
  return specifiers
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => resolveSource(resolve(dirname(file), specifier)))
    .filter((resolved): resolved is string => resolved !== undefined);
}

/** A relative specifier as the bundler resolves it: as written, then with .ts, then /index.ts. */
function resolveSource(base: string): string | undefined {
  const candidates = [
    base,
    `${base}.ts`,
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.mjs$/, ".mts"),
    join(base, "index.ts"),
  ];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

/** `roots` and every source file they reach by relative references. */
export function sourceClosure(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.pop();
    if (file === undefined || seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    if (SOURCE.test(file)) queue.push(...relativeReferences(file));
  }
  return seen;
}

/** Every file under `dir`, recursively; none when it does not exist. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((entry) => join(dir, entry))
    .filter((file) => statSync(file).isFile());
}

/** The files that belong to the kata itself. */
export function kataOwnFiles(slug: string): string[] {
  const paths = kataPaths(slug);
  return [paths.dir, paths.solutionDir, paths.fixtureDir].flatMap(filesUnder);
}

/** The files every spec run depends on, whatever the kata: settings, set-up, lockfile. */
export function sharedRuntimeFiles(): string[] {
  return [
    ...sourceClosure([MUTATION.vitestConfig, FIXTURES.hermeticSetup, FIXTURES.kataModuleTypes]),
    MUTATION.config,
    MUTATION.runner,
    PACKAGE_LOCK,
  ].sort();
}

/**
 * What a kata's dependencies are wanted for: `checks` (the contract check: every file of the
 * kata counts, README and bad solutions included) or `mutation` (Stryker runs the spec on the
 * reference: docs, the stub, the library variant and the bad solutions cannot change its result).
 */
export type DependencyPurpose = "checks" | "mutation";

function rootsFor(slug: string, purpose: DependencyPurpose): string[] {
  const own = kataOwnFiles(slug);
  if (purpose === "checks") return own;
  const paths = kataPaths(slug);
  const irrelevant = new Set([
    paths.meta,
    paths.readme,
    paths.hints,
    paths.stub,
    paths.notes,
    paths.library,
  ]);
  return own.filter((file) => !irrelevant.has(file) && !file.startsWith(paths.badDir));
}

/** Every file a kata depends on for `purpose`, sorted, absolute. */
export function kataDependencies(slug: string, purpose: DependencyPurpose = "checks"): string[] {
  const roots = rootsFor(slug, purpose);
  const files = new Set([...sourceClosure(roots), ...roots, ...sharedRuntimeFiles()]);
  // The spec imports the stub by name, but on the reference that import loads the solution.
  if (purpose === "mutation") files.delete(kataPaths(slug).stub);
  return [...files].sort();
}

/**
 * A fingerprint of the files a kata depends on: path and content hash of each, so that any
 * change to one of them, or a file added or removed, gives another fingerprint.
 */
export function kataFingerprint(
  slug: string,
  purpose: DependencyPurpose = "checks",
): { hash: string; files: Record<string, string> } {
  const files: Record<string, string> = {};
  for (const file of kataDependencies(slug, purpose)) {
    files[relative(ROOT, file)] = createHash("sha256")
      .update(readFileSync(file))
      .digest("hex")
      .slice(0, 16);
  }
  const hash = createHash("sha256").update(JSON.stringify(files)).digest("hex").slice(0, 16);
  return { hash, files };
}
