// Mistake: breaks "`use(resource)` registers `resource[Symbol.asyncDispose]` when it is not `null` or
// `undefined`, otherwise `resource[Symbol.dispose]`" (a non-function `[Symbol.asyncDispose]` is "**not**
// passed over"): the choice is written `async || sync`, so a falsy non-function (`false`, `0`, `""`) is
// passed over for `[Symbol.dispose]` instead of throwing the TypeError (`42` or `"x"` still throw). (adversarial review, round 6)
export * from "../resource-cleanup";

import { acquireLock, type Lock, suppressedError } from "../resource-cleanup";

type Cleanup = () => void | Promise<void>;
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
    const dispose = disposeMethodOf(resource);
    this.#cleanups.push(() => dispose.call(resource));
    return resource;
  }

  defer(cleanup: Cleanup): void {
    this.#checkOpen();
    if (typeof cleanup !== "function") throw new TypeError("CleanupStack.defer needs a function");
    this.#cleanups.push(() => cleanup());
  }

  async disposeAsync(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const cleanups = [...this.#cleanups].reverse();
    let failed = false;
    let failure: unknown;
    for (const cleanup of cleanups) {
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

function disposeMethodOf(resource: object): () => unknown {
  const candidate = resource as Partial<Disposable & AsyncDisposable>;
  const method = candidate[Symbol.asyncDispose] || candidate[Symbol.dispose];
  if (typeof method !== "function") {
    throw new TypeError(
      "CleanupStack.use: the value has no [Symbol.asyncDispose] or [Symbol.dispose]",
    );
  }
  return method;
}

export async function withLocks<T>(
  paths: readonly string[],
  fn: (locks: readonly Lock[]) => T | Promise<T>,
): Promise<T> {
  const duplicate = paths.find((path, i) => paths.indexOf(path) !== i);
  if (duplicate !== undefined) {
    throw new TypeError(`withLocks: ${duplicate} is listed twice`);
  }
  await using stack = new CleanupStack();
  const locks = paths.map((path) => stack.use(acquireLock(path)));
  return await fn(locks);
}
