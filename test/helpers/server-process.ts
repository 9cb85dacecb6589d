import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { Worker } from "node:worker_threads";

const repo = path.resolve(import.meta.dirname, "../..");
const cli = path.join(repo, "bin/reciprocity.js");

/** A real `reciprocity serve` process. */
export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Everything it printed so far. */
  output(): string;
  /** Resident memory of the server process in bytes (Linux /proc). */
  rss(): number;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/** Creates a small demo world in `dataDir` (no history) so that the demo accounts exist. */
export function createDemoWorld(dataDir: string, password: string, shipments = 20): void {
  const result = spawnSync(
    process.execPath,
    [cli, "demo", "--data-dir", dataDir, "--shipments", String(shipments), "--no-history"],
    {
      cwd: repo,
      env: { ...process.env, DATABASE_URL: "", RECIPROCITY_DEMO_PASSWORD: password, LOG_LEVEL: "warn" },
      encoding: "utf8",
    },
  );
  if (result.status !== 0) {
    throw new Error(`demo failed (${result.status}): ${result.stdout}\n${result.stderr}`);
  }
}

/**
 * Starts `reciprocity serve --port 0 …args` on 127.0.0.1 and waits until it listens. `env` is laid
 * over this process's environment; `nodeArgs` go to node itself (a profiler, say).
 */
export async function launchServer(options: {
  args?: string[];
  env?: Record<string, string>;
  nodeArgs?: string[];
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), cli, "serve", "--port", "0", ...(options.args ?? [])],
    {
      cwd: repo,
      env: { ...process.env, HOST: "127.0.0.1", LOG_LEVEL: "warn", ...options.env },
    },
  );
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at http:\/\/localhost:(\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}:\n${output}`));
    });
  });
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    exited,
    output: () => output,
    rss: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? "0") * 1024;
    },
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Starts `reciprocity serve --demo` on an embedded data folder made by createDemoWorld. */
export function startServer(
  dataDir: string,
  password: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  return launchServer({
    args: ["--demo", "--data-dir", dataDir],
    env: { DATABASE_URL: "", RECIPROCITY_DEMO_PASSWORD: password, ...env },
    nodeArgs,
  });
}

/** Logs in and returns the session cookie header. */
export async function sessionCookie(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) {
    throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  }
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("reciprocity_session="));
  if (!cookie) {
    throw new Error("no session cookie");
  }
  return cookie.split(";")[0] as string;
}

/** What an upload saw: the answer, how long it took, and how much of the body went out first. */
export interface UploadResult {
  status: number;
  body: string;
  ms: number;
  bytesSent: number;
}

/**
 * Posts a body produced chunk by chunk (no Content-Length unless given), as a client streaming a
 * large file would, and stops sending as soon as the server answers.
 */
export function streamUpload(
  url: string,
  headers: Record<string, string>,
  chunks: Iterable<Buffer>,
): Promise<UploadResult> {
  const started = performance.now();
  let bytesSent = 0;
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(url, { method: "POST", headers }, (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started, bytesSent });
        req.destroy();
      });
    });
    req.on("error", (err) => {
      if (!answered) {
        reject(err);
      }
    });
    const iterator = chunks[Symbol.iterator]();
    const pump = (): void => {
      while (!answered) {
        const next = iterator.next();
        if (next.done) {
          req.end();
          return;
        }
        bytesSent += next.value.byteLength;
        if (!req.write(next.value)) {
          req.once("drain", pump);
          return;
        }
      }
    };
    pump();
  });
}

/**
 * Probes GET /api/health every `everyMs` until stopped, from a thread of its own, so that what this
 * process does meanwhile (making an upload's body, say) does not delay the probes and count as the
 * server's latency. `over100Ms` counts the probes slower than 100 ms.
 */
export function watchHealth(url: string, everyMs = 50): { stop(): Promise<HealthFigures> } {
  const worker = new Worker(HEALTH_PROBE, { eval: true, workerData: { url, everyMs } });
  const result = new Promise<number[] & { failures?: number }>((resolve, reject) => {
    worker.once("message", (reply: { times: number[]; failures: number }) =>
      resolve(Object.assign(reply.times, { failures: reply.failures })),
    );
    worker.once("error", reject);
  });
  return {
    stop: async () => {
      worker.postMessage("stop");
      const times = await result;
      await worker.terminate();
      const sorted = [...times].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
      return {
        worstMs: sorted.at(-1) ?? 0,
        p95Ms: at(0.95),
        p99Ms: at(0.99),
        samples: sorted.length,
        failures: times.failures ?? 0,
        over100Ms: sorted.filter((ms) => ms > 100).length,
      };
    },
  };
}

/** What watchHealth measured. */
export interface HealthFigures {
  worstMs: number;
  p95Ms: number;
  p99Ms: number;
  samples: number;
  failures: number;
  over100Ms: number;
}

const HEALTH_PROBE = `
const { parentPort, workerData } = require("node:worker_threads");
const { url, everyMs } = workerData;
const times = [];
let failures = 0;
let running = true;
parentPort.once("message", () => { running = false; });
(async () => {
  while (running) {
    const started = performance.now();
    try {
      const res = await fetch(url + "/api/health", { signal: AbortSignal.timeout(10000) });
      await res.arrayBuffer();
      if (res.status !== 200) failures++;
    } catch {
      failures++;
    }
    times.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  parentPort.postMessage({ times, failures });
})();
`;
