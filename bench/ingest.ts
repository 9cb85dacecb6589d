// Ingest benchmark: N synthetic shipments written as a CUSCAR file and a CSV file (streamed to disk),
// ingested through ingestStream (COPY into the staging table, one INSERT … SELECT per table) into a
// scratch PostgreSQL database and into PGlite, against a plain COPY of the same rows into unindexed
// tables; RSS and retained heap at each quarter, and the CPU time each ingest took in this process
// and (when the server runs on this machine) in PostgreSQL, which a shared machine's load does not
// stretch as it stretches wall time. Ends with the goals: PostgreSQL ≥ 0.5× COPY,
// PGlite ≥ 5,000 shipments/s. scripts/ingest-big.ts runs one big file per engine in its own process.
//   node --import tsx bench/ingest.ts [--n N | --quick] [--seed S] [--pg postgres://admin@host/db] [--only pg|pglite] [--keep]
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  type WriteStream,
} from "node:fs";
import { tmpdir } from "node:os";
import readline from "node:readline";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import pg from "pg";
import { copyRows, copyText, openDatabase, type Database } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import type { Actor } from "../src/domain/actor.ts";
import { fixedClock } from "../src/domain/clock.ts";
import { ingestStream, type FileReport } from "../src/domain/ingest/pipeline.ts";
import { snapshotOf } from "../src/domain/ingest/store.ts";
import { syntheticShipments } from "../src/domain/ingest/synthetic.ts";
import { validateShipment } from "../src/domain/ingest/validate.ts";
import { serviceActor } from "../src/domain/service-accounts.ts";
import { formatCsvRecord } from "../src/trade/csv/csv-stream.ts";
import { writeManifestCsv } from "../src/trade/csv/write-manifest-csv.ts";
import { writeCuscar } from "../src/trade/edifact/write-cuscar.ts";
import type { ManifestShipment } from "../src/trade/records.ts";

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const N = Number(arg("--n") ?? (args.includes("--quick") ? 20_000 : 1_000_000));
const SEED = Number(arg("--seed") ?? 20021);
const PG_ADMIN = arg("--pg") ?? "postgres://postgres@127.0.0.1:5432/postgres";
const ONLY = arg("--only");
const KEEP = args.includes("--keep");
const BATCH = 1000;
const ANCHOR = new Date("2026-11-27T00:00:00Z");

// A collection before each memory mark, so heapUsed shows what is retained rather than garbage not yet swept.
v8.setFlagsFromString("--expose-gc");
const collect = vm.runInNewContext("gc") as () => void;

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Peak heap seen by a 100 ms sampler, alongside the kernel's peak RSS. */
let heapPeak = 0;
const sampler = setInterval(() => {
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
}, 100);

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) {
    await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
}

async function close(out: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

function* batches(prefix: string): Generator<ManifestShipment[]> {
  const all = syntheticShipments(N, { seed: SEED, prefix });
  let batch: ManifestShipment[] = [];
  for (const s of all) {
    batch.push(s);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) {
    yield batch;
  }
}

/** The CUSCAR file: one interchange per thousand shipments, 50 consignments a message. */
async function writeEdifactFile(file: string): Promise<void> {
  const out = createWriteStream(file);
  let i = 0;
  for (const batch of batches("E")) {
    i++;
    const text = writeCuscar(batch, {
      sender: "SYNTHCARRIER",
      recipient: "USCBP",
      interchangeRef: String(i),
      preparedAt: ANCHOR,
      messageRefPrefix: `M${i}-`,
      shipmentsPerMessage: 50,
    });
    await write(out, i === 1 ? text : text.slice(text.indexOf("\n") + 1));
  }
  await close(out);
}

/** The CSV file in the default layout (rows of a bill together). */
async function writeCsvFile(file: string): Promise<void> {
  const out = createWriteStream(file);
  let first = true;
  for (const batch of batches("C")) {
    const text = writeManifestCsv(batch);
    await write(out, first ? text : text.slice(text.indexOf("\n") + 1));
    first = false;
  }
  await close(out);
}

const COPY_TABLES = {
  shipment: [
    "id",
    "owner_agency_id",
    "bill_of_lading",
    "carrier_scac",
    "port_of_loading",
    "port_of_discharge",
    "shipper_name",
    "shipper_address",
    "shipper_country",
    "consignee_name",
    "consignee_address",
    "consignee_country",
    "etd",
    "filed_at",
    "last_message_ref",
    "search_text",
  ],
  shipment_goods: [
    "shipment_id",
    "line_no",
    "hs_code",
    "description",
    "packages",
    "package_type",
    "gross_weight_kg",
    "container_no",
  ],
  shipment_container: ["shipment_id", "container_no", "size_type", "seal_no", "is_full"],
  shipment_version: ["shipment_id", "version", "function", "message_ref", "snapshot", "diff", "recorded_at"],
  ingest_message: ["agency_id", "message_key", "content_sha256", "batch_id", "received_at"],
} as const;
type CopyTable = keyof typeof COPY_TABLES;
/** The agency and batch the COPY rows belong to. */
const COPY_AGENCY = "00000000-0000-4000-8000-000000000001";
const COPY_BATCH = "00000000-0000-4000-8000-000000000002";

/** CSV files of the rows an ingest of the EDIFACT shipments writes, for COPY. */
async function writeCopyFiles(dir: string): Promise<Record<CopyTable, string>> {
  const files = Object.fromEntries(Object.keys(COPY_TABLES).map((t) => [t, path.join(dir, `copy-${t}.csv`)])) as Record<
    CopyTable,
    string
  >;
  const outs = Object.fromEntries(Object.entries(files).map(([t, f]) => [t, createWriteStream(f)])) as Record<
    CopyTable,
    WriteStream
  >;
  const textOuts = Object.fromEntries(
    Object.entries(files).map(([t, f]) => [t, createWriteStream(textFileOf(f))]),
  ) as Record<CopyTable, WriteStream>;
  const agency = COPY_AGENCY;
  const batchId = COPY_BATCH;
  const now = ANCHOR.toISOString();
  let n = 0;
  for (const batch of batches("E")) {
    const lines: Record<CopyTable, string[]> = {
      shipment: [],
      shipment_goods: [],
      shipment_container: [],
      shipment_version: [],
      ingest_message: [],
    };
    const texts: Record<CopyTable, string[]> = {
      shipment: [],
      shipment_goods: [],
      shipment_container: [],
      shipment_version: [],
      ingest_message: [],
    };
    /** One row in CSV (for psql) and in COPY's text format (for the embedded engine); empty is null in both. */
    const add = (table: CopyTable, fields: string[]): void => {
      lines[table].push(formatCsvRecord(fields));
      texts[table].push(fields.map((f) => (f === "" ? "\\N" : copyText(f))).join("\t"));
    };
    for (const record of batch) {
      const checked = validateShipment(record, { format: "cuscar", fallbackRef: () => "" });
      if (!checked.ok) {
        continue;
      }
      const s = checked.value;
      const id = `00000000-0000-4000-9000-${String(++n).padStart(12, "0")}`;
      const search = [s.billOfLading, s.shipper.name, s.consignee.name, ...s.containers.map((c) => c.containerNo)]
        .join(" ")
        .toLowerCase();
      add("shipment", [
        id,
        agency,
        s.billOfLading,
        s.carrierScac,
        s.portOfLoading,
        s.portOfDischarge,
        s.shipper.name,
        s.shipper.address ?? "",
        s.shipper.country ?? "",
        s.consignee.name,
        s.consignee.address ?? "",
        s.consignee.country ?? "",
        s.etd ?? "",
        now,
        s.messageRef,
        search,
      ]);
      for (const g of s.goods) {
        add("shipment_goods", [
          id,
          String(g.lineNo),
          g.hsCode,
          g.description,
          String(g.packages ?? ""),
          g.packageType ?? "",
          String(g.grossWeightKg ?? ""),
          g.containerNo ?? "",
        ]);
      }
      for (const c of s.containers) {
        add("shipment_container", [id, c.containerNo, c.sizeType, c.sealNo ?? "", String(c.isFull)]);
      }
      add("shipment_version", [id, "1", s.function, s.messageRef, JSON.stringify(snapshotOf(s)), "[]", now]);
      add("ingest_message", [agency, s.messageKey, s.contentHash, batchId, now]);
    }
    for (const table of Object.keys(COPY_TABLES) as CopyTable[]) {
      await write(outs[table], `${lines[table].join("\n")}\n`);
      await write(textOuts[table], `${texts[table].join("\n")}\n`);
    }
  }
  for (const out of [...Object.values(outs), ...Object.values(textOuts)]) {
    await close(out);
  }
  return files;
}

/** The twin of a CSV file of writeCopyFiles in COPY's text format. */
const textFileOf = (csvFile: string): string => csvFile.replace(/\.csv$/, ".txt");

/** Seconds psql takes to `\copy` each file into an unindexed copy of its table. */
function copyWithPsql(url: string, files: Record<CopyTable, string>): Record<CopyTable, number> | null {
  if (spawnSync("psql", ["--version"]).status !== 0) {
    return null;
  }
  for (const table of Object.keys(COPY_TABLES)) {
    psql(url, `create table bench_${table} (like ${table} including defaults)`);
  }
  return copyEach(url, files, "bench_");
}

function psql(url: string, command: string): void {
  const run = spawnSync("psql", [url, "-v", "ON_ERROR_STOP=1", "-qc", command], { encoding: "utf8" });
  if (run.status !== 0) {
    throw new Error(run.stderr);
  }
}

/** Seconds psql takes to `\copy` each file into its table (named with `prefix`), in the order of their foreign keys. */
function copyEach(url: string, files: Record<CopyTable, string>, prefix: string): Record<CopyTable, number> {
  const times = {} as Record<CopyTable, number>;
  for (const [table, columns] of Object.entries(COPY_TABLES) as [CopyTable, readonly string[]][]) {
    const started = performance.now();
    psql(url, `\\copy ${prefix}${table} (${columns.join(", ")}) from '${files[table]}' with (format csv)`);
    times[table] = (performance.now() - started) / 1000;
  }
  return times;
}

/** What a `\copy` of every file took: seconds per table, and the server's CPU seconds when it runs here. */
interface CopyRun {
  times: Record<CopyTable, number>;
  serverCpu: number | null;
}

/** A freshly migrated database with the agency and batch the COPY rows name. */
async function prepareCopyTarget(database: Database): Promise<void> {
  await migrateToLatest(database.db);
  await database.db
    .insertInto("agency")
    .values({ id: COPY_AGENCY, code: "USCBP", name: "U.S. Customs and Border Protection", country: "US" })
    .execute();
  await database.db
    .insertInto("ingest_batch")
    .values({
      id: COPY_BATCH,
      agency_id: COPY_AGENCY,
      file_name: "copy",
      format: "cuscar",
      content_sha256: "0".repeat(64),
      size_bytes: 0,
      received_at: ANCHOR,
    })
    .execute();
}

/**
 * `\copy` of each file into the product's own tables, with their indexes, constraints and
 * triggers, in a freshly migrated scratch database, as the tables' owner: how much of an ingest's
 * time the schema that the read path needs costs by itself.
 */
async function copyIntoSchema(admin: pg.Client, files: Record<CopyTable, string>): Promise<CopyRun | null> {
  if (spawnSync("psql", ["--version"]).status !== 0) {
    return null;
  }
  const name = `reciprocity_bench_${randomBytes(4).toString("hex")}`;
  await admin.query(`create database ${name}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  try {
    const database = await openDatabase({ url: url.toString() });
    try {
      await prepareCopyTarget(database);
    } finally {
      await database.close();
    }
    const before = exitedBackendsCpuMs();
    const times = copyEach(url.toString(), files, "");
    const after = exitedBackendsCpuMs();
    return { times, serverCpu: before === null || after === null ? null : (after - before) / 1000 };
  } finally {
    if (!KEEP) {
      await dropWhenIdle(admin, name);
    }
  }
}

/**
 * CPU milliseconds of the server processes that have ended so far (the postmaster's children
 * reaped), when the server runs on this machine: each psql `\copy` has a server process of its
 * own that ends with it. Other users' sessions that end meanwhile count too.
 */
function exitedBackendsCpuMs(): number | null {
  const ps = spawnSync("ps", ["-C", "postgres", "-o", "pid=,ppid="], { encoding: "utf8" });
  if (ps.status !== 0) {
    return null;
  }
  const rows = ps.stdout
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const pids = new Set(rows.map(([pid]) => pid));
  const postmaster = rows.find(([, ppid]) => !pids.has(ppid))?.[0];
  try {
    // Fields after the command name: cutime and cstime (children waited for) are the 14th and 15th, in ticks.
    const fields = readFileSync(`/proc/${postmaster}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return null;
  }
}

interface Run {
  engine: string;
  file: string;
  seconds: number;
  report: FileReport;
  rss: string[];
  /** CPU seconds of this process (PGlite's thread included) during the ingest. */
  cpu: number;
  /** CPU seconds of the PostgreSQL server processes serving the ingest, when the server runs on this machine. */
  serverCpu: number | null;
  /**
   * The process's CPU seconds by thread, where /proc tells: the main thread, the threads that
   * ended during the ingest (the parse thread), and the others (PGlite's, the collector's helpers).
   */
  threads: { main: number; ended: number; other: number } | null;
}

/** CPU milliseconds of the whole process (ended threads included) and of each live thread, from /proc. */
function threadCpuMs(): { total: number; byThread: Map<string, number> } | null {
  const ticks = (file: string): number => {
    const fields = readFileSync(file, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  try {
    const byThread = new Map<string, number>();
    for (const tid of readdirSync("/proc/self/task")) {
      try {
        byThread.set(tid, ticks(`/proc/self/task/${tid}/stat`));
      } catch {
        // The thread ended meanwhile; the process's total counts it.
      }
    }
    return { total: ticks("/proc/self/stat"), byThread };
  } catch {
    return null;
  }
}

function threadSplit(before: ReturnType<typeof threadCpuMs>, after: ReturnType<typeof threadCpuMs>): Run["threads"] {
  if (!before || !after) {
    return null;
  }
  const main = String(process.pid);
  const mainMs = (after.byThread.get(main) ?? 0) - (before.byThread.get(main) ?? 0);
  let otherMs = 0;
  for (const [tid, ms] of after.byThread) {
    if (tid !== main) {
      otherMs += ms - (before.byThread.get(tid) ?? 0);
    }
  }
  const endedMs = after.total - before.total - mainMs - otherMs;
  return { main: mainMs / 1000, ended: Math.max(0, endedMs) / 1000, other: otherMs / 1000 };
}

/** CPU milliseconds so far of each server process connected to the database, read from /proc (null when the server is elsewhere). */
async function serverCpuMs(admin: pg.Client, database: string): Promise<Map<number, number> | null> {
  const { rows } = await admin.query<{ pid: number }>("select pid from pg_stat_activity where datname = $1", [
    database,
  ]);
  const ticks = new Map<number, number>();
  try {
    for (const { pid } of rows) {
      // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (10 ms).
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      ticks.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    }
  } catch {
    return null;
  }
  return ticks;
}

/** A meter of the server's CPU for one database: call it before, and call what it returns after. */
function serverMeter(admin: pg.Client, database: string): () => Promise<() => Promise<number | null>> {
  return async () => {
    const before = await serverCpuMs(admin, database);
    return async () => {
      const after = await serverCpuMs(admin, database);
      if (!before || !after) {
        return null;
      }
      let ms = 0;
      for (const [pid, t] of after) {
        ms += t - (before.get(pid) ?? 0);
      }
      return ms / 1000;
    };
  };
}

/** Ingests one file from disk, noting RSS and (retained, after a collection) heap at 25/50/75/100 % of the shipments. */
async function ingestOne(
  engine: string,
  db: Database,
  actor: Actor,
  file: string,
  meter?: () => Promise<() => Promise<number | null>>,
): Promise<Run> {
  const marks = [0.25, 0.5, 0.75, 1];
  const rss: string[] = [];
  const onProgress = (r: FileReport): void => {
    while (marks.length > 0 && r.shipments + r.quarantined >= (marks[0] as number) * N) {
      collect();
      const m = process.memoryUsage();
      rss.push(`${((marks.shift() as number) * 100).toFixed(0)}%: rss ${mb(m.rss)} heap ${mb(m.heapUsed)}`);
    }
  };
  const stopMeter = meter ? await meter() : null;
  const cpuBefore = process.cpuUsage();
  const threadsBefore = threadCpuMs();
  const started = performance.now();
  const report = await ingestStream(db.db, fixedClock(ANCHOR), actor, {
    fileName: path.basename(file),
    chunks: createReadStream(file, { highWaterMark: 256 * 1024 }),
    onProgress,
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpuBefore);
  const threads = threadSplit(threadsBefore, threadCpuMs());
  const cpu = (used.user + used.system) / 1e6;
  const serverCpu = stopMeter ? await stopMeter() : null;
  console.log(
    `  ${engine} ${path.basename(file)}: ${report.inserted} inserted, ${report.quarantined} quarantined, ${report.errorCount} errors in ${seconds.toFixed(1)} s = ${(report.inserted / seconds).toFixed(0)} shipments/s`,
  );
  console.log(
    `    CPU: this process ${cpu.toFixed(1)} s${threads ? ` (main thread ${threads.main.toFixed(1)} s, parse thread ${threads.ended.toFixed(1)} s, other threads ${threads.other.toFixed(1)} s)` : ""}${serverCpu === null ? "" : `, PostgreSQL ${serverCpu.toFixed(1)} s`}`,
  );
  console.log(`    ${rss.join(" · ")}`);
  return { engine, file: path.basename(file), seconds, report, rss, cpu, serverCpu, threads };
}

/** A migrated database with just the receiving agency and the feed's service account. */
async function prepare(database: Database): Promise<Actor> {
  await migrateToLatest(database.db);
  await database.db
    .insertInto("agency")
    .values({ code: "USCBP", name: "U.S. Customs and Border Protection", country: "US" })
    .execute();
  return serviceActor(database.db, "USCBP", "feed.bench");
}

async function onPostgres(
  files: string[],
  copyFiles: Record<CopyTable, string>,
): Promise<{ runs: Run[]; copy: CopyRun | null; schemaCopy: CopyRun | null }> {
  const name = `reciprocity_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  try {
    const actor = await prepare(database);
    const runs: Run[] = [];
    for (const file of files) {
      runs.push(await ingestOne("postgres", database, actor, file, serverMeter(admin, name)));
    }
    const before = exitedBackendsCpuMs();
    const times = copyWithPsql(url.toString(), copyFiles);
    const after = exitedBackendsCpuMs();
    const copy = times
      ? { times, serverCpu: before === null || after === null ? null : (after - before) / 1000 }
      : null;
    const schemaCopy = await copyIntoSchema(admin, copyFiles);
    for (const [what, run] of [
      ["unindexed tables", copy],
      ["the product's tables (indexes, triggers)", schemaCopy],
    ] as const) {
      console.log(
        `  postgres \\copy of the same rows into ${what}: ${
          run
            ? `${Object.entries(run.times)
                .map(([t, s]) => `${t} ${s.toFixed(1)} s`)
                .join(", ")}${run.serverCpu === null ? "" : `; server CPU ${run.serverCpu.toFixed(1)} s`}`
            : "psql not found"
        }`,
      );
    }
    return { runs, copy, schemaCopy };
  } finally {
    await database.close();
    if (!KEEP) {
      await dropWhenIdle(admin, name);
    }
    await admin.end();
  }
}

/** Drops the scratch database once the pool's last connection has gone (forcing it earlier kills a closing client). */
async function dropWhenIdle(admin: pg.Client, name: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const open = await admin.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where datname = $1",
      [name],
    );
    if (open.rows[0]?.n === 0) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await admin.query(`drop database if exists ${name} with (force)`);
}

async function onPglite(
  files: string[],
  copyFiles: Record<CopyTable, string>,
): Promise<{ runs: Run[]; schemaCopy: CopyRun }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "reciprocity-bench-pglite-"));
  const database = await openDatabase({ dataDir });
  try {
    const actor = await prepare(database);
    const runs: Run[] = [];
    for (const file of files) {
      runs.push(await ingestOne("pglite", database, actor, file));
    }
    return { runs, schemaCopy: await copyIntoPgliteSchema(copyFiles) };
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The embedded engine's twin of copyIntoSchema: the same rows COPYed into the product's own tables
 * on a fresh embedded folder, as the owner, 5,000 rows per COPY statement. The CPU is this process's
 * (the engine runs on one of its threads).
 */
async function copyIntoPgliteSchema(files: Record<CopyTable, string>): Promise<CopyRun> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "reciprocity-bench-pglite-copy-"));
  const database = await openDatabase({ dataDir });
  try {
    await prepareCopyTarget(database);
    const times = {} as Record<CopyTable, number>;
    const cpu0 = process.cpuUsage();
    for (const [table, columns] of Object.entries(COPY_TABLES) as [CopyTable, readonly string[]][]) {
      const started = performance.now();
      let rows: string[] = [];
      const flush = async (): Promise<void> => {
        await copyRows(database.db, table, columns, `${rows.join("\n")}\n`);
        rows = [];
      };
      for await (const line of readline.createInterface({ input: createReadStream(textFileOf(files[table])) })) {
        if (line.length > 0) {
          rows.push(line);
        }
        if (rows.length === 5_000) {
          await flush();
        }
      }
      if (rows.length > 0) {
        await flush();
      }
      times[table] = (performance.now() - started) / 1000;
    }
    const cpu = process.cpuUsage(cpu0);
    return { times, serverCpu: (cpu.user + cpu.system) / 1e6 };
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "reciprocity-bench-ingest-"));
  try {
    let started = performance.now();
    const edi = path.join(dir, "manifest.edi");
    const csv = path.join(dir, "manifest.csv");
    await writeEdifactFile(edi);
    await writeCsvFile(csv);
    const copyFiles = await writeCopyFiles(dir);
    console.log(
      `generated ${N} shipments: ${mb(statSync(edi).size)} EDIFACT, ${mb(statSync(csv).size)} CSV in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    started = performance.now();
    const runs: Run[] = [];
    let copy: CopyRun | null = null;
    let schemaCopy: CopyRun | null = null;
    let pgliteCopy: CopyRun | null = null;
    if (ONLY !== "pglite") {
      const pgResult = await onPostgres([edi, csv], copyFiles);
      runs.push(...pgResult.runs);
      copy = pgResult.copy;
      schemaCopy = pgResult.schemaCopy;
    }
    if (ONLY !== "pg") {
      const embedded = await onPglite([edi, csv], copyFiles);
      runs.push(...embedded.runs);
      pgliteCopy = embedded.schemaCopy;
    }
    printSummary(runs, copy, schemaCopy, pgliteCopy);
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  }
}

function printSummary(runs: Run[], copy: CopyRun | null, schemaCopy: CopyRun | null, pgliteCopy: CopyRun | null): void {
  console.log(
    `\n| engine | file | shipments | seconds | shipments/s | vs COPY unindexed | vs COPY into the schema | CPU ms per 1,000 (main thread + parse thread + other threads + server) |`,
  );
  console.log(`|---|---|---|---|---|---|---|---|`);
  const total = (run: CopyRun | null): number | null =>
    run ? Object.values(run.times).reduce((a, b) => a + b, 0) : null;
  const copyAll = total(copy);
  const schemaAll = total(schemaCopy);
  const pgliteAll = total(pgliteCopy);
  const copyData = copy ? copy.times.shipment + copy.times.shipment_goods + copy.times.shipment_container : null;
  for (const r of runs) {
    const ratio =
      r.engine === "postgres" && copyAll
        ? `${(copyAll / r.seconds).toFixed(2)}× (all 5 tables), ${((copyData ?? 0) / r.seconds).toFixed(2)}× (3 data tables)`
        : "";
    const schemaBase = r.engine === "postgres" ? schemaAll : pgliteAll;
    const schemaRatio = schemaBase ? `${(schemaBase / r.seconds).toFixed(2)}×` : "";
    const perThousand = (seconds: number): string => ((seconds * 1e6) / Math.max(1, r.report.inserted)).toFixed(0);
    const threads = r.threads
      ? `${perThousand(r.threads.main)} + ${perThousand(r.threads.ended)} + ${perThousand(r.threads.other)}`
      : perThousand(r.cpu);
    const cpu = `${threads}${r.serverCpu === null ? "" : ` + ${perThousand(r.serverCpu)}`}`;
    console.log(
      `| ${r.engine} | ${r.file} | ${r.report.inserted} | ${r.seconds.toFixed(1)} | ${(r.report.inserted / r.seconds).toFixed(0)} | ${ratio} | ${schemaRatio} | ${cpu} |`,
    );
  }
  for (const [what, run, all] of [
    ["unindexed tables", copy, copyAll],
    ["the product's own tables (indexes, constraints, triggers; fresh database, as owner)", schemaCopy, schemaAll],
  ] as const) {
    if (!run || all === null) {
      console.log(
        `\nno \\copy into ${what} (${ONLY === "pglite" ? "PostgreSQL not run: --only pglite" : "psql not found"})`,
      );
      continue;
    }
    const cpu = run.serverCpu === null ? "" : `; server CPU ${((run.serverCpu * 1e6) / N).toFixed(0)} ms per 1,000`;
    console.log(
      `\nplain \\copy (psql) of the same rows into ${what}: ${Object.entries(run.times)
        .map(([t, s]) => `${t} ${s.toFixed(1)} s`)
        .join(", ")}`,
    );
    console.log(`  = ${all.toFixed(1)} s for all five (${(N / all).toFixed(0)} shipments/s)${cpu}`);
  }
  if (pgliteCopy && pgliteAll !== null) {
    console.log(
      `\nCOPY on the embedded engine of the same rows into the product's own tables (fresh folder, as owner, 5,000 rows per statement): ${Object.entries(
        pgliteCopy.times,
      )
        .map(([t, s]) => `${t} ${s.toFixed(1)} s`)
        .join(", ")}`,
    );
    console.log(
      `  = ${pgliteAll.toFixed(1)} s for all five (${(N / pgliteAll).toFixed(0)} shipments/s); process CPU ${(((pgliteCopy.serverCpu ?? 0) * 1e6) / N).toFixed(0)} ms per 1,000`,
    );
  }
  if (copyAll !== null && schemaAll !== null) {
    console.log(
      `  the schema alone makes COPY ${(schemaAll / copyAll).toFixed(1)}× slower; the rest of an ingest's time is the pipeline's`,
    );
  }
  console.log(
    `peak RSS (process.resourceUsage().maxRSS) ${mb(process.resourceUsage().maxRSS * 1024)}, peak sampled heapUsed ${mb(heapPeak)}`,
  );
  printGoals(runs, copyAll, schemaAll, pgliteAll);
}

/** The goals of the ingest path: PostgreSQL at half the speed of a plain COPY, PGlite at 5,000 shipments/s. */
function printGoals(runs: Run[], copyAll: number | null, schemaAll: number | null, pgliteAll: number | null): void {
  console.log("\n| goal | measured | met |");
  console.log("|---|---|---|");
  for (const r of runs) {
    const perSecond = r.report.inserted / r.seconds;
    if (r.engine === "postgres" && copyAll) {
      const ratio = copyAll / r.seconds;
      console.log(
        `| PostgreSQL ${r.file} ≥ 0.5× COPY | ${perSecond.toFixed(0)} shipments/s vs COPY ${(N / copyAll).toFixed(0)}/s = ${ratio.toFixed(2)}× | ${ratio >= 0.5 ? "yes" : "no"} |`,
      );
    }
    if (r.engine === "postgres" && schemaAll) {
      const ratio = schemaAll / r.seconds;
      console.log(
        `| PostgreSQL ${r.file} ≥ 0.5× COPY into the product's tables | ${perSecond.toFixed(0)} shipments/s vs ${(N / schemaAll).toFixed(0)}/s = ${ratio.toFixed(2)}× | ${ratio >= 0.5 ? "yes" : "no"} |`,
      );
    }
    if (r.engine === "pglite") {
      console.log(
        `| PGlite ${r.file} ≥ 5,000 shipments/s | ${perSecond.toFixed(0)} shipments/s${pgliteAll ? ` (COPY into the product's tables on this engine: ${(N / pgliteAll).toFixed(0)}/s)` : ""} | ${perSecond >= 5000 ? "yes" : "no"} |`,
      );
    }
  }
}

await main();
