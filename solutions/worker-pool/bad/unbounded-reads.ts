// Mistake: reads every file at once and hashes them all: Promise.all over the paths holds every file in memory together
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
  return Promise.all(
    paths.map(async (path): Promise<FileDigest> => {
      try {
        const bytes = await readFile(path);
        const size = bytes.byteLength;
        const transferList =
          bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer as ArrayBuffer] : [];
        return { path, sha256: await options.pool.run(bytes, { transferList }), size };
      } catch (error) {
        return { path, error };
      }
    }),
  );
}
