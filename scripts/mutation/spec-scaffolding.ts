/**
 * What Stryker's incremental mode cannot see in a spec: the code outside every test.
 *
 * Stryker identifies a test by its name and where it starts, and takes a test to run from its
 * start to the next test's start. A change inside a test makes that test "changed", and the
 * mutants it killed are re-tested. A change to the set-up around the tests (imports, helpers, a
 * `beforeEach`) changes what every test does, but Stryker would see at most the test above it
 * changed. So before handing a kata's record to Stryker, its spec's scaffolding (its text with
 * every test call cut out) is compared with the recorded spec's: unchanged, or only new lines
 * that define things and run nothing (a new helper, a new `describe` title, a name added to an
 * import), and the record is safe to reuse; anything else and every mutant of the kata is
 * re-tested.
 */
import { diffArrays } from "diff";
import ts from "typescript";

/** A test call: `it(…)`, `test(…)`, `it.each(…)(…)`, `test.skip(…)` and the like. */
function isTestCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  let callee: ts.Expression = node.expression;
  if (ts.isCallExpression(callee) || ts.isTaggedTemplateExpression(callee))
    callee = ts.isCallExpression(callee) ? callee.expression : callee.tag; // it.each(table)(…)
  while (ts.isPropertyAccessExpression(callee)) callee = callee.expression;
  return ts.isIdentifier(callee) && (callee.text === "it" || callee.text === "test");
}

/**
 * An import as one line per name it brings in, so that adding a name to an import (or biome
 * wrapping a long one) adds lines and changes none.
 */
function importLines(node: ts.ImportDeclaration, file: ts.SourceFile): string {
  const from = node.moduleSpecifier.getText(file);
  const clause = node.importClause;
  if (!clause) return `import ${from}`;
  const type = clause.isTypeOnly ? "type " : "";
  const lines: string[] = [];
  if (clause.name) lines.push(`import ${type}${clause.name.text} from ${from}`);
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings))
    lines.push(`import ${type}* as ${bindings.name.text} from ${from}`);
  if (bindings && ts.isNamedImports(bindings))
    for (const element of bindings.elements)
      lines.push(`import ${type}{ ${element.getText(file)} } from ${from}`);
  return lines.sort().join("\n");
}

/** The spec's lines outside every test call, imports one name a line, blank lines dropped. */
export function scaffoldingOf(source: string): string[] {
  const file = ts.createSourceFile("spec.ts", source, ts.ScriptTarget.Latest, true);
  const replacements: Array<[number, number, string]> = [];
  const visit = (node: ts.Node): void => {
    if (isTestCall(node)) replacements.push([node.getStart(file), node.getEnd(), "<test>"]);
    else if (ts.isImportDeclaration(node))
      replacements.push([node.getStart(file), node.getEnd(), importLines(node, file)]);
    else ts.forEachChild(node, visit);
  };
  visit(file);
  let kept = "";
  let from = 0;
  for (const [start, end, text] of replacements) {
    kept += `${source.slice(from, start)}${text}`;
    from = end;
  }
  kept += source.slice(from);
  return kept
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "");
}

/** New scaffolding lines that run something for the tests around them, not only define things. */
const RUNS_FOR_OTHER_TESTS =
  /\b(beforeEach|afterEach|beforeAll|afterAll|vi\.|server\.use)\b|\buse[A-Z]\w*\(/;

/**
 * Why a spec's change is one Stryker's incremental mode cannot see (undefined when it can):
 * a scaffolding line changed or removed, or a new one that runs something for other tests.
 */
export function hiddenSpecChange(before: string, after: string): string | undefined {
  for (const part of diffArrays(scaffoldingOf(before), scaffoldingOf(after))) {
    if (part.removed)
      return `the spec's set-up outside its tests changed (${part.value[0]?.trim()})`;
    const runs = part.added
      ? part.value.find((line) => RUNS_FOR_OTHER_TESTS.test(line))
      : undefined;
    if (runs !== undefined) return `the spec's set-up gained a hook or a call (${runs.trim()})`;
  }
  return undefined;
}
