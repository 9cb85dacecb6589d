import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import pg from "pg";
import { launchServer, type ServerProcess } from "../helpers/server-process.ts";

const repo = path.resolve(import.meta.dirname, "../..");
const cli = path.join(repo, "bin/reciprocity.js");
const baseUrl = process.env.TEST_DATABASE_URL;
const PG_ONLY = baseUrl ? false : "PostgreSQL only: set TEST_DATABASE_URL=postgres://… to run it";

/** GET /api/health on a new connection each time, so that the primary hands each to the next worker. */
function health(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ port, host: "127.0.0.1", path: "/api/health", agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
  });
}

/** Process ids that logged an incoming request for /api/health (pino writes each process's pid). */
function pidsThatAnswered(output: string): Set<number> {
  const pids = new Set<number>();
  for (const line of output.split("\n")) {
    if (line.includes('"msg":"incoming request"') && line.includes('"url":"/api/health"')) {
      pids.add((JSON.parse(line) as { pid: number }).pid);
    }
  }
  return pids;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!check()) {
    assert.ok(Date.now() - started < timeoutMs, `${what} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("reciprocity serve --workers", () => {
  it("refuses more than one worker on the embedded database, with exit code 2 and the reason", () => {
    const result = spawnSync(process.execPath, [cli, "serve", "--workers", "2", "--port", "0"], {
      cwd: repo,
      env: { ...process.env, DATABASE_URL: "", LOG_LEVEL: "warn" },
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(result.status, 2, result.stderr);
    assert.match(
      result.stderr,
      /--workers above 1 needs PostgreSQL \(set DATABASE_URL\): an embedded PGlite database belongs to one process/,
    );
  });

  it(
    "starts two workers that answer on one port, restarts one that dies, and stops them all on SIGTERM",
    { skip: PG_ONLY },
    async () => {
      const name = `reciprocity_test_${randomBytes(6).toString("hex")}`;
      const admin = new pg.Client({ connectionString: baseUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(baseUrl as string);
      url.pathname = `/${name}`;
      const dir = mkdtempSync(path.join(tmpdir(), "reciprocity-workers-"));
      let server: ServerProcess | undefined;
      try {
        server = await launchServer({
          args: ["--workers", "2"],
          env: {
            DATABASE_URL: url.toString(),
            LOG_LEVEL: "info",
            RECIPROCITY_AUDIT_ANCHOR_FILE: path.join(dir, "anchors.jsonl"),
          },
        });
        const listed = /Worker processes: 2 \(pids (\d+), (\d+)\), primary pid (\d+)/.exec(server.output());
        assert.ok(listed, server.output());
        const workers = [Number(listed[1]), Number(listed[2])];
        assert.equal(Number(listed[3]), server.child.pid);
        assert.ok(workers.every(isAlive));

        for (let i = 0; i < 8; i++) {
          assert.equal(await health(server.port), 200);
        }
        await until(() => pidsThatAnswered(server?.output() ?? "").size === 2, "both workers logged answers", 5_000);
        assert.deepEqual(
          [...pidsThatAnswered(server.output())].sort(),
          [...workers].sort(),
          "both workers answered on the one port",
        );

        // A worker that dies is replaced; the other keeps answering meanwhile.
        const [dead, survivor] = workers as [number, number];
        process.kill(dead, "SIGKILL");
        await until(
          () => (server?.output() ?? "").includes(`worker ${dead} exited on SIGKILL`),
          "the primary noticed the crash",
          5_000,
        );
        assert.equal(await health(server.port), 200);
        const listening = () =>
          [...(server?.output() ?? "").matchAll(/"pid":(\d+),[^\n]*"msg":"Server listening at/g)].map((m) =>
            Number(m[1]),
          );
        await until(() => listening().length === 3, "a new worker listens", 60_000);
        const replacement = listening().find((pid) => !workers.includes(pid)) as number;
        for (let i = 0; i < 6; i++) {
          assert.equal(await health(server.port), 200);
        }
        await until(() => pidsThatAnswered(server?.output() ?? "").has(replacement), "the new worker answers", 5_000);

        server.child.kill("SIGTERM");
        const code = await Promise.race([
          server.exited,
          new Promise((resolve) => setTimeout(() => resolve("still running after 30 s"), 30_000)),
        ]);
        assert.equal(code, 0, server.output().slice(-2000));
        assert.ok(
          !isAlive(survivor) && !isAlive(replacement) && !isAlive(dead),
          "every worker exited with the primary",
        );
      } finally {
        if (server && server.child.exitCode === null) {
          server.child.kill("SIGKILL");
        }
        const cleanup = new pg.Client({ connectionString: baseUrl });
        await cleanup.connect();
        await cleanup.query(`drop database if exists ${name} with (force)`);
        await cleanup.end();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
