import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";

const repo = path.resolve(import.meta.dirname, "../..");
const cli = path.join(repo, "bin/reciprocity.js");

/** A real `reciprocity serve` process on an embedded data folder. */
export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Resident memory of the server process in bytes (Linux /proc). */
  rss(): number;
  stop(): Promise<void>;
}

/** Creates a small demo world in `dataDir` (no history) so that the demo accounts exist. */
export function createDemoWorld(dataDir: string, password: string, shipments = 20): void {
  const result = spawnSync(process.execPath, [cli, "demo", "--data-dir", dataDir, "--shipments", String(shipments), "--no-history"], {
    cwd: repo,
    env: { ...process.env, DATABASE_URL: "", RECIPROCITY_DEMO_PASSWORD: password, LOG_LEVEL: "warn" },
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`demo failed (${result.status}): ${result.stdout}\n${result.stderr}`);
  }
}

/** Starts `reciprocity serve --demo` on the folder and waits until it listens. */
export async function startServer(dataDir: string, password: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, cli, "serve", "--demo", "--port", "0", "--data-dir", dataDir], {
    cwd: repo,
    env: { ...process.env, DATABASE_URL: "", HOST: "127.0.0.1", LOG_LEVEL: "warn", RECIPROCITY_DEMO_PASSWORD: password, ...env },
  });
  let output = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at http:\/\/localhost:(\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`exited ${code}:\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
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

/** Logs in and returns the session cookie header. */
export async function sessionCookie(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
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
export function streamUpload(url: string, headers: Record<string, string>, chunks: Iterable<Buffer>): Promise<UploadResult> {
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

/** Polls /api/health every `everyMs` until stopped; returns the slowest answer, the 99th percentile and the count. */
export function watchHealth(url: string, everyMs = 50): { stop(): Promise<{ worstMs: number; p99Ms: number; samples: number; failures: number }> } {
  const times: number[] = [];
  let worstMs = 0;
  let samples = 0;
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) });
        await res.arrayBuffer();
        if (res.status !== 200) {
          failures++;
        }
      } catch {
        failures++;
      }
      times.push(performance.now() - started);
      worstMs = Math.max(worstMs, performance.now() - started);
      samples++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      const sorted = [...times].sort((a, b) => a - b);
      const p99Ms = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
      return { worstMs, p99Ms, samples, failures };
    },
  };
}
