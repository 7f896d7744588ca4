import { findTrack, type Kata, loadTracks, type Track } from "../lib/catalogue.ts";
import pc from "../lib/colors.ts";
import { UserError } from "../lib/errors.ts";
import { type KataStatus, readProgress, statusOf } from "../lib/progress.ts";

const STATUS_LABEL: Record<KataStatus, string> = {
  new: pc.dim("not started"),
  started: pc.yellow("in progress"),
  edited: pc.yellow("edited, not run"),
  solved: pc.green("✔ solved"),
};

/** What `--status` accepts: a status, or "unsolved" for every one but solved. */
const STATUS_FILTERS: Record<string, (status: KataStatus) => boolean> = {
  solved: (s) => s === "solved",
  unsolved: (s) => s !== "solved",
  edited: (s) => s === "edited",
  started: (s) => s === "started" || s === "edited",
  new: (s) => s === "new",
};

export interface ListOptions {
  track?: string | undefined;
  status?: string | undefined;
  level?: string | undefined;
  all?: boolean;
}

/**
 * `list`: the katas grouped by track, each track with its solved/total. With a filter, or
 * `--all`, or when the whole list fits the terminal, every matching kata; otherwise every track
 * as one line and the track you are in (the one with the next unsolved kata) in full, so the
 * list still reads in an 80×24 terminal at 50 katas.
 */
export async function listCommand(options: ListOptions = {}): Promise<number> {
  const tracks = loadTracks();
  const progress = readProgress();
  const status = (kata: Kata) => statusOf(kata.slug, progress);
  const keep = kataFilter(tracks, options);
  const filtered =
    options.track !== undefined || options.status !== undefined || options.level !== undefined;

  const shown = tracks
    .map((track) => ({ track, katas: track.katas.filter((kata) => keep(kata, status(kata))) }))
    .filter(({ track, katas }) => katas.length > 0 || (!filtered && track.katas.length > 0));
  if (shown.length === 0) {
    console.log(pc.dim("No kata matches."));
    return 0;
  }
  const current = tracks.find((t) => t.katas.some((k) => status(k) !== "solved"))?.id;
  const fullHeight = 1 + shown.reduce((n, s) => n + 2 + s.katas.length, 0);
  const rows = process.stdout.isTTY ? process.stdout.rows : undefined;
  const compact = !filtered && !options.all && rows !== undefined && fullHeight > rows - 2;

  console.log(pc.bold(["  #", "kata".padEnd(24), "level", "   time", "status"].join("  ")));
  for (const { track, katas } of shown) {
    const expand = !compact || track.id === current;
    console.log(trackLine(track, status, expand));
    if (expand) for (const kata of katas) console.log(kataLine(kata, status(kata), progress));
  }
  if (compact)
    console.log(
      pc.dim("\nA track in full: --track <id>; every kata: --all; filters: --status, --level."),
    );
  return 0;
}

function kataFilter(tracks: Track[], options: ListOptions) {
  const track = options.track === undefined ? undefined : findTrack(tracks, options.track).id;
  const byStatus = options.status === undefined ? undefined : STATUS_FILTERS[options.status];
  if (options.status !== undefined && !byStatus)
    throw new UserError(
      `--status must be one of ${Object.keys(STATUS_FILTERS).join(", ")} (got "${options.status}").`,
    );
  const level = options.level === undefined ? undefined : Number(options.level);
  if (level !== undefined && !(Number.isInteger(level) && level >= 1 && level <= 5))
    throw new UserError(`--level must be a difficulty from 1 to 5 (got "${options.level}").`);
  return (kata: Kata, status: KataStatus) =>
    (track === undefined || kata.track === track) &&
    (byStatus === undefined || byStatus(status)) &&
    (level === undefined || kata.difficulty === level);
}

function trackLine(track: Track, status: (kata: Kata) => KataStatus, expanded: boolean): string {
  const solved = track.katas.filter((kata) => status(kata) === "solved").length;
  const count = `${solved}/${track.katas.length} solved`;
  const done = solved === track.katas.length ? pc.green(count) : count;
  const title = `${track.title} ${pc.dim(`(${track.id})`)}`;
  return `${expanded ? "\n" : ""}${pc.bold(title)} · ${done}`;
}

function kataLine(
  kata: Kata,
  status: KataStatus,
  progress: ReturnType<typeof readProgress>,
): string {
  const entry = progress.katas[kata.slug];
  const tests =
    entry && entry.total > 0 && status !== "solved"
      ? pc.dim(` ${entry.passed}/${entry.total}`)
      : "";
  return [
    String(kata.position).padStart(3),
    kata.slug.padEnd(24),
    `${"★".repeat(kata.difficulty)}${"☆".repeat(5 - kata.difficulty)}`,
    `${String(kata.minutes).padStart(3)} min`,
    STATUS_LABEL[status] + tests,
  ].join("  ");
}
