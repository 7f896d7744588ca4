/**
 * The workbook's command line: `npm run kata -- <command>` (and `npm start` for watch mode).
 * Every command returns an exit code; a UserError is printed as a plain message, never a stack.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { runCommandLine, UserError } from "./lib/errors.ts";

export const USAGE = `Usage: npm run kata -- <command> [options]

  list [--track t] [--status s] [--level n] [--all]
                                the katas by track, with your status (s: solved, unsolved,
                                edited, new); --all lists every track in full
  run <slug> [--output]         run a kata's spec on your file once (exit 0 when solved);
                                --output: what every test printed
  watch [slug]                  re-run on every save (what \`npm start\` does)
  hint <slug> [--level n]       the next hint tier (1 nudge, 2 approach, 3 near-solution)
  reset <slug> [--yes]          back up your file, then restore the original stub
  solution <slug> [--force]     the reference solution and a diff against your file
  progress                      run every kata on your files and sum up

For authors:
  verify [slug…] [--track t] [--changed [ref]]
                                the kata contract (part of npm test); --changed: the katas a
                                change touches, since ref (default origin/main)
  new <slug> --track <t>        scaffold a kata at the end of a track
  docs                          rewrite the README's kata table from the catalogue`;

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The options each command takes; anything else is refused with this list. */
const OPTIONS: Record<string, Options> = {
  list: {
    track: { type: "string" },
    status: { type: "string" },
    level: { type: "string" },
    all: { type: "boolean" },
  },
  run: { output: { type: "boolean" } },
  watch: {},
  hint: { level: { type: "string" } },
  reset: { yes: { type: "boolean", short: "y" } },
  solution: { force: { type: "boolean" } },
  progress: {},
  verify: { track: { type: "string" }, changed: { type: "string" } },
  new: { track: { type: "string" } },
  docs: {},
};

/** How many positional arguments (slugs) each command takes. */
const POSITIONALS: Record<string, number> = {
  list: 0,
  run: 1,
  watch: 1,
  hint: 1,
  reset: 1,
  solution: 1,
  progress: 0,
  verify: Number.POSITIVE_INFINITY,
  new: 1,
  docs: 0,
};

/** The `--changed` of verify takes an optional ref: `--changed` alone means the default one. */
const DEFAULT_REF = "\0default";
function withOptionalRef(argv: string[]): string[] {
  return argv.flatMap((arg, i) => {
    const next = argv[i + 1];
    const bare = arg === "--changed" && (next === undefined || next.startsWith("-"));
    return bare ? [arg, DEFAULT_REF] : [arg];
  });
}

const describeOptions = (options: Options) =>
  Object.entries(options)
    .map(([name, option]) => `--${name}${option.type === "string" ? " <value>" : ""}`)
    .join(", ");

type ParsedCommandLine =
  | { help: true }
  | {
      help: false;
      command: string;
      slugs: string[];
      values: Record<string, string | boolean | undefined>;
    };

function parseCommandLine(argv: string[]): ParsedCommandLine {
  const command = argv.find((arg) => !arg.startsWith("-")) ?? "watch";
  if (argv.includes("--help") || argv.includes("-h") || command === "help") return { help: true };
  const options = OPTIONS[command];
  if (!options) throw new UserError(`Unknown command "${command}".\n\n${USAGE}`);
  let parsed: ReturnType<typeof parseArgs<{ options: Options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: withOptionalRef(argv), allowPositionals: true, options });
  } catch (error) {
    // util.parseArgs's own text advises `--` tricks that npm users cannot use: say what exists.
    const code = (error as { code?: string }).code;
    const option = /'(-[^']*)'/.exec((error as Error).message)?.[1] ?? "";
    const known = Object.keys(options).length > 0 ? describeOptions(options) : "none";
    const what =
      code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
        ? `"${command}" has no option ${option.split("=")[0]}`
        : `"${command}": ${(error as Error).message.split(". ")[0]}`;
    throw new UserError(`${what}. Its options: ${known}.\n\n${USAGE}`);
  }
  const [, ...slugs] =
    parsed.positionals[0] === command ? parsed.positionals : ["", ...parsed.positionals];
  const max = POSITIONALS[command] ?? 0;
  if (slugs.length > max) {
    const extra = slugs[max];
    throw new UserError(`Unexpected argument "${extra}" for "${command}".\n\n${USAGE}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  return { help: false, command, slugs, values };
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv);
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  const { command, slugs, values } = parsed;
  const str = (name: string) => {
    const value = values[name];
    return typeof value === "string" ? value : undefined;
  };
  const slug = slugs[0];
  // Commands are imported on demand: `list` or `hint` should not pay for loading vitest and the
  // TypeScript compiler.
  switch (command) {
    case "list":
      return (await import("./commands/list.ts")).listCommand({
        track: str("track"),
        status: str("status"),
        level: str("level"),
        all: values.all === true,
      });
    case "run":
      return (await import("./commands/run.ts")).runCommand(slug, values.output === true);
    case "watch":
      return (await import("./commands/watch.ts")).watchCommand(slug);
    case "hint":
      return (await import("./commands/hint.ts")).hintCommand(slug, str("level"));
    case "reset":
      return (await import("./commands/reset.ts")).resetCommand(slug, values.yes === true);
    case "solution":
      return (await import("./commands/solution.ts")).solutionCommand(slug, values.force === true);
    case "progress":
      return (await import("./commands/progress.ts")).progressCommand();
    case "verify": {
      const changed = str("changed");
      return (await import("./commands/verify.ts")).verifyCommand({
        slugs,
        track: str("track"),
        ...(changed === undefined ? {} : { changed: changed === DEFAULT_REF ? true : changed }),
      });
    }
    case "new":
      return (await import("./commands/new.ts")).newCommand(slug, str("track"));
    case "docs":
      return (await import("./commands/docs.ts")).docsCommand();
    default:
      throw new UserError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

runCommandLine(() => main(process.argv.slice(2)));
