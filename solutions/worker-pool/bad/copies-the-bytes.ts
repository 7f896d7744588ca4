// Mistake: hands the bytes to the pool without a transferList: every file is copied into the worker, doubling the memory it takes
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
  const digests: FileDigest[] = [];
  let next = 0;
  const lane = async () => {
    while (next < paths.length) {
      const index = next++;
      const path = paths[index] as string;
      try {
        const bytes = await readFile(path);
        digests[index] = { path, sha256: await options.pool.run(bytes), size: bytes.byteLength };
      } catch (error) {
        digests[index] = { path, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, lane));
  return digests;
}
