/**
 * The same API on generic-pool 3.9 — the pool under knex, sequelize's older dialects and many
 * hand-rolled database clients.
 *
 * generic-pool already has this kata's model: `max`, a FIFO queue of waiters with a timeout,
 * validation on borrow (`testOnBorrow`), LIFO reuse (`fifo: false`), an idle evictor, and a drain
 * that waits for the loans. The adapter configures it and closes the gaps where its defaults
 * differ from the contract (NOTES.md has each one):
 * - a failing `create` is emitted as an event and never reaches a caller (the caller waits for its
 *   timeout): the wrapped factory hands the failure to the waiting caller as a marker resource;
 * - it validates brand-new resources too, treats anything but `false` as valid, and a validate
 *   that rejects leaves the resource stuck: the wrapped validate fixes all three;
 * - its `use()` destroys the resource on a rejection and leaks it on a synchronous throw: `use`
 *   is written here;
 * - `release` of a stranger returns a rejected promise rather than throwing; `drain` does not
 *   destroy anything (that is `clear()`); timeouts go through `parseInt`.
 */
import genericPool from "generic-pool";

export interface PoolFactory<T> {
  create(): Promise<T>;
  destroy(resource: T): Promise<void> | void;
  validate?(resource: T): Promise<boolean> | boolean;
}

export interface PoolOptions {
  max: number;
  acquireTimeoutMs?: number;
  idleTimeoutMs?: number;
}

export class PoolTimeoutError extends Error {
  override readonly name = "PoolTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`no resource available within ${timeoutMs} ms`);
  }
}

export class PoolDrainingError extends Error {
  override readonly name = "PoolDrainingError";
  constructor() {
    super("the pool is draining: no new acquire");
  }
}

/** What the wrapped create resolves with when the real create failed and a caller is waiting. */
class CreateFailure {
  constructor(readonly error: unknown) {}
}

export class Pool<T> {
  readonly #pool: genericPool.Pool<T | CreateFailure>;
  readonly #acquireTimeoutMs: number;
  /** Created for a waiting caller and not yet lent: generic-pool would validate them. */
  readonly #fresh = new WeakSet<object>();
  /** Each resource this adapter lent, with its loan: use() ends only its own. */
  readonly #loans = new Map<T, object>();
  #draining = false;
  #drained: Promise<void> | undefined;
  /** clear() destroys the idle resources but leaves them in generic-pool's `available` count. */
  #cleared = false;

  constructor(factory: PoolFactory<T>, options: PoolOptions) {
    if (typeof factory?.create !== "function" || typeof factory.destroy !== "function") {
      throw new TypeError("factory must have create() and destroy() functions");
    }
    if (factory.validate !== undefined && typeof factory.validate !== "function") {
      throw new TypeError("factory.validate must be a function when given");
    }
    const { max, acquireTimeoutMs = 30_000, idleTimeoutMs = 10_000 } = options;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`max must be an integer >= 1, got ${max}`);
    }
    requirePositive("acquireTimeoutMs", acquireTimeoutMs);
    requirePositive("idleTimeoutMs", idleTimeoutMs);
    this.#acquireTimeoutMs = acquireTimeoutMs;

    const validate = factory.validate;
    this.#pool = genericPool.createPool<T | CreateFailure>(
      {
        create: async () => {
          let resource: T;
          try {
            resource = await factory.create();
          } catch (error) {
            // generic-pool would only emit "factoryCreateError" and let the caller time out.
            // With nobody waiting, rejecting is harmless: it creates again only for a waiter.
            if (this.#pool.pending === 0) throw error;
            return new CreateFailure(error);
          }
          if (this.#draining && this.#pool.pending === 0) {
            // It arrives during the drain for a caller who gave up: generic-pool would keep it
            // idle until clear(). Close it now, and fail the create (nobody waits: no retry).
            await destroyQuietly(factory, resource);
            throw new Error("created during the drain for nobody");
          }
          // Lent at once when someone waits: that first hand-out is not a re-use.
          if (this.#pool.pending > 0) this.#fresh.add(resource as object);
          return resource;
        },
        destroy: async (resource) => {
          if (resource instanceof CreateFailure) return;
          await destroyQuietly(factory, resource);
        },
        validate: async (resource) => {
          if (resource instanceof CreateFailure) return true; // let it reach the waiter
          if (this.#fresh.delete(resource as object)) return true;
          let valid: boolean;
          try {
            valid = (await validate?.call(factory, resource)) === true;
          } catch {
            valid = false; // generic-pool would leave a rejected validation "in test" forever
          }
          // Passed during the drain after its caller gave up: "invalid" makes generic-pool
          // destroy it now instead of keeping it idle until clear().
          return valid && !(this.#draining && this.#pool.pending === 0);
        },
      },
      {
        max,
        min: 0,
        // generic-pool runs these through parseInt; a timer below 1 ms is 1 ms in Node anyway.
        acquireTimeoutMillis: Math.max(1, Math.ceil(acquireTimeoutMs)),
        testOnBorrow: validate !== undefined,
        fifo: false, // the most recently released first, so the surplus idles out
        // The evictor destroys what has been idle for *more than* idleTimeoutMillis, on a clock
        // of whole milliseconds: ceil(idleTimeoutMs) - 0.5 makes that "at least idleTimeoutMs".
        // Checking every idle resource every millisecond is what makes the timing exact; a
        // production pool would run it every second or so and accept the lateness.
        idleTimeoutMillis: Math.ceil(idleTimeoutMs) - 0.5,
        evictionRunIntervalMillis: 1,
        numTestsPerEvictionRun: max,
      },
    );
  }

  get size(): number {
    return this.#pool.size;
  }
  get available(): number {
    return this.#cleared ? 0 : this.#pool.available;
  }
  get borrowed(): number {
    return this.#pool.borrowed;
  }
  get pending(): number {
    return this.#pool.pending;
  }

  async acquire(): Promise<T> {
    if (this.#draining) throw new PoolDrainingError();
    let resource: T | CreateFailure;
    try {
      resource = await this.#pool.acquire();
    } catch (error) {
      if ((error as Error).name === "TimeoutError") {
        throw new PoolTimeoutError(this.#acquireTimeoutMs);
      }
      throw error;
    }
    if (resource instanceof CreateFailure) {
      this.#pool.destroy(resource); // frees its place at once (the wrapped destroy is a no-op)
      throw resource.error;
    }
    this.#loans.set(resource, {});
    return resource;
  }

  release(resource: T): void {
    this.#checkBorrowed(resource, "release");
    this.#loans.delete(resource);
    if (this.#draining && this.#pool.pending === 0) {
      this.#pool.destroy(resource); // nobody will need it again
    } else {
      this.#pool.release(resource);
    }
  }

  destroy(resource: T): void {
    this.#checkBorrowed(resource, "destroy");
    this.#loans.delete(resource);
    this.#pool.destroy(resource);
  }

  async use<R>(fn: (resource: T) => R | Promise<R>): Promise<R> {
    const resource = await this.acquire();
    const loan = this.#loans.get(resource);
    try {
      return await fn(resource);
    } finally {
      // fn may have released or destroyed it, and it may be lent to someone else since.
      if (this.#loans.get(resource) === loan) this.release(resource);
    }
  }

  drain(): Promise<void> {
    if (!this.#drained) {
      this.#draining = true;
      // drain() waits for the queue and the loans; clear() destroys what is left and waits.
      this.#drained = this.#pool
        .drain()
        .then(() => this.#pool.clear())
        .then(() => {
          this.#cleared = true;
        });
    }
    return this.#drained;
  }

  #checkBorrowed(resource: T, action: string): void {
    if (!this.#pool.isBorrowedResource(resource)) {
      throw new Error(`cannot ${action} a resource that is not borrowed from this pool`);
    }
  }
}

/** Calls factory.destroy; a close that fails (a throw or a rejection) still frees the slot. */
async function destroyQuietly<T>(factory: PoolFactory<T>, resource: T): Promise<void> {
  try {
    await factory.destroy(resource);
  } catch {
    // the resource is gone either way
  }
}

/** setTimeout's limit: Node fires a longer delay after 1 ms, so a longer timeout is refused. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
  }
}
