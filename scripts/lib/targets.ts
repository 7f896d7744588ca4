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
 */
import { existsSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { Plugin } from "vitest/config";
import { badSolutions, KATAS_DIR, kataPaths, SOLUTIONS_DIR } from "./paths";

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

const SPEC_FILE = /\.spec\.ts$/;
const TS_EXTENSION = /\.(ts|js)$/;

export function kataTargetPlugin(target: Target): Plugin {
  return {
    name: `kata-target:${target}`,
    enforce: "pre",
    resolveId(source, importer) {
      if (target === "stub" || !importer || !source.startsWith(".")) return null;
      const importerPath = importer.split("?")[0] ?? importer;
      if (!SPEC_FILE.test(importerPath)) return null;
      const fromKatas = relative(KATAS_DIR, dirname(importerPath));
      if (fromKatas.startsWith("..") || fromKatas === "" || fromKatas.includes(sep)) return null;
      const slug = fromKatas;
      const imported = resolve(dirname(importerPath), source).replace(TS_EXTENSION, "");
      if (dirname(imported) !== kataPaths(slug).dir) return null;
      const moduleName = imported.slice(kataPaths(slug).dir.length + 1);
      const file = targetFile(target, slug, moduleName);
      return file !== undefined && existsSync(file) ? file : null;
    },
  };
}
