/**
 * Type errors in the katas' own files (stub, spec, solutions, fixtures/katas/<slug>), grouped by
 * kata. Only those files are roots, so the check does not pay for the tooling's types.
 *
 * The contract check runs it in a child process (`typeErrorsInChild`), beside the spec runs:
 *   npx tsx scripts/lib/contract-typecheck.ts <slug>…   prints the errors as JSON.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import ts from "typescript";
import { FIXTURES, kataPaths, ROOT } from "./paths.ts";
import { formatDiagnostic } from "./typecheck.ts";

/** Type errors in the katas' own files, grouped by kata (see the file's header). */
export function typeErrorsByKata(slugs: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const configPath = ts.findConfigFile(ROOT, ts.sys.fileExists, "tsconfig.json");
  if (!configPath) return out;
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const roots = [FIXTURES.kataModuleTypes, ...slugs.flatMap(kataSourceFiles)];
  const program = ts.createProgram(roots, options);
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file?.fileName ?? "";
    const slug = slugs.find((s) => kataDirs(s).some((dir) => file.startsWith(dir + sep)));
    if (slug === undefined || !slugs.includes(slug)) continue;
    const { location, message } = formatDiagnostic(diagnostic);
    out.set(slug, [...(out.get(slug) ?? []), `${location}: ${message.split("\n")[0]}`]);
  }
  return out;
}

/** The folders that belong to one kata: its kata folder, its solutions, its own fixture data. */
function kataDirs(slug: string): string[] {
  const paths = kataPaths(slug);
  return [paths.dir, paths.solutionDir, paths.fixtureDir];
}

function kataSourceFiles(slug: string): string[] {
  return kataDirs(slug).flatMap((dir) => {
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .map((file) => join(dir, file));
  });
}

/** typeErrorsByKata in a child process (this file run by tsx), so it uses a core of its own. */
export async function typeErrorsInChild(slugs: string[]): Promise<Map<string, string[]>> {
  // process.execArgv carries tsx's loader flags, so the child runs this same TypeScript file.
  const { stdout } = await execa(process.execPath, [...process.execArgv, THIS_FILE, ...slugs], {
    cwd: ROOT,
  });
  return new Map(Object.entries(JSON.parse(stdout) as Record<string, string[]>));
}

const THIS_FILE = fileURLToPath(import.meta.url);

if (process.argv[1] === THIS_FILE) {
  console.log(JSON.stringify(Object.fromEntries(typeErrorsByKata(process.argv.slice(2)))));
}
