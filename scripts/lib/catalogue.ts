/**
 * The catalogue: every kata's metadata, read from `katas/<slug>/kata.json` (the one place it lives)
 * and ordered by `order`. Validation messages name the file and the field.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";
import { UserError } from "./errors.ts";
import { kataPaths, kataSlugsOnDisk, ROOT } from "./paths.ts";

export const TRACKS = [
  "reliability",
  "files-and-logs",
  "aws",
  "http",
  "processes",
  "observability",
  "warm-ups",
] as const;

export const KataMetaSchema = z.strictObject({
  title: z.string().min(3),
  order: z.int().positive(),
  track: z.enum(TRACKS),
  difficulty: z.int().min(1).max(5),
  minutes: z.int().positive(),
  seeds: z.array(z.string().regex(/^\d{3}$/, "a seed is named by its three-digit prefix")).min(1),
  tags: z.array(z.string().min(1)),
  library: z.string().min(1).nullable(),
  steps: z.array(z.string().min(1)).min(1),
});

export type KataMeta = z.infer<typeof KataMetaSchema>;
export interface Kata extends KataMeta {
  slug: string;
}

/** Reads and validates one kata.json; throws a UserError naming the file and each bad field. */
export function readKataMeta(slug: string): Kata {
  const file = kataPaths(slug).meta;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UserError(`${relative(ROOT, file)}: ${(error as Error).message}`);
  }
  const parsed = KataMetaSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    throw new UserError(`${relative(ROOT, file)} is not valid:\n${problems.join("\n")}`);
  }
  return { slug, ...parsed.data };
}

/** All katas, in catalogue order (then by slug, so a duplicate order is still deterministic). */
export function loadCatalogue(): Kata[] {
  return kataSlugsOnDisk()
    .map(readKataMeta)
    .sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}

/** The kata with this slug, or a UserError that suggests the closest slug. */
export function findKata(catalogue: Kata[], slug: string | undefined): Kata {
  if (!slug) throw new UserError("Which kata? Give a slug; `npm run kata -- list` shows them all.");
  const kata = catalogue.find((k) => k.slug === slug);
  if (kata) return kata;
  const slugs = catalogue.map((k) => k.slug);
  const suggestion = slugs.length > 0 ? closest(slug, slugs) : undefined;
  const close =
    suggestion !== undefined && distance(slug, suggestion) <= Math.max(3, slug.length / 2);
  throw new UserError(
    `No kata called "${slug}".${close ? ` Did you mean "${suggestion}"?` : ""}\n` +
      "`npm run kata -- list` shows them all.",
  );
}
