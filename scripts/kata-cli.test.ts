/**
 * The runner as a learner meets it: every command driven through `npm run kata`, in a throw-away
 * copy of the workbook (see test-support/temp-repo.ts), including the bad-input cases.
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { waitOnOutput } from "./test-support/output-waiter.ts";
import { CLI_ENV, makeTempRepo, runIn, type TempRepo } from "./test-support/temp-repo.ts";

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

describe("list", () => {
  it("shows the katas by track, each track with its solved count, and filters them", async () => {
    const r = await tinyRepo(["circuit-breaker"]);
    const result = await r.kata("list");
    expect(result.exitCode).toBe(0);
    expect(result.all).toContain("Warm-ups (warm-ups) · 0/1 solved");
    expect(result.all).toMatch(/1\s+tiny-sum\s+★☆☆☆☆\s+5 min\s+not started/);
    expect(result.all).toContain("Reliability patterns (reliability) · 0/1 solved");
    expect(result.all).toMatch(/2\s+circuit-breaker\s+★★★☆☆/);

    copyFileSync(r.path(REFERENCE), r.path(STUB));
    await r.kata("run", "tiny-sum");
    const unsolved = await r.kata("list", "--status", "unsolved");
    expect(unsolved.all).toContain("circuit-breaker");
    expect(unsolved.all, "a solved kata is left out").not.toContain("tiny-sum");
    const track = await r.kata("list", "--track", "warm-ups");
    expect(track.all).toContain("Warm-ups (warm-ups) · 1/1 solved");
    expect(track.all).not.toContain("circuit-breaker");
    expect((await r.kata("list", "--level", "3")).all).not.toContain("tiny-sum");
    const typo = await r.kata("list", "--track", "warmups");
    expect(typo.exitCode).toBe(2);
    expect(typo.all).toContain('No track called "warmups". Did you mean "warm-ups"?');
    const unknown = await r.kata("list", "--verbose");
    expect(unknown.exitCode).toBe(2);
    expect(unknown.all).toContain(
      '"list" has no option --verbose. Its options: --track <value>, --status <value>, --level <value>, --all.',
    );
  });
});

describe("run", () => {
  it("shows the first failing step with its messages, locks the later ones and exits 1", async () => {
    const r = await tinyRepo();
    const result = await r.kata("run", "tiny-sum");
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain("✗ step 1 — adding two numbers (0/2)");
    expect(result.all).toContain("TODO: implement sumOf()");
    expect(result.all).toContain("🔒 1 more step locked (2 tests)");
    expect(result.all).toContain("0/4 tests passing");
  });

  it("collapses solved steps and shows expected vs received for a wrong answer", async () => {
    const r = await tinyRepo();
    writeFileSync(
      r.path(STUB),
      "export function sumOf(a: number, b: number): number {\n  return a + b;\n}\n",
    );
    const result = await r.kata("run", "tiny-sum");
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain("✓ step 1 — adding two numbers (2/2)");
    expect(result.all).toContain("✗ step 2 — rejecting bad input (0/2)");
    expect(result.all).toMatch(/expected .* to throw/i);
  });

  it("exits 0 and records the kata as solved when every test passes", async () => {
    const r = await tinyRepo();
    copyFileSync(r.path(REFERENCE), r.path(STUB));
    const result = await r.kata("run", "tiny-sum");
    expect(result.exitCode).toBe(0);
    expect(result.all).toContain("4/4 tests passing — kata solved!");
    expect((await r.kata("list")).all).toMatch(/tiny-sum.*✔ solved/);
  });

  it("names the file and line of a syntax error instead of a stack dump", async () => {
    const r = await tinyRepo();
    writeFileSync(
      r.path(STUB),
      "export function sumOf(a: number, b: number): number {\n  return a +;\n}\n",
    );
    const result = await r.kata("run", "tiny-sum");
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain("your file does not load");
    expect(result.all).toContain("katas/tiny-sum/tiny-sum.ts:2:");
    expect(result.all).not.toMatch(/^\s+at .*node_modules/m);
  });

  it("does not call a kata solved while the learner's file has type errors", async () => {
    const r = await tinyRepo();
    writeFileSync(
      r.path(STUB),
      'export function sumOf(a: number, b: number): number {\n  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new TypeError("x");\n  const label: string = 42;\n  return a + b;\n}\n',
    );
    const result = await r.kata("run", "tiny-sum");
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain(
      "katas/tiny-sum/tiny-sum.ts:3:9 Type 'number' is not assignable to type 'string'.",
    );
    expect(result.all).toContain("but your file has type errors");
  });

  it("suggests the closest slug for a typo and exits 2", async () => {
    const r = await tinyRepo();
    const result = await r.kata("run", "tiny-summ");
    expect(result.exitCode).toBe(2);
    expect(result.all).toContain('No kata called "tiny-summ". Did you mean "tiny-sum"?');
    expect(result.all).not.toContain("    at ");
  });

  it("explains a missing slug and an unknown command", async () => {
    const r = await tinyRepo();
    const noSlug = await r.kata("run");
    expect(noSlug.exitCode).toBe(2);
    expect(noSlug.all).toContain("Which kata?");
    const unknown = await r.kata("frobnicate");
    expect(unknown.exitCode).toBe(2);
    expect(unknown.all).toContain('Unknown command "frobnicate"');
  });
});

describe("before npm install", () => {
  it("says to run npm install instead of failing with a module error", async () => {
    repo = await makeTempRepo({ withNodeModules: false });
    const result = await runIn(repo.dir, "npm", ["run", "-s", "kata", "--", "list"]);
    expect(result.exitCode).toBe(2);
    expect(result.all).toContain("Dependencies are not installed yet");
    expect(result.all).toContain("npm install");
  });
});

describe("hint", () => {
  it("gives the tiers in order, then any tier asked for", async () => {
    const r = await tinyRepo();
    expect((await r.kata("hint", "tiny-sum")).all).toContain("Hint 1 — nudge");
    expect((await r.kata("hint", "tiny-sum")).all).toContain("Hint 2 — approach");
    expect((await r.kata("hint", "tiny-sum", "--level", "3")).all).toContain(
      "Hint 3 — near-solution",
    );
    expect((await r.kata("hint", "tiny-sum", "--level", "1")).all).toContain("Hint 1 — nudge");
  });

  it("refuses a tier that does not exist", async () => {
    const r = await tinyRepo();
    const result = await r.kata("hint", "tiny-sum", "--level", "7");
    expect(result.exitCode).toBe(2);
    expect(result.all).toContain("--level must be one of 1, 2, 3");
  });
});

describe("reset", () => {
  it("backs up the learner's file before restoring the stub", async () => {
    const r = await tinyRepo();
    const original = readFileSync(r.path(STUB), "utf8");
    const work =
      "export function sumOf(a: number, b: number): number {\n  return a + b; // my work\n}\n";
    writeFileSync(r.path(STUB), work);
    const result = await r.kata("reset", "tiny-sum", "--yes");
    expect(result.exitCode).toBe(0);
    expect(readFileSync(r.path(STUB), "utf8")).toBe(original);
    const backups = readdirSync(r.path(".kata/backups/tiny-sum"));
    expect(backups).toHaveLength(1);
    expect(readFileSync(r.path(".kata/backups/tiny-sum", backups[0] ?? ""), "utf8")).toBe(work);
    expect(result.all).toContain(`.kata/backups/tiny-sum/${backups[0]}`);
  });

  it("changes nothing without a confirmation when not run in a terminal", async () => {
    const r = await tinyRepo();
    const work = "export const mine = 1;\n";
    writeFileSync(r.path(STUB), work);
    const result = await r.kata("reset", "tiny-sum");
    expect(result.exitCode).toBe(2);
    expect(result.all).toContain("add --yes");
    expect(readFileSync(r.path(STUB), "utf8")).toBe(work);
    expect(existsSync(r.path(".kata/backups"))).toBe(false);
  });
});

describe("solution", () => {
  it("is kept back until the kata is solved", async () => {
    const r = await tinyRepo();
    await r.kata("run", "tiny-sum");
    const result = await r.kata("solution", "tiny-sum");
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain("tiny-sum is not solved yet (last run: 0/4 passing)");
    expect(result.all).not.toContain("Number.isFinite");
  });

  it("shows the reference and a diff against the learner's file with --force", async () => {
    const r = await tinyRepo();
    const result = await r.kata("solution", "tiny-sum", "--force");
    expect(result.exitCode).toBe(0);
    expect(result.all).toContain("Reference solution — Tiny sum");
    expect(result.all).toContain("+++ solutions/tiny-sum/tiny-sum.ts (reference)");
    expect(result.all).toContain('-  throw new Error("TODO: implement sumOf()");');
  });
});

describe("progress", () => {
  it("runs every kata on the learner's files and counts the solved ones", async () => {
    const r = await tinyRepo();
    copyFileSync(r.path(REFERENCE), r.path(STUB));
    const result = await r.kata("progress");
    expect(result.exitCode).toBe(0);
    expect(result.all).toContain("✔ tiny-sum");
    expect(result.all).toContain("1/1 katas solved");
  });
});

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

describe("watch", () => {
  it("re-runs the spec when the learner saves, and shows the kata solved", async () => {
    const r = await tinyRepo();
    const child = execa("npm", ["start"], {
      cwd: r.dir,
      reject: false,
      env: CLI_ENV,
      extendEnv: false,
      all: true,
      stdin: "ignore",
      // Its own process group, so the test can stop npm, the shell and node at once, as Ctrl-C
      // does in a terminal.
      detached: true,
    });
    const output = waitOnOutput(child, "watch");
    const { waitFor } = output;
    await waitFor("0/4 tests passing");
    copyFileSync(r.path(REFERENCE), r.path(STUB));
    await waitFor("kata solved");
    process.kill(-(child.pid ?? 0), "SIGTERM");
    await child;
    expect(output.text).toContain("Watching katas/tiny-sum/");
    expect(output.text).toContain("✓ step 2 — rejecting bad input (2/2)");
  });
});
