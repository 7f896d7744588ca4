// Mistake: pushes each digest when it is ready: the manifest comes out in the order the files finished, not the order given
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
      const path = paths[next++] as string;
      try {
        const bytes = await readFile(path);
        const size = bytes.byteLength;
        const transferList =
          bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer as ArrayBuffer] : [];
        digests.push({ path, sha256: await options.pool.run(bytes, { transferList }), size });
      } catch (error) {
        digests.push({ path, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, lane));
  return digests;
}
