/**
 * Reads a long-running command's output as it comes and waits for a text to appear in it: for
 * the tests that drive watch mode and the dojo. The wait has a deadline, not a sleep: it fires
 * only when the expected screen never comes, and then shows what came instead.
 */
import type { ResultPromise } from "execa";

export interface OutputWaiter {
  /** Everything printed so far. */
  readonly text: string;
  waitFor: (text: string, deadlineMs?: number) => Promise<void>;
}

export function waitOnOutput(child: ResultPromise, name: string): OutputWaiter {
  let output = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  child.all?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters.filter((w) => output.includes(w.text))) waiter.resolve();
  });
  return {
    get text() {
      return output;
    },
    waitFor: (text, deadlineMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        if (output.includes(text)) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`${name} never showed "${text}"; it showed:\n${output}`)),
          deadlineMs,
        );
        waiters.push({
          text,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        child.once("exit", () =>
          reject(new Error(`${name} exited before showing "${text}":\n${output}`)),
        );
      }),
  };
}
