import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Dojo } from "./dojo-state.ts";
import { discussionPrompts, renderRetro, writeRetro } from "./retro.ts";
import { makeDojo, specRun } from "./testing.ts";

const MINUTE = 60_000;
let dir: string;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date(2026, 10, 22, 14, 5)); // local time, as the file name uses
  dir = mkdtempSync(join(tmpdir(), "dojo-retro-"));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** Three turns: step 1 green in turn 1, a hint and step 2 in turn 2, the kata green in turn 3. */
function playedDojo(): Dojo {
  const dojo = makeDojo();
  dojo.confirm();
  vi.advanceTimersByTime(4 * MINUTE);
  dojo.recordRun(specRun([3, 0, 0]));
  vi.advanceTimersByTime(MINUTE);
  dojo.tick();
  dojo.confirm();
  dojo.showNextHint();
  vi.advanceTimersByTime(3 * MINUTE);
  dojo.recordRun(specRun([3, 3, 1]));
  dojo.skipNext();
  dojo.rotateNow();
  dojo.confirm();
  vi.advanceTimersByTime(2 * MINUTE);
  dojo.recordRun(specRun([3, 3, 3]));
  vi.advanceTimersByTime(MINUTE);
  dojo.end();
  return dojo;
}

describe("renderRetro", () => {
  it("has who drove each turn, the tests at each turn's end, time to green per step, total time and hints", () => {
    const text = renderRetro(playedDojo().record());
    expect(text).toContain("# Dojo retro — Retry with exponential backoff");
    expect(text).toContain("- **When:** 2026-11-22, 14:05–14:16 (total 11:00)");
    expect(text).toContain("- **Team:** Ana, Bo, Cy · 5-minute turns");
    expect(text).toContain("- **Outcome:** green after 10:00, in 3 turns");
    expect(text).toContain("- **Hints:** 1 of 3 tiers");
    expect(text).toContain(
      [
        "| Turn | Driver | Navigator | Time | Tests passing at the end |",
        "| ---: | --- | --- | ---: | ---: |",
        "| 1 | Ana | Bo | 5:00 | 3/9 |",
        "| 2 | Bo | Cy | 3:00 (rotated early) | 7/9 |",
        "| 3 | Cy | Bo | 2:00 (dojo ended) | 9/9 |",
      ].join("\n"),
    );
    expect(text).toContain(
      [
        "| 1 — the first call | 4:00 | 1 | 4:00 |",
        "| 2 — retries and the last error | 8:00 | 2 | 4:00 |",
        "| 3 — backoff delays | 10:00 | 3 | 2:00 |",
      ].join("\n"),
    );
    expect(text).toContain("- Tier 1 (nudge) in turn 2, at 5:00");
    expect(text).toContain("- Ana stepped out and was skipped during turn 2");
    expect(text).toMatch(/## For the discussion\n\n1\. .+\n2\. .+\n3\. .+\n$/);
  });

  it("says where the team stopped when the kata is not green", () => {
    const dojo = makeDojo();
    dojo.confirm();
    dojo.recordRun(specRun([3, 1, 0]));
    vi.advanceTimersByTime(MINUTE);
    dojo.end();
    const text = renderRetro(dojo.record());
    expect(text).toContain(
      "- **Outcome:** not green yet: 4/9 tests passing at the end, on step 2 — retries and the last error",
    );
    expect(text).toContain("| 2 — retries and the last error | not green | | |");
  });

  it("says when someone stepped out between turns", () => {
    const dojo = makeDojo();
    dojo.confirm();
    dojo.rotateNow();
    dojo.skipNext();
    dojo.confirm();
    dojo.end();
    expect(renderRetro(dojo.record())).toContain("- Cy stepped out and was skipped after turn 1");
  });

  it("says a hint asked for on the hand-over screen came between turns, not in the last one", () => {
    const dojo = makeDojo();
    dojo.confirm();
    vi.advanceTimersByTime(2 * MINUTE);
    dojo.rotateNow();
    dojo.showNextHint();
    dojo.confirm();
    dojo.end();
    expect(renderRetro(dojo.record())).toContain("- Tier 1 (nudge) between turns 1 and 2, at 2:00");
  });

  it("keeps names with a pipe from breaking the table", () => {
    const dojo = makeDojo({ team: ["Ana|B", "Bo"] });
    dojo.confirm();
    dojo.end();
    expect(renderRetro(dojo.record())).toContain("| 1 | Ana\\|B | Bo |");
  });
});

describe("discussionPrompts", () => {
  it("asks three questions about this dojo: the slowest step, the hints, the rotation", () => {
    const prompts = discussionPrompts(playedDojo().record());
    expect(prompts).toHaveLength(3);
    expect(prompts[0]).toMatch(/^Step 1 \(the first call\) took longest: 4:00\./);
    expect(prompts[1]).toMatch(/^The team asked for 1 hint \(up to tier 1\)/);
    expect(prompts[2]).toMatch(/^With 5-minute turns the keyboard changed hands 2 times/);
  });

  it("fits a dojo where nothing went green and nobody asked for a hint", () => {
    const dojo = makeDojo({ team: ["Ana"] });
    dojo.confirm();
    dojo.end();
    const prompts = discussionPrompts(dojo.record());
    expect(prompts[0]).toMatch(/^No step went green/);
    expect(prompts[1]).toMatch(/^No hints were used/);
    expect(prompts[2]).toMatch(/^Solo/);
  });
});

describe("writeRetro", () => {
  it("names the file after the date and the kata, and never overwrites an earlier one", () => {
    const record = playedDojo().record();
    const first = writeRetro(record, join(dir, "dojo"));
    writeFileSync(join(dir, "dojo", "2026-11-22-retry-backoff-2.md"), "someone else's\n");
    const second = writeRetro(record, join(dir, "dojo"));
    expect(first).toBe(join(dir, "dojo", "2026-11-22-retry-backoff.md"));
    expect(second).toBe(join(dir, "dojo", "2026-11-22-retry-backoff-3.md"));
    expect(readFileSync(join(dir, "dojo", "2026-11-22-retry-backoff-2.md"), "utf8")).toBe(
      "someone else's\n",
    );
    expect(readFileSync(first, "utf8")).toBe(renderRetro(record));
    expect(readdirSync(join(dir, "dojo"))).toHaveLength(3);
  });
});
