import { Worker } from "node:worker_threads";
import { bundledModule } from "./bundle.mjs";

const BOOT = new URL("./boot.mjs", import.meta.url);

/** How a worker's entry is started: its bundled module, or the TypeScript loader when none could be made. */
export type WorkerStart = URL | null;

const prepared = new Map<string, Promise<WorkerStart>>();

/**
 * Prepares a worker's entry once per process: its bundle (bundle.mjs), so the thread runs without
 * a TypeScript loader, or null when no bundle can be made here (a read-only install, say) and the
 * thread starts through the loader. Resolve it once, then start threads synchronously.
 */
export function prepareWorker(entry: URL): Promise<WorkerStart> {
  let start = prepared.get(entry.href);
  if (!start) {
    start = bundledModule(entry).catch((err: unknown) => {
      process.emitWarning(
        `the ${entry.pathname.split("/").pop()} thread starts through the TypeScript loader: ${(err as Error).message}`,
        "ReciprocityWarning",
      );
      return null;
    });
    prepared.set(entry.href, start);
  }
  return start;
}

/** Starts a worker thread on `entry` as `prepareWorker` prepared it, with `data` as its workerData. */
export function startWorker(
  entry: URL,
  start: WorkerStart,
  data: Record<string, unknown> = {},
  resourceLimits?: Worker["resourceLimits"],
): Worker {
  if (start) {
    return new Worker(start, { workerData: data, resourceLimits });
  }
  return new Worker(BOOT, { workerData: { ...data, entry: entry.href }, resourceLimits });
}

/** Starts a worker thread running the TypeScript module at `entry` with `data` as its workerData. */
export async function spawnWorker(
  entry: URL,
  data: Record<string, unknown> = {},
  resourceLimits?: Worker["resourceLimits"],
): Promise<Worker> {
  return startWorker(entry, await prepareWorker(entry), data, resourceLimits);
}
