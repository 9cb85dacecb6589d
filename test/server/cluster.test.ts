import assert from "node:assert/strict";
import cluster from "node:cluster";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { startCluster } from "../../src/server/cluster.ts";

// The primary's bookkeeping, with stand-in workers: small scripts that listen and then crash, or
// crash before they listen.

let dir: string;
const script = (name: string, body: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, body);
  return file;
};

describe("cluster primary", () => {
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "reciprocity-cluster-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("restarts a crashing worker with a back-off that doubles up to its maximum, and stops cleanly", async () => {
    const exec = script(
      "crashes.mjs",
      `import http from "node:http";
       http.createServer((q, s) => s.end("ok")).listen(0, "127.0.0.1", () => setTimeout(() => process.exit(3), 30));`,
    );
    cluster.setupPrimary({ exec, args: [], silent: true });
    const lines: { at: number; line: string }[] = [];
    const running = await startCluster({
      workers: 1,
      restart: { firstMs: 100, maxMs: 400, stableMs: 60_000 },
      log: (line) => lines.push({ at: performance.now(), line }),
    });
    assert.ok(running.port > 0);
    const started = Date.now();
    while (lines.length < 5) {
      assert.ok(Date.now() - started < 20_000, `five crashes within 20 s: ${JSON.stringify(lines.map((l) => l.line))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await running.stop();
    const delays = lines.map((l) => /starting another in ([\d.]+) s$/.exec(l.line)?.[1]);
    assert.deepEqual(delays.slice(0, 5), ["0.1", "0.2", "0.4", "0.4", "0.4"], "100 ms, doubling, capped at 400 ms");
    assert.match(lines[0]?.line ?? "", /^worker \d+ exited with code 3 after [\d.]+ s;/);
    // The waits really happen: crashes are spaced by at least the announced delay.
    for (let i = 1; i < 5; i++) {
      const gap = (lines[i] as { at: number }).at - (lines[i - 1] as { at: number }).at;
      assert.ok(gap >= Number(delays[i - 1]) * 1000 - 5, `crash ${i + 1} came ${Math.round(gap)} ms after crash ${i}`);
    }
    assert.deepEqual(running.pids(), [], "no worker left after stop");
    const count = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(lines.length, count, "nothing restarts after stop");
  });

  it("fails the start when a worker exits before the server is up", async () => {
    const exec = script("refuses.mjs", `console.error("cannot reach the database"); process.exit(1);`);
    cluster.setupPrimary({ exec, args: [], silent: true });
    await assert.rejects(
      startCluster({ workers: 2, log: () => undefined }),
      /worker \d+ exited with code 1 before the server was up/,
    );
  });
});
