/**
 * The two questions asked before a dojo when the command line left them open: which kata, and who
 * is in the team. In a terminal they are asked; in a non-interactive run they are clear errors.
 */
import { createInterface, type Interface } from "node:readline/promises";
import { findKata, type Kata } from "../lib/catalogue.ts";
import pc from "../lib/colors.ts";
import { UserError } from "../lib/errors.ts";
import { parseTeam } from "./options.ts";

export interface Terminal {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  interactive: boolean;
}

export const processTerminal = (): Terminal => ({
  input: process.stdin,
  output: process.stdout,
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
});

export function kataList(catalogue: Kata[]): string {
  return catalogue
    .map(
      (kata, index) =>
        `  ${String(index + 1).padStart(2)}. ${kata.slug.padEnd(24)} ${pc.dim(`${kata.title} · ${kata.minutes} min`)}`,
    )
    .join("\n");
}

export async function chooseKata(catalogue: Kata[], terminal: Terminal): Promise<Kata> {
  if (catalogue.length === 0) throw new UserError("There are no katas yet.");
  if (!terminal.interactive) {
    throw new UserError(
      `Which kata? Give its slug: npm run dojo -- <slug> --team "Ana,Bo,Cy"\nKatas:\n${catalogue
        .map((kata) => `  ${kata.slug}`)
        .join("\n")}`,
    );
  }
  return withReadline(terminal, async (rl) => {
    terminal.output.write(
      `${pc.bold("Which kata will the dojo work on?")}\n${kataList(catalogue)}\n`,
    );
    for (;;) {
      const answer = (await rl.question(`Number or slug (1–${catalogue.length}): `)).trim();
      if (/^\d+$/.test(answer)) {
        const kata = catalogue[Number(answer) - 1];
        if (kata) return kata;
        terminal.output.write(pc.yellow(`Pick a number from 1 to ${catalogue.length}.\n`));
      } else if (answer !== "") {
        try {
          return findKata(catalogue, answer);
        } catch (error) {
          terminal.output.write(pc.yellow(`${(error as Error).message}\n`));
        }
      }
    }
  });
}

export async function askTeam(terminal: Terminal): Promise<string[]> {
  if (!terminal.interactive) {
    throw new UserError(
      'Who is in the dojo? Give the team in rotation order: --team "Ana,Bo,Cy" (one name runs solo).',
    );
  }
  return withReadline(terminal, async (rl) => {
    for (;;) {
      const answer = await rl.question(
        `${pc.bold("Who is in the dojo?")} Names in rotation order, separated by commas: `,
      );
      try {
        return parseTeam(answer);
      } catch (error) {
        terminal.output.write(pc.yellow(`${(error as Error).message}\n`));
      }
    }
  });
}

/** A readline for one question loop; Ctrl-C cancels with a message instead of hanging. */
async function withReadline<T>(terminal: Terminal, ask: (rl: Interface) => Promise<T>): Promise<T> {
  const rl = createInterface({ input: terminal.input, output: terminal.output });
  const cancelled = new Promise<never>((_, reject) => {
    const cancel = () => reject(new UserError("Cancelled: no dojo started.", 130));
    rl.on("SIGINT", cancel);
    rl.on("close", cancel); // Ctrl-D or the input ending
  });
  try {
    return await Promise.race([ask(rl), cancelled]);
  } finally {
    rl.removeAllListeners("close");
    rl.close();
  }
}
