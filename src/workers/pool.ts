import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { AppError } from "../errors.ts";
import { prepareWorker, startWorker, type WorkerStart } from "./spawn.ts";

/** How a pool sizes and bounds its work. */
export interface PoolOptions {
  /** Worker threads; defaults to the cores less one (at least one). */
  size?: number;
  /** Tasks waiting beyond the running ones; more are refused with 503. */
  maxQueue?: number;
  /** A task running longer is cancelled (its thread is replaced) and fails with 422. */
  timeoutMs?: number;
  /** Heap limit of each thread, in MB. */
  maxHeapMb?: number;
  /** A thread with nothing to do for this long ends, and its memory goes back to the system. */
  idleMs?: number;
}

/** What a worker answers for one task. */
export type TaskReply<R> =
  { id: number; ok: true; result: R } | { id: number; ok: false; error: { message: string; code?: string } };

interface Task<T, R> {
  id: number;
  input: T;
  transfer: ArrayBuffer[];
  resolve: (result: R) => void;
  reject: (err: Error) => void;
}

interface Slot<T, R> {
  worker: Worker;
  task: Task<T, R> | null;
  timer: NodeJS.Timeout | null;
  /** Ends the thread after the pool's idle time without a task. */
  idle: NodeJS.Timeout | null;
}

/**
 * A fixed set of worker threads for CPU-heavy work that a user can make large (parsing and
 * analysing instrument files), so that the event loop keeps answering everyone else. Tasks queue
 * up to a bound and each has a time budget.
 */
export class WorkerPool<T, R> {
  private readonly slots: Slot<T, R>[] = [];
  private readonly queue: Task<T, R>[] = [];
  private nextId = 1;
  private isClosed = false;
  private readonly size: number;
  private readonly maxQueue: number;
  private readonly timeoutMs: number;
  private readonly maxHeapMb: number;
  private readonly idleMs: number;
  /** How threads start, once the entry is prepared (see spawn.ts). */
  private start: WorkerStart | undefined;
  private preparing: Promise<void> | null = null;

  constructor(
    private readonly entry: URL,
    private readonly what: string,
    options: PoolOptions = {},
  ) {
    this.size = Math.max(1, options.size ?? availableParallelism() - 1);
    this.maxQueue = options.maxQueue ?? 32;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxHeapMb = options.maxHeapMb ?? 1024;
    this.idleMs = options.idleMs ?? 120_000;
  }

  /** Runs one task on a worker thread; `transfer` lists buffers handed over rather than copied. */
  run(input: T, transfer: ArrayBuffer[] = []): Promise<R> {
    if (this.isClosed) {
      return Promise.reject(new Error(`the ${this.what} pool is closed`));
    }
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(
        new AppError(503, "server.busy", `Too much ${this.what} work is waiting; try again in a minute`),
      );
    }
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, input, transfer, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Prepares the threads' code ahead of need, so the first task does not wait for it. No thread
   * is started: an idle server holds none.
   */
  warm(): void {
    if (!this.isClosed && this.start === undefined) {
      this.grow();
    }
  }

  /** Threads running now (for tests and status). */
  get threads(): number {
    return this.slots.length;
  }

  /** Stops every thread; waiting and running tasks fail. */
  async close(): Promise<void> {
    this.isClosed = true;
    for (const task of this.queue.splice(0)) {
      task.reject(new Error(`the ${this.what} pool is closed`));
    }
    await Promise.all(this.slots.map((slot) => this.retire(slot, new Error(`the ${this.what} pool is closed`))));
    this.slots.length = 0;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.task === null) ?? this.grow();
      if (!slot) {
        return;
      }
      const task = this.queue.shift() as Task<T, R>;
      if (slot.idle) {
        clearTimeout(slot.idle);
        slot.idle = null;
      }
      slot.task = task;
      slot.worker.ref();
      slot.timer = setTimeout(() => {
        void this.replace(
          slot,
          new AppError(
            422,
            "analysis.over_budget",
            `The ${this.what} took longer than ${Math.round(this.timeoutMs / 1000)} s and was stopped`,
          ),
        );
      }, this.timeoutMs);
      slot.worker.postMessage({ id: task.id, input: task.input }, task.transfer);
    }
  }

  private grow(): Slot<T, R> | undefined {
    if (this.slots.length >= this.size) {
      return undefined;
    }
    if (this.start === undefined) {
      // The entry is bundled once, off the event loop; tasks wait in the queue meanwhile.
      this.preparing ??= prepareWorker(this.entry).then((start) => {
        this.start = start;
        if (!this.isClosed) {
          this.dispatch();
        }
      });
      return undefined;
    }
    const worker = startWorker(this.entry, this.start, {}, { maxOldGenerationSizeMb: this.maxHeapMb });
    const slot: Slot<T, R> = { worker, task: null, timer: null, idle: null };
    worker.unref();
    worker.on("message", (reply: TaskReply<R>) => this.finish(slot, reply));
    worker.on(
      "error",
      (err) => void this.replace(slot, new AppError(422, "analysis.failed", `The ${this.what} failed: ${err.message}`)),
    );
    worker.on("exit", () => {
      if (slot.task) {
        void this.replace(slot, new AppError(422, "analysis.failed", `The ${this.what} stopped unexpectedly`));
      }
    });
    this.slots.push(slot);
    return slot;
  }

  private finish(slot: Slot<T, R>, reply: TaskReply<R>): void {
    const task = slot.task;
    if (!task || task.id !== reply.id) {
      return;
    }
    this.release(slot);
    if (reply.ok) {
      task.resolve(reply.result);
    } else {
      task.reject(new AppError(422, reply.error.code ?? "analysis.failed", reply.error.message));
    }
    this.dispatch();
  }

  private release(slot: Slot<T, R>): void {
    if (slot.timer) {
      clearTimeout(slot.timer);
    }
    slot.timer = null;
    slot.task = null;
    slot.worker.unref();
    if (!this.isClosed && !slot.idle) {
      slot.idle = setTimeout(() => {
        slot.idle = null;
        if (slot.task === null && this.slots.includes(slot)) {
          void this.replace(slot, new Error(`the ${this.what} thread was idle`));
        }
      }, this.idleMs);
      slot.idle.unref();
    }
  }

  /** Ends a thread whose task failed or overran; a fresh one takes its place on demand. */
  private async replace(slot: Slot<T, R>, err: Error): Promise<void> {
    const index = this.slots.indexOf(slot);
    if (index >= 0) {
      this.slots.splice(index, 1);
    }
    await this.retire(slot, err);
    if (!this.isClosed) {
      this.dispatch();
    }
  }

  private async retire(slot: Slot<T, R>, err: Error): Promise<void> {
    const task = slot.task;
    this.release(slot);
    if (slot.idle) {
      clearTimeout(slot.idle);
      slot.idle = null;
    }
    slot.worker.removeAllListeners("exit");
    task?.reject(err);
    await slot.worker.terminate();
  }
}

/** Serves tasks in a worker thread: `handler` turns each input into a result or throws. */
export async function serveTasks<T, R>(handler: (input: T) => R | Promise<R>): Promise<void> {
  const { parentPort } = await import("node:worker_threads");
  if (!parentPort) {
    throw new Error("serveTasks runs only in a worker thread");
  }
  const port = parentPort;
  port.on("message", (message: { id: number; input: T }) => {
    Promise.resolve()
      .then(() => handler(message.input))
      .then(
        (result) => port.postMessage({ id: message.id, ok: true, result } satisfies TaskReply<R>),
        (err: unknown) =>
          port.postMessage({
            id: message.id,
            ok: false,
            error: {
              message: err instanceof Error ? err.message : String(err),
              code:
                (err as { code?: unknown }).code === undefined ? undefined : String((err as { code?: unknown }).code),
            },
          } satisfies TaskReply<R>),
      );
  });
}
