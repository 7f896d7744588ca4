/**
 * The warm pool's promises: a fresh process per run in `fresh` mode, one process for many runs in
 * `reuse` mode, and in both the code of the current run — never a module left from the last one.
 * Each test drives a small vitest instance over specs written to a temp dir; the specs log the
 * process they ran in and the value they imported.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { createVitest, type Vitest } from "vitest/node";
import {
  killStuckWorkers,
  type StuckRun,
  type WarmPoolMode,
  warmPool,
  warmPoolStats,
} from "./lib/warm-pool/warm-pool.ts";
import { useVitestSandbox } from "./test-support/vitest-sandbox.ts";

const sandbox = useVitestSandbox("kata-warm-pool-");
const { write } = sandbox;

/** A spec that logs `<pid> <project> <value>` and imports `value` from `./impl-<suffix>`. */
function writeSpec(name: string, implementation = "./impl") {
  write(
    name,
    [
      'import { appendFileSync } from "node:fs";',
      'import { it } from "vitest";',
      `import { value } from "${implementation}";`,
      `it("logs", () => { appendFileSync(${JSON.stringify(join(sandbox.dir, "log"))}, \`\${process.pid} \${value}\\n\`); });`,
    ].join("\n"),
  );
}

function log(): { pid: string; value: string }[] {
  return readFileSync(join(sandbox.dir, "log"), "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const [pid = "", value = ""] = line.split(" ");
      return { pid, value };
    });
}

const ANNOUNCE_TESTS = join(import.meta.dirname, "lib/warm-pool/announce-tests.ts");

async function open(
  mode: WarmPoolMode,
  projects: { name: string; impl: string }[],
  maxWorkers = 1,
) {
  const vitest = await createVitest(
    "test",
    { config: false, watch: false, reporters: [{}], root: sandbox.dir, maxWorkers },
    {
      test: {
        projects: projects.map(({ name, impl }) => ({
          resolve: { alias: { "#impl": join(sandbox.dir, impl) } },
          test: {
            name,
            root: sandbox.dir,
            include: ["*.spec.ts"],
            setupFiles: [ANNOUNCE_TESTS],
            pool: warmPool(mode),
          },
        })),
      },
      logLevel: "silent",
      server: { watch: null },
    },
  );
  sandbox.vitest = vitest;
  return vitest;
}

async function runAll(v: Vitest) {
  const specs = await v.globTestSpecifications();
  const { testModules } = await v.runTestSpecifications(specs, true);
  return testModules.map((module) => module.state());
}

describe("fresh mode (watch and dojo)", () => {
  it("runs every spec run in a new process, on the code as it is now", async () => {
    write("impl.ts", "export const value = 1;\n");
    writeSpec("a.spec.ts", "#impl");
    const v = await open("fresh", [{ name: "only", impl: "impl.ts" }]);

    expect(await runAll(v)).toEqual(["passed"]);
    write("impl.ts", "export const value = 2;\n");
    v.invalidateFile(join(sandbox.dir, "impl.ts"));
    expect(await runAll(v)).toEqual(["passed"]);

    const [first, second] = log();
    expect(second?.value, "the second run must load the edited module").toBe("2");
    expect(first?.value).toBe("1");
    expect(second?.pid, "each run gets a process of its own").not.toBe(first?.pid);
  });

  it("keeps one spare process ready after a run, and no more", async () => {
    write("impl.ts", "export const value = 1;\n");
    writeSpec("a.spec.ts", "#impl");
    const before = warmPoolStats().spawned;
    const v = await open("fresh", [{ name: "only", impl: "impl.ts" }]);
    await runAll(v);
    // The spare is started as the used process stops, just after the run reports.
    await vi.waitFor(() => expect(warmPoolStats().idle).toBe(1));
    await runAll(v); // on the spare
    await vi.waitFor(() => expect(warmPoolStats().spawned - before).toBe(3));
    expect(warmPoolStats().idle, "the spare made for the first run is the one used").toBe(1);
    expect(new Set(log().map((e) => e.pid)).size).toBe(2);
  });
});

describe("reuse mode (the contract check)", () => {
  it("serves several projects from one process, each with its own implementation", async () => {
    write("impl-a.ts", 'export const value = "a";\n');
    write("impl-b.ts", 'export const value = "b";\n');
    writeSpec("one.spec.ts", "#impl");
    writeSpec("two.spec.ts", "#impl");
    const before = warmPoolStats().spawned;
    const v = await open("reuse", [
      { name: "a", impl: "impl-a.ts" },
      { name: "b", impl: "impl-b.ts" },
    ]);

    expect(await runAll(v)).toEqual(["passed", "passed", "passed", "passed"]);

    const entries = log();
    expect(entries.map((e) => e.value).sort()).toEqual(["a", "a", "b", "b"]);
    expect(new Set(entries.map((e) => e.pid)).size, "one process for all four runs").toBe(1);
    expect(warmPoolStats().spawned - before).toBe(1);
  });

  it("gives each run Node's built-in modules as Node made them, whatever the last run did", async () => {
    // Both specs check fs.promises and setTimeout, then leave them changed the way
    // vi.mock(…, { spy: true }) with syncBuiltinESMExports(), and fake timers left installed, do:
    // whichever runs second sees the first one's change, if any.
    const polluter = [
      'import { appendFileSync } from "node:fs";',
      'import fs from "node:fs";',
      'import { open } from "node:fs/promises";',
      'import { syncBuiltinESMExports } from "node:module";',
      'import { it } from "vitest";',
      'it("finds fs as made, then changes it", () => {',
      `  appendFileSync(${JSON.stringify(join(sandbox.dir, "log"))}, \`\${process.pid} \${"left" in fs.promises.open || "left" in open || "left" in setTimeout}\\n\`);`,
      "  const real = fs.promises.open;",
      "  fs.promises.open = Object.assign((...args) => real(...args), { left: true });",
      "  const realSetTimeout = globalThis.setTimeout;",
      "  globalThis.setTimeout = Object.assign((...args) => realSetTimeout(...args), { left: true });",
      "  fs.promises.addedByASpec = true;",
      "  syncBuiltinESMExports();",
      "});",
    ].join("\n");
    write("one.spec.ts", polluter);
    write("two.spec.ts", polluter);
    const v = await open("reuse", [{ name: "only", impl: "impl.ts" }]);
    expect(await runAll(v)).toEqual(["passed", "passed"]);

    const entries = log();
    expect(new Set(entries.map((e) => e.pid)).size, "one process for both runs").toBe(1);
    expect(
      entries.map((e) => e.value),
      "the second run saw the first one's spy on fs.promises.open or its setTimeout",
    ).toEqual(["false", "false"]);
  });

  it("kills a run stuck in a loop that never yields, names its test, and lets the others finish", async () => {
    write("stuck.spec.ts", 'import { it } from "vitest";\nit("spins", () => { for (;;) {} });\n');
    write(
      "fine.spec.ts",
      'import { expect, it } from "vitest";\nit("waits", async () => { await new Promise((r) => setTimeout(r, 1500)); expect(1).toBe(1); });\n',
    );
    const v = await open("reuse", [{ name: "only", impl: "impl.ts" }], 2);
    const stuck: StuckRun[] = [];
    // The fine spec waits 1.5 s on a timer, sending heartbeats all along: a 1 s limit spares it.
    const watchdog = setInterval(
      () => stuck.push(...killStuckWorkers({ inTestMs: 1_000, loadingMs: 20_000 })),
      100,
    );
    try {
      const specs = await v.globTestSpecifications();
      const { testModules } = await v.runTestSpecifications(specs, true);
      const state = (name: string) =>
        testModules.find((m) => m.moduleId.endsWith(`/${name}`))?.state();
      expect(state("fine.spec.ts")).toBe("passed");
      // vitest never heard the stuck test end: it stays pending, not passed.
      expect(state("stuck.spec.ts")).toBe("pending");
    } finally {
      clearInterval(watchdog);
    }
    expect(stuck).toHaveLength(1);
    expect(stuck[0]).toMatchObject({
      project: "only",
      files: [join(sandbox.dir, "stuck.spec.ts")],
      test: "spins",
    });
  });

  it("loads an edited module in a reused process, not the one it loaded before", async () => {
    write("impl.ts", "export const value = 1;\n");
    writeSpec("a.spec.ts", "#impl");
    const v = await open("reuse", [{ name: "only", impl: "impl.ts" }]);
    await runAll(v);
    write("impl.ts", "export const value = 2;\n");
    v.invalidateFile(join(sandbox.dir, "impl.ts"));
    await runAll(v);

    const [first, second] = log();
    expect(second?.pid, "the same process served both runs").toBe(first?.pid);
    expect(second?.value).toBe("2");
  });
});
