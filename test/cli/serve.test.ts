import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

const repo = path.resolve(import.meta.dirname, "../..");

describe("reciprocity serve", () => {
  it("starts on a fresh embedded database, answers health, and stops cleanly on SIGTERM", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "reciprocity-serve-"));
    const child = spawn(process.execPath, [path.join(repo, "bin/reciprocity.js"), "serve", "--port", "0", "--data-dir", dataDir], {
      cwd: repo,
      env: { ...process.env, DATABASE_URL: "", HOST: "127.0.0.1", LOG_LEVEL: "warn" },
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
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/shipments`)).status, 401);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
  });
});
