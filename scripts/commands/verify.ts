import pc from "picocolors";
import { findKata, loadCatalogue } from "../lib/catalogue.ts";
import { verifyKatas } from "../lib/verify.ts";

/**
 * `verify`: the kata contract for every kata; one item per kata and a closing count. For one kata,
 * also the test that first failed on each known-bad solution: is it the step meant to catch it?
 */
export async function verifyCommand(slug?: string): Promise<number> {
  const started = Date.now();
  const verdicts = await verifyKatas(
    slug === undefined ? undefined : [findKata(loadCatalogue(), slug).slug],
  );
  for (const verdict of verdicts) {
    const ok = verdict.problems.length === 0;
    console.log(`${ok ? pc.green("✔") : pc.red("✘")} ${verdict.slug}: ${pc.dim(verdict.summary)}`);
    for (const problem of verdict.problems) console.log(`    - ${problem}`);
    if (slug !== undefined) {
      for (const rejection of verdict.rejections) console.log(pc.dim(`    ✔ ${rejection}`));
    }
  }
  const failed = verdicts.filter((v) => v.problems.length > 0).length;
  console.log(pc.dim(`(${((Date.now() - started) / 1000).toFixed(1)} s)`));
  console.log(`verify: ${verdicts.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
