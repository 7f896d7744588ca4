// Mistake: breaks "A name that appears more than once maps to its **last** index (and stays at the place
// where it first appeared)": each name is deleted before it is set ("the last index wins, so put it
// last"), so `positions(["web", "db", "web"])` has keys db, web instead of web, db (the indexes are right,
// and a Map comparison that ignores order sees no difference). (adversarial review, round 6)
export * from "../python-idioms";

export function positions(names: readonly string[]): Map<string, number> {
  const result = new Map<string, number>();
  names.forEach((name, i) => {
    result.delete(name);
    result.set(name, i);
  });
  return result;
}
