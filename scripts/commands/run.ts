import { findKata, loadCatalogue } from "../lib/catalogue.ts";
import pc from "../lib/colors.ts";
import { KataChecker } from "../lib/kata-checker.ts";
import { KataSession, type RunObserver } from "../lib/kata-session.ts";
import { readProgress, statusOf } from "../lib/progress.ts";
import { renderStepView } from "../lib/step-view.ts";

/**
 * `run <slug> [--output]`: one run with the step view. Exit 0 when solved, 1 otherwise. In a
 * terminal, a line on stderr says what is running meanwhile; `--output` adds what every test
 * printed (the step view shows the first failing test's).
 */
export async function runCommand(slug: string | undefined, showAllOutput = false): Promise<number> {
  const catalogue = loadCatalogue();
  const kata = findKata(catalogue, slug);
  const session = await KataSession.open(kata.slug);
  const status = statusLine();
  try {
    const run = await new KataChecker(kata, session).check(undefined, status.observer);
    status.clear();
    const progress = readProgress();
    console.log(
      renderStepView({
        kata,
        ...run,
        solvedCount: catalogue.filter((k) => statusOf(k.slug, progress) === "solved").length,
        kataCount: catalogue.length,
        columns: process.stdout.columns || 100,
        outputHint: `npm run kata -- run ${kata.slug} --output shows all of it`,
      }),
    );
    if (showAllOutput) printAllOutput(run.result.steps);
    return run.solved ? 0 : 1;
  } finally {
    status.clear();
    await session.close();
  }
}

/** "running… 12 tests done · step 3 › the test" on stderr, redrawn in place; only in a terminal. */
function statusLine(): { observer: RunObserver; clear: () => void } {
  if (!process.stderr.isTTY) return { observer: {}, clear: () => {} };
  let done = 0;
  let test = "";
  let shown = false;
  const draw = () => {
    const line = `⟳ running… ${done} tests done${test ? ` · ${test}` : ""}`;
    const width = process.stderr.columns ?? 80;
    process.stderr.write(
      `\r\x1b[2K${pc.dim(line.length > width - 1 ? `${line.slice(0, width - 2)}…` : line)}`,
    );
    shown = true;
  };
  return {
    observer: {
      onTestStarted: (name) => {
        test = name;
        draw();
      },
      onTestFinished: (count) => {
        done = count;
      },
    },
    clear: () => {
      if (shown) process.stderr.write("\r\x1b[2K");
      shown = false;
    },
  };
}

function printAllOutput(steps: import("../lib/results.ts").StepInfo[]): void {
  const printed = steps.flatMap((step) =>
    step.tests.filter((test) => test.output).map((test) => ({ step, test })),
  );
  console.log(pc.bold(`\nWhat the tests printed (${printed.length} of them printed something):`));
  for (const { step, test } of printed) {
    console.log(`\n${pc.bold(`step ${step.number} — ${step.title} › ${test.name}`)}`);
    for (const line of test.output ?? []) console.log(`  ${pc.dim("│")} ${line}`);
  }
}
