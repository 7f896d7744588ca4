/**
 * `new <slug>`: every file of a kata, with placeholders that `verify` rejects until they are
 * replaced (the placeholder reference throws, so the spec fails on it).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { loadCatalogue } from "./catalogue.ts";
import { UserError } from "./errors.ts";
import { kataPaths, ROOT } from "./paths.ts";

const SLUG = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function scaffoldKata(slug: string | undefined): string[] {
  if (!slug)
    throw new UserError(
      "Give the new kata a slug: npm run kata -- new <slug> (lower-case words joined by dashes).",
    );
  if (!SLUG.test(slug))
    throw new UserError(
      `"${slug}" is not a valid slug: use lower-case words joined by dashes, e.g. rate-limiter.`,
    );
  const paths = kataPaths(slug);
  if (existsSync(paths.dir) || existsSync(paths.solutionDir)) {
    throw new UserError(
      `A kata called "${slug}" already exists (katas/${slug} or solutions/${slug}); nothing was written.`,
    );
  }
  const order = Math.max(0, ...loadCatalogue().map((k) => k.order)) + 1;
  const fn = camelCase(slug);
  const files: Record<string, string> = {
    [paths.meta]: `${JSON.stringify(
      {
        title: titleCase(slug),
        order,
        track: "reliability",
        difficulty: 2,
        minutes: 30,
        seeds: ["000"],
        tags: [],
        library: null,
        steps: ["the simplest case"],
      },
      null,
      2,
    )}\n`,
    [paths.readme]: `# ${titleCase(slug)}\n\nThe problem, in your own words: what a DevOps engineer needs this for.\n\n## From Python\n\nWhat the Python version does, and what changes in idiomatic TypeScript.\n\n## API\n\n\`\`\`ts\nexport function ${fn}(input: string): string;\n\`\`\`\n\nEvery behaviour the spec checks: defaults, error types, formats.\n\n## Steps\n\n1. **The simplest case** — …\n\n## Run it\n\n\`\`\`bash\nnpm run kata -- run ${slug}   # once\nnpm start -- ${slug}          # re-run on every save\n\`\`\`\n`,
    [paths.stub]: `/** What ${fn} does, for the learner. */\nexport function ${fn}(_input: string): string {\n  // TODO: implement ${fn}()\n  throw new Error("TODO: implement ${fn}()");\n}\n`,
    [paths.spec]: `import { describe, expect, it } from "vitest";\nimport { ${fn} } from "./${slug}.ts";\n\ndescribe("step 1 — the simplest case", () => {\n  it("returns what the README promises", () => {\n    expect(${fn}("input")).toBe("the expected output");\n  });\n});\n`,
    [paths.hints]: `# Hints — ${titleCase(slug)}\n\n## Tier 1 — nudge\n\nA question or a pointer, no code.\n\n## Tier 2 — approach\n\nThe shape of a solution.\n\n## Tier 3 — near-solution\n\nMost of the answer, with the tricky part explained.\n`,
    [paths.reference]: `/** The reference solution: the code you would want a colleague to copy. */\nexport function ${fn}(_input: string): string {\n  throw new Error("TODO: write the reference solution of ${slug}");\n}\n`,
    [paths.notes]: `# ${titleCase(slug)} — notes on the reference\n\n## Why this design\n\n## Trade-offs\n\n## What the production library does\n`,
  };
  for (let n = 1; n <= 3; n++) {
    files[`${paths.badDir}/mistake-${n}.ts`] =
      `// Mistake: (say what plausible mistake this solution makes)\nexport * from "../${slug}.ts";\n`;
  }
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return Object.keys(files).map((file) => relative(ROOT, file));
}

const camelCase = (slug: string) =>
  slug.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const titleCase = (slug: string) =>
  slug
    .split("-")
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join(" ");
