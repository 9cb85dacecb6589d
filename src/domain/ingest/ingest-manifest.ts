import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { CsvLayout, TradeFormat } from "../../trade/index.ts";
import { requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { scoreAllAgencies } from "../targeting/scoring.ts";
import type { FileReport } from "./report.ts";
import { runIngest } from "./run.ts";
import { wholeParts } from "./parse-thread.ts";
import { streamSource, type StreamInput } from "./stream.ts";

/** One file held in memory. */
export interface IngestInput {
  fileName: string;
  text: string;
  format?: TradeFormat;
  csvLayout?: CsvLayout;
}

/** A manifest file to ingest: its whole text, or its chunks as they arrive. */
export type ManifestInput = IngestInput | StreamInput;

/**
 * Ingests one manifest file for the actor's agency, then re-scores what it changed: the one use
 * case behind the API upload, `reciprocity ingest`, quarantine resubmission and the demo feed.
 *
 * Storing follows runIngest (good records land, bad ones wait in quarantine, the rest are set
 * aside with a reason). Once the batch has committed, every agency that can see a shipment the
 * batch wrote scores it; scorePending claims them with SKIP LOCKED, so a background scorer working
 * at the same time never scores one twice. Shipments left stale by anything else (new rules, an
 * earlier failure) are the background sweep's.
 */
export async function ingestManifest(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  input: ManifestInput,
): Promise<FileReport> {
  const report = await storeManifest(db, clock, actor, input);
  if (report.batchId && report.inserted + report.replaced > 0) {
    await scoreAllAgencies(db, clock, { batchId: report.batchId });
  }
  return report;
}

/**
 * Stores one manifest file for the actor's agency without re-scoring anything: for benchmarks and
 * tests that look at storage alone. The application ingests through ingestManifest.
 */
export function storeManifest(db: Kysely<DB>, clock: Clock, actor: Actor, input: ManifestInput): Promise<FileReport> {
  requireRole(actor, ["admin", "ingest"], "ingest manifests");
  return "text" in input ? storeText(db, clock, actor, input) : storeStream(db, clock, actor, input);
}

/**
 * A whole text is parsed at once (X12 and small files; on a thread of its own when large); large
 * files should come as a stream. The batch takes the format the parser found.
 */
async function storeText(db: Kysely<DB>, clock: Clock, actor: Actor, input: IngestInput): Promise<FileReport> {
  let sha256 = "";
  const parts = wholeParts(
    input.text,
    { file: input.fileName, format: input.format, csvLayout: input.csvLayout },
    (digest) => (sha256 = digest),
  );
  const first = await parts.next();
  if (first.done) {
    throw new Error("a parsed text has at least one part");
  }
  const digest = { sha256, sizeBytes: Buffer.byteLength(input.text) };
  try {
    return await runIngest(
      db,
      clock,
      actor,
      { fileName: input.fileName, format: first.value.format, digest: () => digest },
      withFirst(first.value, parts),
    );
  } finally {
    // Should the ingest stop before reading every part, the parser stops too.
    await parts.return();
  }
}

async function* withFirst<T>(first: T, rest: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  yield first;
  yield* rest;
}

/** A stream is read as it arrives, memory bounded by one chunk of shipments (EDIFACT and CSV; X12 is read whole). */
async function storeStream(db: Kysely<DB>, clock: Clock, actor: Actor, input: StreamInput): Promise<FileReport> {
  const { target, parts } = await streamSource(input);
  return runIngest(db, clock, actor, target, parts);
}
