/**
 * The vitest settings every spec runs with, and the project for each target. Used by
 * `vitest.config.ts` (so plain `npx vitest` works) and by the runner, which builds the same
 * projects programmatically.
 */
import { accessSync, constants, existsSync } from "node:fs";
import type { TestProjectInlineConfiguration } from "vitest/config";
import type { PoolRunnerInitializer } from "vitest/node";
import { FIXTURES, kataPaths, ROOT } from "./paths.ts";
import { standardDecoratorsPlugin } from "./standard-decorators.ts";
import { kataTargetPlugin, type Target } from "./targets.ts";

/**
 * Where specs make their temp dirs: memory (/dev/shm) where the system has it. A spec that writes
 * files then never waits on a busy disk: an fsync under load took up to 440 ms, real time that
 * the flake runs reported as slow tests. Renames, permissions and crashes behave as on disk.
 */
const RAM_TEMP_DIR = "/dev/shm";
const tempDirEnv = (): { TMPDIR?: string } => {
  try {
    accessSync(RAM_TEMP_DIR, constants.W_OK);
    return { TMPDIR: RAM_TEMP_DIR };
  } catch {
    return {};
  }
};

/** Settings shared by every kata project: hermetic, fake credentials, no real time. */
export const KATA_TEST_SETTINGS = {
  root: ROOT,
  setupFiles: [FIXTURES.hermeticSetup],
  env: {
    // No SDK client may resolve real credentials or ask the instance metadata endpoint.
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_SESSION_TOKEN: "",
    AWS_REGION: "us-east-1",
    AWS_PROFILE: "",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...tempDirEnv(),
  },
  restoreMocks: true,
  unstubEnvs: true,
  unstubGlobals: true,
  // A kata test that takes more than this is using real time somewhere.
  slowTestThreshold: 100,
  testTimeout: 10_000,
} as const;

export const specGlob = (slug = "*") => `katas/${slug}/*.spec.ts`;

export function kataProject(
  name: string,
  target: Target,
  include: string[],
  shuffle = false,
  pool?: PoolRunnerInitializer,
): TestProjectInlineConfiguration {
  return {
    plugins: [kataTargetPlugin(target), standardDecoratorsPlugin()],
    test: {
      ...KATA_TEST_SETTINGS,
      setupFiles: [...KATA_TEST_SETTINGS.setupFiles],
      name,
      include,
      sequence: { shuffle: shuffle ? { files: true, tests: true } : false },
      ...(pool ? { pool } : {}),
    },
  };
}

/** Katas that have a library-based variant of the reference. */
export function katasWithLibrary(slugs: string[]): string[] {
  return slugs.filter((slug) => existsSync(kataPaths(slug).library));
}
