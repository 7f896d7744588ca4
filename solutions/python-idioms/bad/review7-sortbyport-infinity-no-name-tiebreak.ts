// Mistake: breaks "Records with the same port are ordered by `name`" for infinite ports: the comparator is
// `const d = a.port - b.port; if (d !== 0) return d;`, and `Infinity - Infinity` is NaN (NaN !== 0), so two
// `Infinity` (or two `-Infinity`) ports return NaN, which sort treats as "equal": they keep input order, not name order.
export * from "../python-idioms";
import type { Server } from "../python-idioms";

export function sortByPort<T extends Server>(servers: readonly T[]): T[] {
  return servers.toSorted((a, b) => {
    const byPort = a.port - b.port;
    if (byPort !== 0) return byPort;
    if (a.name < b.name) return -1;
    return a.name > b.name ? 1 : 0;
  });
}
