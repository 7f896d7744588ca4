// Mistake: breaks "Returns a **new array** holding the same records (not copies)": to be sure "the input
// array is never changed", each record is shallow-copied (`{ ...s }`) before sorting, so the result holds
// equal-looking copies (`toEqual` passes, `toBe` fails) and a class instance loses its prototype and getters.
export * from "../python-idioms";
import type { Server } from "../python-idioms";

export function sortByPort<T extends Server>(servers: readonly T[]): T[] {
  const copies = servers.map((server) => ({ ...server }));
  return copies.sort((a, b) => a.port - b.port || compareNames(a.name, b.name));
}

function compareNames(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
