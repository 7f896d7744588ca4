/**
 * Which katas a command works on, for authors working on one track or one change:
 *
 *   verify retry-backoff circuit-breaker   those katas
 *   verify --track http                    every kata of a track
 *   verify --changed [ref]                 the katas whose files (or whose shared dependencies)
 *                                          differ from a git ref (default: origin/main, else
 *                                          HEAD), uncommitted and untracked files included
 *
 * With none of them: every kata. CI always checks everything.
 */
import { relative } from "node:path";
import { execa } from "execa";
import { findTrack, kataFoldersInPathOrder, readCatalogueFile, suggestion } from "./catalogue.ts";
import { UserError } from "./errors.ts";
import { kataDependencies } from "./kata-deps.ts";
import { ROOT } from "./paths.ts";

export interface Selection {
  slugs?: string[];
  track?: string;
  /** A git ref, or true for the default one. */
  changed?: string | true;
}

export interface Selected {
  slugs: string[];
  /** How the katas were chosen, for the command's first line (undefined: every kata). */
  description?: string;
}

export async function selectKatas(
  selection: Selection,
  purpose: "checks" | "mutation" = "checks",
): Promise<Selected> {
  // Folders, not valid metadata: a kata whose kata.json is broken is still checked (and named).
  const all = kataFoldersInPathOrder();
  let slugs = all;
  const said: string[] = [];
  if (selection.slugs && selection.slugs.length > 0) {
    for (const slug of selection.slugs) {
      if (!all.includes(slug))
        throw new UserError(`No kata called "${slug}".${suggestion(slug, all)}`);
    }
    slugs = all.filter((slug) => selection.slugs?.includes(slug));
    said.push(slugs.join(", "));
  }
  if (selection.track) {
    const tracks = readCatalogueFile().tracks;
    const track = findTrack(tracks, selection.track);
    const inTrack = new Set(tracks.find((t) => t.id === track.id)?.katas);
    slugs = slugs.filter((slug) => inTrack.has(slug));
    said.push(`track ${track.id}`);
  }
  if (selection.changed) {
    const ref = selection.changed === true ? await defaultRef() : selection.changed;
    const changed = await changedFiles(ref);
    slugs = slugs.filter((slug) =>
      kataDependencies(slug, purpose).some((file) => changed.has(relative(ROOT, file))),
    );
    said.push(`changed since ${ref}: ${slugs.length === 0 ? "none" : slugs.join(", ")}`);
  }
  return { slugs, ...(said.length > 0 ? { description: said.join("; ") } : {}) };
}

async function git(args: string[]): Promise<{ ok: boolean; stdout: string }> {
  const result = await execa("git", args, { cwd: ROOT, reject: false });
  return { ok: result.exitCode === 0, stdout: result.stdout };
}

/** origin/main where the clone has it (what a branch will be merged into), else HEAD. */
async function defaultRef(): Promise<string> {
  return (await git(["rev-parse", "--verify", "-q", "origin/main"])).ok ? "origin/main" : "HEAD";
}

/** Files that differ from `ref` in the working tree (staged or not), and untracked files. */
export async function changedFiles(ref: string): Promise<Set<string>> {
  if (!(await git(["rev-parse", "--verify", "-q", `${ref}^{commit}`])).ok)
    throw new UserError(`--changed ${ref}: git knows no such commit or branch.`);
  const diff = await git(["diff", "--name-only", ref, "--"]);
  const untracked = await git(["ls-files", "--others", "--exclude-standard"]);
  return new Set(
    [...diff.stdout.split("\n"), ...untracked.stdout.split("\n")].filter((line) => line !== ""),
  );
}
