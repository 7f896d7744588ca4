// Mistake: breaks "`disposed` is `false` until `disposeAsync` is first called, and `true` from then on.
// Only the first call disposes: any later call (even one made while the first is still running)":
// the flag is set when the loop ends, so while an async cleanup runs `disposed` is false, `use`/`defer`
// still register, and a second `disposeAsync()` runs the remaining cleanups again.
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
    const method = candidate[Symbol.asyncDispose] ?? candidate[Symbol.dispose];
    if (typeof method !== "function") {
      throw new TypeError("CleanupStack.use: the value has no [Symbol.asyncDispose] or [Symbol.dispose]");
    }
    this.#cleanups.push(() => method.call(resource));
    return resource;
  }

  defer(cleanup: () => void | Promise<void>): void {
    this.#checkOpen();
    if (typeof cleanup !== "function") throw new TypeError("CleanupStack.defer needs a function");
    this.#cleanups.push(() => cleanup());
  }

  async disposeAsync(): Promise<void> {
    if (this.#disposed) return;
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
    this.#disposed = true; // closed once everything has been cleaned up
    if (failed) throw failure;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.disposeAsync();
  }

  #checkOpen(): void {
    if (this.#disposed) throw new ReferenceError("CleanupStack is already disposed");
  }
}
