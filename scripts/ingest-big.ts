// A big manifest on both engines: writes a CUSCAR file of N synthetic shipments (streamed to disk,
// 1,000,000 by default), then ingests it into a fresh PostgreSQL database and a fresh embedded
// data folder, each in its own process, sampling heap and RSS every 250 ms. Prints time,
// shipments/s, peak memory and the memory curve per engine.
//   node --import tsx scripts/ingest-big.ts [--shipments N] [--only pg|pglite] [--pg postgres://postgres@127.0.0.1:5432/postgres]
// CI: --shipments 2000. PostgreSQL is skipped when it cannot be reached.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, type Database, type DatabaseTarget } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { fixedClock } from "../src/domain/clock.ts";
import { ingestStream } from "../src/domain/ingest/pipeline.ts";
import { syntheticShipments } from "../src/domain/ingest/synthetic.ts";
import { serviceActor } from "../src/domain/service-accounts.ts";
import { writeCuscar } from "../src/trade/edifact/write-cuscar.ts";
import type { ManifestShipment } from "../src/trade/records.ts";

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const ANCHOR = new Date("2026-11-27T00:00:00Z");
const SAMPLE_MS = 250;

/** What one engine's run measured. */
interface Measured {
  engine: string;
  shipments: number;
  quarantined: number;
  seconds: number;
  peakRssMb: number;
  peakHeapMb: number;
  /** RSS and heap (MB) at each tenth of the file. */
  curve: { at: number; rssMb: number; heapMb: number }[];
}

const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);

/** Writes the file a thousand shipments at a time: one interchange of 50-consignment messages each. */
async function writeFile(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  let batch: ManifestShipment[] = [];
  let i = 0;
  const flush = async (): Promise<void> => {
    i++;
    const text = writeCuscar(batch, {
      sender: "SYNTHCARRIER",
      recipient: "USCBP",
      interchangeRef: String(i),
      preparedAt: ANCHOR,
      messageRefPrefix: `M${i}-`,
      shipmentsPerMessage: 50,
    });
    if (!out.write(i === 1 ? text : text.slice(text.indexOf("\n") + 1))) {
      await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    }
    batch = [];
  };
  for (const s of syntheticShipments(count, { seed: 20021, prefix: "B" })) {
    batch.push(s);
    if (batch.length === 1000) {
      await flush();
    }
  }
  if (batch.length > 0) {
    await flush();
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** The child: ingests the file into the target and prints one JSON line of what it measured. */
async function child(engine: string, file: string, target: DatabaseTarget, count: number): Promise<void> {
  const database: Database = await openDatabase(target);
  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, SAMPLE_MS);
  try {
    await migrateToLatest(database.db);
    await database.db
      .insertInto("agency")
      .values({ code: "USCBP", name: "U.S. Customs and Border Protection", country: "US" })
      .execute();
    const actor = await serviceActor(database.db, "USCBP", "feed.big");
    const curve: Measured["curve"] = [];
    const started = performance.now();
    const onProgress = (r: { shipments: number; quarantined: number }): void => {
      const at = Math.floor(((r.shipments + r.quarantined) / count) * 10) * 10;
      if (at > (curve.at(-1)?.at ?? 0)) {
        const m = process.memoryUsage();
        curve.push({ at, rssMb: mb(m.rss), heapMb: mb(m.heapUsed) });
        const seconds = (performance.now() - started) / 1000;
        process.stderr.write(
          `${engine}: ${at}% in ${seconds.toFixed(0)} s, rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB\n`,
        );
      }
    };
    const report = await ingestStream(database.db, fixedClock(ANCHOR), actor, {
      fileName: path.basename(file),
      chunks: createReadStream(file, { highWaterMark: 256 * 1024 }),
      onProgress,
    });
    const seconds = (performance.now() - started) / 1000;
    const measured: Measured = {
      engine,
      shipments: report.inserted,
      quarantined: report.quarantined,
      seconds,
      peakRssMb: mb(Math.max(peakRss, process.resourceUsage().maxRSS * 1024)),
      peakHeapMb: mb(peakHeap),
      curve,
    };
    process.stdout.write(`${JSON.stringify(measured)}\n`);
  } finally {
    clearInterval(sampler);
    await database.close();
  }
}

function runChild(engine: string, file: string, target: DatabaseTarget, count: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        import.meta.filename,
        "--child",
        engine,
        "--file",
        file,
        "--target",
        JSON.stringify(target),
        "--shipments",
        String(count),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    proc.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    proc.on("error", reject);
    proc.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Measured)
        : reject(new Error(`${engine} run exited ${code}`)),
    );
  });
}

/** A scratch PostgreSQL database, or null when the server is not there. */
async function scratchDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> } | null> {
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  const name = `rec_ingest_big_${randomBytes(4).toString("hex")}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

function print(runs: Measured[], count: number, fileMb: number): void {
  console.log(`\n${count} shipments, ${fileMb} MB of CUSCAR\n`);
  console.log("| engine | shipments | seconds | shipments/s | peak RSS | peak heap |");
  console.log("|---|---|---|---|---|---|");
  for (const r of runs) {
    console.log(
      `| ${r.engine} | ${r.shipments} | ${r.seconds.toFixed(1)} | ${(r.shipments / r.seconds).toFixed(0)} | ${r.peakRssMb} MB | ${r.peakHeapMb} MB |`,
    );
  }
  for (const r of runs) {
    console.log(
      `\n${r.engine} memory by share of the file: ${r.curve.map((c) => `${c.at}% rss ${c.rssMb} heap ${c.heapMb}`).join(" · ")}`,
    );
  }
}

async function main(): Promise<void> {
  const count = Number(arg("--shipments") ?? 1_000_000);
  const childEngine = arg("--child");
  if (childEngine) {
    await child(childEngine, arg("--file") as string, JSON.parse(arg("--target") as string) as DatabaseTarget, count);
    return;
  }
  const only = arg("--only");
  const dir = mkdtempSync(path.join(tmpdir(), "reciprocity-ingest-big-"));
  try {
    const file = path.join(dir, "big.edi");
    const started = performance.now();
    await writeFile(file, count);
    const fileMb = mb(statSync(file).size);
    console.log(`wrote ${count} shipments (${fileMb} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const runs: Measured[] = [];
    if (only !== "pglite") {
      const scratch = await scratchDatabase(arg("--pg") ?? "postgres://postgres@127.0.0.1:5432/postgres");
      if (scratch) {
        try {
          runs.push(await runChild("postgres", file, { url: scratch.url }, count));
        } finally {
          await scratch.drop();
        }
      } else {
        console.log("PostgreSQL not reachable: skipped");
      }
    }
    if (only !== "pg") {
      runs.push(await runChild("pglite", file, { dataDir: path.join(dir, "data") }, count));
    }
    print(runs, count, fileMb);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
