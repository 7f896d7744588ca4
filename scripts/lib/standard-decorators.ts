/**
 * TypeScript 5 standard decorators (`@logged method() {}`, `ClassMethodDecoratorContext`) for the
 * specs. Vite 8 transforms TypeScript with Oxc, which lowers only the legacy
 * (`experimentalDecorators`) form and leaves a standard decorator in the output, where Node 20
 * stops with "SyntaxError: Invalid or unexpected token" (no Node version runs decorators
 * natively yet). So a kata file that has one is first compiled by TypeScript itself (the pinned
 * devDependency, as `tsc` would emit it for ES2022), and the JavaScript it gives goes on through
 * Vite as usual. Files without a decorator are not touched.
 */
import type ts from "typescript";
import type { Plugin } from "vitest/config";

/** A line that starts with `@name`: a decorator (a JSDoc tag starts its line with `*`). */
const DECORATOR_LINE = /^[ \t]*@[A-Za-z_$]/m;

let typescript: typeof ts | undefined;

export function standardDecoratorsPlugin(): Plugin {
  return {
    name: "kata-standard-decorators",
    enforce: "pre",
    async transform(code, id) {
      const file = id.split("?")[0] ?? id;
      if (!/\.[cm]?ts$/.test(file) || file.includes("/node_modules/")) return null;
      if (!DECORATOR_LINE.test(code)) return null;
      typescript ??= (await import("typescript")).default;
      const { ScriptTarget, ModuleKind } = typescript;
      const output = typescript.transpileModule(code, {
        fileName: file,
        compilerOptions: {
          target: ScriptTarget.ES2022,
          module: ModuleKind.ESNext,
          verbatimModuleSyntax: true,
          sourceMap: true,
          inlineSources: true,
        },
      });
      return { code: output.outputText, map: output.sourceMapText ?? null };
    },
  };
}
