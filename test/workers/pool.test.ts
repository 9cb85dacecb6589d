import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { bundledModule } from "../../src/workers/bundle.mjs";
import { WorkerPool } from "../../src/workers/pool.ts";

const ECHO = new URL("../helpers/echo-worker.ts", import.meta.url);

test("a pool thread runs the bundled module, which still knows where its source lives", async () => {
  const pool = new WorkerPool<{ value: number }, { value: number; here: string }>(ECHO, "echo", { size: 1 });
  try {
    const reply = await pool.run({ value: 21 });
    assert.equal(reply.value, 42);
    // import.meta.url inside the bundle is the source file's, not the bundle's.
    assert.equal(reply.here, ECHO.href);
    const bundle = await bundledModule(ECHO);
    assert.match(bundle.pathname, /\/\.cache\/bundles\/echo-worker-[0-9a-f]+-[0-9a-f]+\.mjs$/);
  } finally {
    await pool.close();
  }
});

test("an idle pool thread ends, and the next task starts a fresh one", async () => {
  const pool = new WorkerPool<{ value: number; fail?: boolean }, { value: number }>(ECHO, "echo", {
    size: 1,
    idleMs: 150,
  });
  try {
    pool.warm();
    await sleep(50);
    assert.equal(pool.threads, 0, "warming prepares the code but starts no thread");
    assert.equal((await pool.run({ value: 1 })).value, 2);
    assert.equal(pool.threads, 1);
    await sleep(600);
    assert.equal(pool.threads, 0, "the idle thread has ended");
    assert.equal((await pool.run({ value: 5 })).value, 10);
    await assert.rejects(
      pool.run({ value: 0, fail: true }),
      (err: Error & { code?: string }) => err.code === "echo.failed",
    );
    // A task failing in the handler does not cost the thread.
    assert.equal(pool.threads, 1);
  } finally {
    await pool.close();
  }
});

test("a bundle is rebuilt when one of its sources changes, and reused while none does", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "reciprocity-bundle-"));
  try {
    const entry = path.join(dir, "entry.ts");
    const dep = path.join(dir, "dep.ts");
    writeFileSync(entry, 'export { answer, where } from "./dep.ts";\n');
    writeFileSync(dep, "export const answer: number = 1;\nexport const where = import.meta.url;\n");
    const first = await bundledModule(pathToFileURL(entry));
    assert.equal((await bundledModule(pathToFileURL(entry))).href, first.href);
    const loaded = (await import(first.href)) as { answer: number; where: string };
    assert.equal(loaded.answer, 1);
    assert.equal(loaded.where, pathToFileURL(dep).href);
    await sleep(20);
    writeFileSync(dep, "export const answer: number = 2;\nexport const where = import.meta.url;\n");
    const second = await bundledModule(pathToFileURL(entry));
    assert.notEqual(second.href, first.href);
    assert.equal(((await import(second.href)) as { answer: number }).answer, 2);
    // The first bundle is recent, so a process that just found it may still import it: it stays.
    assert.ok(existsSync(first), "a bundle written moments ago is kept");
    // Once it is old, the next rebuild removes it, and keeps the one it replaces it with.
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(first, hourAgo, hourAgo);
    utimesSync(second, hourAgo, hourAgo);
    await sleep(20);
    writeFileSync(dep, "export const answer: number = 3;\nexport const where = import.meta.url;\n");
    const third = await bundledModule(pathToFileURL(entry));
    assert.equal(((await import(third.href)) as { answer: number }).answer, 3);
    assert.ok(!existsSync(first), "an old bundle of the same entry is removed");
    assert.ok(!existsSync(second), "the bundle the new one replaces is removed once old");
    assert.ok(existsSync(third));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
