// Mistake: breaks "When `globalThis.SuppressedError` exists (Node 24+), it returns `new
// SuppressedError(error, suppressed, "An error was suppressed during disposal")`": the native
// constructor is called with two arguments ("it has its own message"), so on Node 24 the message is
// "" (the fallback on Node 20 and 22 still has the right message).
export * from "../resource-cleanup";

type SuppressedErrorConstructor = new (error: unknown, suppressed: unknown, message?: string) => Error;

export function suppressedError(error: unknown, suppressed: unknown): Error {
  const Native = (globalThis as { SuppressedError?: SuppressedErrorConstructor }).SuppressedError;
  if (Native) return new Native(error, suppressed);
  return Object.assign(new Error("An error was suppressed during disposal"), {
    name: "SuppressedError",
    error,
    suppressed,
  });
}
