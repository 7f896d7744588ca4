/**
 * The dojo end to end, wired as a team would run it, in a throw-away copy of the workbook with
 * the 4-test fixture kata: started from a non-interactive shell (turns start by themselves), with
 * the projector page on; a save of the kata file re-runs the spec; the page's /state follows;
 * a signal ends the dojo and writes the retro. The rules themselves are tested in the modules.
 */
import { copyFileSync, readFileSync } from "node:fs";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { waitOnOutput } from "../test-support/output-waiter.ts";
import { CLI_ENV, makeTempRepo, type TempRepo } from "../test-support/temp-repo.ts";
import type { DojoSnapshot } from "./dojo-state.ts";

let repo: TempRepo | undefined;

afterEach(() => {
  repo?.remove();
  repo = undefined;
});

async function pageState(url: string): Promise<DojoSnapshot> {
  const response = await fetch(new URL("/state", url));
  expect(response.status).toBe(200);
  return (await response.json()) as DojoSnapshot;
}

describe("a dojo from start to retro (not a terminal)", () => {
  it("runs the spec on each save, shows it on the page, and writes the retro when stopped", async () => {
    repo = await makeTempRepo();
    const r = repo;
    // tsx passes the signal on to the dojo, as a terminal's Ctrl-C would reach it.
    const child = execa(
      r.path("node_modules", ".bin", "tsx"),
      ["scripts/dojo.ts", "tiny-sum", "--team", "Ana,Bo", "--web", "--port", "0"],
      {
        cwd: r.dir,
        env: { ...CLI_ENV, NO_COLOR: "1" },
        extendEnv: false,
        reject: false,
        all: true,
        stdin: "ignore",
      },
    );
    const output = waitOnOutput(child, "the dojo");
    try {
      await output.waitFor("Projector page: http://127.0.0.1:");
      const url = /Projector page: (http:\/\/127\.0\.0\.1:\d+)/.exec(output.text)?.[1] ?? "";
      await output.waitFor("0/4");

      const before = await pageState(url);
      expect(before.kata.slug).toBe("tiny-sum");
      expect(before.phase, "turns start by themselves when nobody can press Enter").toBe("running");
      expect([before.driver, before.navigator]).toEqual(["Ana", "Bo"]);
      expect(before.green).toBeNull();

      copyFileSync(r.path("solutions/tiny-sum/tiny-sum.ts"), r.path("katas/tiny-sum/tiny-sum.ts"));
      await output.waitFor("4/4");
      const after = await pageState(url);
      expect(after.green, "the page knows the kata went green").toMatchObject({ turns: 1 });
      expect(after.timeline.at(-1)).toMatchObject({ turn: 1, passed: 4, total: 4 });
    } finally {
      child.kill("SIGTERM");
    }
    const result = await child;
    expect(result.exitCode, output.text).toBe(0);
    const retroPath = /Retro: (dojo\/\S+\.md)/.exec(output.text)?.[1];
    expect(retroPath, `no retro line in:\n${output.text}`).toBeDefined();
    const retro = readFileSync(r.path(retroPath ?? ""), "utf8");
    expect(retro).toContain("tiny-sum");
    expect(retro).toContain("Ana");
    expect(retro).toContain("Bo");
    expect(retro).toMatch(/green/i);
  });
});
