/**
 * The runner when the learner's code misbehaves, which is most of the time while a kata is being
 * solved: an infinite loop, a promise that never settles, a rejection nobody handles, debugging
 * output, colours in a pipe, a reference in several files. Each driven through `npm run kata` (or
 * `npm start` in a real terminal) in a throw-away copy of the workbook.
 */
import { existsSync, writeFileSync } from "node:fs";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { waitOnOutput } from "./test-support/output-waiter.ts";
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

/** The learner's file, as they might have written it. */
const learnerFile = (body: string) =>
  `export function sumOf(a: number, b: number): number {\n${body}\n}\n`;
const VALIDATES = `  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new TypeError("not finite");`;

describe("an infinite loop", () => {
  it("is stopped after a few seconds, naming the test it was in", async () => {
    const r = await tinyRepo();
    writeFileSync(r.path(STUB), learnerFile("  while (a === a) {}\n  return a + b;"));
    const started = performance.now();
    const result = await r.kata("run", "tiny-sum");
    expect(result.exitCode).toBe(1);
    expect(result.all).toMatch(
      /⏹ Stopped after \d+ s: the code under test did not return — an infinite loop\?/,
    );
    expect(result.all).toContain(
      "It was running: step 1 — adding two numbers › adds two positive numbers",
    );
    expect(performance.now() - started, "the run ends soon after the stop").toBeLessThan(30_000);
  });

  it("never holds watch mode: a save cancels the stuck run, and q quits during one", async () => {
    const r = await tinyRepo();
    const terminal = startInTerminal(r.dir, "npm start");
    if (!terminal) return; // no `script` here: said once by startInTerminal
    const { child, output } = terminal;
    try {
      await output.waitFor("0/4 tests passing");
      writeFileSync(r.path(STUB), learnerFile("  while (a === a) {}\n  return a + b;"));
      await output.waitFor("⟳ running…");
      // The fix, saved while the loop runs: no wait for the stop.
      writeFileSync(r.path(STUB), await readReference(r));
      await output.waitFor("kata solved");
      expect(output.text, "the stuck run was cancelled, not reported").not.toContain(
        "Stopped after",
      );

      writeFileSync(r.path(STUB), learnerFile("  while (a === a) {}\n  return a + b;"));
      await output.waitFor("Stopped after");
      writeFileSync(r.path(STUB), learnerFile("  while (a === a) {}\n  return a * b;"));
      await output.waitFor("⟳ running…");
      child.stdin?.write("q");
      const { exitCode } = await withDeadline(child, 5_000);
      expect(exitCode, "q ends watch mode during a stuck run").toBe(0);
    } finally {
      stop(child);
    }
  });
});

describe("a promise that never settles", () => {
  it("fails the test at the spec's timeout, says what a timeout means, and ends the run", async () => {
    const r = await tinyRepo();
    writeFileSync(
      r.path("katas/tiny-sum/tiny-sum.spec.ts"),
      [
        'import { describe, expect, it } from "vitest";',
        'import { sumOf } from "./tiny-sum";',
        'describe("step 1 — adding two numbers", () => {',
        '  it("adds two positive numbers", async () => expect(await sumOf(2, 3)).toBe(5), 1000);',
        '  it("adds negative numbers", async () => expect(await sumOf(-2, -3)).toBe(-5), 1000);',
        "});",
        'describe("step 2 — rejecting bad input", () => {',
        '  it("rejects NaN", async () => expect(sumOf(Number.NaN, 1)).rejects.toThrow(TypeError), 1000);',
        "});",
        "",
      ].join("\n"),
    );
    writeFileSync(
      r.path(STUB),
      "export async function sumOf(a: number, b: number): Promise<number> {\n  return new Promise(() => {});\n}\n",
    );
    const result = await r.kata("run", "tiny-sum");
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain("✗ adds two positive numbers");
    expect(result.all).toContain(
      "timed out after 1 s: the test waited for a promise of yours that never settled",
    );
    expect(result.all).toContain(
      "(the tests after it did not run: a timed-out test ends the run, fix it first)",
    );
    expect(result.all).not.toContain("does not load");
    expect(result.all, "the test after the timeout did not run").not.toContain(
      "✗ adds negative numbers",
    );
  });
});

describe("an unhandled rejection", () => {
  it("is shown inside the step view, counted, with the rest of the results", async () => {
    const r = await tinyRepo();
    writeFileSync(
      r.path(STUB),
      learnerFile(
        `${VALIDATES}\n  Promise.reject(new Error("503 Service Unavailable")).then(() => {});\n  return a + b;`,
      ),
    );
    const result = await r.kata("run", "tiny-sum");
    expect(result.exitCode, "errors no test caught: not solved").toBe(1);
    expect(result.all).not.toContain("does not load");
    expect(result.all).toContain("✓ step 2 — rejecting bad input (2/2)");
    expect(result.all).toMatch(/⚠ \d+ errors? no test caught/);
    expect(result.all).toContain("an unhandled rejection: 503 Service Unavailable");
    expect(result.all).toContain("4/4 tests passing, but errors escaped the tests");
  });
});

describe("console output", () => {
  it("is shown under the first failing test, and every test's with --output", async () => {
    const r = await tinyRepo();
    writeFileSync(
      r.path(STUB),
      learnerFile(`${VALIDATES}\n  console.log("adding", a, b);\n  return a - b;`),
    );
    const result = await r.kata("run", "tiny-sum");
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain("console output (1 line):");
    expect(result.all).toContain("│ adding 2 3");
    const all = await r.kata("run", "tiny-sum", "--output");
    expect(all.all).toContain("step 1 — adding two numbers › adds negative numbers");
    expect(all.all).toContain("│ adding -2 -3");
  });

  it("is cut after ten lines under the test, saying how to see the rest", async () => {
    const r = await tinyRepo();
    writeFileSync(
      r.path(STUB),
      learnerFile(
        `${VALIDATES}\n  for (let i = 1; i <= 25; i++) console.log("line", i);\n  return a - b;`,
      ),
    );
    const result = await r.kata("run", "tiny-sum");
    expect(result.all).toContain("│ line 10");
    expect(result.all).not.toContain("│ line 11\n");
    expect(result.all).toContain(
      "… 15 more lines: npm run kata -- run tiny-sum --output shows all of it",
    );
  });
});

describe("a pipe", () => {
  it("gets plain text, with no colour codes, even from vitest's diff", async () => {
    const r = await tinyRepo();
    writeFileSync(r.path(STUB), learnerFile(`${VALIDATES}\n  return a - b;`));
    const env = Object.fromEntries(
      Object.entries(CLI_ENV).filter(([name]) => name !== "NO_COLOR" && name !== "FORCE_COLOR"),
    );
    const result = await execa("npm", ["run", "-s", "kata", "--", "run", "tiny-sum"], {
      cwd: r.dir,
      env,
      extendEnv: false,
      reject: false,
      all: true,
    });
    expect(result.all).toContain("expected -1 to be 5");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape is what is looked for
    expect(result.all, "no ANSI escape in a pipe").not.toMatch(/\x1b\[/);
  });
});

describe("a reference in several files", () => {
  it("shows every file of it, the main one as a diff against the learner's", async () => {
    const r = await tinyRepo(["retry-backoff"]);
    const result = await r.kata("solution", "retry-backoff", "--force");
    expect(result.exitCode).toBe(0);
    for (const file of ["retry-backoff.ts", "options.ts", "retryable.ts", "abortable-sleep.ts"])
      expect(result.all).toContain(`── solutions/retry-backoff/${file}`);
    expect(result.all).toContain("part of the reference: your kata keeps it all in one file");
    expect(result.all).toContain("Your file → the reference's main file:");
  });

  it("says a green file edited since is not solved for that reason", async () => {
    const r = await tinyRepo();
    writeFileSync(r.path(STUB), await readReference(r));
    await r.kata("run", "tiny-sum");
    writeFileSync(r.path(STUB), `${await readReference(r)}// a change\n`);
    const result = await r.kata("solution", "tiny-sum");
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain("tiny-sum was green, but your file has changed since");
  });
});

async function readReference(r: TempRepo): Promise<string> {
  const { readFileSync } = await import("node:fs");
  return readFileSync(r.path(REFERENCE), "utf8");
}

/**
 * A command in a real terminal (a pty, through util-linux's or BSD's `script`), so keys reach it
 * as a learner types them. Undefined, said in one line, where the system has no `script`.
 */
function startInTerminal(cwd: string, command: string) {
  const script = ["/usr/bin/script", "/bin/script"].find((path) => existsSync(path));
  if (!script) {
    console.warn("(no `script` command here: the terminal part of this test is skipped)");
    return undefined;
  }
  // The pty starts with no size: give it a usual one, as a terminal window would.
  const sized = `stty cols 100 rows 40; ${command}`;
  const args =
    process.platform === "linux"
      ? ["-q", "-e", "-c", sized, "/dev/null"]
      : ["-q", "/dev/null", "sh", "-c", sized];
  const child = execa(script, args, {
    cwd,
    reject: false,
    env: { ...CLI_ENV, COLUMNS: "100", LINES: "40" },
    extendEnv: false,
    all: true,
    stdin: "pipe",
    detached: true, // its own process group, so the test can stop all of it
  });
  return { child, output: waitOnOutput(child, command) };
}

function stop(child: ReturnType<typeof execa>): void {
  try {
    process.kill(-(child.pid ?? 0), "SIGKILL");
  } catch {
    // already gone
  }
}

async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
