// API benchmark: the work list under load, and live updates with many open streams, against real
// `reciprocity serve` processes. Prints one table per server set-up, with the goals beside the
// figures:
//   - GET /api/shipments?limit=50 as the host's and the partner's targeter, sorted by ETD and by
//     score (descending), with and without a text filter: p50, p99 and requests/s; GET /api/health
//     under the same load is the floor (what the framework and the load generator cost alone);
//   - the first and the last page of every sort, one request at a time: a page deep in the list
//     should cost what the first does;
//   - PostgreSQL (--database-url, a database filled by scripts/load-scale.ts): 50 connections, with
//     `serve --workers 1` and `--workers 2` and the ratio of their requests/s;
//   - PGlite: `serve --demo` on a fresh data folder, 10 connections;
//   - live updates: 500 open GET /api/events streams; the server's CPU while nothing happens, and
//     the delay from a change made through the API to its event on every stream.
//
//   node --import tsx bench/api.ts [--quick] [--database-url URL] [--password P] [--q WORD]
//        [--no-pglite] [--no-events] [--streams 500] [--changes 20]
//
// Without --database-url only the PGlite part runs (with --quick: about 4 minutes).
// The PostgreSQL part expects the demo accounts' password in --password or RECIPROCITY_DEMO_PASSWORD.
// The load generator (autocannon) runs in this process, on the same cores as the server.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { openDatabase, type DatabaseTarget } from "../src/db/database.ts";
import { hashPassword } from "../src/domain/auth.ts";
import { SHIPMENT_SORTS } from "../src/domain/vocabulary.ts";

const REPO = path.resolve(import.meta.dirname, "..");
const CLI = path.join(REPO, "bin/reciprocity.js");

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    "database-url": { type: "string" },
    password: { type: "string" },
    q: { type: "string", default: "almond" },
    "no-pglite": { type: "boolean", default: false },
    "no-events": { type: "boolean", default: false },
    streams: { type: "string", default: "500" },
    changes: { type: "string", default: "20" },
  },
});
const QUICK = flags.quick ?? false;
const CELL_SECONDS = QUICK ? 3 : 10;
const IDLE_SECONDS = 10;
const STREAMS = Number(flags.streams);
const CHANGES = Number(flags.changes);
const WORD = flags.q ?? "almond";
/** Open event streams one user may hold per server process (src/server/routes/events.ts). */
const STREAMS_PER_USER = 20;

const GOALS = { listP99Ms: 50, workerRatio: 1.7, idleCpuPct: 5, eventP99Ms: 200 };

// ---------------------------------------------------------------------------------------------
// autocannon (no type declarations ship with it; this is the part used here)

interface CannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
  latency: { p50: number; p99: number; totalCount: number };
}
type Cannon = (options: {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  headers?: Record<string, string>;
  timeout?: number;
}) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Cannon;

interface Cell {
  /** Median of a few requests sent one at a time before the load: the request's own cost. */
  alone: number;
  p50: number;
  p99: number;
  rps: number;
  failed: number;
  /** CPU milliseconds per answered request during the measured run: the server's processes, the
   * database's backends (PostgreSQL; null on the embedded engine, which runs inside the server),
   * and this process (the load generator). Unlike latency, a busy machine does not inflate these. */
  cpu?: { server: number; db: number | null; generator: number };
  /** Why the load was not run (a single request already takes too long). */
  skipped?: string;
}

/** Where the CPU of a cell is read: the server's process tree and the database backends serving it. */
interface CpuMeter {
  serverPid: number;
  backends(): Promise<number[]>;
}

/** A request slower than this alone is not put under load: 50 connections would only queue behind it. */
const SLOW_ALONE_MS = 5000;

async function timed(url: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(120_000) });
  await res.arrayBuffer();
  if (res.status !== 200) {
    throw new Error(`${url}: ${res.status}`);
  }
  return performance.now() - started;
}

/**
 * Requests keep running on the server after autocannon's clients have gone: waits until one
 * request answers about as fast as it did alone, so that the next measurement starts on a server
 * that has drained (at most two minutes).
 */
async function drain(url: string, headers: Record<string, string>, aloneMs: number): Promise<void> {
  const until = performance.now() + 120_000;
  while (performance.now() < until && (await timed(url, headers)) > Math.max(3 * aloneMs, aloneMs + 100)) {
    await sleep(200);
  }
}

async function load(
  url: string,
  connections: number,
  seconds: number,
  headers: Record<string, string> = {},
  meter?: CpuMeter,
): Promise<Cell> {
  // The first request warms plans and caches and is not counted; then a few alone.
  const alone: number[] = [];
  for (let i = 0; i < 4; i++) {
    const ms = await timed(url, headers);
    if (i > 0 || ms > SLOW_ALONE_MS) {
      alone.push(ms);
    }
    if (ms > SLOW_ALONE_MS) {
      break;
    }
  }
  const aloneMs = percentile(
    alone.sort((a, b) => a - b),
    50,
  );
  if (aloneMs > SLOW_ALONE_MS) {
    return {
      alone: aloneMs,
      p50: Number.NaN,
      p99: Number.NaN,
      rps: Number.NaN,
      failed: 0,
      skipped: `one request alone takes ${(aloneMs / 1000).toFixed(1)} s`,
    };
  }
  // A short warm-up at full concurrency, then the measured run, each followed by a drain.
  await autocannon({ url, connections, duration: QUICK ? 1 : 2, headers, timeout: 30 });
  await drain(url, headers, aloneMs);
  const backends = meter ? await meter.backends() : [];
  const server0 = meter ? treeTicks(meter.serverPid) : 0;
  const db0 = pidsTicks(backends);
  const generator0 = process.cpuUsage();
  const r = await autocannon({ url, connections, duration: seconds, headers, timeout: 30 });
  const generator = process.cpuUsage(generator0);
  const perRequest = (ticks: number): number => ((ticks / TICKS) * 1000) / Math.max(1, r["2xx"]);
  const cpu = meter
    ? {
        server: perRequest(treeTicks(meter.serverPid) - server0),
        // Backends a pool opened during the run count from zero; one that closed during it is missed.
        db: backends.length > 0 ? perRequest(ticksSince(db0, pidsTicks(await meter.backends()))) : null,
        generator: (generator.user + generator.system) / 1000 / Math.max(1, r["2xx"]),
      }
    : undefined;
  await drain(url, headers, aloneMs);
  return {
    alone: aloneMs,
    p50: r.latency.p50,
    p99: r.latency.p99,
    rps: r["2xx"] / r.duration,
    failed: r.non2xx + r.errors + r.timeouts,
    cpu,
  };
}

// ---------------------------------------------------------------------------------------------
// Server processes

interface Server {
  label: string;
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Starts `reciprocity serve --port P …args` and waits until /api/health answers; `refused` says why when it exits first. */
async function startServer(
  label: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 600_000,
): Promise<Server | { refused: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, "serve", "--port", String(port), ...args], {
    cwd: REPO,
    env: { ...process.env, HOST: "127.0.0.1", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => child.once("exit", (code) => ((exitCode = code), resolve())));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined) {
      return { refused: `exited ${exitCode}: ${output.trim().split("\n").slice(-3).join(" | ")}` };
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      return { refused: `no answer within ${timeoutMs / 1000} s` };
    }
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) {
        break;
      }
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  return {
    label,
    url,
    child,
    output: () => output,
    stop: async () => {
      if (exitCode === undefined) {
        child.kill("SIGTERM");
        const forced = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(forced);
      }
    },
  };
}

/** Logs in; waits out the login throttle (429 with Retry-After) if it steps in. */
async function login(url: string, username: string, password: string): Promise<string> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const res = await fetch(`${url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    if (res.status === 429) {
      await sleep(Number(res.headers.get("retry-after") ?? "1") * 1000 + 100);
      continue;
    }
    if (res.status !== 200) {
      throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
    }
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("reciprocity_session="));
    if (!cookie) {
      throw new Error(`login ${username}: no session cookie`);
    }
    return cookie.split(";")[0] as string;
  }
  throw new Error(`login ${username}: throttled ten times`);
}

// ---------------------------------------------------------------------------------------------
// CPU of a process tree and of database backends (Linux /proc)

const TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

function stat(pid: number): { ppid: number; ticks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at ") ".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** CPU ticks used so far by `root` and every process below it. */
function treeTicks(root: number): number {
  const all = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  const stats = new Map(all.map((pid) => [pid, stat(pid)] as const));
  const inTree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, s] of stats) {
      if (s && !inTree.has(pid) && inTree.has(s.ppid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  return [...inTree].reduce((sum, pid) => sum + (stats.get(pid)?.ticks ?? 0), 0);
}

/** CPU ticks of each of the processes now (those that have ended are left out). */
function pidsTicks(pids: number[]): Map<number, number> {
  return new Map(
    pids.flatMap((pid) => {
      const s = stat(pid);
      return s ? [[pid, s.ticks] as const] : [];
    }),
  );
}

/** Ticks used between two samples by the processes present in both. */
function ticksBetween(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ticks] of after) {
    const was = before.get(pid);
    if (was !== undefined) {
      sum += ticks - was;
    }
  }
  return sum;
}

/** Ticks used since `before` by the processes present now; one absent from `before` began since. */
function ticksSince(before: Map<number, number>, now: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ticks] of now) {
    sum += ticks - (before.get(pid) ?? 0);
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------
// The list matrix

interface Row {
  label: string;
  cell: Cell;
}

async function listMatrix(
  server: Server,
  cookies: { host: string; partner: string },
  connections: number,
  backends: () => Promise<number[]> = async () => [],
): Promise<Row[]> {
  const meter: CpuMeter = { serverPid: server.child.pid as number, backends };
  const rows: Row[] = [];
  for (const who of ["host", "partner"] as const) {
    for (const sort of ["etd", "score"] as const) {
      for (const q of [null, WORD]) {
        const query = `limit=50&sort=${sort}&order=desc${q ? `&q=${encodeURIComponent(q)}` : ""}`;
        const cell = await load(
          `${server.url}/api/shipments?${query}`,
          connections,
          CELL_SECONDS,
          { cookie: cookies[who] },
          meter,
        );
        const label = `${who.padEnd(7)} ${sort.padEnd(5)} ${q ? `q=${q}` : "-"}`;
        rows.push({ label, cell });
        process.stderr.write(
          `  ${server.label}: ${label}  ${cell.skipped ?? `p99 ${cell.p99} ms, ${cell.rps.toFixed(0)} req/s`}\n`,
        );
      }
    }
  }
  rows.push({
    label: "floor: GET /api/health",
    cell: await load(`${server.url}/api/health`, connections, CELL_SECONDS, {}, meter),
  });
  return rows;
}

/** Requests sent one at a time for each page of the deep-page table. */
const DEEP_REPEATS = QUICK ? 5 : 15;

interface DeepRow {
  label: string;
  first: number;
  last: number | null;
  /** Why the last page was not measured (a list too short to have one). */
  note?: string;
}

/** Median of `n` requests sent one at a time, after one that warms plans and caches. */
async function aloneMedian(url: string, headers: Record<string, string>, n: number): Promise<number> {
  await timed(url, headers);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    times.push(await timed(url, headers));
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

/**
 * The first page and the last page of the list, one request at a time, for every sort the API
 * offers. A keyset page should cost the same wherever its cursor is; a cursor the planner cannot
 * use as an index condition reads the list from the top down to its place, which first pages never
 * show. The last page's cursor is the one after the 60th row of the ascending order: the page
 * descending from it holds the list's last rows.
 */
async function deepPages(server: Server, cookies: { host: string; partner: string }): Promise<DeepRow[]> {
  const rows: DeepRow[] = [];
  for (const who of ["host", "partner"] as const) {
    const headers = { cookie: cookies[who] };
    for (const sort of SHIPMENT_SORTS) {
      for (const q of [null, WORD]) {
        const filter = q ? `&q=${encodeURIComponent(q)}` : "";
        const label = `${who.padEnd(7)} ${sort.padEnd(17)} ${q ? `q=${q}` : "-"}`;
        const page = `${server.url}/api/shipments?limit=50&sort=${sort}${filter}`;
        const first = await aloneMedian(`${page}&order=desc`, headers, DEEP_REPEATS);
        const res = await fetch(`${server.url}/api/shipments?limit=60&sort=${sort}&order=asc${filter}`, { headers });
        const body = (await res.json()) as { items: unknown[]; nextCursor: string | null };
        if (res.status !== 200 || !body.nextCursor) {
          rows.push({ label, first, last: null, note: `the list has ${body.items?.length ?? 0} rows: no last page` });
          continue;
        }
        const lastUrl = `${page}&order=desc&cursor=${encodeURIComponent(body.nextCursor)}`;
        const check = await fetch(lastUrl, { headers });
        const lastPage = (await check.json()) as { items: unknown[] };
        if (check.status !== 200 || lastPage.items.length === 0) {
          throw new Error(`${label}: the last page answered ${check.status} with ${lastPage.items?.length} rows`);
        }
        rows.push({ label, first, last: await aloneMedian(lastUrl, headers, DEEP_REPEATS) });
        process.stderr.write(
          `  ${server.label}: deep ${label}  first ${first.toFixed(1)} ms, last ${rows.at(-1)?.last?.toFixed(1)} ms\n`,
        );
      }
    }
  }
  return rows;
}

function printDeep(title: string, rows: DeepRow[]): void {
  console.log(`\n${title}`);
  console.log(
    `  ${"who     sort              filter".padEnd(36)} ${"first page ms".padStart(13)} ${"last page ms".padStart(12)} ${"last / first".padStart(12)}   last ≤ 2× first + 5 ms   both < ${GOALS.listP99Ms} ms alone`,
  );
  const fast = (ms: number) => (ms < GOALS.listP99Ms ? "yes" : "NO");
  for (const row of rows) {
    if (row.last === null) {
      console.log(
        `  ${row.label.padEnd(36)} ${fmt(row.first, 1).padStart(13)}   ${row.note ?? ""}   first page < ${GOALS.listP99Ms} ms alone: ${fast(row.first)}`,
      );
      continue;
    }
    const deep = row.last <= 2 * row.first + 5 ? "yes" : "NO";
    console.log(
      `  ${row.label.padEnd(36)} ${fmt(row.first, 1).padStart(13)} ${fmt(row.last, 1).padStart(12)} ${`${fmt(row.last / row.first, 2)}×`.padStart(12)}   ${deep.padEnd(22)}   ${fast(Math.max(row.first, row.last))}`,
    );
  }
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : "—");

function printMatrix(title: string, rows: Row[], connections: number): void {
  console.log(`\n${title}`);
  console.log(
    `  ${"who     sort  filter".padEnd(28)} ${"alone ms".padStart(8)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"req/s".padStart(8)} ${"failed".padStart(7)} ${"CPU ms/req: server".padStart(18)} ${"db".padStart(5)} ${"load gen".padStart(8)}   goal p99 < ${GOALS.listP99Ms} ms`,
  );
  for (const { label, cell } of rows) {
    const isFloor = label.startsWith("floor");
    const verdict = isFloor ? "" : cell.p99 < GOALS.listP99Ms && cell.failed === 0 ? "met" : "NOT met";
    if (cell.skipped) {
      console.log(`  ${label.padEnd(28)} ${fmt(cell.alone, 1).padStart(8)}   no load: ${cell.skipped}   NOT met`);
      continue;
    }
    console.log(
      `  ${label.padEnd(28)} ${fmt(cell.alone, 1).padStart(8)} ${fmt(cell.p50).padStart(7)} ${fmt(cell.p99).padStart(7)} ${fmt(cell.rps).padStart(8)} ${String(cell.failed).padStart(7)} ${fmt(cell.cpu?.server ?? Number.NaN, 2).padStart(18)} ${fmt(cell.cpu?.db ?? Number.NaN, 2).padStart(5)} ${fmt(cell.cpu?.generator ?? Number.NaN, 2).padStart(8)}   ${verdict}`,
    );
  }
  // Little's law: with `connections` users always waiting on an answer, a p99 under the goal needs at
  // least connections / goal requests per second; the CPU a request costs says how many cores that takes.
  const needed = connections / (GOALS.listP99Ms / 1000);
  const lists = rows.filter((r) => !r.label.startsWith("floor") && r.cell.cpu && !r.cell.skipped);
  if (lists.length > 0) {
    const costs = lists.map((r) => {
      const c = r.cell.cpu as NonNullable<Cell["cpu"]>;
      return c.server + (c.db ?? 0);
    });
    const [least, most] = [Math.min(...costs), Math.max(...costs)];
    console.log(
      `  ${connections} users waiting with p99 < ${GOALS.listP99Ms} ms need ≥ ${fmt(needed)} req/s (Little's law); at ${fmt(least, 1)}–${fmt(most, 1)} CPU ms per page (server + database, without the load generator) that is ${fmt((needed * least) / 1000, 1)}–${fmt((needed * most) / 1000, 1)} busy cores; this machine has ${os.cpus().length}.`,
    );
  }
}

function printRatio(one: Row[], two: Row[]): void {
  console.log(`\nPostgreSQL, serve --workers 2 against --workers 1 (requests/s)   goal ≥ ${GOALS.workerRatio}×`);
  console.log(
    `  ${"who     sort  filter".padEnd(28)} ${"1 worker".padStart(9)} ${"2 workers".padStart(10)} ${"ratio".padStart(7)} ${"p99 ms (2)".padStart(11)}`,
  );
  for (const [i, row] of one.entries()) {
    const other = two[i];
    if (!other) {
      continue;
    }
    if (row.cell.skipped || other.cell.skipped) {
      console.log(`  ${row.label.padEnd(28)} no load: ${row.cell.skipped ?? other.cell.skipped ?? ""}`);
      continue;
    }
    const ratio = other.cell.rps / row.cell.rps;
    const verdict = row.label.startsWith("floor") ? "" : ratio >= GOALS.workerRatio ? "met" : "NOT met";
    console.log(
      `  ${row.label.padEnd(28)} ${fmt(row.cell.rps).padStart(9)} ${fmt(other.cell.rps).padStart(10)} ${`${fmt(ratio, 2)}×`.padStart(7)} ${fmt(other.cell.p99).padStart(11)}   ${verdict}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Live updates

/** Accounts that hold the streams: enough of them for the per-user cap, in the host agency. */
async function ensureStreamUsers(target: DatabaseTarget, password: string, count: number): Promise<string[]> {
  const database = await openDatabase(target);
  try {
    const agency = await database.db
      .selectFrom("agency")
      .select("id")
      .where("code", "=", "USCBP")
      .executeTakeFirstOrThrow();
    const hash = await hashPassword(password);
    const names = Array.from({ length: count }, (_, i) => `bench.stream.${String(i + 1).padStart(2, "0")}`);
    // Demo accounts (is_demo): active only while a server runs with --demo, like the rest of the demo.
    await database.db
      .insertInto("app_user")
      .values(
        names.map((username, i) => ({
          agency_id: agency.id,
          username,
          display_name: `Benchmark stream reader ${i + 1}`,
          password_hash: hash,
          roles: ["auditor"],
          is_demo: true,
        })),
      )
      .onConflict((oc) => oc.column("username").doUpdateSet({ password_hash: hash, is_active: true }))
      .execute();
    return names;
  } finally {
    await database.close();
  }
}

interface Stream {
  request: http.ClientRequest;
  seen: Map<string, number>;
}

function openStream(url: string, cookie: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const seen = new Map<string, number>();
    const request = http.get(
      `${url}/api/events`,
      { headers: { cookie, accept: "text/event-stream" }, agent: false },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`events: ${res.statusCode}`));
          return;
        }
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          const at = performance.now();
          buffer += chunk;
          let end = buffer.indexOf("\n\n");
          while (end >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (data && /^event: change$/m.test(frame)) {
              const change = JSON.parse(data) as { entityId?: string | null; seq: string };
              seen.set(change.entityId ?? change.seq, at);
            }
            end = buffer.indexOf("\n\n");
          }
        });
        resolve({ request, seen });
      },
    );
    request.on("error", reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);
}

interface EventFigures {
  streams: number;
  refused: number;
  idleCpuPct: number;
  dbIdleCpuPct: number | null;
  delays: number[];
  lost: number;
  writeMs: number[];
}

async function liveUpdates(
  server: Server,
  users: string[],
  password: string,
  writer: string,
  dbBackends: () => Promise<number[]>,
): Promise<EventFigures> {
  const cookies: string[] = [];
  for (const user of users) {
    cookies.push(await login(server.url, user, password));
  }
  const streams: Stream[] = [];
  let refused = 0;
  for (let i = 0; i < STREAMS; i++) {
    const cookie = cookies[i % cookies.length] as string;
    try {
      streams.push(await openStream(server.url, cookie));
    } catch {
      refused++;
    }
  }
  process.stderr.write(
    `  ${server.label}: ${streams.length} streams open (${refused} refused); idle for ${IDLE_SECONDS} s\n`,
  );
  await sleep(2000);
  const pid = server.child.pid as number;
  const backends = await dbBackends();
  const cpu0 = treeTicks(pid);
  const db0 = pidsTicks(backends);
  const t0 = performance.now();
  await sleep(IDLE_SECONDS * 1000);
  const seconds = (performance.now() - t0) / 1000;
  const idleCpuPct = ((treeTicks(pid) - cpu0) / TICKS / seconds) * 100;
  const dbIdleCpuPct = backends.length > 0 ? (ticksBetween(db0, pidsTicks(backends)) / TICKS / seconds) * 100 : null;
  // The change: a draft rule set saved by the host's targeter (a cheap write with an audit event
  // for the host agency, whose accounts hold the streams).
  const writerCookie = await login(server.url, writer, password);
  const sets = (await (await fetch(`${server.url}/api/rule-sets`, { headers: { cookie: writerCookie } })).json()) as {
    status: string;
    definition: unknown;
  }[];
  const definition = sets.find((s) => s.status === "active")?.definition ?? sets[0]?.definition;
  const delays: number[] = [];
  const writeMs: number[] = [];
  let lost = 0;
  for (let i = 0; i < CHANGES; i++) {
    const sent = performance.now();
    const res = await fetch(`${server.url}/api/rule-sets`, {
      method: "POST",
      headers: { cookie: writerCookie, "content-type": "application/json" },
      body: JSON.stringify({ name: `Benchmark draft ${new Date().toISOString()} #${i + 1}`, definition }),
    });
    writeMs.push(performance.now() - sent);
    if (res.status !== 201) {
      throw new Error(`the change was refused: ${res.status} ${await res.text()}`);
    }
    const { id } = (await res.json()) as { id: string };
    const until = performance.now() + 5000;
    while (performance.now() < until && streams.some((s) => !s.seen.has(id))) {
      await sleep(5);
    }
    for (const s of streams) {
      const at = s.seen.get(id);
      if (at === undefined) {
        lost++;
      } else {
        delays.push(at - sent);
      }
    }
    await sleep(200);
  }
  for (const s of streams) {
    s.request.destroy();
  }
  return {
    streams: streams.length,
    refused,
    idleCpuPct,
    dbIdleCpuPct,
    delays: delays.sort((a, b) => a - b),
    lost,
    writeMs: writeMs.sort((a, b) => a - b),
  };
}

function printEvents(title: string, f: EventFigures): void {
  const p50 = percentile(f.delays, 50);
  const p99 = percentile(f.delays, 99);
  console.log(`\n${title}`);
  console.log(
    `  open streams                       ${f.streams} of ${STREAMS}${f.refused ? ` (${f.refused} refused)` : ""}`,
  );
  console.log(
    `  server CPU while idle, ${IDLE_SECONDS} s          ${fmt(f.idleCpuPct, 1)} % of one core   goal < ${GOALS.idleCpuPct} %: ${f.idleCpuPct < GOALS.idleCpuPct ? "met" : "NOT met"}`,
  );
  if (f.dbIdleCpuPct !== null) {
    console.log(`  database backends' CPU while idle  ${fmt(f.dbIdleCpuPct, 1)} % of one core`);
  }
  console.log(
    `  change → event on every stream     p50 ${fmt(p50)} ms, p99 ${fmt(p99)} ms over ${CHANGES} changes × ${f.streams} streams${f.lost ? `, ${f.lost} never arrived (5 s)` : ""}   goal p99 < ${GOALS.eventP99Ms} ms: ${p99 < GOALS.eventP99Ms && f.lost === 0 ? "met" : "NOT met"}`,
  );
  console.log(`  the write itself (POST /api/rule-sets) p50 ${fmt(percentile(f.writeMs, 50))} ms`);
}

// ---------------------------------------------------------------------------------------------
// The runs

const streamUsers = Math.ceil(STREAMS / STREAMS_PER_USER);

async function pglitePart(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "reciprocity-bench-api-"));
  const password = randomBytes(12).toString("base64url");
  const env = { DATABASE_URL: "", RECIPROCITY_DEMO_PASSWORD: password };
  const args = ["--demo", "--data-dir", path.join(dir, "data")];
  try {
    const started = performance.now();
    const server = await startServer("PGlite", args, env);
    if ("refused" in server) {
      console.log(`\nPGlite demo world: the server did not start (${server.refused})`);
      return;
    }
    const firstStart = (performance.now() - started) / 1000;
    const shipments = /Demo world (?:created|loaded): (\d+) shipments/.exec(server.output())?.[1] ?? "?";
    try {
      const cookies = {
        host: await login(server.url, "host.targeter", password),
        partner: await login(server.url, "partner.targeter", password),
      };
      const rows = await listMatrix(server, cookies, 10);
      printMatrix(
        `PGlite demo world (${shipments} shipments; serve --demo on a fresh data folder, first start ${firstStart.toFixed(1)} s), 10 connections, ${CELL_SECONDS} s per cell`,
        rows,
        10,
      );
      printDeep(
        `PGlite demo world: first and last pages, one request at a time (median of ${DEEP_REPEATS})`,
        await deepPages(server, cookies),
      );
    } finally {
      await server.stop();
    }
    if (flags["no-events"]) {
      return;
    }
    // The embedded database belongs to one process: the stream accounts are added between two starts.
    const users = await ensureStreamUsers({ dataDir: path.join(dir, "data") }, password, streamUsers);
    const again = await startServer("PGlite", args, env);
    if ("refused" in again) {
      console.log(`\nPGlite live updates: the server did not restart (${again.refused})`);
      return;
    }
    try {
      printEvents(
        `PGlite live updates: ${STREAMS} open GET /api/events streams (${users.length} accounts)`,
        await liveUpdates(again, users, password, "host.targeter", async () => []),
      );
    } finally {
      await again.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresPart(url: string): Promise<void> {
  const password = flags.password ?? process.env.RECIPROCITY_DEMO_PASSWORD;
  if (!password) {
    console.log(
      "\nPostgreSQL: skipped — give the demo accounts' password with --password or RECIPROCITY_DEMO_PASSWORD (the one load-scale created them with)",
    );
    return;
  }
  const database = await openDatabase({ url });
  const dbName = new URL(url).pathname.slice(1);
  let shipments = 0;
  try {
    const row = await sql<{ n: number }>`select count(*)::int as n from shipment`.execute(database.db);
    shipments = row.rows[0]?.n ?? 0;
  } finally {
    await database.close();
  }
  const users = flags["no-events"] ? [] : await ensureStreamUsers({ url }, password, streamUsers);
  const backendsOf = async (): Promise<number[]> => {
    const db = await openDatabase({ url });
    try {
      const rows = await sql<{
        pid: number;
      }>`select pid from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`.execute(db.db);
      return rows.rows.map((r) => r.pid);
    } finally {
      await db.close();
    }
  };
  const env = { DATABASE_URL: url, RECIPROCITY_DEMO_PASSWORD: password };
  const runs: { workers: number; rows: Row[] | null; note: string }[] = [];
  for (const workers of [1, 2]) {
    const label = `PostgreSQL --workers ${workers}`;
    const server = await startServer(label, ["--demo", "--workers", String(workers)], env);
    if ("refused" in server) {
      runs.push({
        workers,
        rows: null,
        note: `unavailable: the server refused \`serve --workers ${workers}\` (${server.refused})`,
      });
      continue;
    }
    try {
      const cookies = {
        host: await login(server.url, "host.targeter", password),
        partner: await login(server.url, "partner.targeter", password),
      };
      const rows = await listMatrix(server, cookies, 50, backendsOf);
      runs.push({ workers, rows, note: "" });
      printMatrix(
        `PostgreSQL (${shipments.toLocaleString("en-US")} shipments), serve --workers ${workers}, 50 connections, ${CELL_SECONDS} s per cell`,
        rows,
        50,
      );
      if (workers === 1) {
        printDeep(
          `PostgreSQL (${shipments.toLocaleString("en-US")} shipments): first and last pages, one request at a time (median of ${DEEP_REPEATS})`,
          await deepPages(server, cookies),
        );
      }
      if (!flags["no-events"]) {
        printEvents(
          `PostgreSQL live updates, serve --workers ${workers}: ${STREAMS} open GET /api/events streams (${users.length} accounts)`,
          await liveUpdates(server, users, password, "host.targeter", backendsOf),
        );
      }
    } finally {
      await server.stop();
    }
  }
  const [one, two] = runs;
  if (one?.rows && two?.rows) {
    printRatio(one.rows, two.rows);
  } else {
    for (const run of runs.filter((r) => r.rows === null)) {
      console.log(`\nPostgreSQL, serve --workers ${run.workers}: ${run.note}`);
    }
    if (!one?.rows || !two?.rows) {
      console.log("PostgreSQL, --workers 2 against --workers 1: row unavailable");
    }
  }
}

const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
console.log(
  `API benchmark${QUICK ? " (--quick)" : ""}: GET /api/shipments?limit=50&order=desc, ${CELL_SECONDS} s per cell, text filter q=${WORD}; ${os.cpus().length} cores, Node ${process.version}; load average ${loadAverage()}.\n` +
    `Goals: list p99 < ${GOALS.listP99Ms} ms; --workers 2 ≥ ${GOALS.workerRatio}× the requests/s of 1; server CPU < ${GOALS.idleCpuPct} % of a core with ${STREAMS} idle streams; change → event p99 < ${GOALS.eventP99Ms} ms.`,
);
const databaseUrl = flags["database-url"];
if (databaseUrl) {
  await postgresPart(databaseUrl);
} else {
  console.log("\nPostgreSQL: skipped (pass --database-url of a database filled by scripts/load-scale.ts)");
}
if (!flags["no-pglite"]) {
  await pglitePart();
}
console.log(
  `\nLoad average at the end: ${loadAverage()} (other work on the machine shares its cores with the server, the database and the load generator).`,
);
