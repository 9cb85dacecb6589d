import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { DB } from "../../src/db/schema.ts";
import { hashPassword } from "../../src/domain/auth.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { ACCEPTED_MEDIA_TYPES } from "../../src/domain/files.ts";
import { sfc32, splitmix32 } from "../../src/domain/demo/random.ts";
import { syntheticShipments } from "../../src/domain/ingest/synthetic.ts";
import { synthesizeHandheldN42 } from "../../src/radiation/synthetic/index.ts";
import { buildApp, type RouteEntry } from "../../src/server/app.ts";
import { writeCuscar } from "../../src/trade/edifact/write-cuscar.ts";
import { TEST_ANCHOR, TEST_PASSWORD } from "./world.ts";

// Schema-derived malformed inputs for every API route. A case is a pure function of (seed, index):
// each index gets its own random stream, so one case can be replayed without the ones before it.
// The test (test/server/fuzz.test.ts) and the benchmark (bench/fuzz.ts) share everything here.

const REPO = path.resolve(import.meta.dirname, "../..");

// ---------------------------------------------------------------------------------------------
// Random numbers

/** A seeded sfc32 stream; `new Rng(seed, index)` is case `index`'s own stream. */
export class Rng {
  /** Uniform in [0, 1). */
  readonly next: () => number;

  constructor(seed: number, stream = 0) {
    const mix = splitmix32(splitmix32(seed)() ^ Math.imul(stream + 1, 0x27d4eb2d));
    this.next = sfc32([mix(), mix(), mix(), mix()]);
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) {
      throw new Error("pick from an empty list");
    }
    return items[this.int(items.length)] as T;
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((n, [, w]) => n + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) {
        return item;
      }
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.int(256);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Values

/** A JSON fragment sent verbatim: what JSON.stringify cannot write (1e400, depth 10,000, duplicate keys). */
export class RawJson {
  constructor(
    readonly text: string,
    readonly label: string,
  ) {}
}

/** Bytes that are not text: percent-encoded in a URL, verbatim as a body. */
export class RawBytes {
  constructor(
    readonly bytes: Buffer,
    readonly label: string,
  ) {}
}

/** Anything a fuzzed field can hold. */
export type Value = null | boolean | number | string | RawJson | RawBytes | Value[] | { [key: string]: Value };

/** JSON text of a value, raw fragments included. */
export function toJsonText(value: Value): string {
  if (value instanceof RawJson) {
    return value.text;
  }
  if (value instanceof RawBytes) {
    return JSON.stringify(value.bytes.toString("latin1"));
  }
  if (Array.isArray(value)) {
    return `[${value.map(toJsonText).join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** A short, printable description of a value for reports. */
export function describeValue(value: Value): string {
  if (value instanceof RawJson || value instanceof RawBytes) {
    return value.label;
  }
  if (typeof value === "string") {
    return value.length > 80 ? `${JSON.stringify(value.slice(0, 60))}… (${value.length} chars)` : JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return value.length > 8
      ? `array(${value.length}) of ${describeValue(value[0] ?? null)}`
      : clip(toJsonText(value), 120);
  }
  return clip(toJsonText(value), 120);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

const CONTROL_CHARS = ["\u0000", "\u0001", "\u0007", "\b", "\u000b", "\f", "\u000e", "\u001b", "\u001f", "\u007f"];

const ODD_UNICODE = [
  "\ud800",
  "\udfff",
  "\udbff\udbff",
  "\u2028",
  "\u2029",
  "\ufeff",
  "\u0085",
  "\ufffe",
  "\uffff",
  "😀",
  "\u0301",
];

const ODD_STRINGS = [
  "",
  " ",
  "\t",
  "\r\n",
  "\u0085",
  "\u2028",
  "\ufeff",
  "\u200b",
  "\u202e",
  "\ud800",
  "a\udfffb",
  "😀",
  "e\u0301",
  "Ａ１",
  "İı",
  "ß",
  "\\",
  "a\\",
  "%",
  "_",
  "%_\\",
  "'",
  '"',
  "' OR '1'='1",
  "'; drop table shipment; --",
  "$1",
  "%s%n",
  "{{7*7}}",
  "${7*7}",
  "../../../etc/passwd",
  "<script>alert(1)</script>",
  "__proto__",
  "constructor",
  "toString",
  "null",
  "undefined",
  "true",
  "NaN",
  "Infinity",
  "-Infinity",
  "-0",
  "1e308",
  "-1",
  "0x1F",
  "١٢",
  "1,5",
  " 1",
  "+1",
  "[]",
  "{}",
];

const BIG = {
  // Just under the 1 MiB JSON body limit, so the string reaches the schema rather than the 413.
  body: "a".repeat(1_000_000),
  overLimit: "b".repeat(1_100_000),
  nul: "\u0000".repeat(150_000),
  accents: "é".repeat(480_000),
  // A real server refuses request lines beyond its 16 KB header limit (tested on a port separately).
  url: "u".repeat(12_000),
};

function insertAt(text: string, at: number, piece: string): string {
  return text.slice(0, at) + piece + text.slice(at);
}

function deepArray(depth: number, leaf: string): RawJson {
  return new RawJson(`${"[".repeat(depth)}${leaf}${"]".repeat(depth)}`, `array nested ${depth} deep around ${leaf}`);
}

function deepObject(depth: number, leaf: string): RawJson {
  return new RawJson(
    `${'{"a":'.repeat(depth)}${leaf}${"}".repeat(depth)}`,
    `object nested ${depth} deep around ${leaf}`,
  );
}

function randomUuid(rng: Rng): string {
  const hex = rng.bytes(16).toString("hex").split("");
  hex[12] = String(rng.between(1, 8));
  hex[16] = rng.pick(["8", "9", "a", "b"]);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function base64url(value: unknown): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
}

// ---------------------------------------------------------------------------------------------
// Routes

/** The JSON Schema subset that `z.toJSONSchema` writes for our route schemas. */
export interface JsonSchema {
  type?: string | string[];
  enum?: readonly unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
}

/** A route to fuzz, with its input schemas as JSON Schema. */
export interface FuzzTarget {
  key: string;
  method: string;
  url: string;
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
  roles?: readonly string[];
  isPublic: boolean;
  /** The body is a raw manifest (EDIFACT, X12, CSV), not JSON. */
  isRawBody: boolean;
  weight: number;
}

/** Routes whose body is a raw file stream. */
const RAW_BODY_ROUTES = new Set(["POST /api/manifests"]);

/** Routes inject cannot call: the event stream never ends (fuzz.test.ts covers it on a real port). */
const STREAMING_ROUTES = new Set(["GET /api/events"]);

function jsonSchemaOf(schema: unknown): JsonSchema | undefined {
  if (!schema) {
    return undefined;
  }
  return z.toJSONSchema(schema as z.ZodType, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

/** Every route of the app's route table as a fuzz target (streaming routes left out). */
export function fuzzTargets(routeTable: readonly RouteEntry[]): FuzzTarget[] {
  const targets: FuzzTarget[] = [];
  for (const route of routeTable) {
    const key = `${route.method} ${route.url}`;
    if (STREAMING_ROUTES.has(key)) {
      continue;
    }
    const params = jsonSchemaOf(route.schema?.params);
    const query = jsonSchemaOf(route.schema?.querystring);
    const body = jsonSchemaOf(route.schema?.body);
    const fields = [params, query, body].reduce((n, s) => n + Object.keys(s?.properties ?? {}).length, 0);
    const isRawBody = RAW_BODY_ROUTES.has(key);
    const weight = isRawBody ? 14 : key === "POST /api/session" ? 6 : key === "DELETE /api/session" ? 0.5 : 2 + fields;
    targets.push({
      key,
      method: route.method,
      url: route.url,
      params,
      query,
      body,
      roles: route.config.roles,
      isPublic: route.config.isPublic === true,
      isRawBody,
      weight,
    });
  }
  return targets;
}

// ---------------------------------------------------------------------------------------------
// The world a fuzz run acts in

/** Who sends a case. */
export interface FuzzAccount {
  name: string;
  roles: readonly string[];
  /** Cookie or bearer header; empty for the anonymous caller. */
  headers: Record<string, string>;
  /** A person who logs in with a password (a new session can be made for a logout). */
  isPerson: boolean;
}

/** Real values the generator mixes in, so malformed inputs reach past "not found". */
export interface FuzzPools {
  ids: string[];
  /**
   * Ids of the accounts the fuzz acts as. An administrator's routes may disable an account or set
   * its password, so these never go into the pool: only the victim accounts' ids do.
   */
  spared: Set<string>;
  sha256s: string[];
  /** Signed cursors and the list (path and sort) that issued them. */
  cursors: { token: string; from: string }[];
  hashes: string[];
  /** Shipment id and one of its container numbers. */
  pairs: { shipmentId: string; containerNo: string }[];
  definitions: Value[];
  usernames: string[];
}

/** A manifest to mutate. */
export interface ManifestSample {
  name: string;
  contentType: string;
  text: string;
}

const FUZZ_VICTIMS = ["fuzz.victim.a", "fuzz.victim.b"];
const CONTAINERS = ["CSQU3054383", "MWCU6059784", "CMAU5127498", "CXRU1255022", "SUDU1234569", "ZEPU0037255"];

/** Captures the app's error log lines, so a 5xx can be reported with the error behind it. */
export class LogCapture {
  lines: Record<string, unknown>[] = [];
  constructor(private readonly echo: boolean) {}

  write(line: string): void {
    if (this.echo) {
      process.stderr.write(line);
    }
    try {
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      this.lines.push({ msg: line });
    }
  }

  take(): Record<string, unknown>[] {
    const taken = this.lines;
    this.lines = [];
    return taken;
  }
}

/** The app as buildTestApp builds it, but with error logs captured (and echoed with TEST_LOG=1). */
export async function buildFuzzApp(db: Kysely<DB>): Promise<{ app: FastifyInstance; logs: LogCapture }> {
  const logs = new LogCapture(Boolean(process.env.TEST_LOG));
  const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 8 * 60 * 60 * 1000));
  const app = await buildApp({ db, clock, webDir: "/nonexistent", logger: { level: "error", stream: logs } });
  await app.ready();
  return { app, logs };
}

/** Logs in with a password and returns the session cookie header. */
export async function sessionHeaders(
  app: FastifyInstance,
  username: string,
  password = TEST_PASSWORD,
): Promise<Record<string, string>> {
  const res = await app.inject({ method: "POST", url: "/api/session", payload: { username, password } });
  const cookie = res.cookies.find((c) => c.name === "reciprocity_session");
  if (res.statusCode !== 200 || !cookie) {
    throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  }
  return { cookie: `reciprocity_session=${cookie.value}` };
}

const SCENARIO_HEADER =
  "bill_of_lading,message_ref,carrier_scac,vessel_imo,voyage,port_of_loading,port_of_discharge,etd,shipper_name,consignee_name,container_number,size_type,hs_code,description,packages,gross_weight_kg";

/**
 * Logs every person in, issues an ingest token, walks a few inspection requests through their
 * states (so lifecycle routes meet real records) and collects real ids, cursors and hashes.
 * Steps that fail are returned as warnings: the fuzz run is still worth doing without them.
 */
export async function prepareFuzzWorld(
  app: FastifyInstance,
  db: Kysely<DB>,
): Promise<{ accounts: FuzzAccount[]; pools: FuzzPools; warnings: string[] }> {
  const warnings: string[] = [];
  const us = await db.selectFrom("agency").select("id").where("code", "=", "USCBP").executeTakeFirstOrThrow();
  const hash = await hashPassword(TEST_PASSWORD);
  await db
    .insertInto("app_user")
    .values(
      FUZZ_VICTIMS.map((username) => ({
        agency_id: us.id,
        username,
        display_name: username,
        password_hash: hash,
        roles: ["targeter"],
        site_id: null,
      })),
    )
    .execute();
  const people = await db
    .selectFrom("app_user")
    .select(["username", "roles"])
    .where("is_service", "=", false)
    .where("username", "not in", FUZZ_VICTIMS)
    .orderBy("username")
    .execute();
  const accounts: FuzzAccount[] = [{ name: "anonymous", roles: [], headers: {}, isPerson: false }];
  for (const p of people) {
    accounts.push({ name: p.username, roles: p.roles, headers: await sessionHeaders(app, p.username), isPerson: true });
  }
  const admin = accounts.find((a) => a.name === "host.admin");
  if (!admin) {
    throw new Error("the test world has no host.admin");
  }
  const token = await app.inject({
    method: "POST",
    url: "/api/api-tokens",
    headers: admin.headers,
    payload: { name: "fuzz-feed" },
  });
  if (token.statusCode === 201) {
    const issued = token.json<{ token: string; username: string }>();
    accounts.push({
      name: issued.username,
      roles: ["ingest"],
      headers: { authorization: `Bearer ${issued.token}` },
      isPerson: false,
    });
  } else {
    warnings.push(`no ingest token: ${token.statusCode} ${token.body}`);
  }
  await walkScenario(app, db, accounts, warnings);
  const pools = await collectPools(app, db, accounts);
  return { accounts, pools, warnings };
}

async function walkScenario(
  app: FastifyInstance,
  db: Kysely<DB>,
  accounts: FuzzAccount[],
  warnings: string[],
): Promise<void> {
  const as = (name: string) => accounts.find((a) => a.name === name)?.headers ?? {};
  const step = async (
    what: string,
    account: string,
    method: "POST" | "GET",
    url: string,
    payload?: object | string,
    contentType?: string,
  ) => {
    const headers = { ...as(account), ...(contentType ? { "content-type": contentType } : {}) };
    const res = await app.inject({ method, url, headers, payload });
    if (res.statusCode >= 300) {
      warnings.push(`scenario step "${what}" answered ${res.statusCode}: ${clip(res.body, 300)}`);
      return null;
    }
    return res.json<{ id?: string }>();
  };
  const rows = CONTAINERS.map((c, i) =>
    [
      `FZ${String(i).padStart(8, "0")}`,
      `FZM${i}`,
      "ONEY",
      "9356127",
      `0${i}W`,
      "USLAX",
      "JPTYO",
      "2026-11-30T18:00",
      "ACME EXPORTS LLC",
      "NIPPON KK",
      c,
      "22G1",
      "392690",
      "PLASTIC ARTICLES",
      "10",
      "12000",
    ].join(","),
  );
  await step(
    "ingest scenario shipments",
    "host.admin",
    "POST",
    "/api/manifests?format=csv&fileName=fuzz-scenario.csv",
    `${SCENARIO_HEADER}\n${rows.join("\n")}\n`,
    "text/csv",
  );
  const shipments = await db
    .selectFrom("shipment as s")
    .innerJoin("shipment_container as c", "c.shipment_id", "s.id")
    .select(["s.id", "c.container_no"])
    .where("s.bill_of_lading", "like", "FZ%")
    .orderBy("s.bill_of_lading")
    .execute();
  const create = (i: number, requestType: string) => {
    const s = shipments[i];
    return s
      ? step(`request ${requestType}`, "partner.targeter", "POST", "/api/inspection-requests", {
          shipmentId: s.id,
          containerNo: s.container_no,
          reason: "Fuzz scenario",
          requestType,
          reasonCodes: ["radiological"],
        })
      : null;
  };
  const scanned = await create(0, "inspection");
  await create(1, "information");
  await create(2, "hold");
  const declined = await create(3, "inspection");
  if (declined?.id) {
    await step("decline", "host.supervisor", "POST", `/api/inspection-requests/${declined.id}/decision`, {
      decision: "decline",
      reasonCode: "no_capacity",
      reason: "Fuzz",
    });
  }
  if (!scanned?.id) {
    return;
  }
  const base = `/api/inspection-requests/${scanned.id}`;
  await step("accept", "host.supervisor", "POST", `${base}/decision`, { decision: "accept" });
  await step("schedule", "scan.officer", "POST", `${base}/schedule`, { scheduledFor: "2026-11-27T14:00:00Z" });
  await step("start scanning", "scan.officer", "POST", `${base}/scanning`);
  const n42 = synthesizeHandheldN42({
    detector: "IdentiFINDER-NG",
    sources: [{ nuclide: "Cs-137" }],
    liveTimeS: 30,
    seed: 3,
  }).bytes;
  await step("record scan", "scan.officer", "POST", `${base}/scans`, {
    scanType: "isotope_id",
    outcome: "alarm",
    notes: "Fuzz scenario",
    attachment: {
      fileName: "idf.n42",
      mediaType: "application/xml",
      contentBase64: Buffer.from(n42).toString("base64"),
    },
  });
}

async function collectPools(app: FastifyInstance, db: Kysely<DB>, accounts: FuzzAccount[]): Promise<FuzzPools> {
  const ids = new Set<string>();
  const add = (rows: { id: string }[]) => rows.forEach((r) => ids.add(r.id));
  add(await db.selectFrom("shipment").select("id").orderBy("bill_of_lading").limit(12).execute());
  add(await db.selectFrom("inspection_request").select("id").orderBy("reference").limit(12).execute());
  add(await db.selectFrom("scan").select("id").orderBy("scanned_at").limit(6).execute());
  add(await db.selectFrom("rule_set").select("id").orderBy("version").limit(6).execute());
  add(await db.selectFrom("ingest_batch").select("id").orderBy("file_name").limit(6).execute());
  add(await db.selectFrom("quarantine_record").select("id").orderBy("location").limit(6).execute());
  add(await db.selectFrom("app_user").select("id").where("username", "in", FUZZ_VICTIMS).execute());
  const spared = new Set(
    (await db.selectFrom("app_user").select("id").where("username", "not in", FUZZ_VICTIMS).execute()).map((r) => r.id),
  );
  add(await db.selectFrom("watchlist_entry").select("id").orderBy("value").limit(6).execute());
  const sha256s = (await db.selectFrom("stored_file").select("sha256").orderBy("sha256").limit(6).execute()).map(
    (r) => r.sha256,
  );
  const hashes = (await db.selectFrom("audit_event").select("hash").orderBy("seq").limit(6).execute()).map(
    (r) => r.hash,
  );
  const pairs = (
    await db
      .selectFrom("shipment as s")
      .innerJoin("shipment_container as c", "c.shipment_id", "s.id")
      .select(["s.id", "c.container_no"])
      .where((eb) => eb.or([eb("s.destination_country", "=", "JP"), eb("s.bill_of_lading", "like", "FZ%")]))
      .orderBy("s.bill_of_lading")
      .limit(12)
      .execute()
  ).map((r) => ({ shipmentId: r.id, containerNo: r.container_no }));
  const definitions = (await db.selectFrom("rule_set").select("definition").orderBy("version").limit(3).execute()).map(
    (r) => r.definition as Value,
  );
  const pools: FuzzPools = {
    ids: [...ids],
    spared,
    sha256s,
    cursors: [],
    hashes,
    pairs,
    definitions,
    usernames: [...FUZZ_VICTIMS, "nobody"],
  };
  await harvestCursors(app, accounts, pools);
  return pools;
}

/** Signed cursors from every list and sort order: replayed elsewhere, they must still be a 400. */
async function harvestCursors(app: FastifyInstance, accounts: FuzzAccount[], pools: FuzzPools): Promise<void> {
  const lists = [
    ...["etd", "filed_at", "bill_of_lading", "port_of_discharge", "score"].flatMap((sort) => [
      `/api/shipments?limit=1&sort=${sort}&order=asc`,
      `/api/shipments?limit=1&sort=${sort}`,
    ]),
    "/api/inspection-requests?limit=1",
    "/api/audit-events?limit=1",
    "/api/ingest-batches?limit=1",
    "/api/quarantine?limit=1",
  ];
  for (const account of accounts.filter((a) =>
    ["host.admin", "host.auditor", "partner.targeter", "partner.auditor"].includes(a.name),
  )) {
    for (const url of lists) {
      const res = await app.inject({ method: "GET", url, headers: account.headers });
      harvest(res, pools, url);
    }
  }
}

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const CURSOR_RE = /"nextCursor":"([^"]+)"/;

/** The list a cursor belongs to: its path and sort order. */
function listOf(url: string): string {
  const [pathname = "", search = ""] = url.split("?");
  const sort = new URLSearchParams(search).get("sort");
  return sort ? `${pathname}?sort=${sort}` : pathname;
}

/** Adds the ids and cursors of a successful response to `url` to the pools (bounded). */
export function harvest(res: LightMyRequestResponse, pools: FuzzPools, url: string): void {
  if (
    res.statusCode >= 300 ||
    !String(res.headers["content-type"] ?? "").includes("json") ||
    res.body.length > 256 * 1024
  ) {
    return;
  }
  const cursor = CURSOR_RE.exec(res.body)?.[1];
  if (cursor && !pools.cursors.some((c) => c.token === cursor)) {
    pools.cursors.push({ token: cursor, from: listOf(url) });
    pools.cursors.splice(0, pools.cursors.length - 200);
  }
  for (const id of res.body.match(UUID_RE)?.slice(0, 8) ?? []) {
    if (!pools.ids.includes(id) && !pools.spared.has(id)) {
      pools.ids.push(id);
    }
  }
  pools.ids.splice(0, pools.ids.length - 400);
}

/** Manifests to mutate: our fixtures, a synthetic CUSCAR, and the shared real samples when present. */
export function loadManifestSamples(): ManifestSample[] {
  const fixtures = path.join(REPO, "test/trade/fixtures");
  const samples: ManifestSample[] = [];
  for (const name of readdirSync(fixtures).sort()) {
    if (name.endsWith(".edi") || name.endsWith(".csv")) {
      samples.push({
        name,
        contentType: name.endsWith(".csv")
          ? "text/csv"
          : name.startsWith("x12")
            ? "application/x12"
            : "application/edifact",
        text: readFileSync(path.join(fixtures, name), "utf8"),
      });
    }
  }
  const shipments = [...syntheticShipments(4, { seed: 11, prefix: "FZC" })];
  samples.push({
    name: "synthetic-cuscar",
    contentType: "application/edifact",
    text: writeCuscar(shipments, {
      sender: "ONEY",
      recipient: "USCBP",
      interchangeRef: "FZC1",
      preparedAt: TEST_ANCHOR,
      shipmentsPerMessage: 2,
    }),
  });
  for (const folder of ["edifact", "x12"]) {
    const dir = path.resolve(REPO, "../shared/tradedata", folder);
    if (existsSync(dir)) {
      for (const name of readdirSync(dir).sort()) {
        samples.push({
          name,
          contentType: folder === "x12" ? "application/x12" : "application/edifact",
          text: readFileSync(path.join(dir, name), "latin1"),
        });
      }
    }
  }
  return samples;
}

// ---------------------------------------------------------------------------------------------
// Malformed values by kind

type Kind =
  | "uuid"
  | "date"
  | "hex64"
  | "cursor"
  | "enum"
  | "integer"
  | "number"
  | "boolean"
  | "array"
  | "object"
  | "string"
  | "any";

interface Picked {
  value: Value;
  label?: string;
}

interface GenContext {
  rng: Rng;
  pools: FuzzPools;
  samples: ManifestSample[];
  /** Where the value goes: URL values stay under the request-line limit a real server enforces. */
  inUrl: boolean;
  /** The list (path and sort) the case asks for, to pick its own cursors. */
  list?: string;
}

function kindOf(schema: JsonSchema | undefined, name: string): Kind {
  if (!schema) {
    return "any";
  }
  if (name === "cursor") {
    return "cursor";
  }
  if (schema.enum) {
    return "enum";
  }
  if (schema.format === "uuid") {
    return "uuid";
  }
  if (schema.pattern?.includes("\\d{4}-\\d{2}-\\d{2}")) {
    return "date";
  }
  if (schema.pattern?.includes("{64}")) {
    return "hex64";
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  return (PLAIN_KINDS as readonly (string | undefined)[]).includes(type) ? (type as Kind) : "any";
}

const PLAIN_KINDS = ["integer", "number", "boolean", "array", "object", "string"] as const satisfies readonly Kind[];

const BAD_DATES = [
  "-271821-04-20",
  "+275760-09-13",
  "99999-01-01",
  "0001-01-01",
  "0000-01-01",
  "1969-12-31",
  "1999-12-31T23:59:59Z",
  "2101-01-01",
  "2026-02-30",
  "2026-13-45",
  "2026-00-00",
  "2026-11-20T24:00",
  "2026-11-20T23:59:60Z",
  "2026-11-20T25:61:61Z",
  "2026-11-20 08:00",
  "2000-01-01T00:00:00+14:00",
  "2100-12-31T23:59:59-14:00",
  "2026-11-20T08:00:00.123456789Z",
  "2026-11-20T08:00+2500",
  "2026-11-20T08:00:00+99:99",
  "2026-11-20T08:00:00Z\u0000",
  "20261120",
  "2026-W47-5",
  "2026-11-20T08:00:00 GMT",
  "Fri, 20 Nov 2026 08:00:00 GMT",
  "now",
  "infinity",
  "-infinity",
  "epoch",
  "9999-12-31T23:59:59.999Z",
];

const BAD_NUMBERS: Picked[] = [
  { value: -1 },
  { value: 0 },
  { value: 1.5 },
  { value: -1.5 },
  { value: 1e308 },
  { value: -1e308 },
  { value: 5e-324 },
  { value: 2 ** 31 },
  { value: 2 ** 53 + 2 },
  { value: 2 ** 63 },
  { value: "NaN" },
  { value: "Infinity" },
  { value: "1e308" },
  { value: "-1" },
  { value: "0x10" },
  { value: "1_000" },
  { value: "" },
  { value: new RawJson("1e400", "1e400 (Infinity)") },
  { value: new RawJson("-1e400", "-1e400 (-Infinity)") },
  { value: new RawJson("-0", "-0") },
  { value: new RawJson("123456789012345678901234567890", "30-digit integer") },
  { value: new RawJson("1E2", "1E2") },
];

function badString(ctx: GenContext, base: string): Picked {
  const { rng } = ctx;
  const choice = rng.int(10);
  switch (choice) {
    case 0:
    case 1:
    case 9: {
      // Control characters, and Unicode that survives JSON.parse but not every encoder (lone surrogates).
      const ch = choice === 9 ? rng.pick(ODD_UNICODE) : rng.pick(CONTROL_CHARS);
      return {
        value: insertAt(base, rng.int(base.length + 1), ch),
        label: `${JSON.stringify(base.slice(0, 40))} with ${JSON.stringify(ch)} inserted`,
      };
    }
    case 2:
      return ctx.inUrl
        ? { value: BIG.url, label: "12,000 chars" }
        : rng.pick([
            { value: BIG.body, label: "1,000,000 × a" },
            { value: BIG.accents, label: "480,000 × é (1 MB UTF-8)" },
            { value: BIG.nul, label: "150,000 × NUL" },
            { value: BIG.overLimit, label: "1,100,000 × b (over the body limit)" },
          ]);
    case 3:
      return { value: rng.pick(ODD_STRINGS) };
    case 4:
      return { value: `${base}${rng.pick(ODD_STRINGS)}` };
    case 5:
      return {
        value: base.repeat(rng.between(50, ctx.inUrl ? 200 : 20_000)).slice(0, ctx.inUrl ? 12_000 : 1_000_000),
        label: `${JSON.stringify(base.slice(0, 20))} repeated`,
      };
    case 6:
      return { value: new RawBytes(rng.bytes(rng.between(1, 64)), "random bytes") };
    case 7:
      return { value: base.toUpperCase() === base ? base.toLowerCase() : base.toUpperCase() };
    default:
      return { value: ` ${base}\u0000${base} ` };
  }
}

function badCursor(ctx: GenContext): Picked {
  const { rng, pools } = ctx;
  const issued =
    pools.cursors.length > 0
      ? rng.pick(pools.cursors)
      : { token: `${base64url(["x", "y"])}.AAAAAAAAAAAAAAAAAAAAAA`, from: "nowhere" };
  const real = issued.token;
  const [body = "", mac = ""] = real.split(".");
  const other = pools.cursors.length > 0 ? rng.pick(pools.cursors).token : real;
  const options: (() => Picked)[] = [
    () => ({ value: real, label: `signed cursor issued by ${issued.from}: ${real}` }),
    () => ({ value: base64url(["x", "y"]), label: 'base64url(["x","y"]) without signature' }),
    () => ({ value: `${base64url(["x", "y"])}.${mac}`, label: 'base64url(["x","y"]) with a real signature' }),
    () => ({ value: `${base64url([1])}.${mac}`, label: "base64url([1]) with a real signature" }),
    () => ({ value: base64url([1]), label: "base64url([1])" }),
    () => ({ value: `${base64url({ value: 1, id: "x" })}.AAAA`, label: "base64url of an object" }),
    () => ({
      value: `${body}.${mac.slice(0, -2)}${mac.endsWith("AA") ? "BB" : "AA"}`,
      label: `real cursor with its signature changed`,
    }),
    () => ({ value: `${body}x.${mac}`, label: "real cursor with its body changed" }),
    () => ({ value: body, label: "real cursor without its signature" }),
    () => ({ value: `${body}.${other.split(".")[1] ?? ""}`, label: "real body with another cursor's signature" }),
    () => ({ value: `${real}.${mac}`, label: "real cursor with a third part" }),
    () => ({ value: rng.bytes(rng.between(1, 300)).toString("base64url"), label: "random base64url garbage" }),
    () => ({ value: rng.bytes(rng.between(1, 200)).toString("base64"), label: "random base64 (+/=) garbage" }),
    () => ({ value: rng.pick([".", "..", "....", "=", "%", "null", "[]", "é.é", "\u0000.\u0000"]) }),
    () => ({ value: `${real}${"A".repeat(500 - real.length + 1)}`, label: "cursor over 500 chars" }),
    () => badString(ctx, real),
  ];
  return rng.pick(options)();
}

function badUuid(ctx: GenContext): Picked {
  const { rng, pools } = ctx;
  const uuid = randomUuid(rng);
  const options: (() => Picked)[] = [
    () => ({ value: uuid, label: `valid random UUID ${uuid}` }),
    () => ({ value: randomUUID(), label: "valid random v4 UUID" }),
    () => ({ value: pools.ids.length > 0 ? rng.pick(pools.ids) : uuid, label: "real id of some other kind of record" }),
    () => ({
      value: rng.pick([
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
      ]),
    }),
    () => ({
      value: rng.pick([
        "not-a-uuid",
        "",
        "0",
        "1' or '1'='1",
        "../",
        "%",
        uuid.slice(0, 35),
        `${uuid}0`,
        uuid.replaceAll("-", ""),
        `{${uuid}}`,
        `urn:uuid:${uuid}`,
        uuid.replace(/-/g, "‐"),
        `g${uuid.slice(1)}`,
      ]),
    }),
    () => badString(ctx, uuid),
    () => ({ value: rng.pick([0, -1, true, null, [uuid], { id: uuid }] as Value[]) }),
  ];
  return rng.pick(options)();
}

function badEnum(ctx: GenContext, schema: JsonSchema): Picked {
  const { rng } = ctx;
  const valid = String(rng.pick(schema.enum ?? ["x"]));
  return rng.pick<() => Picked>([
    () => ({ value: rng.pick(["bogus", "", "__proto__", "toString", "constructor", "hasOwnProperty", "*", "all"]) }),
    () => ({ value: valid.toUpperCase() }),
    () => ({ value: rng.pick([` ${valid}`, `${valid} `, `${valid}\u0000`, `${valid},${valid}`, `${valid};${valid}`]) }),
    () => ({ value: rng.pick([0, 1, true, null, [valid], { $in: [valid] }] as Value[]) }),
    () => badString(ctx, valid),
  ])();
}

function badDate(ctx: GenContext): Picked {
  const { rng } = ctx;
  return rng.pick<() => Picked>([
    () => ({ value: rng.pick(BAD_DATES) }),
    () => ({ value: rng.pick(BAD_DATES) }),
    () => ({
      value: rng.pick([true, 0, 8.64e15, -8.64e15, 1e308, null, { $date: "2026-11-20" }, ["2026-11-20"]] as Value[]),
    }),
    () => badString(ctx, "2026-11-20T08:00:00Z"),
  ])();
}

function badHex64(ctx: GenContext): Picked {
  const { rng, pools } = ctx;
  const real = pools.sha256s.length > 0 ? rng.pick(pools.sha256s) : "a".repeat(64);
  return rng.pick<() => Picked>([
    () => ({ value: real.toUpperCase(), label: "real sha256 in upper case" }),
    () => ({ value: rng.bytes(32).toString("hex"), label: "random 64 hex digits" }),
    () => ({
      value: rng.pick([
        "g".repeat(64),
        real.slice(0, 63),
        `${real}0`,
        "0".repeat(64),
        "f".repeat(64),
        `${real.slice(0, 63)}\u0000`,
      ]),
    }),
    () => badString(ctx, real),
  ])();
}

function bigArray(rng: Rng): Picked {
  const item = rng.pick<Value>([0, "a", null, {}, "\u0000"]);
  return { value: new Array<Value>(100_000).fill(item), label: `array of 100,000 × ${describeValue(item)}` };
}

function deepValue(rng: Rng): Picked {
  const leaf = rng.pick(['"\\u0000"', "1", "null", '"x"', "{}"]);
  // The guard looks through 32 levels; a control character just below that is the interesting one.
  const depth = rng.pick([10_000, 10_000, 33, 40, 100, 1_000]);
  const value = rng.chance(0.5) ? deepArray(depth, leaf) : deepObject(depth, leaf);
  return { value };
}

function wrongType(ctx: GenContext): Picked {
  const { rng } = ctx;
  if (!ctx.inUrl && rng.chance(0.25)) {
    return rng.chance(0.5) ? bigArray(rng) : deepValue(rng);
  }
  return {
    value: rng.pick<Value>([
      {},
      { a: "b" },
      { $ne: null },
      [],
      ["a"],
      [1, 2],
      true,
      false,
      null,
      0,
      -1,
      1e308,
      "",
      [[[]]],
      new RawJson('{"__proto__":{"polluted":true}}', "{__proto__: {polluted: true}}"),
    ]),
  };
}

/** A malformed value for a field of the given schema. */
function badValue(ctx: GenContext, schema: JsonSchema | undefined, name: string, current: Value | undefined): Picked {
  const { rng } = ctx;
  if (rng.chance(0.2)) {
    return wrongType(ctx);
  }
  const kind = kindOf(schema, name);
  switch (kind) {
    case "cursor":
      return badCursor(ctx);
    case "uuid":
      return badUuid(ctx);
    case "enum":
      return badEnum(ctx, schema ?? {});
    case "date":
      return badDate(ctx);
    case "hex64":
      return badHex64(ctx);
    case "integer":
    case "number":
      return rng.pick(BAD_NUMBERS);
    case "boolean":
      return { value: rng.pick<Value>(["true", "yes", 1, 0, "", null, "\u0000"]) };
    case "array":
    case "object":
      return ctx.inUrl
        ? wrongType(ctx)
        : rng.chance(0.6)
          ? rng.chance(0.5)
            ? bigArray(rng)
            : deepValue(rng)
          : wrongType(ctx);
    case "string":
      return badString(ctx, typeof current === "string" ? current.slice(0, 200) : "abc");
    case "any":
      return rng.chance(0.5)
        ? wrongType(ctx)
        : badString(ctx, typeof current === "string" ? current.slice(0, 200) : "abc");
  }
}

// ---------------------------------------------------------------------------------------------
// Valid baselines

const PATTERN_CANDIDATES = ["2026-11-28", "2026-11-27T14:00:00Z", "JPYOK", "USLAX", "31", "1", "a".repeat(64)];

function validString(ctx: GenContext, schema: JsonSchema, name: string): string {
  const { rng, pools, samples } = ctx;
  if (schema.pattern) {
    const re = new RegExp(schema.pattern);
    const hits = [...PATTERN_CANDIDATES, ...pools.sha256s, ...pools.hashes].filter((c) => re.test(c));
    if (hits.length > 0) {
      return rng.pick(hits);
    }
  }
  switch (name) {
    case "username":
      return rng.pick(pools.usernames);
    case "password":
      return rng.chance(0.3) ? TEST_PASSWORD : "wrong password";
    case "containerNo":
      return rng.pick(CONTAINERS);
    case "text":
      return rng.pick(samples).text;
    case "contentBase64":
      return Buffer.from(rng.chance(0.5) ? n42Sample() : rng.bytes(rng.between(1, 512))).toString("base64");
    case "mediaType":
      return rng.pick(ACCEPTED_MEDIA_TYPES);
    case "country":
      return rng.pick(["JP", "US", "KR"]);
    case "seq":
      return String(rng.between(1, 40));
    case "status":
      return rng.pick(["requested", "accepted", "requested,accepted", "open"]);
    case "q":
      return rng.pick(["tiles", "mscu", "nippon"]);
    default:
      break;
  }
  const min = schema.minLength ?? 1;
  const max = Math.min(schema.maxLength ?? min + 12, min + 12);
  const length = rng.between(min, Math.max(min, max));
  return Array.from({ length }, () => rng.pick("abcdefghijklmnopqrstuvwxyz ".split("")))
    .join("")
    .padEnd(min, "x");
}

let n42Cache: Uint8Array | undefined;
function n42Sample(): Uint8Array {
  n42Cache ??= synthesizeHandheldN42({
    detector: "IdentiFINDER-NG",
    sources: [{ nuclide: "Cs-137" }],
    liveTimeS: 10,
    seed: 5,
    backgroundLiveTimeS: 0,
  }).bytes;
  return n42Cache;
}

/** A value the schema accepts (mostly): the starting point that mutations spoil; undefined leaves the field out. */
function validValue(ctx: GenContext, schema: JsonSchema | undefined, name: string): Value | undefined {
  const { rng, pools } = ctx;
  if (!schema) {
    return "x";
  }
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches && branches.length > 0) {
    return validValue(ctx, rng.pick(branches), name);
  }
  if (schema.enum) {
    return rng.pick(schema.enum) as Value;
  }
  if (schema.format === "uuid") {
    return pools.ids.length > 0 && rng.chance(0.8) ? rng.pick(pools.ids) : randomUuid(rng);
  }
  if (name === "cursor") {
    // A cursor this very list issued; other lists' cursors are a mutation (badCursor).
    const own = pools.cursors.filter((c) => c.from === ctx.list);
    return own.length > 0 ? rng.pick(own).token : undefined;
  }
  if (name === "definition" && pools.definitions.length > 0) {
    return structuredClone(rng.pick(pools.definitions));
  }
  const kind = kindOf(schema, name);
  if (kind === "integer" || kind === "number") {
    const min = schema.minimum ?? 1;
    const max = Math.min(schema.maximum ?? 100, min + 100);
    return rng.between(Math.ceil(min), Math.floor(max));
  }
  if (kind === "boolean") {
    return rng.chance(0.5);
  }
  if (kind === "array") {
    const count = rng.between(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, (schema.minItems ?? 0) + 3));
    return Array.from({ length: count }, () => validValue(ctx, schema.items, name) ?? null);
  }
  if (kind === "object") {
    return validObject(ctx, schema);
  }
  return validString(ctx, schema, name);
}

function validObject(ctx: GenContext, schema: JsonSchema): { [key: string]: Value } {
  const { rng, pools } = ctx;
  const out: { [key: string]: Value } = {};
  const required = new Set(schema.required ?? []);
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const value = required.has(key) || rng.chance(0.5) ? validValue(ctx, prop, key) : undefined;
    if (value !== undefined) {
      out[key] = value;
    }
  }
  if (schema.properties?.shipmentId && schema.properties.containerNo && pools.pairs.length > 0) {
    const pair = rng.pick(pools.pairs);
    out.shipmentId = pair.shipmentId;
    out.containerNo = pair.containerNo;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cases

/** One request to send, with everything needed to report or replay it. */
export interface FuzzCase {
  index: number;
  target: string;
  account: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  remoteAddress?: string;
  /** Log the account in afresh first (a logout would end the shared session). */
  freshSession?: boolean;
  /** What was done to the valid input. */
  mutations: string[];
}

interface Draft {
  params: { [key: string]: Value };
  query: { [key: string]: Value };
  body: Value | undefined;
  rawBody?: Buffer;
  contentType?: string;
  headers: Record<string, string>;
  suffix: string;
  method?: string;
  mutations: string[];
}

type Location = "params" | "query" | "body";
type PathKey = string | number;

interface Slot {
  location: Location;
  path: PathKey[];
  name: string;
  schema?: JsonSchema;
  value?: Value;
  isRequired: boolean;
}

function collectBodySlots(
  value: Value | undefined,
  schema: JsonSchema | undefined,
  trail: PathKey[],
  out: Slot[],
  depth: number,
): void {
  // A body already replaced by raw JSON or bytes has no fields left to mutate.
  if (depth > 5 || out.length > 200 || value instanceof RawJson || value instanceof RawBytes) {
    return;
  }
  if (
    schema?.properties ||
    (value !== null &&
      typeof value === "object" &&
      !Array.isArray(value) &&
      !(value instanceof RawJson) &&
      !(value instanceof RawBytes))
  ) {
    const obj = value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
    const keys = new Set([...Object.keys(schema?.properties ?? {}), ...Object.keys(obj)]);
    for (const key of keys) {
      const prop =
        schema?.properties?.[key] ??
        (typeof schema?.additionalProperties === "object" ? schema.additionalProperties : undefined);
      out.push({
        location: "body",
        path: [...trail, key],
        name: key,
        schema: prop,
        value: obj[key],
        isRequired: schema?.required?.includes(key) ?? false,
      });
      collectBodySlots(obj[key], prop, [...trail, key], out, depth + 1);
    }
    return;
  }
  if (Array.isArray(value) && value.length > 0) {
    const i = value.length - 1;
    out.push({
      location: "body",
      path: [...trail, i],
      name: String(trail[trail.length - 1] ?? ""),
      schema: schema?.items,
      value: value[i],
      isRequired: false,
    });
    collectBodySlots(value[i], schema?.items, [...trail, i], out, depth + 1);
  }
}

function slotsOf(target: FuzzTarget, draft: Draft): Slot[] {
  const slots: Slot[] = [];
  for (const location of ["params", "query"] as const) {
    const schema = location === "params" ? target.params : target.query;
    const values = draft[location];
    for (const key of new Set([...Object.keys(schema?.properties ?? {}), ...Object.keys(values)])) {
      slots.push({
        location,
        path: [key],
        name: key,
        schema: schema?.properties?.[key],
        value: values[key],
        isRequired: schema?.required?.includes(key) ?? false,
      });
    }
  }
  if (target.body) {
    collectBodySlots(draft.body, target.body, [], slots, 0);
  }
  return slots;
}

function setAt(draft: Draft, slot: Slot, value: Value | undefined): void {
  if (slot.location !== "body") {
    const bag = draft[slot.location];
    if (value === undefined) {
      delete bag[slot.name];
    } else {
      bag[slot.name] = value;
    }
    return;
  }
  let node: Value | undefined = draft.body;
  for (const key of slot.path.slice(0, -1)) {
    node = (node as Record<PathKey, Value> | undefined)?.[key];
  }
  const last = slot.path[slot.path.length - 1];
  if (
    node === null ||
    typeof node !== "object" ||
    node instanceof RawJson ||
    node instanceof RawBytes ||
    last === undefined
  ) {
    return;
  }
  if (value === undefined) {
    delete (node as Record<PathKey, Value>)[last];
  } else {
    (node as Record<PathKey, Value>)[last] = value;
  }
}

function slotName(slot: Slot): string {
  return `${slot.location}.${slot.path.join(".")}`;
}

function mutateSlot(ctx: GenContext, target: FuzzTarget, draft: Draft): void {
  const slots = slotsOf(target, draft);
  if (slots.length === 0) {
    mutateHeaders(ctx, draft);
    return;
  }
  const slot = ctx.rng.pick(slots);
  const picked = badValue({ ...ctx, inUrl: slot.location !== "body" }, slot.schema, slot.name, slot.value);
  setAt(draft, slot, picked.value);
  draft.mutations.push(`${slotName(slot)} ← ${picked.label ?? describeValue(picked.value)}`);
}

function dropRequired(ctx: GenContext, target: FuzzTarget, draft: Draft): void {
  const slots = slotsOf(target, draft).filter((s) => s.isRequired);
  if (slots.length === 0) {
    return;
  }
  const slot = ctx.rng.pick(slots);
  setAt(draft, slot, undefined);
  draft.mutations.push(`${slotName(slot)} removed`);
}

function addUnknownField(ctx: GenContext, draft: Draft): void {
  const { rng } = ctx;
  const key = rng.pick([
    "__proto__",
    "constructor",
    "prototype",
    "extra",
    "id",
    "agencyId",
    "country",
    "\u0000",
    "a".repeat(10_000),
    "é",
  ]);
  const value = rng.pick<Value>([{ polluted: true }, "x", 1, null, "\u0000"]);
  if (
    rng.chance(0.5) ||
    draft.body === undefined ||
    draft.body === null ||
    typeof draft.body !== "object" ||
    Array.isArray(draft.body)
  ) {
    draft.query[key] = typeof value === "object" ? "x" : value;
    draft.mutations.push(`query gains unknown ${describeValue(key)}=${describeValue(value)}`);
    return;
  }
  // JSON.parse makes "__proto__" an own key; writing it as raw JSON keeps that.
  const body = draft.body as { [key: string]: Value };
  draft.body = new RawJson(
    `${toJsonText(body).slice(0, -1)}${Object.keys(body).length > 0 ? "," : ""}${JSON.stringify(key)}:${toJsonText(value)}}`,
    `body with unknown field ${describeValue(key)}`,
  );
  draft.mutations.push(`body gains unknown field ${describeValue(key)}=${describeValue(value)}`);
}

function replaceBody(ctx: GenContext, draft: Draft): void {
  const { rng } = ctx;
  const valid = draft.body === undefined ? "{}" : toJsonText(draft.body);
  const choice = rng.int(10);
  if (choice < 3) {
    const picked = rng.chance(0.5) ? bigArray(rng) : deepValue(rng);
    draft.body = picked.value;
    draft.mutations.push(`body ← ${picked.label ?? describeValue(picked.value)}`);
    return;
  }
  if (choice < 5) {
    draft.body = rng.pick<Value>([null, "text", 123, true, [], [{}], "", { "": "" }]);
    draft.mutations.push(`body ← ${describeValue(draft.body)}`);
    return;
  }
  const raws: [string, Buffer][] = [
    ["truncated JSON", Buffer.from(valid.slice(0, rng.int(Math.max(1, valid.length))))],
    ["random bytes", rng.bytes(rng.between(1, 2048))],
    ["empty body", Buffer.alloc(0)],
    ["JSON with a BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)])],
    ["JSON in UTF-16LE", Buffer.from(valid, "utf16le")],
    [
      "JSON with duplicate keys",
      Buffer.from(valid.startsWith("{") && valid.length > 2 ? `${valid.slice(0, -1)},${valid.slice(1)}` : valid),
    ],
    [
      "JSON with invalid UTF-8 inside a string",
      Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    ],
    ["JSON followed by garbage", Buffer.from(`${valid}}}}]]]`)],
    ["NUL bytes", Buffer.alloc(rng.between(1, 64))],
  ];
  const [label, bytes] = rng.pick(raws);
  draft.rawBody = bytes;
  draft.mutations.push(`body ← ${label} (${bytes.length} bytes)`);
}

const CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=utf-16",
  "application/json; charset=latin1",
  "application/JSON",
  "application/json;;;",
  "application/edifact",
  "text/csv",
  "application/octet-stream",
  "application/xml",
  "*/*",
  "",
  "application/json\tx",
];

function mutateContentType(ctx: GenContext, draft: Draft): void {
  draft.contentType = ctx.rng.pick(CONTENT_TYPES);
  draft.mutations.push(`content-type ← ${JSON.stringify(draft.contentType)}`);
}

// Header values a real HTTP parser passes on: printable ASCII and Latin-1, no control characters.
function headerGarbage(rng: Rng): string {
  return rng.pick([
    "",
    "forged",
    "%00",
    "a%00b",
    "%ZZ",
    "%FF%FE",
    '"quoted"',
    "A".repeat(8_000),
    "é".repeat(100),
    rng.bytes(24).toString("base64url"),
    rng.bytes(48).toString("base64"),
    "null",
    "undefined",
    "1; DROP",
  ]);
}

function mutateHeaders(ctx: GenContext, draft: Draft): void {
  const { rng } = ctx;
  const which = rng.int(7);
  const garbage = headerGarbage(rng);
  switch (which) {
    case 0:
      draft.headers.cookie = `reciprocity_session=${garbage}`;
      break;
    case 1:
      draft.headers.cookie = `${draft.headers.cookie ?? ""}; reciprocity_session=${garbage}`.replace(/^; /, "");
      break;
    case 2:
      draft.headers.authorization = rng.pick([
        `Bearer ${garbage}`,
        "Bearer",
        `Basic ${garbage}`,
        `Bearer rcp_${garbage}`,
        `bearer  ${garbage}`,
      ]);
      break;
    case 3:
      draft.headers.origin = rng.pick(["null", "http://evil.example", "not a url", "http://localhost:80", garbage]);
      break;
    case 4:
      draft.headers["sec-fetch-site"] = rng.pick(["cross-site", "same-site", garbage]);
      break;
    case 5:
      draft.headers.accept = rng.pick(["text/csv", "application/xml", "*/*;q=0", garbage]);
      break;
    default:
      draft.headers["last-event-id"] = rng.pick(["-1", "1e308", "99999999999999999999", "abc", garbage]);
      break;
  }
  draft.mutations.push(
    `headers ← ${clip(JSON.stringify(Object.fromEntries(Object.entries(draft.headers).map(([k, v]) => [k, k === "cookie" || k === "authorization" ? v.replace(/=[A-Za-z0-9_-]{40,}/, "=<session>") : v]))), 160)}`,
  );
}

function mutateQueryShape(ctx: GenContext, target: FuzzTarget, draft: Draft): void {
  const { rng } = ctx;
  const keys = Object.keys(target.query?.properties ?? {});
  const key = keys.length > 0 ? rng.pick(keys) : "x";
  const current = draft.query[key] ?? "1";
  draft.query[key] = rng.pick<Value>([
    [current, current],
    [current, "bogus"],
    { a: current },
    null,
    new RawBytes(rng.bytes(16), "random bytes"),
  ]);
  draft.mutations.push(`query.${key} ← ${describeValue(draft.query[key])}`);
}

function mutateMethod(ctx: GenContext, draft: Draft): void {
  draft.method = ctx.rng.pick(["PUT", "PATCH", "OPTIONS", "HEAD", "TRACE", "DELETE", "GET", "POST"]);
  draft.mutations.push(`method ← ${draft.method}`);
}

function mutatePath(ctx: GenContext, draft: Draft): void {
  draft.suffix = ctx.rng.pick(["/", "//", "/%2e%2e", "/..", "?", "#x", "/%00", "%", "/%ZZ", ";x", "/x".repeat(50)]);
  draft.mutations.push(`path suffix ${JSON.stringify(draft.suffix)}`);
}

// ---------------------------------------------------------------------------------------------
// Raw manifests

const MANIFEST_TYPES = [
  "application/edifact",
  "text/csv",
  "application/octet-stream",
  "application/x12",
  "application/edi-x12",
  "application/edi-consent",
];
const WRONG_MANIFEST_TYPES = [
  "text/plain",
  "application/json",
  "application/edifact; charset=utf-16",
  "text/csv; charset=latin1",
  "",
  "multipart/form-data; boundary=x",
];
const FIELD_POISON = [
  "99999999",
  "-271821-04-20",
  "999990101",
  "000101",
  "00000000",
  "20261340",
  "2026-02-30",
  "1e308",
  "-1",
  "NaN",
  "99999999999999999999",
  "0",
  "",
  "\u0000",
  "\u0007",
  "?",
  "??",
  "'",
  "+",
  ":",
  "é",
  "😀",
  "JP\u0000TYO",
  "XXXXX",
  "9".repeat(40),
  "CSQU3054384",
];

function splitRecords(text: string, isCsv: boolean): { records: string[]; sep: string; fieldSep: string } {
  if (isCsv) {
    const fieldSep = text.split("\n")[0]?.includes(";") ? ";" : ",";
    return { records: text.split("\n"), sep: "\n", fieldSep };
  }
  const sep = text.includes("'") ? "'" : "~";
  return { records: text.split(sep), sep, fieldSep: sep === "'" ? "+" : "*" };
}

function mutateField(rng: Rng, text: string, isCsv: boolean): [string, string] {
  const { records, sep, fieldSep } = splitRecords(text, isCsv);
  const r = rng.int(records.length);
  const fields = (records[r] ?? "").split(fieldSep);
  const f = rng.int(fields.length);
  const poison = rng.chance(0.15) ? "x".repeat(1_000_000) : rng.pick(FIELD_POISON);
  const current = fields[f] ?? "";
  fields[f] = rng.chance(0.5) || !current.includes(":") ? poison : current.replace(/[^:]+$/, poison);
  records[r] = fields.join(fieldSep);
  return [records.join(sep), `record ${r} field ${f} ← ${describeValue(poison)}`];
}

function mutateManifestText(rng: Rng, sample: ManifestSample): { bytes: Buffer; notes: string[] } {
  const isCsv = sample.name.endsWith(".csv");
  let text = sample.text;
  let bytes: Buffer | undefined;
  const notes: string[] = [];
  const rounds = rng.chance(0.15) ? 0 : rng.between(1, 2);
  for (let i = 0; i < rounds; i++) {
    const kind = rng.int(16);
    switch (kind) {
      case 0:
      case 1:
      case 2: {
        const [next, note] = mutateField(rng, text, isCsv);
        text = next;
        notes.push(note);
        break;
      }
      case 3: {
        const at = rng.int(text.length + 1);
        text = text.slice(0, at);
        notes.push(`truncated at ${at}`);
        break;
      }
      case 4: {
        const count = rng.between(1, 8);
        for (let k = 0; k < count; k++) {
          text = insertAt(text, rng.int(text.length + 1), rng.pick(CONTROL_CHARS));
        }
        notes.push(`${count} control characters inserted`);
        break;
      }
      case 5: {
        const { records, sep } = splitRecords(text, isCsv);
        const r = rng.int(records.length);
        // No more copies than keep the file within 64 MB (a long record 50,000 times is past any string).
        const times = Math.min(
          rng.pick([1_000, 10_000, 50_000]),
          Math.floor((64 << 20) / Math.max(1, (records[r] ?? "").length + sep.length)),
        );
        records.splice(r, 0, ...new Array<string>(times).fill(records[r] ?? ""));
        text = records.join(sep);
        notes.push(`record ${r} repeated ${times} times`);
        break;
      }
      case 6:
        text = text.replace(/['~\n]/g, "");
        notes.push("record terminators removed");
        break;
      case 7:
        text = `${rng.pick(["UNA\u0000\u0000\u0000\u0000\u0000\u0000", "UNA++++++", "UNA:+.? '", "UNA", "UNA:+.?"])}${text}`;
        notes.push("odd UNA prefixed");
        break;
      case 8:
        text = isCsv ? text.replace(/"/, "") : text.replace(/'/g, "?'");
        notes.push(isCsv ? "unbalanced quote" : "every terminator escaped");
        break;
      case 9:
        text = isCsv
          ? `${text.split("\n")[0] ?? ""}${",x".repeat(100_000)}\n${text.split("\n").slice(1).join("\n")}`
          : text.replace(/\+/g, "+".repeat(50));
        notes.push(isCsv ? "100,000 extra columns" : "element separators multiplied");
        break;
      case 10:
        text = text.replace(/\n/g, rng.pick(["\r\n", "\r", "\u2028"]));
        notes.push("line endings changed");
        break;
      default: {
        const raw = Buffer.from(text, "latin1");
        const choice = kind - 11;
        if (choice === 0) {
          for (let k = 0, n = rng.between(1, 20); k < n; k++) {
            raw[rng.int(raw.length)] = rng.int(256);
          }
          bytes = raw;
          notes.push("random bytes flipped");
        } else if (choice === 1) {
          bytes = rng.bytes(rng.between(1, 8192));
          notes.push("random bytes only");
        } else if (choice === 2) {
          bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
          notes.push("UTF-16LE with BOM");
        } else if (choice === 3) {
          bytes = Buffer.concat([
            raw.subarray(0, raw.length >> 1),
            Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80, 0xff, 0x00]),
            raw.subarray(raw.length >> 1),
          ]);
          notes.push("invalid UTF-8 and NUL in the middle");
        } else {
          bytes = Buffer.from(rng.pick(["", " ", "\n\n", "\ufeff", "UNB", "UNZ+0+X'", "bill_of_lading\n", "ISA*"]));
          notes.push(`nearly empty: ${JSON.stringify(bytes.toString("latin1"))}`);
        }
      }
    }
    if (bytes) {
      break;
    }
  }
  return { bytes: bytes ?? Buffer.from(text, "latin1"), notes };
}

function manifestDraft(ctx: GenContext, target: FuzzTarget, draft: Draft): void {
  const { rng, samples } = ctx;
  const sample = rng.pick(samples);
  const { bytes, notes } = mutateManifestText(rng, sample);
  draft.rawBody = bytes;
  draft.contentType = rng.chance(0.1)
    ? rng.pick(WRONG_MANIFEST_TYPES)
    : rng.chance(0.6)
      ? sample.contentType
      : rng.pick(MANIFEST_TYPES);
  draft.query.dryRun = rng.weighted<Value>([
    ["true", 6],
    ["false", 3],
    ["1", 1],
    ["yes", 0.5],
    ["\u0000", 0.3],
    [["true", "false"], 0.3],
  ]);
  if (rng.chance(0.4)) {
    draft.query.fileName = rng.pick<Value>([
      sample.name,
      "../../etc/passwd",
      "a".repeat(300),
      "é.edi",
      "con",
      "x\u0000.edi",
      "",
      new RawBytes(rng.bytes(12), "random bytes"),
    ]);
  }
  if (rng.chance(0.4)) {
    draft.query.format = rng.chance(0.8)
      ? rng.pick((target.query?.properties?.format?.enum ?? ["auto"]) as Value[])
      : rng.pick<Value>(["bogus", "CUSCAR", "", "csv\u0000"]);
  }
  draft.mutations.push(
    `manifest ${sample.name} as ${JSON.stringify(draft.contentType)}${notes.length > 0 ? `: ${notes.join("; ")}` : " unchanged"}`,
    `query ${describeValue(draft.query)}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Encoding

function percentEncode(value: string | Buffer): string {
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  let out = "";
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function urlText(value: Value): string | Buffer {
  if (value instanceof RawBytes) {
    return value.bytes;
  }
  if (value instanceof RawJson) {
    return value.text;
  }
  if (typeof value === "string") {
    return value;
  }
  return typeof value === "object" && value !== null ? toJsonText(value) : String(value);
}

function queryString(query: { [key: string]: Value }): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    const k = percentEncode(key);
    if (value === null) {
      parts.push(k);
    } else if (Array.isArray(value)) {
      value.slice(0, 50).forEach((v) => parts.push(`${k}=${percentEncode(urlText(v))}`));
    } else if (typeof value === "object" && !(value instanceof RawBytes) && !(value instanceof RawJson)) {
      Object.entries(value).forEach(([sub, v]) =>
        parts.push(`${k}%5B${percentEncode(sub)}%5D=${percentEncode(urlText(v))}`),
      );
    } else {
      parts.push(`${k}=${percentEncode(urlText(value))}`);
    }
  }
  return parts.join("&");
}

function encodeCase(
  target: FuzzTarget,
  draft: Draft,
): { url: string; payload?: string | Buffer; contentType?: string } {
  const pathPart = target.url.replace(/:(\w+)/g, (_, name: string) => {
    const value = draft.params[name];
    return value === undefined ? "" : percentEncode(urlText(value));
  });
  const qs = queryString(draft.query);
  const url = `${pathPart}${draft.suffix}${qs ? `${draft.suffix.includes("?") ? "&" : "?"}${qs}` : ""}`;
  if (draft.rawBody) {
    return { url, payload: draft.rawBody, contentType: draft.contentType ?? "application/json" };
  }
  if (draft.body === undefined) {
    return { url, contentType: draft.contentType };
  }
  return { url, payload: toJsonText(draft.body), contentType: draft.contentType ?? "application/json" };
}

// ---------------------------------------------------------------------------------------------
// The generator

/** What a fuzzer needs to build cases. */
export interface FuzzerOptions {
  seed: number;
  targets: FuzzTarget[];
  accounts: FuzzAccount[];
  pools: FuzzPools;
  samples: ManifestSample[];
}

function reachable(target: FuzzTarget, accounts: FuzzAccount[]): FuzzAccount[] {
  if (target.isPublic) {
    return accounts.filter((a) => a.name === "anonymous" || a.isPerson);
  }
  const roles = target.roles;
  return accounts.filter((a) => a.name !== "anonymous" && (!roles || roles.some((r) => a.roles.includes(r))));
}

const LOGIN_ADDRESSES = ["10.9.8.7", "10.9.8.8", "2001:db8:1:2::5", "::ffff:10.9.8.7", "fe80::1%eth0", "::1"];

/** Builds case `index` of the run seeded with `seed`: the same pair always gives the same request. */
export function createFuzzer(options: FuzzerOptions): { caseAt(index: number): FuzzCase; sweep: number } {
  const weighted = options.targets.map((t) => [t, t.weight] as const);
  // The run opens with one case per route and account that may call it, so every pair is met
  // however short the run; after that, routes are drawn by weight.
  const pairs = options.targets.flatMap((t) => reachable(t, options.accounts).map((a) => [t, a] as const));
  return {
    sweep: pairs.length,
    caseAt(index: number): FuzzCase {
      const rng = new Rng(options.seed, index);
      const ctx: GenContext = { rng, pools: options.pools, samples: options.samples, inUrl: false };
      const pair = pairs[index];
      const target = pair ? pair[0] : rng.weighted(weighted);
      const candidates = reachable(target, options.accounts);
      // Now and then someone who may not call the route: the refusal must be JSON too.
      const account = pair
        ? pair[1]
        : candidates.length === 0 || rng.chance(0.08)
          ? rng.pick(options.accounts)
          : rng.pick(candidates);
      const draft: Draft = {
        params: {},
        query: {},
        body: undefined,
        headers: { ...account.headers },
        suffix: "",
        mutations: [],
      };
      if (target.params) {
        draft.params = validObject(
          { ...ctx, inUrl: true },
          { ...target.params, required: Object.keys(target.params.properties ?? {}) },
        );
      }
      if (target.query) {
        draft.query = validObject({ ...ctx, inUrl: true }, target.query);
        // Only now is the list (path and sort) known, and with it the cursors it issued.
        const sort = draft.query.sort;
        ctx.list = typeof sort === "string" ? `${target.url}?sort=${sort}` : target.url;
        const cursor =
          target.query.properties?.cursor && rng.chance(0.5)
            ? validValue(ctx, target.query.properties.cursor, "cursor")
            : undefined;
        if (cursor !== undefined) {
          draft.query.cursor = cursor;
        }
      }
      if (target.body) {
        draft.body = validValue(ctx, target.body, "body") ?? {};
      }
      if (target.isRawBody) {
        manifestDraft(ctx, target, draft);
      }
      mutate(ctx, target, draft);
      const { url, payload, contentType } = encodeCase(target, draft);
      const headers = {
        ...draft.headers,
        ...(contentType !== undefined && payload !== undefined ? { "content-type": contentType } : {}),
      };
      return {
        index,
        target: target.key,
        account: account.name,
        method: draft.method ?? target.method,
        url,
        headers,
        payload,
        remoteAddress:
          target.key === "POST /api/session"
            ? rng.pick([...LOGIN_ADDRESSES, `10.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}`])
            : undefined,
        freshSession:
          target.key === "DELETE /api/session" && account.isPerson && draft.headers.cookie === account.headers.cookie
            ? true
            : undefined,
        mutations: draft.mutations.length > 0 ? draft.mutations : ["none (valid input)"],
      };
    },
  };
}

function mutate(ctx: GenContext, target: FuzzTarget, draft: Draft): void {
  const { rng } = ctx;
  // One case in ten stays valid, so success paths (and their response schemas) are covered too.
  const rounds = rng.chance(0.1) ? 0 : 1 + (rng.chance(0.35) ? 1 : 0) + (rng.chance(0.12) ? 1 : 0);
  const hasBody = target.method === "POST" && !target.isRawBody;
  for (let i = 0; i < rounds; i++) {
    const action = rng.weighted<string>([
      ["slot", target.isRawBody ? 3 : 12],
      ["drop", 1],
      ["extra", 1],
      ["body", hasBody ? 2.5 : 0],
      ["content-type", target.method === "POST" ? 1 : 0],
      ["headers", 1.5],
      ["query-shape", 0.8],
      ["path", 0.4],
      ["method", 0.3],
    ]);
    switch (action) {
      case "slot":
        mutateSlot(ctx, target, draft);
        break;
      case "drop":
        dropRequired(ctx, target, draft);
        break;
      case "extra":
        addUnknownField(ctx, draft);
        break;
      case "body":
        replaceBody(ctx, draft);
        break;
      case "content-type":
        mutateContentType(ctx, draft);
        break;
      case "headers":
        mutateHeaders(ctx, draft);
        break;
      case "query-shape":
        mutateQueryShape(ctx, target, draft);
        break;
      case "method":
        mutateMethod(ctx, draft);
        break;
      default:
        mutatePath(ctx, draft);
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Running and checking

/** Why a response breaks the contract (5xx, or an error body that is not `{code, message}`), or null. */
export function contractViolation(res: LightMyRequestResponse, method: string): string | null {
  if (res.statusCode < 400) {
    return null;
  }
  const problems: string[] = [];
  if (res.statusCode >= 500) {
    problems.push(`status ${res.statusCode}`);
  }
  if (method === "HEAD") {
    // An answer to HEAD has no body to check.
    return problems.length > 0 ? problems.join("; ") : null;
  }
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    body = undefined;
  }
  const shape = body as { code?: unknown; message?: unknown } | undefined;
  if (!shape || typeof shape !== "object" || typeof shape.code !== "string" || typeof shape.message !== "string") {
    problems.push(`error body is not {code, message}: ${clip(JSON.stringify(res.body), 200)}`);
  }
  return problems.length > 0 ? problems.join("; ") : null;
}

/** A case that broke the contract, with what the server logged (its payload clipped to 4 KB). */
export interface FuzzFailure {
  fuzzCase: FuzzCase & { payloadBytes: number };
  status: number;
  body: string;
  problem: string;
  logged: string[];
}

/** Totals of a run. */
export interface FuzzReport {
  seed: number;
  sent: number;
  byClass: Record<string, number>;
  byTarget: Record<string, number>;
  errorCodes: Record<string, number>;
  failures: FuzzFailure[];
  durationMs: number;
  /**
   * Accounts whose own credentials stopped working during the run (a revoked token, a session
   * ended by a case), by the route of that account's last case before the loss; each was renewed,
   * so later cases reach past the login wall.
   */
  credentialsLost: Record<string, number>;
}

function summariseLog(line: Record<string, unknown>): string {
  const err = line.err as
    { type?: string; message?: string; stack?: string; code?: string; detail?: string } | undefined;
  if (!err) {
    return clip(typeof line.msg === "string" ? line.msg : JSON.stringify(line), 400);
  }
  const frames = (err.stack ?? "")
    .split("\n")
    .filter(
      (l) =>
        l.trim().startsWith("at ") &&
        !l.includes("node_modules") &&
        !l.includes("pglite-thread") &&
        !l.includes("node:"),
    )
    .slice(0, 4)
    .map((l) => l.trim().replace(`file://${REPO}/`, "").replace(`${REPO}/`, ""));
  const detail = err.detail ? ` — ${clip(err.detail, 200)}` : "";
  return `${err.type ?? "Error"}${err.code ? ` [${err.code}]` : ""}: ${clip(err.message ?? "", 400)}${detail}${frames.length > 0 ? ` (${[...new Set(frames)].join(" < ")})` : ""}`;
}

/** Sends cases `start … start+count-1` one after another and checks every answer. */
export async function runFuzz(options: {
  app: FastifyInstance;
  fuzzer: ReturnType<typeof createFuzzer>;
  seed: number;
  count: number;
  start?: number;
  logs: LogCapture;
  pools: FuzzPools;
  accounts: FuzzAccount[];
  timeoutMs?: number;
  onProgress?: (done: number, report: FuzzReport) => void;
}): Promise<FuzzReport> {
  const { app, fuzzer, logs } = options;
  const report: FuzzReport = {
    seed: options.seed,
    sent: 0,
    byClass: {},
    byTarget: {},
    errorCodes: {},
    failures: [],
    durationMs: 0,
    credentialsLost: {},
  };
  const lastTarget = new Map<string, string>();
  const started = Date.now();
  const start = options.start ?? 0;
  for (let index = start; index < start + options.count; index++) {
    const fuzzCase = fuzzer.caseAt(index);
    if (fuzzCase.freshSession) {
      // A logout must not end the session every other case of this account shares.
      try {
        Object.assign(fuzzCase.headers, await sessionHeaders(app, fuzzCase.account));
      } catch (err) {
        report.failures.push({
          fuzzCase: kept(fuzzCase),
          status: 0,
          body: "",
          problem: `could not log in afresh before the logout: ${(err as Error).message}`,
          logged: logs.take().map(summariseLog),
        });
        continue;
      }
    }
    logs.take();
    let res: LightMyRequestResponse;
    try {
      res = await withTimeout(
        app.inject({
          method: fuzzCase.method as "GET",
          url: fuzzCase.url,
          headers: fuzzCase.headers,
          payload: fuzzCase.payload,
          remoteAddress: fuzzCase.remoteAddress,
        }),
        options.timeoutMs ?? 60_000,
      );
    } catch (err) {
      report.failures.push({
        fuzzCase: kept(fuzzCase),
        status: 0,
        body: "",
        problem: `no answer: ${(err as Error).message}`,
        logged: logs.take().map(summariseLog),
      });
      report.sent++;
      continue;
    }
    report.sent++;
    const klass = `${Math.floor(res.statusCode / 100)}xx`;
    report.byClass[klass] = (report.byClass[klass] ?? 0) + 1;
    report.byTarget[fuzzCase.target] = (report.byTarget[fuzzCase.target] ?? 0) + 1;
    if (res.statusCode >= 400) {
      const code =
        fuzzCase.method === "HEAD"
          ? "(HEAD, no body)"
          : (/"code":"([^"]*)"/.exec(res.body.slice(0, 400))?.[1] ?? "(none)");
      report.errorCodes[code] = (report.errorCodes[code] ?? 0) + 1;
    }
    const account = options.accounts.find((a) => a.name === fuzzCase.account);
    if (res.statusCode === 401 && account && account.name !== "anonymous" && (await renewIfLost(app, account))) {
      const before = lastTarget.get(account.name) ?? "(start)";
      report.credentialsLost[before] = (report.credentialsLost[before] ?? 0) + 1;
    }
    lastTarget.set(fuzzCase.account, fuzzCase.target);
    const problem = contractViolation(res, fuzzCase.method);
    if (problem) {
      report.failures.push({
        fuzzCase: kept(fuzzCase),
        status: res.statusCode,
        body: clip(res.body, 300),
        problem,
        logged: logs.take().map(summariseLog),
      });
    } else {
      harvest(res, options.pools, fuzzCase.url);
    }
    options.onProgress?.(index - start + 1, report);
  }
  report.durationMs = Date.now() - started;
  return report;
}

/**
 * After a 401, asks whether the account's own credentials still work (a case may have sent broken
 * ones on purpose); when they do not, logs the person in again or issues a new token in place.
 */
async function renewIfLost(app: FastifyInstance, account: FuzzAccount): Promise<boolean> {
  try {
    return await renew(app, account);
  } catch {
    // A login refused (e.g. the account is locked out by the cases' wrong passwords): keep going.
    return false;
  }
}

async function renew(app: FastifyInstance, account: FuzzAccount): Promise<boolean> {
  const probe = await app.inject({ method: "GET", url: "/api/me", headers: account.headers });
  if (probe.statusCode !== 401) {
    return false;
  }
  if (account.isPerson) {
    Object.assign(account.headers, await sessionHeaders(app, account.name));
    return true;
  }
  const admin = await sessionHeaders(app, "host.admin");
  const issued = await app.inject({
    method: "POST",
    url: "/api/api-tokens",
    headers: admin,
    payload: { name: `fuzz-feed-${Date.now().toString(36)}` },
  });
  if (issued.statusCode === 201) {
    account.headers.authorization = `Bearer ${issued.json<{ token: string }>().token}`;
    return true;
  }
  return false;
}

// A long run may collect thousands of failures; megabyte payloads are not worth keeping whole.
function kept(c: FuzzCase): FuzzCase & { payloadBytes: number } {
  return {
    ...c,
    payload: typeof c.payload === "string" ? c.payload.slice(0, 4096) : c.payload?.subarray(0, 4096),
    url: clip(c.url, 2000),
    payloadBytes: c.payload?.length ?? 0,
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`no response within ${ms} ms`)), ms)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** One failing case as a report paragraph: enough to replay it by hand. */
export function describeFailure(f: FuzzFailure): string {
  const c = f.fuzzCase;
  const headers = Object.fromEntries(
    Object.entries(c.headers).map(([k, v]) => [
      k,
      k === "cookie" || k === "authorization"
        ? clip(v.replace(/(reciprocity_session=|Bearer )[A-Za-z0-9_-]{30,}/, "$1<session of the account>"), 120)
        : clip(v, 120),
    ]),
  );
  const payload =
    c.payload === undefined
      ? "none"
      : `${c.payloadBytes} bytes: ${clip(JSON.stringify(typeof c.payload === "string" ? c.payload : c.payload.toString("latin1")), 240)}`;
  return [
    `#${c.index} ${c.target} as ${c.account} → ${f.status}: ${f.problem}`,
    `  request: ${c.method} ${clip(c.url, 300)}${c.remoteAddress ? ` from ${c.remoteAddress}` : ""}`,
    `  headers: ${JSON.stringify(headers)}`,
    `  payload: ${payload}`,
    `  mutations: ${c.mutations.join(" | ")}`,
    `  response: ${f.body}`,
    `  logged: ${f.logged.length > 0 ? f.logged.join(" / ") : "(nothing)"}`,
  ].join("\n");
}

/** Failures grouped by route and logged error, most frequent first, each with its first example. */
export function groupFailures(
  failures: FuzzFailure[],
): { key: string; count: number; accounts: string[]; first: FuzzFailure }[] {
  const groups = new Map<string, { key: string; count: number; accounts: Set<string>; first: FuzzFailure }>();
  for (const f of failures) {
    // The offending value varies from case to case; the error around it names the fault.
    const cause = (f.logged[0] ?? f.problem)
      .replace(/ \(at .*\)$/, "")
      .replace(/"[^"]*"/g, '"…"')
      .slice(0, 160);
    const key = `${f.fuzzCase.target} — ${cause}`;
    const group = groups.get(key) ?? { key, count: 0, accounts: new Set<string>(), first: f };
    group.count++;
    group.accounts.add(f.fuzzCase.account);
    groups.set(key, group);
  }
  return [...groups.values()]
    .sort((a, b) => b.count - a.count)
    .map((g) => ({ ...g, accounts: [...g.accounts].sort() }));
}
