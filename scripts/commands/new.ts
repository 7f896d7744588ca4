import pc from "picocolors";
import { scaffoldKata } from "../lib/scaffold.ts";

/** `new <slug>`: scaffold a kata for an author. */
export async function newCommand(slug: string | undefined): Promise<number> {
  const files = scaffoldKata(slug);
  console.log(`Created ${files.length} files:`);
  for (const file of files) console.log(`  ${file}`);
  console.log(`\nFill them in (see CONTRIBUTING.md), then: ${pc.cyan("npm run kata -- verify")}`);
  return 0;
}
