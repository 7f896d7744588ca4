// Mistake: breaks "When `globalThis.SuppressedError` exists (Node 24+), it returns `new
// SuppressedError(...)`; it looks the global up each time it is called": the constructor is looked
// up once when the module loads, so a SuppressedError installed (or removed) later is not seen.
export * from "../resource-cleanup";

type SuppressedErrorConstructor = new (error: unknown, suppressed: unknown, message?: string) => Error;
const MESSAGE = "An error was suppressed during disposal";
// Feature-detect once, like any polyfill.
const Native = (globalThis as { SuppressedError?: SuppressedErrorConstructor }).SuppressedError;

export function suppressedError(error: unknown, suppressed: unknown): Error {
  if (Native) return new Native(error, suppressed, MESSAGE);
  return Object.assign(new Error(MESSAGE), { name: "SuppressedError", error, suppressed });
}
