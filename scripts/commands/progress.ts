import { loadCatalogue } from "../lib/catalogue.ts";
import pc from "../lib/colors.ts";
import { KataChecker } from "../lib/kata-checker.ts";
import { KataSession } from "../lib/kata-session.ts";
import { progressBar } from "../lib/step-view.ts";

/** `progress`: runs every kata's spec on your files (real runs) and sums up. */
export async function progressCommand(): Promise<number> {
  const catalogue = loadCatalogue();
  let solved = 0;
  for (const kata of catalogue) {
    const session = await KataSession.open(kata.slug);
    try {
      const run = await new KataChecker(kata, session).check();
      if (run.solved) solved += 1;
      const mark = run.solved
        ? pc.green("✔")
        : run.result.passed > 0
          ? pc.yellow("…")
          : pc.dim("·");
      console.log(`${mark} ${kata.slug.padEnd(24)} ${run.result.passed}/${run.result.total} tests`);
    } finally {
      await session.close();
    }
  }
  console.log(`\n${progressBar(solved, catalogue.length)}`);
  return 0;
}
