/**
 * The dojo's command line, parsed with node:util parseArgs and validated up front: every bad value
 * becomes a UserError that says what was expected, before anything starts.
 */
import { isAbsolute, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { UserError } from "../lib/errors.ts";
import { ROOT } from "../lib/paths.ts";
import { MAX_TURN_MINUTES, MIN_TURN_MINUTES } from "./dojo-state.ts";

export const DEFAULT_MINUTES = 5;
export const DEFAULT_BREAKS_EVERY = 6;
export const DEFAULT_PORT = 4321;
export const LOOPBACK = "127.0.0.1";
export const ALL_INTERFACES = "0.0.0.0";
export const DEFAULT_RETRO_DIR = join(ROOT, "dojo");

export const USAGE = `Usage: npm run dojo -- [slug] --team "Ana,Bo,Cy" [options]

  slug                  the kata to mob on (without one, you choose from the list)
  --team, -t names      comma-separated, in rotation order (without it, you are asked)
  --minutes, -m n       turn length in whole minutes, ${MIN_TURN_MINUTES}–${MAX_TURN_MINUTES} (default ${DEFAULT_MINUTES})
  --breaks-every n      suggest a break every n turns; 0 never (default ${DEFAULT_BREAKS_EVERY})
  --web                 also serve the projector page (http://${LOOPBACK}:${DEFAULT_PORT}/)
  --port n              port for the page; 0 picks a free one (default ${DEFAULT_PORT})
  --host address        address to listen on (default ${LOOPBACK}, this machine only)
  --lan                 listen on every interface, so teammates' laptops can open the page
  --retro-dir dir       where the retro is written (default dojo/, git-ignored)

Keys: Enter start the turn · space pause · n rotate now · s skip the next person
      + / - turn length · h hint · r reference · Esc close panel · q end and write the retro`;

export interface DojoOptions {
  slug: string | undefined;
  /** undefined: not given (asked for in a terminal). */
  team: string[] | undefined;
  minutes: number;
  breaksEvery: number;
  web: { host: string; port: number } | null;
  retroDir: string;
  help: boolean;
}

export function parseDojoArgs(argv: string[]): DojoOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    // parseArgs explains unknown options and missing values well; add the usage.
    if (
      error instanceof Error &&
      "code" in error &&
      String(error.code).startsWith("ERR_PARSE_ARGS")
    ) {
      throw new UserError(`${error.message}\n\n${USAGE}`);
    }
    throw error;
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new UserError(`Unexpected argument "${positionals[1]}": give one kata.\n\n${USAGE}`);
  }
  if (values.lan && values.host !== undefined && values.host !== ALL_INTERFACES) {
    throw new UserError(`Use either --lan or --host ${values.host}, not both.`);
  }
  // Asking for a port or an address only makes sense for the page, so either one turns it on.
  const wantsWeb =
    values.web === true ||
    values.lan === true ||
    values.port !== undefined ||
    values.host !== undefined;
  const host = values.lan ? ALL_INTERFACES : (values.host ?? LOOPBACK);
  if (host.trim() === "") throw new UserError("--host needs an address, e.g. --host 127.0.0.1.");
  return {
    slug: positionals[0],
    team: values.team === undefined ? undefined : parseTeam(values.team),
    minutes:
      values.minutes === undefined
        ? DEFAULT_MINUTES
        : parseWholeNumber(
            "--minutes",
            values.minutes,
            MIN_TURN_MINUTES,
            MAX_TURN_MINUTES,
            "minutes",
          ),
    breaksEvery:
      values["breaks-every"] === undefined
        ? DEFAULT_BREAKS_EVERY
        : parseWholeNumber("--breaks-every", values["breaks-every"], 0, 100, "turns (0: never)"),
    web: wantsWeb
      ? {
          host,
          port:
            values.port === undefined
              ? DEFAULT_PORT
              : parseWholeNumber("--port", values.port, 0, 65_535, "(0: any free port)"),
        }
      : null,
    retroDir: resolveRetroDir(values["retro-dir"]),
    help: values.help === true,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      team: { type: "string", short: "t" },
      minutes: { type: "string", short: "m" },
      "breaks-every": { type: "string" },
      web: { type: "boolean" },
      port: { type: "string" },
      host: { type: "string" },
      lan: { type: "boolean" },
      "retro-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** "Ana, Bo,Cy" → ["Ana", "Bo", "Cy"]; empty names are dropped, duplicates refused. */
export function parseTeam(value: string): string[] {
  const names = value
    .split(",")
    .map((name) => name.trim().replace(/\s+/g, " "))
    .filter((name) => name !== "");
  if (names.length === 0) {
    throw new UserError('The team is empty: give at least one name, e.g. --team "Ana,Bo,Cy".');
  }
  const seen = new Set<string>();
  for (const name of names) {
    const key = name.toLowerCase();
    if (seen.has(key)) {
      throw new UserError(
        `"${name}" is in the team twice: names must differ so the rotation is clear (try "${name} K.").`,
      );
    }
    seen.add(key);
  }
  const tooLong = names.find((name) => name.length > 30);
  if (tooLong)
    throw new UserError(`"${tooLong}" is too long for the screen: keep names under 30 characters.`);
  return names;
}

function parseWholeNumber(
  flag: string,
  raw: string,
  min: number,
  max: number,
  unit: string,
): number {
  const text = raw.trim();
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UserError(
      `${flag} must be a whole number from ${min} to ${max} ${unit} (got "${raw}").`,
    );
  }
  return value;
}

function resolveRetroDir(raw: string | undefined): string {
  if (raw === undefined) return DEFAULT_RETRO_DIR;
  if (raw.trim() === "")
    throw new UserError("--retro-dir needs a folder, e.g. --retro-dir retros.");
  // npm runs scripts from the repository root; INIT_CWD is where the user typed the command.
  return isAbsolute(raw) ? raw : resolve(process.env.INIT_CWD ?? process.cwd(), raw);
}
