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
