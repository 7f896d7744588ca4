/**
 * The workbook's command line: `npm run kata -- <command>` (and `npm start` for watch mode).
 * Every command returns an exit code; a UserError is printed as a plain message, never a stack.
 */
import { parseArgs } from "node:util";
import { runCommandLine, UserError } from "./lib/errors.ts";

export const USAGE = `Usage: npm run kata -- <command> [options]

  list                          every kata: order, track, difficulty, time, your status
  run <slug>                    run a kata's spec on your file once (exit 0 when solved)
  watch [slug]                  re-run on every save (what \`npm start\` does)
  hint <slug> [--level n]       the next hint tier (1 nudge, 2 approach, 3 near-solution)
  reset <slug> [--yes]          back up your file, then restore the original stub
  solution <slug> [--force]     the reference solution and a diff against your file
  progress                      run every kata on your files and sum up
  verify [slug]                 check the kata contract of every kata, or one (for authors; part of npm test)
  new <slug>                    scaffold a new kata (for authors)`;

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        level: { type: "string" },
        yes: { type: "boolean", short: "y" },
        force: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    // util.parseArgs explains an unknown or malformed option well; add the usage.
    throw new UserError(`${(error as Error).message}\n\n${USAGE}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseCommandLine(argv);
  const [command, slug, ...extra] = positionals;
  if (values.help || command === "help") {
    console.log(USAGE);
    return 0;
  }
  if (extra.length > 0) throw new UserError(`Unexpected argument "${extra[0]}".\n\n${USAGE}`);
  // Commands are imported on demand: `list` or `hint` should not pay for loading vitest and the
  // TypeScript compiler.
  switch (command) {
    case "list":
      return (await import("./commands/list.ts")).listCommand();
    case "run":
      return (await import("./commands/run.ts")).runCommand(slug);
    case "watch":
    case undefined:
      return (await import("./commands/watch.ts")).watchCommand(slug);
    case "hint":
      return (await import("./commands/hint.ts")).hintCommand(slug, values.level);
    case "reset":
      return (await import("./commands/reset.ts")).resetCommand(slug, values.yes);
    case "solution":
      return (await import("./commands/solution.ts")).solutionCommand(slug, values.force);
    case "progress":
      return (await import("./commands/progress.ts")).progressCommand();
    case "verify":
      return (await import("./commands/verify.ts")).verifyCommand(slug);
    case "new":
      return (await import("./commands/new.ts")).newCommand(slug);
    default:
      throw new UserError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

runCommandLine(() => main(process.argv.slice(2)));
