/**
 * Records made in different Stryker runs number their tests independently; the incremental file
 * composed from them must keep every kata's tests, and what its mutants say killed them, apart.
 */
import { describe, expect, it } from "vitest";
import { composeIncremental, type KataRecord } from "./incremental.ts";

const record = (kata: string): KataRecord => ({
  kata,
  environment: {},
  report: {
    schemaVersion: "1.0",
    thresholds: { high: 80, low: 60 },
    files: {
      [`solutions/${kata}/${kata}.ts`]: {
        language: "typescript",
        source: "",
        mutants: [
          {
            id: "1",
            mutatorName: "BooleanLiteral",
            status: "Killed",
            location: { start: { line: 1, column: 1 }, end: { line: 1, column: 5 } },
            coveredBy: ["0"],
            killedBy: ["0"],
          },
        ],
      },
    },
    testFiles: {
      [`katas/${kata}/${kata}.spec.ts`]: { source: "", tests: [{ id: "0", name: "t" }] },
    },
  },
});

describe("the incremental file composed from several katas' records", () => {
  it("gives two katas' tests that share an id in their own records different ids, and remaps their mutants", () => {
    const report = composeIncremental([record("alpha"), record("beta")]);
    const ids = Object.values(report.testFiles ?? {}).flatMap((file) =>
      (file.tests as Array<{ id: string }>).map((test) => test.id),
    );
    expect(new Set(ids).size, `test ids ${JSON.stringify(ids)}`).toBe(2);
    for (const kata of ["alpha", "beta"]) {
      const tests = (report.testFiles?.[`katas/${kata}/${kata}.spec.ts`]?.tests ?? []) as Array<{
        id: string;
      }>;
      const [mutant] = report.files[`solutions/${kata}/${kata}.ts`]?.mutants ?? [];
      expect(tests.map((test) => test.id)).toHaveLength(1);
      expect(mutant?.killedBy, `${kata}'s mutant names its own test`).toEqual([tests[0]?.id]);
      expect(mutant?.coveredBy).toEqual([tests[0]?.id]);
    }
  });
});
