/**
 * One spec, many implementations. A spec imports its kata's module by relative path
 * (`import { retry } from "./retry-backoff"`); a target decides which file that import loads:
 *
 * - `stub`      — the file in `katas/` as it is (the learner's work in progress);
 * - `pristine`  — the stub as committed, for the contract check on a tree where a learner has
 *                 already edited the stub (see `pristine.ts`);
 * - `reference` — its twin under `solutions/`;
 * - `lib`       — `solutions/<slug>/<slug>.lib.ts`, the variant built on a production library;
 * - `bad-N`     — the N-th known-bad solution in `solutions/<slug>/bad/`.
 *
 * Only imports made by spec files are redirected, so the spec itself is never copied.
 *
 * A spec that must run the implementation in a child process (a crash test, say) imports
 * `kata:implementation-path`: its default export is the absolute path of the file the current
 * target loads for `katas/<slug>/<slug>.ts`.
 */
import { existsSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { Plugin } from "vitest/config";
import { badSolutions, KATAS_DIR, kataPaths, SOLUTIONS_DIR } from "./paths.ts";

export type Target = "stub" | "pristine" | "reference" | "lib" | `bad-${number}`;

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
      const index = Number(target.slice("bad-".length)) - 1;
      return isMain ? badSolutions(slug)[index] : join(SOLUTIONS_DIR, slug, `${moduleName}.ts`);
    }
  }
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
      return file !== undefined && existsSync(file) ? file : null;
    },
    load(id) {
      if (!id.startsWith(VIRTUAL_PREFIX)) return null;
      const slug = id.slice(VIRTUAL_PREFIX.length);
      const file = targetFile(target, slug, slug);
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
