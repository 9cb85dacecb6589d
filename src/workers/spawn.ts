import { Worker } from "node:worker_threads";

const BOOT = new URL("./boot.mjs", import.meta.url);

/** Starts a worker thread running the TypeScript module at `entry` with `data` as its workerData. */
export function spawnWorker(entry: URL, data: Record<string, unknown> = {}, resourceLimits?: Worker["resourceLimits"]): Worker {
  return new Worker(BOOT, { workerData: { ...data, entry: entry.href }, resourceLimits });
}
