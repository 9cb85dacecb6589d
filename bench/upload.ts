// A large manifest upload against a real `reciprocity serve` process on the embedded database:
// streams N MB of CUSCAR as the admin and reports the server's RSS, /api/health latency during
// the upload, and the ingest rate.
//   node --import tsx bench/upload.ts [--mb 100] [--limit-mb 128] [--world DIR] [--profile DIR]
// --world keeps the seeded demo world in DIR and starts later runs from a copy of it (seeding takes
// minutes); --profile writes the server's CPU profiles (main and database threads) to DIR.
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { syntheticShipments } from "../src/domain/ingest/synthetic.ts";
import { writeCuscar } from "../src/trade/edifact/write-cuscar.ts";
import {
  createDemoWorld,
  sessionCookie,
  startServer,
  streamUpload,
  watchHealth,
} from "../test/helpers/server-process.ts";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const BODY_MB = Number(arg("--mb", "100"));
const LIMIT_MB = Number(arg("--limit-mb", "128"));
const MB = 1024 * 1024;
const PASSWORD = "bench-upload-password";

const WORLD = args.includes("--world") ? path.resolve(arg("--world", "")) : null;
const PROFILE = args.includes("--profile") ? path.resolve(arg("--profile", "")) : null;

const dir = mkdtempSync(path.join(tmpdir(), "reciprocity-bench-upload-"));
if (WORLD) {
  if (!existsSync(path.join(WORLD, "PG_VERSION"))) {
    createDemoWorld(WORLD, PASSWORD);
  }
  cpSync(WORLD, dir, { recursive: true });
} else {
  createDemoWorld(dir, PASSWORD);
}
const server = await startServer(
  dir,
  PASSWORD,
  { RECIPROCITY_MANIFEST_LIMIT_MB: String(LIMIT_MB) },
  PROFILE ? ["--cpu-prof", "--cpu-prof-dir", PROFILE] : [],
);
try {
  const cookie = await sessionCookie(server.url, "host.admin", PASSWORD);
  // 1,000 distinct shipments per interchange; each repetition is a new interchange whose bills
  // are renumbered, so every shipment in the file is new.
  const shipments = [...syntheticShipments(1000, { seed: 7, prefix: "BUP" })];
  const template = writeCuscar(shipments, {
    sender: "CARRIER",
    recipient: "USCBP",
    interchangeRef: "UREF0000000",
    preparedAt: new Date("2026-11-27T00:00:00Z"),
    shipmentsPerMessage: 100,
  });
  const total = BODY_MB * MB;
  function* body(): Generator<Buffer> {
    let sent = 0;
    for (let i = 0; sent < total; i++) {
      const block = Buffer.from(
        template
          .replaceAll("UREF0000000", `U${String(i).padStart(10, "0")}`)
          .replaceAll("BUP", `B${String(i).padStart(4, "0")}`),
      );
      for (let at = 0; at < block.byteLength && sent < total; at += 64 * 1024) {
        const piece = block.subarray(at, Math.min(at + 64 * 1024, at + (total - sent)));
        sent += piece.byteLength;
        yield piece;
      }
    }
  }
  const idleRss = server.rss();
  let peakRss = idleRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.rss())), 100);
  const health = watchHealth(server.url, 50);
  const result = await streamUpload(
    `${server.url}/api/manifests?fileName=bench.edi`,
    { cookie, "content-type": "application/edifact" },
    body(),
  );
  clearInterval(sampler);
  const latency = await health.stop();
  const report = JSON.parse(result.body) as { shipments?: number; inserted?: number; code?: string };
  console.log(`upload of ${BODY_MB} MB (limit ${LIMIT_MB} MB) as host.admin → ${result.status} ${report.code ?? ""}`);
  console.log("| measure | value |\n|---|---|");
  console.log(`| duration | ${(result.ms / 1000).toFixed(1)} s |`);
  console.log(
    `| shipments inserted | ${report.inserted ?? "-"} (${report.inserted ? ((report.inserted / result.ms) * 1000).toFixed(0) : "-"}/s, ${((BODY_MB / result.ms) * 1000).toFixed(2)} MB/s) |`,
  );
  console.log(`| server RSS idle / peak | ${(idleRss / MB).toFixed(0)} / ${(peakRss / MB).toFixed(0)} MB |`);
  console.log(
    `| /api/health p99 / worst (${latency.samples} probes, ${latency.failures} failed) | ${latency.p99Ms.toFixed(0)} / ${latency.worstMs.toFixed(0)} ms |`,
  );
  console.log(
    `| /api/health probes over 100 ms | ${latency.over100Ms} (${((100 * latency.over100Ms) / Math.max(1, latency.samples)).toFixed(2)} %) |`,
  );
  console.log(
    `| goals | RSS < 1 GB: ${peakRss < 1024 * MB ? "met" : "NOT met"}; health p99 < 100 ms: ${latency.p99Ms < 100 ? "met" : "NOT met"}; every probe < 100 ms: ${latency.over100Ms === 0 ? "met" : "NOT met"} |`,
  );
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
