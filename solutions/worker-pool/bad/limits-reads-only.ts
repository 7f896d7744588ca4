// Mistake: bounds the reads but not the hashes: a read's slot is freed before its bytes are hashed, so files pile up in memory waiting for the pool
import { readFile } from "node:fs/promises";
import type { FileDigest, HashFilesOptions } from "../worker-pool";

export {
  type FileDigest,
  type HashFilesOptions,
  type HashPool,
  type RunOptions,
  WorkerExitError,
  WorkerPool,
  type WorkerPoolOptions,
} from "../worker-pool";

export async function hashFiles(
  paths: readonly string[],
  options: HashFilesOptions,
): Promise<FileDigest[]> {
  const concurrency = options.concurrency === undefined ? 8 : options.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
  }
  const read: Promise<FileDigest>[] = [];
  let next = 0;
  const lane = async () => {
    while (next < paths.length) {
      const index = next++;
      const path = paths[index] as string;
      try {
        const bytes = await readFile(path);
        const size = bytes.byteLength;
        const transferList =
          bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer as ArrayBuffer] : [];
        // Not awaited: the lane goes on to the next read at once.
        read[index] = options.pool.run(bytes, { transferList }).then(
          (sha256): FileDigest => ({ path, sha256, size }),
          (error: unknown): FileDigest => ({ path, error }),
        );
      } catch (error) {
        read[index] = Promise.resolve({ path, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, lane));
  return Promise.all(read);
}
