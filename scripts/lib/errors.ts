import pc from "./colors.ts";

/** An error meant for the learner: printed as a plain message (no stack), with an exit code. */
export class UserError extends Error {
  override name = "UserError";
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/**
 * Runs a command-line entry point: its result is the exit code; a UserError prints as a plain
 * message with its exit code; anything else is an unexpected error, with the stack only on DEBUG.
 */
export function runCommandLine(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UserError) {
        console.error(pc.red(error.message));
        process.exitCode = error.exitCode;
        return;
      }
      console.error(
        pc.red(`Unexpected error: ${error instanceof Error ? error.message : String(error)}`),
      );
      if (process.env.DEBUG) console.error(error);
      else console.error(pc.dim("(set DEBUG=1 to see the stack)"));
      process.exitCode = 1;
    },
  );
}
