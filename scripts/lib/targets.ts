/**
 * One spec, many implementations. A spec imports its kata's module by relative path
 * (`import { retry } from "./retry-backoff"`); a target decides which file that import loads:
 *
 * - `stub`      — the file in `katas/` as it is (the learner's work in progress);
 * - `pristine`  — the stub as committed, for the contract check on a tree where a learner has
 *                 already edited the stub (see `pristine.ts`);
 * - `reference` — its twin under `solutions/`;
 * - `lib`       — `solutions/<slug>/<slug>.lib.ts`, the variant built on a production library;
 * - `bad:<name>` — the known-bad solution `solutions/<slug>/bad/<name>.ts` (a whole file) or
 *                 `<name>.patch` (a unified diff to the reference, applied when the spec imports
 *                 it: a one-line mistake stays one line long, and fails loudly once the reference
 *                 has moved on from it). What authors use: `KATA_TARGET=bad:<name>`.
 * - `bad#N`     — the N-th bad solution of whichever kata the spec belongs to, in file-name
 *                 order: the contract check runs every kata's first, second, … bad solution in
 *                 one project each, so that 50 katas make ten projects, not five hundred.
 *
 * Only imports made by spec files are redirected, so the spec itself is never copied.
 *
 * A spec that must run the implementation in a child process (a crash test, say) imports
 * `kata:implementation-path`: its default export is the absolute path of the file the current
 * target loads for `katas/<slug>/<slug>.ts`.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { applyPatch } from "diff";
import type { Plugin } from "vitest/config";
import {
  BAD_PATCH_EXTENSION,
  badSolutionNamed,
  badSolutions,
  KATAS_DIR,
  kataPaths,
  ROOT,
  SOLUTIONS_DIR,
} from "./paths.ts";

export type Target = "stub" | "pristine" | "reference" | "lib" | `bad:${string}` | `bad#${number}`;

/** The target `KATA_TARGET` names; a UserError-style message for one that is not a target. */
export function parseTarget(value: string | undefined): Target {
  if (value === undefined || value === "") return "reference";
  if (["stub", "pristine", "reference", "lib"].includes(value)) return value as Target;
  if (/^bad:[\w.-]+$/.test(value)) return value as Target;
  const hint = /^bad-\d+$/.test(value)
    ? ` Known-bad solutions are named, not numbered: KATA_TARGET=bad:<file name without .ts or .patch>.`
    : "";
  throw new Error(
    `KATA_TARGET=${value} is not a target: use stub, reference, lib or bad:<name>.${hint}`,
  );
}

/** The file that should stand in for `katas/<slug>/<moduleName>.ts`, or undefined to keep it. */
export function targetFile(target: Target, slug: string, moduleName: string): string | undefined {
  const isMain = moduleName === slug;
  switch (target) {
    case "stub":
      return undefined;
    case "pristine":
      return isMain ? kataPaths(slug).pristineStub : undefined;
    case "reference":
      return join(SOLUTIONS_DIR, slug, `${moduleName}.ts`);
    case "lib":
      return isMain ? kataPaths(slug).library : join(SOLUTIONS_DIR, slug, `${moduleName}.ts`);
    default: {
      const bad = target.startsWith("bad#")
        ? badSolutions(slug)[Number(target.slice("bad#".length)) - 1]
        : badSolutionNamed(slug, target.slice("bad:".length));
      if (!isMain || bad === undefined) return join(SOLUTIONS_DIR, slug, `${moduleName}.ts`);
      return bad.endsWith(BAD_PATCH_EXTENSION) ? patchedReferenceId(slug, bad) : bad;
    }
  }
}

/**
 * A patched reference is served under the reference's own path, so its relative imports resolve
 * as the reference's do, with a query naming the patch, so it is a module of its own. The id
 * ends in `&lang.ts` so that Vite still transforms it as TypeScript.
 */
const PATCH_QUERY = "?kata-bad-patch=";
const PATCH_QUERY_END = "&lang.ts";

function patchedReferenceId(slug: string, patchFile: string): string {
  return `${kataPaths(slug).reference}${PATCH_QUERY}${basename(patchFile)}${PATCH_QUERY_END}`;
}

/** The reference with the patch applied; throws, naming the patch, when it no longer applies. */
export function applyBadPatch(reference: string, patchFile: string): string {
  const patched = applyPatch(readFileSync(reference, "utf8"), readFileSync(patchFile, "utf8"));
  if (patched === false) {
    throw new Error(
      `${relative(ROOT, patchFile)} no longer applies to ${relative(ROOT, reference)}: ` +
        "make the mistake again on the current reference and regenerate the patch (CONTRIBUTING.md).",
    );
  }
  return patched;
}

export const IMPLEMENTATION_PATH_MODULE = "kata:implementation-path";
const VIRTUAL_PREFIX = "\0kata-implementation-path:";
const SPEC_FILE = /\.spec\.ts$/;
const TS_EXTENSION = /\.(ts|js)$/;

export function kataTargetPlugin(target: Target): Plugin {
  return {
    name: `kata-target:${target}`,
    enforce: "pre",
    resolveId(source, importer) {
      if (!importer) return null;
      const importerPath = importer.split("?")[0] ?? importer;
      const slug = specSlug(importerPath);
      if (slug === undefined) return null;
      if (source === IMPLEMENTATION_PATH_MODULE) return `${VIRTUAL_PREFIX}${slug}`;
      if (target === "stub" || !source.startsWith(".")) return null;
      const imported = resolve(dirname(importerPath), source).replace(TS_EXTENSION, "");
      if (dirname(imported) !== kataPaths(slug).dir) return null;
      const moduleName = imported.slice(kataPaths(slug).dir.length + 1);
      const file = targetFile(target, slug, moduleName);
      return file !== undefined && existsSync(file.split(PATCH_QUERY)[0] ?? file) ? file : null;
    },
    load(id) {
      if (id.includes(PATCH_QUERY)) {
        const [reference = "", query = ""] = id.split(PATCH_QUERY);
        const patchName = query.replace(PATCH_QUERY_END, "");
        return applyBadPatch(reference, join(dirname(reference), "bad", patchName));
      }
      if (!id.startsWith(VIRTUAL_PREFIX)) return null;
      const slug = id.slice(VIRTUAL_PREFIX.length);
      const file = targetFile(target, slug, slug);
      if (file?.includes(PATCH_QUERY)) {
        throw new Error(
          `${IMPLEMENTATION_PATH_MODULE} needs a file: make ${file.split(PATCH_QUERY)[1]?.replace(PATCH_QUERY_END, "")} a whole .ts bad solution`,
        );
      }
      const path = file !== undefined && existsSync(file) ? file : kataPaths(slug).stub;
      return `export default ${JSON.stringify(path)};`;
    },
  };
}

/** The kata slug of a spec file directly inside `katas/<slug>/`, else undefined. */
function specSlug(file: string): string | undefined {
  if (!SPEC_FILE.test(file)) return undefined;
  const fromKatas = relative(KATAS_DIR, dirname(file));
  if (fromKatas.startsWith("..") || fromKatas === "" || fromKatas.includes(sep)) return undefined;
  return fromKatas;
}
