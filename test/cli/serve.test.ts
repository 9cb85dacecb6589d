import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { launchServer } from "../helpers/server-process.ts";

describe("reciprocity serve", () => {
  it("starts on a fresh embedded database, answers health, and stops cleanly on SIGTERM", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "reciprocity-serve-"));
    const server = await launchServer({ args: ["--data-dir", dataDir], env: { DATABASE_URL: "" } });
    const port = server.port;
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/shipments`)).status, 401);
    server.child.kill("SIGTERM");
    assert.equal(await server.exited, 0);
  });
});
