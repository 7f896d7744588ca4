/**
 * The catalogue: the learning path in one ordered file (`katas/catalogue.json`: tracks in order,
 * each with its katas in order) and each kata's own metadata (`katas/<slug>/kata.json`: title,
 * summary, difficulty, steps…). A kata's place on the path and its track live only in the
 * catalogue file; everything else about it only in its kata.json.
 *
 * The runner reads the path leniently (a listed kata with no folder is left out, so a half-built
 * tree still runs); `catalogueProblems` is the strict check `verify` applies.
 */
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";
import { UserError } from "./errors.ts";
import { CATALOGUE_FILE, kataDirsOnDisk, kataPaths, kataSlugsOnDisk, ROOT } from "./paths.ts";

export const SLUG = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export const KataMetaSchema = z.strictObject({
  title: z.string().min(3),
  /** One line for the README's kata table and `list --verbose`: what the kata is about. */
  summary: z.string().min(10).max(90),
  difficulty: z.int().min(1).max(5),
  minutes: z.int().positive(),
  seeds: z.array(z.string().regex(/^\d{3}$/, "a seed is named by its three-digit prefix")).min(1),
  tags: z.array(z.string().min(1)),
  library: z.string().min(1).nullable(),
  steps: z.array(z.string().min(1)).min(1),
});

const TrackSchema = z.strictObject({
  id: z.string().regex(SLUG, "a track id is lower-case words joined by dashes"),
  title: z.string().min(3),
  about: z.string().min(3),
  katas: z.array(z.string().regex(SLUG, "a kata slug is lower-case words joined by dashes")),
});

export const CatalogueFileSchema = z.strictObject({
  $comment: z.string().optional(),
  tracks: z.array(TrackSchema).min(1),
});

export type KataMeta = z.infer<typeof KataMetaSchema>;
export type CatalogueFile = z.infer<typeof CatalogueFileSchema>;
export type TrackInfo = Omit<z.infer<typeof TrackSchema>, "katas">;

export interface Kata extends KataMeta {
  slug: string;
  /** The id of the track the catalogue file lists it in. */
  track: string;
  /** Its place on the learning path, 1-based, counted across every track. */
  position: number;
}

export interface Track extends TrackInfo {
  katas: Kata[];
}

const where = (file: string) => relative(ROOT, file);

function zodProblems(file: string, error: z.ZodError): string {
  const problems = error.issues.map(
    (issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`,
  );
  return `${where(file)} is not valid:\n${problems.join("\n")}`;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UserError(`${where(file)}: ${(error as Error).message}`);
  }
}

/** Reads and validates one kata.json; throws a UserError naming the file and each bad field. */
export function readKataMeta(slug: string): KataMeta {
  const file = kataPaths(slug).meta;
  const parsed = KataMetaSchema.safeParse(readJson(file));
  if (!parsed.success) throw new UserError(zodProblems(file, parsed.error));
  return parsed.data;
}

/** The catalogue file, validated; throws a UserError naming each bad field. */
export function readCatalogueFile(file = CATALOGUE_FILE): CatalogueFile {
  if (!existsSync(file))
    throw new UserError(`${where(file)} is missing: it lists the katas in order.`);
  const parsed = CatalogueFileSchema.safeParse(readJson(file));
  if (!parsed.success) throw new UserError(zodProblems(file, parsed.error));
  return parsed.data;
}

/**
 * The tracks in order, each with its katas in order. Listed katas without a folder are left out;
 * so, unless `strict`, is a kata whose kata.json is not valid (with a warning: an author's
 * half-written kata must not stop the rest of the workbook; `verify` says what is wrong).
 */
export function loadTracks(options: { strict?: boolean } = {}): Track[] {
  const file = readCatalogueFile();
  const onDisk = new Set(kataSlugsOnDisk());
  const seen = new Set<string>();
  let position = 0;
  const metaOf = (slug: string): KataMeta | undefined => {
    try {
      return readKataMeta(slug);
    } catch (error) {
      if (options.strict) throw error;
      console.warn(
        `(left out: ${slug}, whose kata.json is not valid; npm run kata -- verify ${slug} says why)`,
      );
      return undefined;
    }
  };
  return file.tracks.map(({ katas, ...track }) => ({
    ...track,
    katas: katas
      .filter((slug) => onDisk.has(slug) && !seen.has(slug) && seen.add(slug))
      .flatMap((slug) => {
        const meta = metaOf(slug);
        return meta ? [{ slug, track: track.id, position: ++position, ...meta }] : [];
      }),
  }));
}

/** Every kata on the learning path, in path order. */
export function loadCatalogue(options: { strict?: boolean } = {}): Kata[] {
  return loadTracks(options).flatMap((track) => track.katas);
}

/**
 * Every kata folder in path order, without reading any kata.json: the listed ones first (as the
 * catalogue file orders them), then any the file does not list. What `verify` goes through.
 */
export function kataFoldersInPathOrder(): string[] {
  const onDisk = kataDirsOnDisk();
  let listed: string[] = [];
  try {
    listed = readCatalogueFile().tracks.flatMap((track) => track.katas);
  } catch {
    // an unreadable catalogue is reported by catalogueProblems
  }
  const ordered = [...new Set(listed.filter((slug) => onDisk.includes(slug)))];
  return [...ordered, ...onDisk.filter((slug) => !ordered.includes(slug))];
}

/**
 * What `verify` checks of the catalogue as a whole: each kata on disk listed exactly once, no
 * listed kata without its folder, and a path that starts easy and gets harder within each track.
 * Problems about one kata are keyed by its slug; the rest by the catalogue file.
 */
export function catalogueProblems(): Map<string, string[]> {
  const problems = new Map<string, string[]>();
  const add = (key: string, problem: string) =>
    problems.set(key, [...(problems.get(key) ?? []), problem]);
  const fileKey = where(CATALOGUE_FILE);
  let file: CatalogueFile;
  try {
    file = readCatalogueFile();
  } catch (error) {
    add(fileKey, (error as Error).message);
    return problems;
  }

  const trackIds = file.tracks.map((t) => t.id);
  for (const id of new Set(trackIds.filter((id, i) => trackIds.indexOf(id) !== i)))
    add(fileKey, `the track "${id}" is declared more than once`);

  const listedIn = new Map<string, string[]>();
  for (const track of file.tracks)
    for (const slug of track.katas) listedIn.set(slug, [...(listedIn.get(slug) ?? []), track.id]);
  const onDisk = new Set(kataSlugsOnDisk());
  for (const [slug, tracks] of listedIn) {
    if (tracks.length > 1)
      add(slug, `${fileKey} lists it ${tracks.length} times (in ${tracks.join(", ")})`);
    if (!onDisk.has(slug)) add(fileKey, `it lists "${slug}", which has no katas/${slug}/kata.json`);
  }
  for (const slug of onDisk)
    if (!listedIn.has(slug))
      add(slug, `not on the learning path: add it to a track in ${fileKey} (CONTRIBUTING.md)`);

  // Difficulty: the path starts at its easiest kata, and never gets easier inside a track.
  let katas: Kata[];
  try {
    katas = loadCatalogue({ strict: true });
  } catch {
    return problems; // a bad kata.json is reported with its kata
  }
  const easiest = Math.min(...katas.map((k) => k.difficulty));
  const first = katas[0];
  if (first && first.difficulty !== easiest)
    add(
      first.slug,
      `the learning path starts here, at difficulty ${first.difficulty}, but the easiest kata is ${easiest}: start with a warm-up`,
    );
  for (let i = 1; i < katas.length; i++) {
    const [before, kata] = [katas[i - 1], katas[i]];
    if (before && kata && before.track === kata.track && kata.difficulty < before.difficulty)
      add(
        kata.slug,
        `difficulty ${kata.difficulty} after ${before.slug} (${before.difficulty}) in track ${kata.track}: a track's katas go from easy to hard`,
      );
  }
  return problems;
}

/** The kata with this slug, or a UserError that suggests the closest slug. */
export function findKata(catalogue: Kata[], slug: string | undefined): Kata {
  if (!slug) throw new UserError("Which kata? Give a slug; `npm run kata -- list` shows them all.");
  const kata = catalogue.find((k) => k.slug === slug);
  if (kata) return kata;
  throw new UserError(
    `No kata called "${slug}".${suggest(
      slug,
      catalogue.map((k) => k.slug),
    )}\n\`npm run kata -- list\` shows them all.`,
  );
}

/** The track with this id, or a UserError listing the tracks. */
export function findTrack(tracks: TrackInfo[], id: string): TrackInfo {
  const track = tracks.find((t) => t.id === id);
  if (track) return track;
  const ids = tracks.map((t) => t.id);
  throw new UserError(`No track called "${id}".${suggest(id, ids)} The tracks: ${ids.join(", ")}.`);
}

/** " Did you mean "x"?" for the closest candidate, when one is close; else "". */
export function suggestion(name: string, candidates: string[]): string {
  return suggest(name, candidates);
}

function suggest(name: string, candidates: string[]): string {
  const suggestion = candidates.length > 0 ? closest(name, candidates) : undefined;
  const close =
    suggestion !== undefined && distance(name, suggestion) <= Math.max(3, name.length / 2);
  return close ? ` Did you mean "${suggestion}"?` : "";
}
