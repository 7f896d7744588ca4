/** Reset a kata: back up the learner's file, then restore the committed stub. Nothing is lost. */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { kataPaths, ROOT, STATE_DIR } from "./paths.ts";
import { requireCommittedStub } from "./pristine.ts";

export interface ResetOutcome {
  /** Where the learner's file was copied, or undefined when it already was the stub. */
  backup?: string;
}

export async function resetKata(slug: string, now = new Date()): Promise<ResetOutcome> {
  const paths = kataPaths(slug);
  const stub = await requireCommittedStub(slug);
  if (existsSync(paths.stub) && readFileSync(paths.stub, "utf8") === stub) return {};
  let backup: string | undefined;
  if (existsSync(paths.stub)) {
    const dir = join(STATE_DIR, "backups", slug);
    mkdirSync(dir, { recursive: true });
    backup = join(dir, `${now.toISOString().replace(/[:.]/g, "-")}-${slug}.ts`);
    copyFileSync(paths.stub, backup);
  }
  writeFileSync(paths.stub, stub);
  return backup ? { backup: relative(ROOT, backup) } : {};
}
