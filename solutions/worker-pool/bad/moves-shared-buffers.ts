// Mistake: always moves bytes.buffer: a small Buffer that is a slice of Node's shared pool takes the whole pool with it, emptying other Buffers
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
        const size = bytes.byteLength;
        const sha256 = await options.pool.run(bytes, {
          transferList: [bytes.buffer as ArrayBuffer],
        });
        digests[index] = { path, sha256, size };
      } catch (error) {
        digests[index] = { path, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, lane));
  return digests;
}
