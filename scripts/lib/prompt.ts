/** Yes/no questions for commands run in a terminal; a non-interactive run must pass `--yes`. */
import { createInterface } from "node:readline/promises";
import { UserError } from "./errors.ts";

export async function confirm(
  question: string,
  yes: boolean | undefined,
  flag = "--yes",
): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    throw new UserError(
      `${question}\nNot asking in a non-interactive run: add ${flag} to go ahead.`,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
