/**
 * Runs a kata's spec through vitest's programmatic API and keeps the instance warm, so the watch
 * loop only pays for the re-run itself: no new vite server per save, and (see warm-pool.ts) no
 * wait for the spec's dependencies to load.
 */
import { Writable } from "node:stream";
import { createVitest, type TestSpecification, type Vitest } from "vitest/node";
import { kataPaths } from "./paths.ts";
import { type KataResult, toKataResult } from "./results.ts";
import { standardDecoratorsPlugin } from "./standard-decorators.ts";
import { kataTargetPlugin, type Target } from "./targets.ts";
import { KATA_TEST_SETTINGS, specGlob } from "./vitest-projects.ts";
import { closeWarmPool, warmPool } from "./warm-pool/warm-pool.ts";

export class KataSession {
  private specs: TestSpecification[] = [];
  /** Called once per run, when the spec is loaded and its tests start (see `run`). */
  private onTestsStart: (() => void) | undefined;

  private constructor(
    readonly slug: string,
    private readonly vitest: Vitest,
  ) {}

  static async open(slug: string, target: Target = "stub"): Promise<KataSession> {
    let session: KataSession | undefined;
    const vitest = await createVitest(
      "test",
      {
        config: false,
        watch: false,
        // Silent (the views render the results), except to hear that the tests have started.
        reporters: [{ onTestModuleCollected: () => session?.testsStarted() }],
        ...KATA_TEST_SETTINGS,
        setupFiles: [...KATA_TEST_SETTINGS.setupFiles],
        env: { ...KATA_TEST_SETTINGS.env },
        include: [specGlob(slug)],
        // A process per run (the learner's code must not leak into the next run), started and
        // loaded with the spec's dependencies while the learner types.
        pool: warmPool("fresh"),
      },
      {
        plugins: [kataTargetPlugin(target), standardDecoratorsPlugin()],
        logLevel: "silent",
        server: { watch: null },
      },
      { stdout: devNull(), stderr: devNull() },
    );
    session = new KataSession(slug, vitest);
    session.specs = await vitest.globTestSpecifications();
    return session;
  }

  /**
   * Runs the spec once; `changedFile` (absolute) is re-read from disk first. `whileTestsRun` is
   * called when the spec has loaded and its tests run in the worker process: this process is
   * idle until they end, so work done then (the type-check) costs no time.
   */
  async run(changedFile?: string, whileTestsRun?: () => void): Promise<KataResult> {
    if (changedFile) this.vitest.invalidateFile(changedFile);
    else for (const file of this.kataFiles()) this.vitest.invalidateFile(file);
    this.onTestsStart = whileTestsRun;
    try {
      const { testModules, unhandledErrors } = await this.vitest.runTestSpecifications(
        this.specs,
        true,
      );
      return toKataResult(this.slug, testModules, unhandledErrors);
    } finally {
      this.onTestsStart = undefined;
    }
  }

  private testsStarted(): void {
    const callback = this.onTestsStart;
    this.onTestsStart = undefined;
    callback?.();
  }

  async close(): Promise<void> {
    await this.vitest.close();
    await closeWarmPool();
  }

  private kataFiles(): string[] {
    const paths = kataPaths(this.slug);
    return [paths.stub, paths.spec];
  }
}

/** One spec run, start to finish. */
export async function runKataOnce(slug: string, target: Target = "stub"): Promise<KataResult> {
  const session = await KataSession.open(slug, target);
  try {
    return await session.run();
  } finally {
    await session.close();
  }
}

/** vitest writes its own banners to these streams; the views own the terminal. */
function devNull(): NodeJS.WriteStream {
  return new Writable({ write: (_chunk, _enc, done) => done() }) as unknown as NodeJS.WriteStream;
}
