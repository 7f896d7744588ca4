import { findKata, loadCatalogue } from "../lib/catalogue.ts";
import { KataChecker } from "../lib/check-run.ts";
import { KataSession } from "../lib/kata-session.ts";
import { readProgress, statusOf } from "../lib/progress.ts";
import { renderStepView } from "../lib/step-view.ts";

/** `run <slug>`: one run with the step view. Exit 0 when solved, 1 otherwise. */
export async function runCommand(slug: string | undefined): Promise<number> {
  const catalogue = loadCatalogue();
  const kata = findKata(catalogue, slug);
  const session = await KataSession.open(kata.slug);
  try {
    const run = await new KataChecker(kata, session).check();
    const progress = readProgress();
    console.log(
      renderStepView({
        kata,
        ...run,
        solvedCount: catalogue.filter((k) => statusOf(k.slug, progress) === "solved").length,
        kataCount: catalogue.length,
      }),
    );
    return run.solved ? 0 : 1;
  } finally {
    await session.close();
  }
}
