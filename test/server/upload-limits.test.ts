// Large uploads against a real server process: a forbidden role is refused before its body is
// read, and the admin's upload is streamed with memory and health latency bounded throughout.
// UPLOAD_TEST_MB sets the body size (100 by default) and UPLOAD_TEST_LIMIT_MB the server's
// manifest limit (4 by default, so that CI ingests only the first part; bench/upload.ts runs the
// whole 100 MB through with the limit raised).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { syntheticShipments } from "../../src/domain/ingest/synthetic.ts";
import { writeCuscar } from "../../src/trade/edifact/write-cuscar.ts";
import {
  createDemoWorld,
  sessionCookie,
  startServer,
  streamUpload,
  watchHealth,
  type ServerProcess,
} from "../helpers/server-process.ts";

const BODY_MB = Number(process.env.UPLOAD_TEST_MB ?? "100");
const LIMIT_MB = Number(process.env.UPLOAD_TEST_LIMIT_MB ?? "4");
const PASSWORD = `upload-${randomBytes(6).toString("hex")}`;
const MB = 1024 * 1024;

/**
 * A CUSCAR interchange of 1,000 distinct shipments, written once and repeated under new interchange
 * references up to `total` bytes (written up front: generating it while measuring would stall
 * this process's own health probes).
 */
function manifestChunks(total: number): () => Generator<Buffer> {
  const shipments = [...syntheticShipments(1000, { seed: 7, prefix: "UPL" })];
  const template = writeCuscar(shipments, {
    sender: "CARRIER",
    recipient: "USCBP",
    interchangeRef: "UREF0000000",
    preparedAt: new Date("2026-11-27T00:00:00Z"),
    shipmentsPerMessage: 100,
  });
  return function* () {
    let sent = 0;
    for (let i = 0; sent < total; i++) {
      const block = Buffer.from(template.replaceAll("UREF0000000", `U${String(i).padStart(10, "0")}`));
      for (let at = 0; at < block.byteLength && sent < total; at += 64 * 1024) {
        const piece = block.subarray(at, Math.min(at + 64 * 1024, block.byteLength, at + (total - sent)));
        sent += piece.byteLength;
        yield piece;
      }
    }
  };
}

/** Random bytes: what is in the body must not matter to a refusal. */
function* noiseChunks(total: number): Generator<Buffer> {
  const piece = randomBytes(64 * 1024);
  for (let sent = 0; sent < total; sent += piece.byteLength) {
    yield piece;
  }
}

describe("large manifest uploads against a running server", () => {
  let dataDir = "";
  let server: ServerProcess;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "reciprocity-upload-"));
    createDemoWorld(dataDir, PASSWORD);
    server = await startServer(dataDir, PASSWORD, { RECIPROCITY_MANIFEST_LIMIT_MB: String(LIMIT_MB) });
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`streams the admin's ${BODY_MB} MB upload with RSS under 1 GB and health answering within 250 ms (p95) and 1 s at worst`, async (t) => {
    const cookie = await sessionCookie(server.url, "host.admin", PASSWORD);
    const body = manifestChunks(BODY_MB * MB);
    const health = watchHealth(server.url);
    const startRss = server.rss();
    let peakRss = startRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, server.rss());
    }, 100);
    const result = await streamUpload(
      `${server.url}/api/manifests?fileName=big.edi`,
      { cookie, "content-type": "application/edifact" },
      body(),
    );
    clearInterval(sampler);
    const latency = await health.stop();
    const expected = BODY_MB > LIMIT_MB ? 413 : 201;
    assert.equal(result.status, expected, result.body.slice(0, 500));
    if (expected === 413) {
      assert.equal(JSON.parse(result.body).code, "manifest.too_large");
    }
    assert.equal(latency.failures, 0, "health failed during the upload");
    assert.ok(latency.samples >= 5, `only ${latency.samples} health samples`);
    t.diagnostic(
      `RSS ${(startRss / MB).toFixed(0)} MB before the upload, peak ${(peakRss / MB).toFixed(0)} MB; peak RSS ${(peakRss / MB).toFixed(0)} MB; health p95 ${latency.p95Ms.toFixed(0)} ms, p99 ${latency.p99Ms.toFixed(0)} ms, worst ${latency.worstMs.toFixed(0)} ms over ${latency.samples} probes`,
    );
    // This client, the server's two threads and the other test files share two cores here, so the
    // bound is looser than the 100 ms goal that bench/upload.ts measures alone; a stalled event
    // loop (a parse or a statement on the loop) shows as seconds and fails both.
    // One collector pause in a run of ~90 probes is allowed (p95), none past a second (worst).
    assert.ok(latency.p95Ms < 250, `health p95 ${latency.p95Ms.toFixed(0)} ms during the upload`);
    assert.ok(
      peakRss < 1024 * MB,
      `server RSS peaked at ${(peakRss / MB).toFixed(0)} MB (${(startRss / MB).toFixed(0)} MB before the upload)`,
    );
    assert.ok(latency.worstMs < 1000, `health took up to ${latency.worstMs.toFixed(0)} ms during the upload`);
    // The server is still whole afterwards, and the batch says what happened to it.
    const batches = await (await fetch(`${server.url}/api/ingest-batches?limit=500`, { headers: { cookie } })).json();
    const batch = batches.items.find((b: { fileName: string }) => b.fileName === "big.edi");
    assert.ok(batch, `the upload left no batch: ${JSON.stringify(batches).slice(0, 400)}`);
    assert.notEqual(batch.status, "running");
  });
  it(`refuses a ${BODY_MB} MB upload from every role that may not ingest, before reading it`, async () => {
    for (const username of [
      "partner.targeter",
      "partner.supervisor",
      "partner.auditor",
      "host.targeter",
      "host.supervisor",
      "scan.officer",
      "host.auditor",
    ]) {
      const cookie = await sessionCookie(server.url, username, PASSWORD);
      const headers = { cookie, "content-type": "application/edifact" };
      for (const dryRun of [false, true]) {
        const result = await streamUpload(
          `${server.url}/api/manifests?dryRun=${dryRun}`,
          headers,
          noiseChunks(BODY_MB * MB),
        );
        assert.equal(result.status, 403, `${username} dryRun=${dryRun}: ${result.body}`);
        assert.equal(JSON.parse(result.body).code, "auth.forbidden");
        // Refused at once: the answer came long before the body could have been sent.
        assert.ok(
          result.bytesSent < BODY_MB * MB,
          `${username} sent the whole body (${result.bytesSent} bytes) before the answer`,
        );
        assert.ok(result.ms < 5000, `${username} waited ${result.ms.toFixed(0)} ms for the refusal`);
      }
    }
  });

  it("refuses a declared length over the limit before reading the body", async () => {
    const cookie = await sessionCookie(server.url, "host.admin", PASSWORD);
    const headers = { cookie, "content-type": "application/edifact", "content-length": String(BODY_MB * MB) };
    const result = await streamUpload(`${server.url}/api/manifests`, headers, noiseChunks(BODY_MB * MB));
    assert.equal(result.status, 413, result.body);
    assert.equal(JSON.parse(result.body).code, "manifest.too_large");
    assert.ok(result.bytesSent < BODY_MB * MB);
  });
});
