/** Hints live in `katas/<slug>/hints.md` as three `## Tier N — …` sections: nudge, approach, near-solution. */
import { readFileSync } from "node:fs";
import { kataPaths } from "./paths.ts";

export interface Hint {
  tier: number;
  title: string;
  body: string;
}

const TIER_HEADING = /^## Tier (\d+) — (.+)$/;

export function parseHints(markdown: string): Hint[] {
  const hints: Hint[] = [];
  let current: Hint | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    const heading = TIER_HEADING.exec(line);
    if (heading) {
      current = { tier: Number(heading[1]), title: heading[2] ?? "", body: "" };
      hints.push(current);
    } else if (current) {
      current.body += `${line}\n`;
    }
  }
  return hints.map((hint) => ({ ...hint, body: hint.body.trim() }));
}

export function readHints(slug: string): Hint[] {
  return parseHints(readFileSync(kataPaths(slug).hints, "utf8"));
}

/** What is wrong with a hints file, or an empty list: exactly tiers 1, 2, 3, each with a body. */
export function hintProblems(hints: Hint[]): string[] {
  const tiers = hints.map((hint) => hint.tier).join(",");
  const problems =
    tiers === "1,2,3"
      ? []
      : [
          `hints.md must have "## Tier 1 — …", "## Tier 2 — …", "## Tier 3 — …" in order (found tiers: ${tiers || "none"})`,
        ];
  for (const hint of hints) if (hint.body === "") problems.push(`hint tier ${hint.tier} is empty`);
  return problems;
}
