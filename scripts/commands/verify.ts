import pc from "../lib/colors.ts";
import { type Selection, selectKatas } from "../lib/selection.ts";
import { verifyKatas, workbookProblems } from "../lib/verify.ts";

/**
 * `verify [slug…] [--track t] [--changed [ref]]`: the kata contract for every kata (or the ones
 * chosen), one item per kata, then the workbook-wide checks, and a closing count. For a chosen
 * few, also the test that first failed on each known-bad solution: is it the step meant to
 * catch it?
 */
export async function verifyCommand(selection: Selection): Promise<number> {
  const started = Date.now();
  const { slugs, description } = await selectKatas(selection);
  const chosen = description !== undefined;
  if (chosen) console.log(pc.dim(`verify: ${description}`));
  const verdicts = slugs.length > 0 ? await verifyKatas(slugs) : [];
  for (const verdict of verdicts) {
    const ok = verdict.problems.length === 0;
    console.log(`${ok ? pc.green("✔") : pc.red("✘")} ${verdict.slug}: ${pc.dim(verdict.summary)}`);
    for (const problem of verdict.problems) console.log(`    - ${problem}`);
    if (chosen && slugs.length <= 3) {
      for (const rejection of verdict.rejections) console.log(pc.dim(`    ✔ ${rejection}`));
    }
  }
  const workbook = await workbookProblems();
  for (const [subject, problems] of workbook) {
    console.log(`${pc.red("✘")} ${subject}`);
    for (const problem of problems) console.log(`    - ${problem}`);
  }
  const failed = verdicts.filter((v) => v.problems.length > 0).length + workbook.size;
  const checked = verdicts.length + workbook.size;
  console.log(pc.dim(`(${((Date.now() - started) / 1000).toFixed(1)} s)`));
  console.log(`verify: ${checked - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
