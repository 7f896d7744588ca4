// Mistake: breaks "When the method chosen is not a function (... `[Symbol.asyncDispose]` is there but is
// not a function: it is then **not** passed over for `[Symbol.dispose]`, as `await using` does not pass
// it over), `use` throws, at once, TypeError(...)": it picks "whichever of the two is a function", so a
// resource whose `[Symbol.asyncDispose]` is `42` or `"yes"` is accepted and disposed with `[Symbol.dispose]`.
import { acquireLock, suppressedError, type Lock } from "../resource-cleanup";
export * from "../resource-cleanup";

type Registered = () => unknown;

export class CleanupStack implements AsyncDisposable {
  #cleanups: Registered[] = [];
  #disposed = false;

  get disposed(): boolean {
    return this.#disposed;
  }

  use<T extends Disposable | AsyncDisposable | null | undefined>(resource: T): T {
    this.#checkOpen();
    if (resource === null || resource === undefined) return resource;
    const candidate = resource as Partial<Disposable & AsyncDisposable>;
    const asyncDispose = candidate[Symbol.asyncDispose];
    const syncDispose = candidate[Symbol.dispose];
    const method: unknown = typeof asyncDispose === "function" ? asyncDispose : syncDispose;
    if (typeof method !== "function") {
      throw new TypeError(
        "CleanupStack.use: the value has no [Symbol.asyncDispose] or [Symbol.dispose]",
      );
    }
    this.#cleanups.push(() => (method as () => unknown).call(resource));
    return resource;
  }

  defer(cleanup: () => void | Promise<void>): void {
    this.#checkOpen();
    if (typeof cleanup !== "function") throw new TypeError("CleanupStack.defer needs a function");
    this.#cleanups.push(() => cleanup());
  }

  async disposeAsync(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    let failed = false;
    let failure: unknown;
    for (const cleanup of [...this.#cleanups].reverse()) {
      try {
        await cleanup();
      } catch (error) {
        failure = failed ? suppressedError(error, failure) : error;
        failed = true;
      }
    }
    if (failed) throw failure;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.disposeAsync();
  }

  #checkOpen(): void {
    if (this.#disposed) throw new ReferenceError("CleanupStack is already disposed");
  }
}

export async function withLocks<T>(
  paths: readonly string[],
  fn: (locks: readonly Lock[]) => T | Promise<T>,
): Promise<T> {
  const duplicate = paths.find((path, i) => paths.indexOf(path) !== i);
  if (duplicate !== undefined) throw new TypeError(`withLocks: ${duplicate} is listed twice`);
  await using stack = new CleanupStack();
  const locks = paths.map((path) => stack.use(acquireLock(path)));
  return await fn(locks);
}
