/**
 * The runner's colours. picocolors alone turns them on whenever `CI` is set, even in a pipe; the
 * runner colours only a terminal: on when stdout is a TTY, off for a pipe or a file, off with
 * `NO_COLOR`, on with `FORCE_COLOR` (unless it is 0). The step view also strips the colour codes
 * vitest puts in its diffs when this says off.
 */
import { createColors } from "picocolors";

function colourWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "") return env.FORCE_COLOR !== "0";
  return process.stdout.isTTY === true && env.TERM !== "dumb";
}

const pc = createColors(colourWanted());
export default pc;
