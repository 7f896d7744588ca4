/**
 * The runner as a learner meets it: every command driven through `npm run kata`, in a throw-away
 * copy of the workbook (see test-support/temp-repo.ts), including the bad-input cases. The
 * authors' commands (verify, new): kata-authoring.test.ts.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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
    for (const command of [["run", "-s", "kata", "--", "list"], ["test"], ["start"]]) {
      const result = await runIn(repo.dir, "npm", command);
      expect(result.exitCode, `npm ${command.join(" ")}`).toBe(2);
      expect(result.all).toContain("Dependencies are not installed yet");
      expect(result.all).toContain("npm install");
    }
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
