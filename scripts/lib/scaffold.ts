/**
 * `new <slug> --track <id>`: every file of a kata, placed at the end of its track on the learning
 * path, with a spec that already uses the shared helper of its track (the mocked AWS client, the
 * msw server, the temp dir, the fake executables). Every placeholder carries SCAFFOLD_MARK, which
 * `verify` rejects wherever it is left; the placeholder reference throws, so the spec fails on it.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { execa } from "execa";
import { findTrack, readCatalogueFile, SLUG } from "./catalogue.ts";
import { UserError } from "./errors.ts";
import { CATALOGUE_FILE, kataPaths, ROOT } from "./paths.ts";

/** Left in every placeholder: `verify` fails while any file of the kata still has it. */
export const SCAFFOLD_MARK = "TODO(scaffold)";

/** What a spec of each track starts from: the shared helper its katas use. */
interface SpecTemplate {
  imports: string[];
  setup: string[];
}

const TRACK_TEMPLATES: Record<string, SpecTemplate> = {
  aws: awsTemplate(),
  "aws-security": awsTemplate(),
  http: {
    imports: [
      'import { HttpResponse, http } from "msw";',
      'import { useMockServer } from "../../fixtures/helpers/http";',
    ],
    setup: [
      `// ${SCAFFOLD_MARK}: answer the requests the kata makes, as the real API does (look it up).`,
      'const API = "https://api.example.test";',
      "const server = useMockServer(",
      '  http.get(API + "/health", () => HttpResponse.json({ status: "ok" })),',
      ");",
      "void server;",
    ],
  },
  "files-and-logs": {
    imports: ['import { useTempDir } from "../../fixtures/helpers/temp-dir";'],
    setup: [
      "// A fresh directory for every test, removed after it.",
      'const dir = useTempDir("kata-");',
      "void dir;",
    ],
  },
  processes: {
    imports: ['import { fakePathEnv } from "../../fixtures/helpers/fake-bin";'],
    setup: [
      `// ${SCAFFOLD_MARK}: put the fake executables the kata runs in fixtures/bin/ (run bit committed).`,
      "const env = fakePathEnv();",
      "void env;",
    ],
  },
};

function awsTemplate(): SpecTemplate {
  return {
    imports: [
      'import { EC2Client } from "@aws-sdk/client-ec2";',
      'import { useMockedClient } from "../../fixtures/helpers/aws/client";',
    ],
    setup: [
      `// ${SCAFFOLD_MARK}: mock the client the kata uses (one useMockedClient per client class).`,
      "const ec2 = useMockedClient(EC2Client);",
      "void ec2;",
    ],
  };
}

export interface Scaffolded {
  files: string[];
  track: string;
  position: number;
}

export async function scaffoldKata(
  slug: string | undefined,
  trackId: string | undefined,
): Promise<Scaffolded> {
  if (!slug)
    throw new UserError(
      "Give the new kata a slug: npm run kata -- new <slug> --track <track> (lower-case words joined by dashes).",
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
  const catalogue = readCatalogueFile();
  if (!trackId)
    throw new UserError(
      `Which track does ${slug} belong to? npm run kata -- new ${slug} --track <track>; the tracks: ${catalogue.tracks.map((t) => t.id).join(", ")}.`,
    );
  const track = findTrack(catalogue.tracks, trackId);
  const files = kataFiles(slug, TRACK_TEMPLATES[track.id]);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  // At the end of its track: move it up the list if it is easier than the katas before it.
  const entry = catalogue.tracks.find((t) => t.id === track.id);
  entry?.katas.push(slug);
  writeFileSync(CATALOGUE_FILE, `${JSON.stringify(catalogue, null, 2)}\n`);
  const written = [...Object.keys(files), CATALOGUE_FILE];
  await formatLikeTheWorkbook(written);
  return {
    files: written.map((file) => relative(ROOT, file)),
    track: track.id,
    position: catalogue.tracks.flatMap((t) => t.katas).indexOf(slug) + 1,
  };
}

/** The workbook's formatter on what was written, so `npm run lint` passes before any edit. */
async function formatLikeTheWorkbook(files: string[]): Promise<void> {
  await execa(join(ROOT, "node_modules", ".bin", "biome"), ["format", "--write", ...files], {
    cwd: ROOT,
    reject: false,
  });
}

function kataFiles(slug: string, template: SpecTemplate | undefined): Record<string, string> {
  const paths = kataPaths(slug);
  const fn = camelCase(slug);
  const title = titleCase(slug);
  const mark = SCAFFOLD_MARK;
  const spec = [
    'import { describe, expect, it } from "vitest";',
    ...(template?.imports ?? []),
    `import { ${fn} } from "./${slug}";`,
    "",
    ...(template ? [...template.setup, ""] : []),
    'describe("step 1 — the simplest case", () => {',
    `  // ${mark}: the tests, in steps from simple to hard (CONTRIBUTING.md, "The spec").`,
    '  it("returns what the README promises", () => {',
    `    expect(${fn}("input")).toBe("the expected output");`,
    "  });",
    "});",
    "",
  ].join("\n");
  const files: Record<string, string> = {
    [paths.meta]: `${JSON.stringify(
      {
        title,
        summary: `${mark}: one line on what the kata is about`,
        difficulty: 2,
        minutes: 30,
        seeds: [],
        tags: [],
        library: null,
        steps: ["the simplest case"],
      },
      null,
      2,
    )}\n`,
    [paths.readme]: `# ${title}\n\n${mark}: the problem, in your own words: what a DevOps engineer needs this for.\n\n## From Python\n\n${mark}: what the Python version does, and what changes in idiomatic TypeScript.\n\n## API\n\n\`\`\`ts\nexport function ${fn}(input: string): string;\n\`\`\`\n\n${mark}: every behaviour the spec checks: defaults, error types, formats.\n\n## Steps\n\n1. **The simplest case** — ${mark}: what this step asks.\n\n## Run it\n\n\`\`\`bash\nnpm run kata -- run ${slug}   # once\nnpm start -- ${slug}          # re-run on every save\n\`\`\`\n`,
    [paths.stub]: `/** What ${fn} does, for the learner. */\nexport function ${fn}(_input: string): string {\n  // TODO: implement ${fn}()\n  throw new Error("TODO: implement ${fn}()");\n}\n`,
    [paths.spec]: spec,
    [paths.hints]: `# Hints — ${title}\n\n## Tier 1 — nudge\n\n${mark}: a question or a pointer, no code.\n\n## Tier 2 — approach\n\n${mark}: the shape of a solution.\n\n## Tier 3 — near-solution\n\n${mark}: most of the answer, with the tricky part explained.\n`,
    [paths.reference]: `/** The reference solution: the code you would want a colleague to copy. */\nexport function ${fn}(_input: string): string {\n  throw new Error("${mark}: write the reference solution of ${slug}");\n}\n`,
    [paths.notes]: `# ${title} — notes on the reference\n\n## Why this design\n\n${mark}\n\n## Trade-offs\n\n${mark}\n\n## What the production library does\n\n${mark}\n`,
  };
  for (let n = 1; n <= 3; n++) {
    files[`${paths.badDir}/mistake-${n}.patch`] =
      `// Mistake: ${mark} (say what plausible mistake this solution makes, then make it in a copy of the reference and save the diff here: CONTRIBUTING.md)\n`;
  }
  return files;
}

const camelCase = (slug: string) =>
  slug.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const titleCase = (slug: string) =>
  slug
    .split("-")
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join(" ");
