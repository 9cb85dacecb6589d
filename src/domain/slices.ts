import { setImmediate as nextTurn } from "node:timers/promises";

/** Longest stretch of synchronous work between two turns of the event loop, in ms. */
const SLICE_MS = 8;

/**
 * Lets long loops of CPU work give the event loop a turn every few milliseconds, so that other
 * users' requests (and health checks) are answered while a large batch is scored or validated.
 */
export class Slicer {
  private since = performance.now();

  /** Yields to the event loop when the current slice has run long enough. */
  async pause(): Promise<void> {
    if (performance.now() - this.since >= SLICE_MS) {
      await nextTurn();
      this.since = performance.now();
    }
  }
}

/** Maps `items` with `fn`, giving the event loop a turn every few milliseconds. */
export async function mapInSlices<T, R>(items: readonly T[], fn: (item: T) => R): Promise<R[]> {
  const slicer = new Slicer();
  const out: R[] = [];
  for (const item of items) {
    out.push(fn(item));
    await slicer.pause();
  }
  return out;
}
