import cluster, { type Worker } from "node:cluster";

// `serve --workers N`: the primary process forks N workers with node:cluster; they all listen on
// one port (the primary hands them connections in turn). The primary serves nothing itself, so a
// worker's crash costs only that worker's open connections: the primary starts another after a
// back-off that doubles with each crash in a row, so a crash loop cannot spin.

/** Back-off of restarts after a crash. */
export interface RestartPolicy {
  /** Delay after a first crash (ms). */
  firstMs: number;
  /** Longest delay, reached by crashes in a row (ms). */
  maxMs: number;
  /** A worker that stayed up this long resets the back-off (ms). */
  stableMs: number;
}

export const DEFAULT_RESTART: RestartPolicy = { firstMs: 500, maxMs: 30_000, stableMs: 30_000 };

/** How the primary runs its workers. */
export interface ClusterOptions {
  workers: number;
  /** Variables added to the workers' environment. */
  env?: Record<string, string>;
  restart?: RestartPolicy;
  /** How long workers have to finish after SIGTERM before they are killed (ms). */
  stopTimeoutMs?: number;
  log?: (line: string) => void;
}

/** The running workers, as the primary sees them. */
export interface Cluster {
  /** The port the workers share. */
  port: number;
  /** Process ids of the live workers. */
  pids(): number[];
  /** Stops every worker with SIGTERM and waits for them; those still running after the timeout are killed. */
  stop(): Promise<void>;
  /** Kills every worker at once (a second signal). */
  kill(): void;
}

/**
 * Forks the workers (call in the primary) and resolves once every one listens. A worker that exits
 * before all have listened fails the start: that is a configuration error (a port in use, a
 * database out of reach), not a crash to retry.
 */
export function startCluster(options: ClusterOptions): Promise<Cluster> {
  const restart = options.restart ?? DEFAULT_RESTART;
  const log = options.log ?? ((line: string) => console.error(line));
  const live = new Set<Worker>();
  const timers = new Set<NodeJS.Timeout>();
  let crashesInRow = 0;
  let port: number | null = null;
  let isStarted = false;
  let isStopping = false;

  const kill = () => {
    for (const worker of live) {
      worker.process.kill("SIGKILL");
    }
  };
  const stop = async () => {
    isStopping = true;
    for (const timer of timers) {
      clearTimeout(timer);
    }
    const exits = [...live].map((worker) => new Promise((resolve) => worker.once("exit", resolve)));
    for (const worker of live) {
      worker.process.kill("SIGTERM");
    }
    const deadline = setTimeout(kill, options.stopTimeoutMs ?? 15_000);
    await Promise.all(exits);
    clearTimeout(deadline);
  };

  return new Promise((resolve, reject) => {
    let listening = 0;
    const fork = () => {
      const worker = cluster.fork(options.env);
      const startedAt = Date.now();
      live.add(worker);
      worker.once("listening", (address) => {
        port ??= address.port;
        if (!isStarted && ++listening === options.workers) {
          isStarted = true;
          resolve({ port, pids: () => [...live].map((w) => w.process.pid ?? 0), stop, kill });
        }
      });
      worker.once("exit", (code, signal) => {
        live.delete(worker);
        if (isStopping) {
          return;
        }
        const how = signal ? `on ${signal}` : `with code ${code}`;
        if (!isStarted) {
          void stop().then(() =>
            reject(
              new Error(`worker ${worker.process.pid} exited ${how} before the server was up; see its output above`),
            ),
          );
          return;
        }
        const livedMs = Date.now() - startedAt;
        crashesInRow = livedMs >= restart.stableMs ? 1 : crashesInRow + 1;
        const delay = Math.min(restart.maxMs, restart.firstMs * 2 ** (crashesInRow - 1));
        log(
          `worker ${worker.process.pid} exited ${how} after ${(livedMs / 1000).toFixed(1)} s; starting another in ${(delay / 1000).toFixed(1)} s`,
        );
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!isStopping) {
            fork();
          }
        }, delay);
        timers.add(timer);
      });
    };
    for (let i = 0; i < options.workers; i++) {
      fork();
    }
  });
}

/** Whether this process is a worker forked by `serve --workers`. */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}
