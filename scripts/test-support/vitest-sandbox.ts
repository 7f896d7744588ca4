/**
 * A temp dir in which a test (or the bench) drives a small vitest instance of its own: an ESM
 * package with the workbook's node_modules linked. `useVitestSandbox` makes a new one before each
 * test and, after it, closes the test's vitest instance and the warm pool, then removes the dir.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import type { Vitest } from "vitest/node";
import { ROOT } from "../lib/paths.ts";
import { closeWarmPool } from "../lib/warm-pool/warm-pool.ts";

export interface VitestSandbox {
  /** The temp dir of the current test. */
  dir: string;
  /** Set it to the vitest instance the test opens, so that it is closed after the test. */
  vitest: Vitest | undefined;
  /** Writes a file into the dir. */
  write(name: string, text: string): void;
}

/** Makes such a dir; the caller removes it. */
export function makeVitestDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  return dir;
}

export function useVitestSandbox(prefix: string): VitestSandbox {
  const sandbox: VitestSandbox = {
    dir: "",
    vitest: undefined,
    write: (name, text) => writeFileSync(join(sandbox.dir, name), text),
  };
  beforeEach(() => {
    sandbox.dir = makeVitestDir(prefix);
  });
  afterEach(async () => {
    await sandbox.vitest?.close();
    sandbox.vitest = undefined;
    await closeWarmPool();
    rmSync(sandbox.dir, { recursive: true, force: true });
  });
  return sandbox;
}
