// Result-bundle downloads against a real `reciprocity serve` process on the embedded database: a
// request with large evidence files, then several downloads at once. Reports the server's RSS,
// /api/health latency during the downloads, time to the first byte and the throughput, and
// checks that every download verifies. With --database-url (an empty PostgreSQL database, which
// the server fills with the demo world), the server's RSS is the Node process alone.
//   node --import tsx bench/bundle-download.ts [--files 2] [--mb 24] [--downloads 4] [--database-url URL]
// (Storing each file on the embedded database takes a while: the setup is not measured.)
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { verifyBundle } from "../src/domain/bundles/verify.ts";
import {
  createDemoWorld,
  launchServer,
  sessionCookie,
  startServer,
  watchHealth,
  type ServerProcess,
} from "../test/helpers/server-process.ts";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const FILES = Number(arg("--files", "2"));
const FILE_MB = Number(arg("--mb", "24"));
const DOWNLOADS = Number(arg("--downloads", "4"));
const DATABASE_URL = arg("--database-url", "");
const MB = 1024 * 1024;
const PASSWORD = "bench-bundle-password";

async function api<T>(url: string, cookie: string, body?: unknown): Promise<T> {
  const res = await fetch(
    url,
    body === undefined
      ? { headers: { cookie } }
      : { method: "POST", headers: { cookie, "content-type": "application/json" }, body: JSON.stringify(body) },
  );
  if (!res.ok) {
    throw new Error(`${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  }
  return (await res.json()) as T;
}

/** Downloads the bundle; when the first and the last byte arrived, and the bytes. */
function download(url: string, cookie: string): Promise<{ firstByteMs: number; ms: number; body: Buffer }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { cookie } }, (res) => {
        const chunks: Buffer[] = [];
        let firstByteMs = 0;
        res.on("data", (chunk: Buffer) => {
          firstByteMs ||= performance.now() - started;
          chunks.push(chunk);
        });
        res.on("end", () => resolve({ firstByteMs, ms: performance.now() - started, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

/** Runs the downloads at once; the server's peak RSS meanwhile and what each download saw. */
async function measure(server: ServerProcess, url: string, cookie: string, count: number) {
  let peakRss = server.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.rss())), 20);
  const health = watchHealth(server.url, 50);
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: count }, () => download(url, cookie)));
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  return { results, wallMs, peakRss, latency: await health.stop() };
}

const dir = mkdtempSync(path.join(tmpdir(), "reciprocity-bench-bundle-"));
let server: ServerProcess;
if (DATABASE_URL) {
  server = await launchServer({ args: ["--demo"], env: { DATABASE_URL, RECIPROCITY_DEMO_PASSWORD: PASSWORD } });
} else {
  createDemoWorld(dir, PASSWORD);
  server = await startServer(dir, PASSWORD);
}
try {
  const [partner, supervisor, officer] = await Promise.all(
    ["partner.targeter", "host.supervisor", "scan.officer"].map((u) => sessionCookie(server.url, u, PASSWORD)),
  );
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const list = await api<{ items: { id: string }[] }>(
    `${server.url}/api/shipments?port=JPTYO&etdFrom=${tomorrow}&sort=etd&order=asc&limit=1`,
    partner as string,
  );
  const shipment = await api<{ id: string; containers: { containerNo: string }[] }>(
    `${server.url}/api/shipments/${list.items[0]?.id ?? ""}`,
    partner as string,
  );
  const request = await api<{ id: string }>(`${server.url}/api/inspection-requests`, partner as string, {
    shipmentId: shipment.id,
    containerNo: shipment.containers[0]?.containerNo,
    reason: "Bench",
  });
  await api(`${server.url}/api/inspection-requests/${request.id}/decision`, supervisor as string, {
    decision: "accept",
  });
  for (let i = 0; i < FILES; i++) {
    const attachment = {
      fileName: `radiograph-${i}.tif`,
      mediaType: "image/tiff",
      contentBase64: randomBytes(FILE_MB * MB - 1000).toString("base64"),
    };
    await api(`${server.url}/api/inspection-requests/${request.id}/scans`, officer as string, {
      scanType: "xray_image",
      outcome: "no_anomaly",
      notes: "Bench",
      attachment,
    });
  }
  const url = `${server.url}/api/inspection-requests/${request.id}/bundle`;
  const setupRss = server.rss();
  const first = await measure(server, url, partner as string, 1);
  const many = await measure(server, url, partner as string, DOWNLOADS);
  const size = first.results[0]?.body.byteLength ?? 0;
  const valid = [...first.results, ...many.results].filter((r) => verifyBundle(r.body).ok).length;
  const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
  const firstBytes = many.results.map((r) => r.firstByteMs).sort((a, b) => a - b);
  console.log(
    `a bundle with ${FILES} × ${FILE_MB} MB of evidence (${(size / MB).toFixed(1)} MB), once then ${DOWNLOADS} at once; ${valid} of ${DOWNLOADS + 1} verify`,
  );
  console.log(`| measure | one download | ${DOWNLOADS} at once |\n|---|---|---|`);
  console.log(
    `| server RSS peak (growth over ${mb(setupRss)} before) | ${mb(first.peakRss)} (+${mb(first.peakRss - setupRss)}) | ${mb(many.peakRss)} (+${mb(many.peakRss - setupRss)}) |`,
  );
  console.log(
    `| first byte (median / worst) | ${first.results[0]?.firstByteMs.toFixed(0)} ms | ${firstBytes[Math.floor(DOWNLOADS / 2)]?.toFixed(0)} / ${firstBytes.at(-1)?.toFixed(0)} ms |`,
  );
  console.log(
    `| all done | ${(first.wallMs / 1000).toFixed(1)} s | ${(many.wallMs / 1000).toFixed(1)} s (${((DOWNLOADS * size) / MB / (many.wallMs / 1000)).toFixed(0)} MB/s) |`,
  );
  console.log(
    `| /api/health p99 / worst | ${first.latency.p99Ms.toFixed(0)} / ${first.latency.worstMs.toFixed(0)} ms | ${many.latency.p99Ms.toFixed(0)} / ${many.latency.worstMs.toFixed(0)} ms |`,
  );
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
