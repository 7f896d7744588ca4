/**
 * Dojo mode: `npm run dojo -- <slug> --team "Ana,Bo,Cy"`: a mob-programming timer on the kata
 * runner, with live test status, rotation, hints, a projector page and a retro. Bad input is a
 * plain message and a non-zero exit, never a stack.
 */

import { parseDojoArgs, USAGE } from "./dojo/options.ts";
import { askTeam, chooseKata, processTerminal } from "./dojo/prompts.ts";
import { findKata, loadCatalogue } from "./lib/catalogue.ts";
import pc from "./lib/colors.ts";
import { runCommandLine } from "./lib/errors.ts";

async function main(argv: string[]): Promise<number> {
  const options = parseDojoArgs(argv);
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const terminal = processTerminal();
  // Questions that cannot be asked fail before anything is loaded.
  if (!terminal.interactive && options.team === undefined && options.slug !== undefined) {
    await askTeam(terminal);
  }
  const catalogue = loadCatalogue();
  const kata =
    options.slug === undefined
      ? await chooseKata(catalogue, terminal)
      : findKata(catalogue, options.slug);
  const team = options.team ?? (await askTeam(terminal));
  if (team.length === 1) {
    console.log(pc.dim(`Solo dojo: ${team[0]} drives every turn; there is no navigator.`));
  }
  // Loaded only now: vitest and the TypeScript service take a moment, and bad input should not wait.
  const { runDojo } = await import("./dojo/app.ts");
  return runDojo(kata, team, options);
}

runCommandLine(() => main(process.argv.slice(2)));
