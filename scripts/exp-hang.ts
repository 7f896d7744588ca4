import { readFileSync, writeFileSync } from "node:fs";
import { KataSession } from "./lib/kata-session.ts";
import { kataPaths } from "./lib/paths.ts";

const slug = "circuit-breaker";
const stub = kataPaths(slug).stub;
const original = readFileSync(stub, "utf8");
const ref = readFileSync(kataPaths(slug).reference, "utf8");
const mode = process.argv[2];
if (mode === "loop")
  writeFileSync(
    stub,
    ref.replace(
      /get state\(\)[^{]*\{/,
      (m) => `${m} if (this.#state === "OPEN") while (Date.now() > 0) {} `,
    ),
  );
if (mode === "promise")
  writeFileSync(
    stub,
    ref.replace(
      /async fire\(\.\.\.args: A\): Promise<R> \{/,
      (m) => `${m} if (this.#state === "OPEN") await new Promise(() => {}); `,
    ),
  );
if (mode === "unhandled")
  writeFileSync(
    stub,
    ref.replace(
      /async fire\(\.\.\.args: A\): Promise<R> \{/,
      (m) =>
        `${m} Promise.reject(new Error("503 Service Unavailable")).then(() => {}); console.log("firing", args.length); `,
    ),
  );
try {
  const s = await KataSession.open(slug);
  const t0 = Date.now();
  const r = await s.run(undefined, undefined, { onTestStarted: (n) => void n });
  console.log(
    "done",
    Date.now() - t0,
    r.passed,
    r.total,
    JSON.stringify({ stopped: r.stopped, load: r.loadErrors, unhandled: r.unhandled }).slice(
      0,
      600,
    ),
  );
  const withOut = r.steps
    .flatMap((s) => s.tests)
    .filter((t) => t.output || t.timedOut || t.state === "skipped");
  console.log(
    "tests with output/timeout/skipped:",
    withOut.length,
    JSON.stringify(withOut.slice(0, 2)).slice(0, 400),
  );
  writeFileSync(stub, original);
  const r2 = await s.run(stub);
  console.log(
    "second",
    r2.passed,
    r2.total,
    r2.loadErrors.length,
    JSON.stringify(r2).slice(0, 300),
  );
  const r3 = await s.run(stub);
  console.log("third", r3.passed, r3.total, r3.loadErrors.length);
  await s.close();
} finally {
  writeFileSync(stub, original);
}
