/** One real run of a kata for the learner: the spec on their file, the type-check, the progress record. */
import type { Kata } from "./catalogue.ts";
import type { KataSession } from "./kata-session.ts";
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
    const paths = kataPaths(kata.slug);
    this.typeChecker = new TypeChecker([paths.stub, paths.spec]);
  }

  async check(changedFile?: string): Promise<CheckedRun> {
    const result = await this.session.run(changedFile);
    const typeErrors = this.typeChecker.errorsIn([kataPaths(this.kata.slug).stub]);
    const solved = isGreen(result) && typeErrors.length === 0;
    recordRun(result, solved);
    return { result, typeErrors, solved };
  }
}
