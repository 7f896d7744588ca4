/** One real run of a kata for the learner: the spec on their file, the type-check, the progress record. */
import type { Kata } from "./catalogue.ts";
import type { KataSession, RunObserver } from "./kata-session.ts";
import { kataPaths } from "./paths.ts";
import { recordRun } from "./progress.ts";
import { isGreen, type KataResult } from "./results.ts";
import { type CompileError, TypeChecker } from "./typecheck.ts";

export interface CheckedRun {
  result: KataResult;
  typeErrors: CompileError[];
  /** Green tests and a file that type-checks. */
  solved: boolean;
}

export class KataChecker {
  private readonly typeChecker: TypeChecker;

  constructor(
    readonly kata: Kata,
    private readonly session: KataSession,
  ) {
    // The learner's file is the only root: errors are reported for it alone, and leaving the spec
    // (with msw's and vitest's types behind it) out makes each re-check 5× quicker.
    this.typeChecker = new TypeChecker([kataPaths(kata.slug).stub]);
  }

  async check(changedFile?: string, observer?: RunObserver): Promise<CheckedRun> {
    let typeErrors: CompileError[] | undefined;
    const checkTypes = () => {
      typeErrors ??= this.typeChecker.errorsIn([kataPaths(this.kata.slug).stub]);
      return typeErrors;
    };
    // The type-check runs while the tests do, in their own process.
    const result = await this.session.run(changedFile, checkTypes, observer);
    typeErrors = checkTypes(); // the spec did not load, so the tests never started
    const solved = isGreen(result) && typeErrors.length === 0;
    // A stopped run's results went with its process: the last real run stays on record.
    if (!result.stopped) recordRun(result, solved);
    return { result, typeErrors, solved };
  }
}
