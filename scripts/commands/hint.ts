import { findKata, loadCatalogue } from "../lib/catalogue.ts";
import { UserError } from "../lib/errors.ts";
import { readHints, showHint } from "../lib/hints.ts";
import { readProgress, recordHint } from "../lib/progress.ts";

/** `hint <slug> [--level n]`: the next tier not yet seen, or the one asked for. */
export async function hintCommand(
  slug: string | undefined,
  level: string | undefined,
): Promise<number> {
  const kata = findKata(loadCatalogue(), slug);
  const hints = readHints(kata.slug);
  const seen = readProgress().katas[kata.slug]?.hintsShown ?? 0;
  const tier = level === undefined ? Math.min(seen + 1, hints.length) : Number(level);
  const hint = hints.find((h) => h.tier === tier);
  if (!hint) {
    throw new UserError(
      `--level must be one of ${hints.map((h) => h.tier).join(", ")} (got "${level}").`,
    );
  }
  console.log(showHint(kata.title, hint, hints.length, process.stdout.columns ?? 100));
  recordHint(kata.slug, tier);
  return 0;
}
