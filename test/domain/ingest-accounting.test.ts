import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { before, it } from "node:test";
import { sql } from "kysely";
import type { Actor } from "../../src/domain/actor.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { dryRunIngest, dryRunStream, ingestManifest, type FileReport } from "../../src/domain/ingest/pipeline.ts";
import { serviceActor } from "../../src/domain/service-accounts.ts";
import { parseCsvMapping, type CsvLayout } from "../../src/trade/csv/layout.ts";
import { parseMessageText } from "../../src/trade/detect.ts";
import type { TradeFormat } from "../../src/trade/records.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { realTradeSamples } from "../helpers/trade-samples.ts";

// Nothing is dropped silently: for every file, every record read has landed, waits in quarantine
// or was set aside with a stated reason, and the batch says which. Walked over every real carrier
// file we hold and over our own fixtures, which cover the formats no real sample does (CODECO,
// X12 309, CSV).

const fixtures = path.resolve(import.meta.dirname, "../trade/fixtures");

interface Sample {
  name: string;
  text: string;
  csvLayout?: CsvLayout;
}

function samples(): Sample[] {
  const own = readdirSync(fixtures)
    .filter((n) => /\.(edi|csv)$/.test(n))
    .sort()
    .map((name) => {
      const mapping = path.join(fixtures, name.replace(/\.csv$/, ".mapping.json"));
      const csvLayout =
        name.endsWith(".csv") && existsSync(mapping)
          ? parseCsvMapping(JSON.parse(readFileSync(mapping, "utf8")) as unknown, mapping).layout
          : undefined;
      return { name, text: readFileSync(path.join(fixtures, name), "utf8"), csvLayout };
    });
  return [...realTradeSamples().map(({ name, text }) => ({ name, text })), ...own];
}

/** Formats the trade library reads; the walk must meet each at least once. */
const FORMATS: TradeFormat[] = [
  "cuscar",
  "iftmin",
  "baplie",
  "coarri",
  "codeco",
  "coprar",
  "iftsta",
  "x12-309",
  "x12-315",
  "x12-310",
  "csv",
];

/** Segments of an EDIFACT or X12 text with a given tag, counted on the raw text with its own delimiters. */
function countSegments(text: string, tag: string, firstElement?: string): number {
  const body = text.replace(/^\uFEFF/, "");
  let element = "+";
  let terminator = "'";
  if (body.startsWith("UNA")) {
    element = body.charAt(4);
    terminator = body.charAt(8);
  } else if (body.startsWith("ISA")) {
    element = body.charAt(3);
    terminator = body.charAt(105);
  }
  return body
    .split(terminator)
    .map((s) => s.trim().split(element))
    .filter((parts) => parts[0] === tag && (firstElement === undefined || parts[1]?.split(/[:>^]/)[0] === firstElement))
    .length;
}

/**
 * Items of the file counted without the trade library, where its shape makes that simple: the
 * records read must cover them (each cell, equipment group, status, consignment, transaction).
 */
function itemsInFile(format: TradeFormat, text: string): number | undefined {
  switch (format) {
    case "baplie":
      return countSegments(text, "LOC", "147");
    case "coarri":
    case "codeco":
    case "coprar":
      return countSegments(text, "EQD");
    case "iftsta":
      return countSegments(text, "STS");
    case "cuscar":
    case "iftmin":
      return Math.max(1, countSegments(text, "CNI"));
    case "x12-315":
    case "x12-310":
      return countSegments(text, "ST");
    case "x12-309":
      return countSegments(text, "LX");
    case "csv":
    case "json":
    case "unknown":
      return undefined;
  }
}

/** read = landed + quarantined + set aside, and every record set aside has its reason. */
function assertAccounted(r: FileReport, label: string): void {
  const { read, landed, quarantined, setAside } = r.records;
  assert.equal(
    read,
    landed + quarantined + setAside,
    `${label}: ${read} read ≠ ${landed} landed + ${quarantined} quarantined + ${setAside} set aside`,
  );
  assert.equal(quarantined, r.quarantined, `${label}: quarantined`);
  assert.equal(
    r.setAside.reduce((n, s) => n + s.count, 0),
    setAside,
    `${label}: every record set aside has a reason`,
  );
  for (const s of r.setAside) {
    assert.ok(s.code && s.message && s.count > 0, `${label}: reason ${JSON.stringify(s)}`);
  }
  const isUsable = landed + quarantined > 0;
  assert.equal(
    r.errors.some((e) => e.code === "ingest.nothing_usable"),
    !isUsable,
    `${label}: a file of which nothing could be used says so`,
  );
}

const clock = fixedClock(new Date("2026-11-27T08:00:00Z"));

describeOnEngines(
  "every record of every sample accounted for",
  async (database) => {
    await database.db
      .insertInto("agency")
      .values({ code: "USCBP", name: "U.S. Customs and Border Protection", country: "US" })
      .execute();
  },
  (ctx) => {
    let actor: Actor;
    const all = samples();
    const first = new Map<string, FileReport>();

    before(async () => {
      actor = await serviceActor(ctx().database.db, "USCBP", "feed.walk");
    });

    it("meets every format the trade library reads, the real 642-cell bay plan among them", () => {
      const formats = new Set(
        all.map((s) => parseMessageText(s.text, { file: s.name, csvLayout: s.csvLayout }).format),
      );
      for (const format of FORMATS) {
        assert.ok(formats.has(format), `no sample of ${format}`);
      }
      assert.ok(
        all.some((s) => countSegments(s.text, "LOC", "147") === 642),
        "the real BAPLIE of 642 cells is among the samples",
      );
    });

    it("reads each file into records that all land, wait in quarantine or are set aside with a reason", async () => {
      const db = ctx().database.db;
      for (const sample of all) {
        const parsed = parseMessageText(sample.text, { file: sample.name, csvLayout: sample.csvLayout });
        const parserRecords =
          parsed.shipments.length +
          parsed.containerEvents.length +
          parsed.stowage.length +
          parsed.diagnostics.filter((d) => d.isDropped).length;
        const dry = dryRunIngest({ fileName: sample.name, text: sample.text, csvLayout: sample.csvLayout });
        const streamed = await dryRunStream({
          fileName: sample.name,
          chunks: [sample.text],
          csvLayout: sample.csvLayout,
        });
        const report = await ingestManifest(db, clock, actor, {
          fileName: sample.name,
          text: sample.text,
          csvLayout: sample.csvLayout,
        });
        first.set(sample.name, report);
        const label = `${sample.name} (${report.format})`;

        assertAccounted(report, label);
        assertAccounted(dry, `${label} dry run`);
        assert.equal(report.records.read, parserRecords, `${label}: every record the parser produced is counted`);
        assert.deepEqual(dry.records, report.records, `${label}: the dry run tells what the ingest does`);
        assert.deepEqual(streamed.records, report.records, `${label}: streamed as the API and the CLI read it`);
        const items = itemsInFile(report.format, sample.text);
        if (items !== undefined) {
          assert.ok(
            report.records.read >= items,
            `${label}: ${report.records.read} records read for ${items} items in the file`,
          );
        }

        const batch = await db
          .selectFrom("ingest_batch")
          .select(["status", "report"])
          .where("id", "=", report.batchId as string)
          .executeTakeFirstOrThrow();
        const isUsable = report.records.landed + report.records.quarantined > 0;
        assert.equal(batch.status, isUsable ? "completed" : "rejected", `${label}: batch status`);
        assert.deepEqual(
          (batch.report as FileReport).records,
          report.records,
          `${label}: the batch page shows the same account`,
        );
        const stored = await sql<{ versions: number; events: number; held: number }>`
          select (select count(*)::int from shipment_version where batch_id = ${report.batchId}) as versions,
                 (select count(*)::int from container_event where batch_id = ${report.batchId}) as events,
                 (select count(*)::int from quarantine_record where batch_id = ${report.batchId}) as held`.execute(db);
        const row = stored.rows[0] as { versions: number; events: number; held: number };
        assert.equal(
          row.versions,
          report.inserted + report.replaced + report.cancelled,
          `${label}: shipment versions stored`,
        );
        assert.equal(row.events, report.events, `${label}: container events stored`);
        assert.equal(row.held, report.quarantined, `${label}: quarantine rows`);
      }
    });

    it("accounts for every record again when the same files come twice, landing what is known already", async () => {
      const db = ctx().database.db;
      for (const sample of all) {
        const before = first.get(sample.name) as FileReport;
        const again = await ingestManifest(db, clock, actor, {
          fileName: sample.name,
          text: sample.text,
          csvLayout: sample.csvLayout,
        });
        const label = `${sample.name} again`;
        assertAccounted(again, label);
        assert.equal(again.records.read, before.records.read, `${label}: read`);
        assert.equal(again.events, 0, `${label}: no event recorded twice`);
        assert.equal(again.stowage, before.stowage, `${label}: cells landed as known`);
        assert.equal(again.inserted, 0, `${label}: no shipment inserted twice`);
        assert.equal(again.records.landed, before.records.landed, `${label}: landed as known`);
      }
    });
  },
);
