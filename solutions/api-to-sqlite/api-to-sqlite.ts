/** The reference solution: the code you would want a colleague to copy. */
export function apiToSqlite(_input: string): string {
  throw new Error("TODO(scaffold): write the reference solution of api-to-sqlite");
}
