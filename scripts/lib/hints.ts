/** Hints live in `katas/<slug>/hints.md` as three `## Tier N — …` sections: nudge, approach, near-solution. */
import { readFileSync } from "node:fs";
import pc from "./colors.ts";
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

/**
 * A hint as the terminal shows it: its tier and title, then its markdown reflowed to `columns`
 * (paragraphs and list items wrapped at word boundaries; code blocks and tables left as written),
 * and a line on what comes next.
 */
export function showHint(
  title: string,
  hint: Pick<Hint, "tier" | "title" | "body">,
  tiers: number,
  columns = 100,
): string {
  const more =
    hint.tier < tiers
      ? pc.dim(`\n(tier ${hint.tier} of ${tiers}; ask again for the next one)`)
      : pc.dim(
          `\n(tier ${hint.tier} of ${tiers}: the last one. The reference is next, once you are green.)`,
        );
  const body = reflowMarkdown(hint.body, Math.max(20, Math.min(columns, 100)));
  return `${pc.bold(`Hint ${hint.tier} — ${hint.title}`)} ${pc.dim(`· ${title}`)}\n\n${body}${more}`;
}

/** Markdown's paragraphs and list items rewrapped to `width`; fenced code and tables kept. */
export function reflowMarkdown(markdown: string, width: number): string {
  const out: string[] = [];
  let paragraph: string[] = [];
  let indent = "";
  let firstIndent = "";
  let fenced = false;
  const flush = () => {
    if (paragraph.length > 0)
      out.push(...wrapWords(paragraph.join(" "), width, firstIndent, indent));
    paragraph = [];
  };
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*```/.test(line)) {
      flush();
      fenced = !fenced;
      out.push(line);
      continue;
    }
    if (fenced || /^\s*\|/.test(line) || /^#{1,6} /.test(line)) {
      flush();
      out.push(line);
      continue;
    }
    if (line.trim() === "") {
      flush();
      out.push("");
      continue;
    }
    const item = /^(\s*)([-*+]|\d+\.)\s+(.*)$/.exec(line);
    if (item) {
      flush();
      firstIndent = `${item[1]}${item[2]} `;
      indent = " ".repeat(firstIndent.length);
      paragraph.push(item[3] ?? "");
      continue;
    }
    if (paragraph.length === 0) {
      firstIndent = /^\s*/.exec(line)?.[0] ?? "";
      indent = firstIndent;
    }
    paragraph.push(line.trim());
  }
  flush();
  return out.join("\n");
}

function wrapWords(text: string, width: number, firstIndent: string, indent: string): string[] {
  const lines: string[] = [];
  let line = firstIndent;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const start = lines.length === 0 ? firstIndent : indent;
    if (line.length > start.length && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line.length > start.length ? `${line} ${word}` : `${line}${word}`;
    }
  }
  if (line.trim()) lines.push(line);
  return lines;
}
