/**
 * `npm run dojo` with bad input, as a user would meet it in a non-interactive shell: a clear
 * message, a non-zero exit, never a stack. The commands start in parallel once, before the tests
 * (each is a Node process with tsx, about a second), and each test checks one of them.
 */
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { execa, type Result } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalogue } from "../lib/catalogue.ts";
import { ROOT } from "../lib/paths.ts";

const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const ENV = { NO_COLOR: "1", FORCE_COLOR: "0" };

/** The first kata in the catalogue: the cases that get past the kata lookup need a real one. */
const slug = loadCatalogue()[0]?.slug;

const runs = new Map<string, Promise<Result>>();
let blocker: Server;
let busyPort = 0;

function dojo(...args: string[]): Promise<Result> {
  return execa(TSX, ["scripts/dojo.ts", ...args], {
    cwd: ROOT,
    env: ENV,
    stdin: "ignore", // not a terminal: nothing can be asked
    reject: false,
    timeout: 60_000,
  });
}

beforeAll(async () => {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  busyPort = (blocker.address() as { port: number }).port;
  const kata = slug ?? "no-kata-in-the-catalogue";
  const cases: Record<string, () => Promise<Result>> = {
    help: () => dojo("--help"),
    noSlug: () => dojo("--team", "Ana,Bo"),
    unknownKata: () => dojo("no-such-kata-anywhere", "--team", "Ana,Bo"),
    misspelledKata: () => dojo(kata.slice(0, -1), "--team", "Ana,Bo"),
    emptyTeam: () => dojo(kata, "--team", " , "),
    noTeam: () => dojo(kata),
    zeroMinutes: () => dojo(kata, "--team", "Ana,Bo", "--minutes", "0"),
    wordMinutes: () => dojo(kata, "--team", "Ana,Bo", "--minutes", "five"),
    unknownOption: () => dojo(kata, "--team", "Ana", "--colour"),
    portInUse: () => dojo(kata, "--team", "Ana,Bo", "--web", "--port", String(busyPort)),
    viaNpm: () =>
      execa("npm", ["run", "-s", "dojo", "--", "no-such-kata-anywhere", "--team", "Ana"], {
        cwd: ROOT,
        env: ENV,
        stdin: "ignore",
        reject: false,
        timeout: 60_000,
      }),
  };
  for (const [name, start] of Object.entries(cases)) runs.set(name, start());
  await Promise.all(runs.values());
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => blocker?.close(resolve));
});

async function outcome(name: string) {
  const result = await runs.get(name);
  if (!result) throw new Error(`no run called ${name}`);
  const stderr = String(result.stderr);
  expect(stderr, "a message, never a stack").not.toMatch(/^\s+at /m);
  return { code: result.exitCode, stdout: String(result.stdout), stderr };
}

function needsKata() {
  if (!slug) throw new Error("These cases need at least one kata in katas/ (with a kata.json).");
}

describe("npm run dojo with bad input (not a terminal)", () => {
  it("prints the usage on --help and exits 0", async () => {
    const { code, stdout } = await outcome("help");
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: npm run dojo -- [slug] --team "Ana,Bo,Cy" [options]');
  });

  it("lists the katas when no slug is given", async () => {
    needsKata();
    const { code, stderr } = await outcome("noSlug");
    expect(code).toBe(2);
    expect(stderr).toContain(
      'Which kata? Give its slug: npm run dojo -- <slug> --team "Ana,Bo,Cy"',
    );
    expect(stderr).toContain(`\n  ${slug}`);
  });

  it("names an unknown kata", async () => {
    const { code, stderr } = await outcome("unknownKata");
    expect(code).toBe(2);
    expect(stderr).toContain('No kata called "no-such-kata-anywhere".');
  });

  it("suggests the closest kata for a typo", async () => {
    needsKata();
    const { code, stderr } = await outcome("misspelledKata");
    expect(code).toBe(2);
    expect(stderr).toContain(`Did you mean "${slug}"?`);
  });

  it("refuses an empty team", async () => {
    const { code, stderr } = await outcome("emptyTeam");
    expect(code).toBe(2);
    expect(stderr).toContain('The team is empty: give at least one name, e.g. --team "Ana,Bo,Cy".');
  });

  it("asks for --team when it cannot ask the question", async () => {
    const { code, stderr } = await outcome("noTeam");
    expect(code).toBe(2);
    expect(stderr).toContain(
      'Who is in the dojo? Give the team in rotation order: --team "Ana,Bo,Cy"',
    );
  });

  it("refuses a turn length that is not a whole number of minutes", async () => {
    for (const [name, raw] of [
      ["zeroMinutes", "0"],
      ["wordMinutes", "five"],
    ] as const) {
      const { code, stderr } = await outcome(name);
      expect(code).toBe(2);
      expect(stderr).toContain(
        `--minutes must be a whole number from 1 to 120 minutes (got "${raw}").`,
      );
    }
  });

  it("explains an unknown option", async () => {
    const { code, stderr } = await outcome("unknownOption");
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--colour'");
    expect(stderr).toContain("Usage: npm run dojo");
  });

  it("says which port is in use and what to try instead", async () => {
    needsKata();
    const { code, stderr } = await outcome("portInUse");
    expect(code).toBe(2);
    expect(stderr).toContain(`port ${busyPort} is in use; try --port ${busyPort + 1} or --port 0`);
  });

  it("behaves the same through npm run dojo", async () => {
    const { code, stderr } = await outcome("viaNpm");
    expect(code).toBe(2);
    expect(stderr).toContain('No kata called "no-such-kata-anywhere".');
  });
});
