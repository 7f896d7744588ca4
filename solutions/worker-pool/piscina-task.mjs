/**
 * The task module piscina runs for `worker-pool.lib.ts`: an adapter in front of the caller's own
 * task module (named by `workerData.moduleUrl`). Plain JavaScript: piscina's workers load it with
 * Node's own loader.
 *
 * It exists for two differences between piscina 5.3.2 and this kata's contract:
 * - piscina loads `filename` while a worker starts; a module that fails to load then kills every
 *   worker before it is ready, piscina stops replacing them, and queued tasks wait for ever.
 *   Loading here, inside the task, makes a bad module reject each task instead.
 * - piscina posts the result after this function returns; a result that cannot be cloned then
 *   throws inside piscina, the worker dies, and the DataCloneError reaches the caller as `{}`.
 *   Cloning here first turns it into an ordinary Error with the clone error's message.
 */
import { workerData } from "node:worker_threads";

let loading;

async function load() {
  const module = await import(workerData.moduleUrl);
  if (typeof module.default !== "function") {
    throw new TypeError(`${workerData.moduleUrl} has no default export function`);
  }
  return module.default;
}

export default async function runTask(input) {
  loading ??= load();
  const task = await loading;
  const value = await task(input);
  try {
    structuredClone(value);
  } catch (cloneError) {
    throw new Error(cloneError.message);
  }
  return value;
}
