// Mistake: breaks "sorted by `port` ascending, compared **as numbers**": the port is turned into a
// fixed-width string key (`String(port).padStart(5, "0")`, "ports have at most 5 digits") and compared
// with `<`, so 100000 sorts before 99999, 9.5 after 10, and -1 after 0 (every real 1-65535 port is fine). (adversarial review, round 6)
export * from "../python-idioms";

import type { Server } from "../python-idioms";

export function sortByPort<T extends Server>(servers: readonly T[]): T[] {
  const portKey = (port: number): string => String(port).padStart(5, "0");
  return servers.toSorted((a, b) => {
    const pa = portKey(a.port);
    const pb = portKey(b.port);
    if (pa !== pb) return pa < pb ? -1 : 1;
    if (a.name < b.name) return -1;
    return a.name > b.name ? 1 : 0;
  });
}
