import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { TradeFormat } from "../../trade/index.ts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { storeManifest, type IngestInput } from "./ingest-manifest.ts";
import { PendingChunk, takePart, type ParsedPart } from "./parts.ts";
import { checkUsable, emptyReport, type FileReport } from "./report.ts";
import { wholeTextParts } from "./source-parts.ts";
import type { StreamInput } from "./stream.ts";

export type { FileReport, Finding } from "./report.ts";
export { dryRunStream, type StreamInput } from "./stream.ts";
export { ingestManifest, storeManifest, type IngestInput, type ManifestInput } from "./ingest-manifest.ts";

/** A whole file parsed at once: its format, digest and records in parts. */
export interface Analysis {
  format: TradeFormat;
  sha256: string;
  sizeBytes: number;
  parts: ParsedPart[];
}

/** Parses a whole text without touching a database. */
export function analyseFile(input: IngestInput): Analysis {
  const { format, parts, sha256 } = wholeTextParts(input.text, {
    file: input.fileName,
    format: input.format,
    csvLayout: input.csvLayout,
  });
  return { format, parts, sha256, sizeBytes: Buffer.byteLength(input.text) };
}

/** Parses and validates only: the report of what an ingest would do, without storing anything. */
export function dryRunIngest(input: IngestInput): FileReport {
  const analysis = analyseFile(input);
  const report = emptyReport(input.fileName, analysis.format);
  for (const part of analysis.parts) {
    takePart(report, new PendingChunk(), part);
  }
  checkUsable(report);
  return report;
}

/** Stores a file held in memory, without re-scoring (storeManifest); the application calls ingestManifest. */
export function ingestFile(db: Kysely<DB>, clock: Clock, actor: Actor, input: IngestInput): Promise<FileReport> {
  return storeManifest(db, clock, actor, input);
}

/**
 * Stores a file as it streams in, memory bounded by one chunk of shipments, without re-scoring
 * (storeManifest); the application calls ingestManifest.
 */
export function ingestStream(db: Kysely<DB>, clock: Clock, actor: Actor, input: StreamInput): Promise<FileReport> {
  return storeManifest(db, clock, actor, input);
}
