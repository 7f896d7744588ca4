/** What apiToSqlite does, for the learner. */
export function apiToSqlite(_input: string): string {
  // TODO: implement apiToSqlite()
  throw new Error("TODO: implement apiToSqlite()");
}
