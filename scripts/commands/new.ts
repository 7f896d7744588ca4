import pc from "../lib/colors.ts";
import { scaffoldKata } from "../lib/scaffold.ts";

/** `new <slug> --track <id>`: scaffold a kata for an author, at the end of its track. */
export async function newCommand(
  slug: string | undefined,
  track: string | undefined,
): Promise<number> {
  const { files, position } = await scaffoldKata(slug, track);
  console.log(
    `Created ${slug}, number ${position} on the learning path (the end of track ${track}):`,
  );
  for (const file of files) console.log(`  ${file}`);
  console.log(
    `\nFill them in (see CONTRIBUTING.md; every "TODO(scaffold)" must go), then: ${pc.cyan(`npm run kata -- verify ${slug}`)}`,
  );
  return 0;
}
