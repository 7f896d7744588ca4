/**
 * The stub as the workbook shipped it. Learners edit `katas/<slug>/<slug>.ts` in place, so the
 * untouched stub is read from git (the last commit): `reset` restores it, and `verify` checks the
 * kata contract against it even on a machine where the learner has solved the kata.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { execa } from "execa";
import { UserError } from "./errors.ts";
import { kataPaths, ROOT, STATE_DIR } from "./paths.ts";

/** The committed content of the stub, or undefined when git or the commit has no such file. */
export async function committedStub(slug: string): Promise<string | undefined> {
  const path = relative(ROOT, kataPaths(slug).stub);
  const result = await execa("git", ["show", `HEAD:${path}`], {
    cwd: ROOT,
    reject: false,
    stripFinalNewline: false,
  });
  return result.exitCode === 0 ? result.stdout : undefined;
}

export async function requireCommittedStub(slug: string): Promise<string> {
  const content = await committedStub(slug);
  if (content === undefined) {
    throw new UserError(
      `Cannot find the original stub of ${slug} in git (HEAD:${relative(ROOT, kataPaths(slug).stub)}). ` +
        "Reset restores the stub from the repository's last commit; is this a git clone?",
    );
  }
  return content;
}

/**
 * For each kata whose stub differs from the committed one, writes the committed stub where the
 * `pristine` target looks for it. Returns the slugs that got one.
 */
export async function preparePristineStubs(slugs: string[]): Promise<string[]> {
  rmSync(`${STATE_DIR}/pristine`, { recursive: true, force: true });
  const prepared: string[] = [];
  for (const slug of slugs) {
    const committed = await committedStub(slug);
    if (committed === undefined) continue;
    const paths = kataPaths(slug);
    if (existsSync(paths.stub) && committed === readFileSync(paths.stub, "utf8")) continue;
    mkdirSync(dirname(paths.pristineStub), { recursive: true });
    writeFileSync(paths.pristineStub, committed);
    prepared.push(slug);
  }
  return prepared;
}
