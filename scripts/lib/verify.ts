/**
 * The kata contract, checked for every kata:
 * - the kata on the learning path (katas/catalogue.json) exactly once, metadata valid, required
 *   files and README sections present, three hint tiers, no scaffold placeholder left, nothing
 *   but bad solutions in bad/;
 * - the spec's steps match kata.json, and so do the README's `## Steps`;
 * - every test FAILS on the untouched stub (a test that passes there asks nothing of the learner);
 * - every test PASSES on the reference and on the library variant;
 * - every known-bad solution fails at least one test (its run stops at the first failure, see
 *   first-failure-only.ts);
 * - stub, spec and solutions type-check.
 * All targets run in one vitest instance (one project per target) on a pool of reused processes,
 * so the check stays fast.
 *
 * And of the workbook as a whole (`workbookProblems`): the catalogue file, the README's generated
 * kata table, solution or fixture folders with no kata, fake executables without their run bit.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { createVitest, type TestModule } from "vitest/node";
import { catalogueProblems, type KataMeta, loadTracks, readKataMeta } from "./catalogue.ts";
import { typeErrorsInChild } from "./contract-typecheck.ts";
import { staleReadmeProblem, stepListProblem } from "./generated-docs.ts";
import { hintProblems, parseHints } from "./hints.ts";
import {
  badName,
  badSolutions,
  CATALOGUE_FILE,
  FIXTURES,
  foldersIn,
  kataDirsOnDisk,
  kataPaths,
  kataSlugsOnDisk,
  MUTATION,
  README_FILE,
  ROOT,
  SOLUTIONS_DIR,
  strayBadFiles,
} from "./paths.ts";
import { preparePristineStubs } from "./pristine.ts";
import { type KataResult, type StoppedInfo, toKataResult } from "./results.ts";
import { SCAFFOLD_MARK } from "./scaffold.ts";
import type { Target } from "./targets.ts";
import { KATA_TEST_SETTINGS, kataProject, katasWithLibrary, specGlob } from "./vitest-projects.ts";
import { closeWarmPool, killStuckWorkers, type StuckRun, warmPool } from "./warm-pool/warm-pool.ts";

export const MIN_BAD_SOLUTIONS = 6;
const FIRST_FAILURE_ONLY = fileURLToPath(new URL("./first-failure-only.ts", import.meta.url));
const ANNOUNCE_TESTS = fileURLToPath(new URL("./warm-pool/announce-tests.ts", import.meta.url));
/**
 * A run whose process sends no heartbeat for this long is stuck (an endless loop that never
 * yields, so not even the test's own timeout can fire) and is killed: in a test, or while its
 * modules load. Generous: the check shares the machine's cores with nothing else to wait for.
 */
export const STUCK_LIMITS = { inTestMs: 15_000, loadingMs: 60_000 };
const WATCHDOG_EVERY_MS = 1_000;
export const README_SECTIONS = ["## From Python", "## API", "## Steps", "## Run it"];

export interface KataVerdict {
  slug: string;
  problems: string[];
  summary: string;
  /** Each rejected known-bad solution and the first test (in spec order) that failed on it. */
  rejections: string[];
}

type TargetName = "stub" | "reference" | "lib" | `bad#${number}`;

export async function verifyKatas(slugs = kataDirsOnDisk()): Promise<KataVerdict[]> {
  await preparePristineStubs(slugs);
  const katas = new Map<string, KataMeta>();
  const problems = new Map<string, string[]>(slugs.map((slug) => [slug, []]));
  const add = (slug: string, problem: string) => problems.get(slug)?.push(problem);
  const onThePath = catalogueProblems();

  for (const slug of slugs) {
    try {
      katas.set(slug, readKataMeta(slug));
    } catch (error) {
      add(slug, (error as Error).message);
    }
    for (const problem of onThePath.get(slug) ?? []) add(slug, problem);
    for (const problem of fileProblems(slug, katas.get(slug))) add(slug, problem);
  }

  const runnable = slugs.filter(
    (slug) => existsSync(kataPaths(slug).spec) && existsSync(kataPaths(slug).stub),
  );
  // The type-check runs in a process of its own while the specs run: it needs a core for a few
  // seconds, and the main process would otherwise keep the spec workers waiting on it.
  const typeCheck = typeErrorsInChild(slugs);
  const results = await runAllTargets(runnable);
  const typeErrors = await typeCheck;

  return slugs.map((slug) => {
    const byTarget = results.get(slug) ?? new Map<TargetName, KataResult>();
    const kata = katas.get(slug);
    const summary: string[] = [];
    for (const problem of contractProblems(kata, byTarget, summary)) add(slug, problem);
    const bad = badSolutionVerdict(slug, byTarget);
    for (const problem of bad.problems) add(slug, problem);
    if (bad.summary) summary.push(bad.summary);
    for (const error of typeErrors.get(slug) ?? []) add(slug, `type error ${error}`);
    if ((typeErrors.get(slug) ?? []).length === 0) summary.push("types ok");
    return {
      slug,
      problems: problems.get(slug) ?? [],
      summary: summary.join(" · "),
      rejections: bad.rejections,
    };
  });
}

/**
 * What is wrong with the workbook as a whole, by what it concerns (a file or a folder): checked
 * on every run of verify, whichever katas it was asked for.
 */
export async function workbookProblems(): Promise<Map<string, string[]>> {
  const problems = new Map<string, string[]>();
  const add = (subject: string, problem: string) =>
    problems.set(subject, [...(problems.get(subject) ?? []), problem]);
  const catalogueFile = relative(ROOT, CATALOGUE_FILE);
  const kataSlugs = new Set(kataSlugsOnDisk());
  for (const problem of catalogueProblems().get(catalogueFile) ?? []) add(catalogueFile, problem);

  if (existsSync(CATALOGUE_FILE)) {
    try {
      const stale = staleReadmeProblem(loadTracks({ strict: true }), README_FILE);
      if (stale) add("README.md", stale);
    } catch (error) {
      add("README.md", `its kata table cannot be checked: ${(error as Error).message}`);
    }
  }

  for (const dir of kataDirsOnDisk().filter((slug) => !kataSlugsOnDisk().includes(slug)))
    add(`katas/${dir}`, "a folder under katas/ with no kata.json");
  for (const [parent, label] of [
    [SOLUTIONS_DIR, "solutions"],
    [FIXTURES.katas, "per-kata fixture data"],
  ] as const) {
    for (const slug of foldersIn(parent).filter((slug) => !kataSlugs.has(slug)))
      add(
        relative(ROOT, join(parent, slug)),
        `${label} for a kata that does not exist (no katas/${slug}/kata.json): rename or remove it`,
      );
  }
  if (existsSync(MUTATION.incrementalDir)) {
    for (const name of readdirSync(MUTATION.incrementalDir).filter((n) => n.endsWith(".json"))) {
      if (!kataSlugs.has(name.slice(0, -".json".length)))
        add(
          relative(ROOT, join(MUTATION.incrementalDir, name)),
          "the mutation record of a kata that does not exist: `npm run mutate` removes it",
        );
    }
  }
  for (const problem of await fakeExecutableProblems()) add(relative(ROOT, FIXTURES.bin), problem);
  return problems;
}

/** A fake executable must be executable on disk and in git, or a fresh clone gets EACCES. */
async function fakeExecutableProblems(): Promise<string[]> {
  if (!existsSync(FIXTURES.bin)) return [];
  const files = readdirSync(FIXTURES.bin).filter((name) => !name.endsWith(".md"));
  if (files.length === 0) return [];
  const index = await execa("git", ["ls-files", "-s", "--", relative(ROOT, FIXTURES.bin)], {
    cwd: ROOT,
    reject: false,
  });
  const modes = new Map(
    index.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [mode = "", , , path = ""] = line.split(/\s+/);
        return [path.split("/").at(-1) ?? "", mode] as const;
      }),
  );
  const problems: string[] = [];
  for (const name of files) {
    const executable = (statSync(join(FIXTURES.bin, name)).mode & 0o111) !== 0;
    const mode = modes.get(name);
    if (!executable) problems.push(`${name} is not executable: chmod +x fixtures/bin/${name}`);
    else if (mode !== undefined && mode !== "100755")
      problems.push(
        `${name} is executable here but not in git: git update-index --chmod=+x fixtures/bin/${name}`,
      );
  }
  return problems;
}

function fileProblems(slug: string, meta: KataMeta | undefined): string[] {
  const paths = kataPaths(slug);
  const problems: string[] = [];
  const required: [string, string][] = [
    [paths.readme, "README.md"],
    [paths.stub, `${slug}.ts (the stub)`],
    [paths.spec, `${slug}.spec.ts`],
    [paths.hints, "hints.md"],
    [paths.reference, `solutions/${slug}/${slug}.ts (the reference)`],
    [paths.notes, `solutions/${slug}/NOTES.md`],
  ];
  for (const [file, name] of required) if (!existsSync(file)) problems.push(`missing ${name}`);
  if (existsSync(paths.readme)) {
    const readme = readFileSync(paths.readme, "utf8");
    for (const section of README_SECTIONS) {
      if (!readme.split(/\r?\n/).includes(section))
        problems.push(`README.md has no "${section}" section`);
    }
    const steps = meta ? stepListProblem(readme, meta) : undefined;
    if (steps) problems.push(steps);
  }
  if (existsSync(paths.hints))
    problems.push(...hintProblems(parseHints(readFileSync(paths.hints, "utf8"))));
  // The committed stub, when the learner has edited theirs (see pristine.ts).
  const stub = existsSync(paths.pristineStub) ? paths.pristineStub : paths.stub;
  if (existsSync(stub) && !readFileSync(stub, "utf8").includes("TODO")) {
    problems.push("the stub has no TODO marker");
  }
  const bad = badSolutions(slug);
  if (bad.length < MIN_BAD_SOLUTIONS) {
    problems.push(
      `only ${bad.length} known-bad solution(s) in solutions/${slug}/bad/ (at least ${MIN_BAD_SOLUTIONS})`,
    );
  }
  for (const file of bad) {
    if (!/\/\/ Mistake: \S/.test(readFileSync(file, "utf8"))) {
      problems.push(
        `${relative(ROOT, file)} does not say its mistake in a "// Mistake: …" comment`,
      );
    }
  }
  for (const file of strayBadFiles(slug))
    problems.push(
      `${relative(ROOT, file)} is in bad/ but is not a bad solution (only <name>.ts and <name>.patch are run): move or remove it`,
    );
  problems.push(...placeholderProblems(slug));
  return problems;
}

/** Scaffold placeholders still in any file of the kata, by file and line. */
function placeholderProblems(slug: string): string[] {
  const paths = kataPaths(slug);
  const problems: string[] = [];
  for (const dir of [paths.dir, paths.solutionDir, paths.fixtureDir]) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
      const file = join(dir, entry);
      if (!statSync(file).isFile()) continue;
      const lines = readFileSync(file, "utf8").split("\n");
      const line = lines.findIndex((text) => text.includes(SCAFFOLD_MARK));
      if (line !== -1)
        problems.push(
          `${relative(ROOT, file)}:${line + 1} still has the scaffold's placeholder (${SCAFFOLD_MARK}): write the real thing`,
        );
    }
  }
  return problems;
}

function contractProblems(
  kata: KataMeta | undefined,
  byTarget: Map<TargetName, KataResult>,
  summary: string[],
): string[] {
  const problems: string[] = [];
  const stub = byTarget.get("stub");
  const reference = byTarget.get("reference");
  if (!stub || !reference) return ["the spec did not run"];

  summary.push(`${reference.total} tests`);
  if (reference.total === 0) problems.push("the spec has no tests");

  if (kata) {
    const specSteps = reference.steps
      .filter((s) => s.number > 0)
      .map((s) => `step ${s.number} — ${s.title}`);
    const metaSteps = kata.steps.map((title, i) => `step ${i + 1} — ${title}`);
    if (specSteps.join("\n") !== metaSteps.join("\n")) {
      problems.push(
        `the spec's steps do not match kata.json:\n      spec:      ${specSteps.join(" | ")}\n      kata.json: ${metaSteps.join(" | ")}`,
      );
    }
  }
  if (reference.steps.some((s) => s.number === 0))
    problems.push('some tests are outside a "step N — …" describe block');

  if (stub.loadErrors.length > 0) {
    problems.push(`the stub does not load: ${stub.loadErrors[0]?.message}`);
  } else {
    const passingOnStub = stub.steps.flatMap((s) =>
      s.tests
        .filter((t) => t.state === "passed")
        .map((t) => `step ${s.number} — ${s.title} › ${t.name}`),
    );
    for (const name of passingOnStub)
      problems.push(`passes on the untouched stub (asks nothing of the learner): ${name}`);
    summary.push(`stub ${stub.total - passingOnStub.length}/${stub.total} fail`);
  }

  for (const target of ["reference", "lib"] as const) {
    const result = byTarget.get(target);
    if (!result) continue;
    const label = target === "lib" ? "the library variant" : "the reference";
    if (result.loadErrors.length > 0)
      problems.push(`${label} does not load: ${result.loadErrors[0]?.message}`);
    if (result.stopped) problems.push(`${label} got stuck: ${stuckIn(result.stopped)}`);
    for (const step of result.steps) {
      for (const test of step.tests.filter((t) => t.state !== "passed")) {
        problems.push(
          `fails on ${label}: step ${step.number} — ${step.title} › ${test.name}: ${test.failures[0]?.message.split("\n")[0] ?? test.state}`,
        );
      }
    }
    summary.push(`${target} ${result.passed}/${result.total} pass`);
  }
  return problems;
}

/** Every known-bad solution must fail a test; a rejected one is named with the test that failed. */
function badSolutionVerdict(
  slug: string,
  byTarget: Map<TargetName, KataResult>,
): { problems: string[]; rejections: string[]; summary: string | undefined } {
  const problems: string[] = [];
  const rejections: string[] = [];
  const bad = badSolutions(slug);
  for (const [index, file] of bad.entries()) {
    const result = byTarget.get(`bad#${index + 1}`);
    const name = `${relative(ROOT, file)} (KATA_TARGET=bad:${badName(file)})`;
    if (!result) problems.push(`${name} did not run`);
    else if (result.loadErrors.length > 0)
      problems.push(`${name} does not load: ${result.loadErrors[0]?.message}`);
    else if (result.stopped)
      rejections.push(`bad:${badName(file)} — got stuck: ${stuckIn(result.stopped)}`);
    else if (result.passed === result.total)
      problems.push(`a known-bad solution passes the whole spec: ${name}`);
    else rejections.push(`bad:${badName(file)} — failed first: ${firstFailure(result)}`);
  }
  const summary =
    bad.length > 0 ? `${rejections.length}/${bad.length} bad solutions rejected` : undefined;
  return { problems, rejections, summary };
}

/** A run the watchdog killed: where, and after how long without a heartbeat. */
function stuckIn(stopped: StoppedInfo): string {
  const where = stopped.test ? `in ${stopped.test}` : "before its first test";
  return `${where}, no sign of life for ${Math.round(stopped.afterMs / 1000)} s (an endless loop that never yields): killed`;
}

function firstFailure(result: KataResult): string {
  for (const step of result.steps) {
    const test = step.tests.find((t) => t.state === "failed");
    if (test) return `step ${step.number} — ${step.title} › ${test.name}`;
  }
  return "a hook, outside any test";
}

async function runAllTargets(slugs: string[]): Promise<Map<string, Map<TargetName, KataResult>>> {
  const out = new Map<string, Map<TargetName, KataResult>>(slugs.map((slug) => [slug, new Map()]));
  if (slugs.length === 0) return out;
  const globs = (list: string[]) => list.map(specGlob);
  const maxBad = Math.max(0, ...slugs.map((slug) => badSolutions(slug).length));
  // Only the workbook's own code runs here, so one process may serve run after run (see
  // warm-pool.ts): the specs' dependencies load once per process, not once per target.
  const pool = warmPool("reuse");
  // Every run announces each test it starts, so a stuck one is caught and named (STUCK_LIMITS).
  const project = (name: string, target: Target, katas: string[]) => {
    const config = kataProject(name, target, globs(katas), true, pool);
    return {
      ...config,
      test: { ...config.test, setupFiles: [...KATA_TEST_SETTINGS.setupFiles, ANNOUNCE_TESTS] },
    };
  };
  // A known-bad solution needs one failing test to be rejected: stop its spec there. In spec
  // order, so that the test named as the one that caught it is the earliest step that does.
  const badProject = (name: string, target: Target, katas: string[]) => {
    const config = kataProject(name, target, globs(katas), false, pool);
    return {
      ...config,
      test: {
        ...config.test,
        setupFiles: [...KATA_TEST_SETTINGS.setupFiles, ANNOUNCE_TESTS, FIRST_FAILURE_ONLY],
      },
    };
  };
  const projects = [project("stub", "pristine", slugs), project("reference", "reference", slugs)];
  const withLibrary = katasWithLibrary(slugs);
  if (withLibrary.length > 0) projects.push(project("lib", "lib", withLibrary));
  for (let n = 1; n <= maxBad; n++) {
    const withBad = slugs.filter((slug) => badSolutions(slug).length >= n);
    projects.push(badProject(`bad#${n}`, `bad#${n}`, withBad));
  }
  const vitest = await createVitest(
    "test",
    // vitest leaves a core for the main process by default; here it only waits, so use them all.
    {
      config: false,
      watch: false,
      reporters: [{}],
      root: ROOT,
      maxWorkers: availableParallelism(),
    },
    { test: { projects } },
    { stdout: process.stderr, stderr: process.stderr },
  );
  const stuck: StuckRun[] = [];
  const watchdog = setInterval(
    () => stuck.push(...killStuckWorkers(STUCK_LIMITS)),
    WATCHDOG_EVERY_MS,
  );
  try {
    const { testModules } = await vitest.start();
    for (const module of testModules as TestModule[]) {
      const slug = relative(ROOT, module.moduleId).split(sep)[1] ?? "";
      const project = module.project.name;
      const hang = stuck.find(
        (run) => run.project === project && run.files.includes(module.moduleId),
      );
      const stopped = hang && {
        reason: "hang" as const,
        afterMs: hang.silentMs,
        ...(hang.test ? { test: hang.test } : {}),
      };
      out
        .get(slug)
        ?.set(project as TargetName, toKataResult(slug, [module], [], stopped ? { stopped } : {}));
    }
  } finally {
    clearInterval(watchdog);
    await vitest.close();
    await closeWarmPool();
  }
  return out;
}
