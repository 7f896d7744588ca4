// Mistake: masks the value with toString, toJSON and util.inspect.custom, but keeps it in an ordinary
// (even "private" by TypeScript) property. TypeScript's `private` is erased at run time: `{ ...secret }`,
// Object.values and util.inspect(secret, { customInspect: false }) all print it.
import { inspect } from "node:util";
import { REDACTED, type SecretSource } from "../secrets-loader";

export * from "../secrets-loader";

export class Secret {
  private readonly value: string | Uint8Array;
  readonly source: SecretSource;

  constructor(value: string | Uint8Array, source: SecretSource) {
    this.value = typeof value === "string" ? value : new Uint8Array(value);
    this.source = source;
  }

  reveal(): string {
    if (typeof this.value !== "string")
      throw new TypeError("this secret is binary: use revealBytes()");
    return this.value;
  }

  revealBytes(): Uint8Array {
    return typeof this.value === "string"
      ? new TextEncoder().encode(this.value)
      : new Uint8Array(this.value);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
