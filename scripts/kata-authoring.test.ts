/**
 * The runner as a kata author meets it: `verify` (the kata contract, the catalogue, the generated
 * docs), `new` and the kata selection, driven through `npm run kata` in a throw-away copy of the
 * workbook (see test-support/temp-repo.ts). The learner's commands: kata-cli.test.ts.
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { CLI_ENV, makeTempRepo, type TempRepo } from "./test-support/temp-repo.ts";

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.remove();
  repo = undefined;
});

async function tinyRepo(realKatas: string[] = []): Promise<TempRepo> {
  repo = await makeTempRepo({ realKatas });
  return repo;
}

const STUB = "katas/tiny-sum/tiny-sum.ts";
const REFERENCE = "solutions/tiny-sum/tiny-sum.ts";

describe("verify", () => {
  it("accepts a kata that keeps the contract, with the exact closing line", async () => {
    const r = await tinyRepo();
    const result = await r.kata("verify");
    expect(result.all).toContain(
      "✔ tiny-sum: 4 tests · stub 4/4 fail · reference 4/4 pass · 6/6 bad solutions rejected · types ok",
    );
    expect(result.all.trim().split("\n").at(-1)).toBe("verify: 1 passed, 0 failed");
    expect(result.exitCode).toBe(0);
    expect(result.all, "which test caught each bad solution: only for one kata").not.toContain(
      "failed first",
    );
  });

  it("for one kata, names the test that failed first on each bad solution, in spec order", async () => {
    const r = await tinyRepo();
    const result = await r.kata("verify", "tiny-sum");
    expect(result.exitCode).toBe(0);
    expect(result.all).toContain(
      "✔ bad:no-validation — failed first: step 2 — rejecting bad input › throws a TypeError for NaN",
    );
    expect(result.all).toContain(
      "✔ bad:subtracts-negatives — failed first: step 1 — adding two numbers › adds negative numbers",
    );
    expect(result.all).toContain(
      "✔ bad:wrong-error-type — failed first: step 2 — rejecting bad input › throws a TypeError for NaN",
    );
  });

  it("names a test that passes on the untouched stub, and a bad solution that passes", async () => {
    const r = await tinyRepo();
    const spec = r.path("katas/tiny-sum/tiny-sum.spec.ts");
    writeFileSync(
      spec,
      `${readFileSync(spec, "utf8")}\ndescribe("step 2 — rejecting bad input", () => {\n  it("asks nothing", () => {\n    expect(1).toBe(1);\n  });\n});\n`,
    );
    writeFileSync(
      r.path("solutions/tiny-sum/bad/no-validation.ts"),
      `// Mistake: none, it is the reference\nexport * from "../tiny-sum.ts";\n`,
    );
    await execa("git", ["commit", "-qam", "weaken"], {
      cwd: r.dir,
      env: CLI_ENV,
      extendEnv: false,
    });
    const result = await r.kata("verify");
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain(
      "passes on the untouched stub (asks nothing of the learner): step 2 — rejecting bad input › asks nothing",
    );
    expect(result.all).toContain(
      "a known-bad solution passes the whole spec: solutions/tiny-sum/bad/no-validation.ts (KATA_TARGET=bad:no-validation)",
    );
    expect(result.all.trim().split("\n").at(-1)).toBe("verify: 0 passed, 1 failed");
  });

  it("runs a bad solution written as a patch, and names a patch that no longer applies", async () => {
    const r = await tinyRepo();
    const patch = (name: string, from: string, to: string) =>
      writeFileSync(
        r.path(`solutions/tiny-sum/bad/${name}.patch`),
        [
          "--- tiny-sum.ts",
          `+++ bad/${name}.ts`,
          "@@ -2,6 +2,7 @@",
          " export function sumOf(a: number, b: number): number {",
          "   if (!Number.isFinite(a) || !Number.isFinite(b)) {",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a line of the reference, quoted
          "     throw new TypeError(`sumOf needs finite numbers, got ${a} and ${b}`);",
          "   }",
          `-  ${from}`,
          "+  // Mistake: drops the sign of the sum.",
          `+  ${to}`,
          " }",
          "",
        ].join("\n"),
      );
    patch("unsigned", "return a + b;", "return Math.abs(a + b);");
    patch("stale", "return a - b;", "return 0;"); // the reference never said `a - b`

    const result = await r.kata("verify");
    // The six whole-file bad solutions and `unsigned` are rejected; `stale` never ran.
    expect(result.all).toContain("7/8 bad solutions rejected");
    expect(result.all).toContain(
      "solutions/tiny-sum/bad/stale.patch (KATA_TARGET=bad:stale) does not load: solutions/tiny-sum/bad/stale.patch no longer applies to solutions/tiny-sum/tiny-sum.ts",
    );
    expect(result.all.trim().split("\n").at(-1)).toBe("verify: 0 passed, 1 failed");
  });

  it("names a type error in a solution, with its file and line", async () => {
    const r = await tinyRepo();
    const reference = r.path(REFERENCE);
    writeFileSync(
      reference,
      `${readFileSync(reference, "utf8")}export const total: number = "4";\n`,
    );
    const result = await r.kata("verify");
    expect(result.all).toContain(
      "type error solutions/tiny-sum/tiny-sum.ts:8:14: Type 'string' is not assignable to type 'number'.",
    );
    expect(result.all.trim().split("\n").at(-1)).toBe("verify: 0 passed, 1 failed");
  });

  it("checks the committed stub even after the learner has solved the kata", async () => {
    const r = await tinyRepo();
    copyFileSync(r.path(REFERENCE), r.path(STUB));
    const result = await r.kata("verify");
    expect(result.all.trim().split("\n").at(-1)).toBe("verify: 1 passed, 0 failed");
  });

  it("flags missing files, README sections and hint tiers", async () => {
    const r = await tinyRepo();
    rmSync(r.path("solutions/tiny-sum/NOTES.md"));
    writeFileSync(r.path("katas/tiny-sum/hints.md"), "# Hints\n\n## Tier 1 — nudge\n\nOnly one.\n");
    const readme = r.path("katas/tiny-sum/README.md");
    writeFileSync(readme, readFileSync(readme, "utf8").replace("## From Python", "## From Perl"));
    const result = await r.kata("verify");
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain("missing solutions/tiny-sum/NOTES.md");
    expect(result.all).toContain('README.md has no "## From Python" section');
    expect(result.all).toContain("found tiers: 1");
  });

  it("keeps the catalogue, the generated docs and the kata folders in order", async () => {
    const r = await tinyRepo();
    // A second kata on disk that the catalogue does not list, with a placeholder left in.
    cpSync(r.path("katas/tiny-sum"), r.path("katas/tiny-product"), { recursive: true });
    renameSync(
      r.path("katas/tiny-product/tiny-sum.ts"),
      r.path("katas/tiny-product/tiny-product.ts"),
    );
    writeFileSync(r.path("katas/tiny-product/hints.md"), "# Hints\n\nTODO(scaffold): a nudge\n");
    // Solutions and fixture data for katas that do not exist; a stray file among the bad ones.
    mkdirSync(r.path("solutions/tiny-diff"), { recursive: true });
    mkdirSync(r.path("fixtures/katas/tiny-sum-data"), { recursive: true });
    writeFileSync(r.path("solutions/tiny-sum/bad/notes.txt"), "why these fail\n");
    // The README's steps out of step with kata.json, and its generated table out of date.
    const readme = r.path("katas/tiny-sum/README.md");
    writeFileSync(
      readme,
      readFileSync(readme, "utf8").replace("**Rejecting bad input**", "**Bad input**"),
    );
    const meta = r.path("katas/tiny-sum/kata.json");
    writeFileSync(meta, readFileSync(meta, "utf8").replace("adds two numbers", "sums two numbers"));

    const result = await r.kata("verify", "tiny-sum");
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain(
      "solutions/tiny-sum/bad/notes.txt is in bad/ but is not a bad solution (only <name>.ts and <name>.patch are run): move or remove it",
    );
    expect(result.all).toContain(
      `README.md's ## Steps item 2 is "Bad input", kata.json's step 2 is "rejecting bad input"`,
    );
    expect(result.all).toContain(
      "README.md's kata table is out of date with the catalogue: run npm run kata -- docs",
    );
    expect(result.all).toContain(
      "✘ solutions/tiny-diff\n    - solutions for a kata that does not exist (no katas/tiny-diff/kata.json)",
    );
    expect(result.all).toContain("✘ fixtures/katas/tiny-sum-data");

    const all = await r.kata("verify");
    expect(all.all).toContain(
      "not on the learning path: add it to a track in katas/catalogue.json (CONTRIBUTING.md)",
    );
    expect(all.all).toContain(
      "katas/tiny-product/hints.md:3 still has the scaffold's placeholder (TODO(scaffold)): write the real thing",
    );
  });

  it("checks the katas chosen by slug, by track, or by what changed since a git ref", async () => {
    const r = await tinyRepo(["circuit-breaker"]);
    const byTrack = await r.kata("verify", "--track", "warm-ups");
    expect(byTrack.all).toContain("verify: track warm-ups");
    expect(byTrack.all).toContain("✔ tiny-sum");
    expect(byTrack.all).not.toContain("circuit-breaker:");
    expect(byTrack.all.trim().split("\n").at(-1)).toBe("verify: 1 passed, 0 failed");

    const nothing = await r.kata("verify", "--changed");
    expect(nothing.all).toContain("verify: changed since HEAD: none");
    expect(nothing.all.trim().split("\n").at(-1)).toBe("verify: 0 passed, 0 failed");

    const hints = r.path("katas/tiny-sum/hints.md");
    writeFileSync(hints, `${readFileSync(hints, "utf8")}\nOne more thought.\n`);
    expect((await r.kata("verify", "--changed", "HEAD")).all).toContain(
      "verify: changed since HEAD: tiny-sum",
    );
    // A shared helper that a spec imports counts as a change to that kata, and only to it.
    const http = r.path("fixtures/helpers/http.ts");
    writeFileSync(http, `${readFileSync(http, "utf8")}\n// a change\n`);
    expect((await r.kata("verify", "--changed")).all).toContain(
      "verify: changed since HEAD: tiny-sum, circuit-breaker",
    );
  });
});

describe("new", () => {
  it("scaffolds a kata at the end of its track, on its track's helper, which verify then checks", async () => {
    const r = await tinyRepo();
    const noTrack = await r.kata("new", "health-probe");
    expect(noTrack.exitCode).toBe(2);
    expect(noTrack.all).toContain("Which track does health-probe belong to?");

    const created = await r.kata("new", "health-probe", "--track", "http");
    expect(created.exitCode).toBe(0);
    expect(created.all).toContain("Created health-probe, number 2 on the learning path");
    for (const file of [
      "kata.json",
      "README.md",
      "health-probe.ts",
      "health-probe.spec.ts",
      "hints.md",
    ])
      expect(existsSync(r.path("katas/health-probe", file)), file).toBe(true);
    const catalogue = JSON.parse(readFileSync(r.path("katas/catalogue.json"), "utf8")) as {
      tracks: { id: string; katas: string[] }[];
    };
    expect(catalogue.tracks.find((t) => t.id === "http")?.katas).toEqual(["health-probe"]);
    expect(readFileSync(r.path("katas/health-probe/health-probe.spec.ts"), "utf8")).toContain(
      'import { useMockServer } from "../../fixtures/helpers/http";',
    );

    const verify = await r.kata("verify");
    expect(verify.all).toContain("✔ tiny-sum");
    expect(verify.all).toContain("✘ health-probe");
    expect(verify.all).toContain("fails on the reference");
    expect(verify.all).toContain("seeds: Too small");
    expect(verify.all).toContain(
      "katas/health-probe/README.md:3 still has the scaffold's placeholder (TODO(scaffold))",
    );
    expect(verify.all).toContain("solutions/health-probe/bad/mistake-1.patch:1 still has");
    expect(verify.all, "the scaffolded files type-check").not.toContain("type error");
    // The README's table cannot list a kata whose kata.json is not valid yet.
    expect(verify.all).toContain("✘ README.md\n    - its kata table cannot be checked");
    expect(verify.all.trim().split("\n").at(-1)).toBe("verify: 1 passed, 2 failed");
  });

  it("refuses an invalid or existing slug and writes nothing", async () => {
    const r = await tinyRepo();
    const invalid = await r.kata("new", "Rate_Limiter");
    expect(invalid.exitCode).toBe(2);
    expect(invalid.all).toContain("is not a valid slug");
    const existing = await r.kata("new", "tiny-sum");
    expect(existing.exitCode).toBe(2);
    expect(existing.all).toContain('A kata called "tiny-sum" already exists');
  });
});
