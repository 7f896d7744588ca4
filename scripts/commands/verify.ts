import pc from "picocolors";
import { findKata, loadCatalogue } from "../lib/catalogue.ts";
import { verifyKatas } from "../lib/verify.ts";

/** `verify`: the kata contract for every kata; one item per kata and a closing count. */
export async function verifyCommand(slug?: string): Promise<number> {
  const started = Date.now();
  const verdicts = await verifyKatas(
    slug === undefined ? undefined : [findKata(loadCatalogue(), slug).slug],
  );
  for (const verdict of verdicts) {
    if (verdict.problems.length === 0) {
      console.log(`${pc.green("✔")} ${verdict.slug}: ${pc.dim(verdict.summary)}`);
      continue;
    }
    console.log(`${pc.red("✘")} ${verdict.slug}: ${pc.dim(verdict.summary)}`);
    for (const problem of verdict.problems) console.log(`    - ${problem}`);
  }
  const failed = verdicts.filter((v) => v.problems.length > 0).length;
  console.log(pc.dim(`(${((Date.now() - started) / 1000).toFixed(1)} s)`));
  console.log(`verify: ${verdicts.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
