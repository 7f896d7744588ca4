/**
 * Runs a kata's spec through vitest's programmatic API and keeps the instance warm, so the watch
 * loop only pays for the re-run itself (no new vite server per save).
 */
import { Writable } from "node:stream";
import { createVitest, type TestSpecification, type Vitest } from "vitest/node";
import { kataPaths } from "./paths.ts";
import { type KataResult, toKataResult } from "./results.ts";
import { kataTargetPlugin, type Target } from "./targets.ts";
import { KATA_TEST_SETTINGS, specGlob } from "./vitest-projects.ts";

export class KataSession {
  private specs: TestSpecification[] = [];

  private constructor(
    readonly slug: string,
    private readonly vitest: Vitest,
  ) {}

  static async open(slug: string, target: Target = "stub"): Promise<KataSession> {
    const vitest = await createVitest(
      "test",
      {
        config: false,
        watch: false,
        reporters: [{}], // silent: the views render the results
        ...KATA_TEST_SETTINGS,
        setupFiles: [...KATA_TEST_SETTINGS.setupFiles],
        env: { ...KATA_TEST_SETTINGS.env },
        include: [specGlob(slug)],
      },
      { plugins: [kataTargetPlugin(target)], logLevel: "silent", server: { watch: null } },
      { stdout: devNull(), stderr: devNull() },
    );
    const session = new KataSession(slug, vitest);
    session.specs = await vitest.globTestSpecifications();
    return session;
  }

  /** Runs the spec once; `changedFile` (absolute) is re-read from disk first. */
  async run(changedFile?: string): Promise<KataResult> {
    if (changedFile) this.vitest.invalidateFile(changedFile);
    else for (const file of this.kataFiles()) this.vitest.invalidateFile(file);
    const { testModules, unhandledErrors } = await this.vitest.runTestSpecifications(
      this.specs,
      true,
    );
    return toKataResult(this.slug, testModules, unhandledErrors);
  }

  async close(): Promise<void> {
    await this.vitest.close();
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
