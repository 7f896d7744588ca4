/**
 * Incremental mutation testing re-tests a kata exactly when something its spec run depends on
 * changed: its reference or spec (Stryker's own diff), or a file Stryker cannot see (a shared
 * helper the spec imports, the kata's fixture data, the lockfile): then every mutant. Checked in
 * a temp workbook through `npm run mutate -- --plan`, from records that match the tree as cloned.
 */
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeTempRepo, runIn, type TempRepo } from "../test-support/temp-repo.ts";

let repo: TempRepo;
const KATAS = ["circuit-breaker", "log-aggregation"];

/** Writes, for each kata, a record of the tree as it is now (sources and environment). */
const SEED = `
import { readFileSync } from "node:fs";
import { kataPaths } from "./scripts/lib/paths.ts";
import { mutatedFiles, recordsFromReport, writeRecord } from "./scripts/mutation/incremental.ts";
import { relative } from "node:path";
const slugs = process.argv.slice(2);
const files = {}, testFiles = {};
for (const slug of slugs) {
  for (const file of mutatedFiles(slug))
    files[relative(process.cwd(), file)] = { language: "typescript", source: readFileSync(file, "utf8"), mutants: [] };
  testFiles[relative(process.cwd(), kataPaths(slug).spec)] = { source: readFileSync(kataPaths(slug).spec, "utf8"), tests: [] };
}
for (const record of recordsFromReport({ schemaVersion: "1.0", thresholds: { high: 80, low: 60 }, files, testFiles }, slugs)) writeRecord(record);
`;

async function plan(): Promise<Record<string, string>> {
  const result = await runIn(repo.dir, "npm", ["run", "-s", "mutate", "--", "--plan"]);
  expect(result.exitCode, result.all).toBe(0);
  return Object.fromEntries(
    [...result.all.matchAll(/^ {2}([a-z-]+): (.+)$/gm)].map((m) => [m[1] ?? "", m[2] ?? ""]),
  );
}

beforeAll(async () => {
  repo = await makeTempRepo({ realKatas: KATAS });
  writeFileSync(repo.path("seed.mts"), SEED);
  const seeded = await runIn(repo.dir, "npx", ["tsx", "seed.mts", "tiny-sum", ...KATAS]);
  expect(seeded.exitCode, seeded.all).toBe(0);
  await runIn(repo.dir, "git", ["add", "-A"]);
  await runIn(repo.dir, "git", ["commit", "-qm", "records of the tree as it is"]);
});

// Each test changes files; the next one starts from the tree its records were made from.
afterEach(async () => {
  await runIn(repo.dir, "git", ["checkout", "-q", "--", "."]);
});

afterAll(() => repo?.remove());

describe("which katas mutation testing re-tests", () => {
  it("re-tests nothing when nothing changed, and only the kata whose reference changed", async () => {
    expect(await plan()).toEqual({
      "tiny-sum": "unchanged: recorded results",
      "circuit-breaker": "unchanged: recorded results",
      "log-aggregation": "unchanged: recorded results",
    });
    appendFileSync(repo.path("solutions/circuit-breaker/circuit-breaker.ts"), "\n// a note\n");
    const plans = await plan();
    expect(plans["circuit-breaker"]).toBe(
      "changed: solutions/circuit-breaker/circuit-breaker.ts: Stryker re-tests what the change touches",
    );
    expect(plans["log-aggregation"]).toBe("unchanged: recorded results");
  });

  it("re-tests every mutant of the katas whose spec imports a shared helper that changed", async () => {
    appendFileSync(repo.path("fixtures/helpers/http.ts"), "\n// a change to the msw helper\n");
    const plans = await plan();
    expect(plans["circuit-breaker"], "its spec imports the msw helper").toBe(
      "changed: fixtures/helpers/http.ts: every mutant",
    );
    expect(plans["log-aggregation"], "its spec does not").toBe("unchanged: recorded results");
  });

  it("re-tests every mutant of a kata whose fixture data changed, and of all when the lockfile did", async () => {
    appendFileSync(repo.path("fixtures/katas/log-aggregation/mixed.log"), "one more line\n");
    expect((await plan())["log-aggregation"]).toBe(
      "changed: fixtures/katas/log-aggregation/mixed.log: every mutant",
    );
    appendFileSync(repo.path("package-lock.json"), "\n");
    const plans = await plan();
    expect(plans["tiny-sum"]).toBe("changed: package-lock.json: every mutant");
  });

  it("lets Stryker re-test only the touched tests when a spec gains a test, every mutant when its set-up changed", async () => {
    const spec = repo.path("katas/log-aggregation/log-aggregation.spec.ts");
    const original = readFileSync(spec, "utf8");
    const firstDescribe = original.indexOf("\ndescribe(");
    const withNewTest = `${original.slice(0, firstDescribe)}
describe("a review's new step", () => {
  it("is a new test", () => {
    expect(1).toBe(1);
  });
});
${original.slice(firstDescribe)}`;
    writeFileSync(spec, withNewTest);
    expect((await plan())["log-aggregation"]).toBe(
      "changed: katas/log-aggregation/log-aggregation.spec.ts: Stryker re-tests what the change touches",
    );
    writeFileSync(spec, withNewTest.replace("\ndescribe(", "\nbeforeEach(() => {});\ndescribe("));
    expect((await plan())["log-aggregation"], "a new hook runs for every test").toBe(
      "the spec's set-up gained a hook or a call (beforeEach(() => {});): every mutant",
    );
    const [, firstImport = ""] = /^(import \{.*\} from .*)$/m.exec(original) ?? [];
    expect(firstImport, "the spec starts with a named import").not.toBe("");
    writeFileSync(
      spec,
      original.replace(firstImport, firstImport.replace("{ ", "{ oneMoreName, ")),
    );
    expect((await plan())["log-aggregation"], "a name added to an import changes no test").toBe(
      "changed: katas/log-aggregation/log-aggregation.spec.ts: Stryker re-tests what the change touches",
    );
    writeFileSync(
      spec,
      original.replace(firstImport, firstImport.replace(' from "', ' from "./elsewhere/')),
    );
    expect((await plan())["log-aggregation"], "an import from another module").toMatch(
      /^the spec's set-up outside its tests changed \(import .*\): every mutant$/,
    );
  });
});
