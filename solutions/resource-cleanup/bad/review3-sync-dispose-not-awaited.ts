// Mistake: breaks "a cleanup that returns a promise is awaited before the next starts, whichever it is
// (... or a `[Symbol.dispose]` that returns a promise), and its rejection is a failure like a throw":
// like native DisposableStack, only `[Symbol.asyncDispose]` and `defer` results are awaited; a sync
// `[Symbol.dispose]` is called and its returned promise ignored (the next starts at once, a rejection is lost).
import { suppressedError } from "../resource-cleanup";
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
    const asyncMethod = candidate[Symbol.asyncDispose];
    const method = asyncMethod ?? candidate[Symbol.dispose];
    if (typeof method !== "function") {
      throw new TypeError("CleanupStack.use: the value has no [Symbol.asyncDispose] or [Symbol.dispose]");
    }
    if (asyncMethod !== undefined) this.#cleanups.push(() => method.call(resource));
    else
      this.#cleanups.push(() => {
        method.call(resource); // a sync dispose: nothing to wait for
      });
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
