// Runs before any TypeScript tooling (plain Node, no dependencies), so that a fresh clone gets a
// clear instruction instead of "tsx: not found" or a module-resolution stack trace.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 17)) {
  console.error(`The workbook needs Node.js 20.17 or newer; this is ${process.version}.`);
  process.exit(2);
}
for (const dependency of ["tsx", "vitest", "typescript"]) {
  if (!existsSync(join(root, "node_modules", dependency, "package.json"))) {
    console.error(
      `Dependencies are not installed yet (no node_modules/${dependency}). Run:\n\n  npm install\n`,
    );
    process.exit(2);
  }
}
