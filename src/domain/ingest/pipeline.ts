import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { CsvLayout } from "../../trade/csv/layout.ts";
import type { TradeFormat } from "../../trade/records.ts";
import { requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { PendingChunk, takePart, type ParsedPart } from "./parts.ts";
import { emptyReport, type FileReport } from "./report.ts";
import { runIngest } from "./run.ts";
import { wholeTextParts } from "./source-parts.ts";

export type { FileReport, Finding } from "./report.ts";
export { dryRunStream, ingestStream, type StreamInput } from "./stream.ts";

/** One file to ingest. */
export interface IngestInput {
  fileName: string;
  text: string;
  format?: TradeFormat;
  csvLayout?: CsvLayout;
}

/** A whole file parsed at once: its format, digest and records in parts. */
export interface Analysis {
  format: TradeFormat;
  sha256: string;
  sizeBytes: number;
  parts: ParsedPart[];
}

/** Parses a whole text without touching a database. */
export function analyseFile(input: IngestInput): Analysis {
  const { format, parts, sha256 } = wholeTextParts(input.text, { file: input.fileName, format: input.format, csvLayout: input.csvLayout });
  return { format, parts, sha256, sizeBytes: Buffer.byteLength(input.text) };
}

/** Parses and validates only: the report of what an ingest would do, without storing anything. */
export function dryRunIngest(input: IngestInput): FileReport {
  const analysis = analyseFile(input);
  const report = emptyReport(input.fileName, analysis.format);
  for (const part of analysis.parts) {
    takePart(report, new PendingChunk(), part);
  }
  return report;
}

/**
 * Ingests one file held in memory for the actor's agency: good records land, bad ones go to
 * quarantine with their reasons and raw text, and the same message twice changes nothing.
 * Large files should come through ingestStream instead.
 */
export async function ingestFile(db: Kysely<DB>, clock: Clock, actor: Actor, input: IngestInput): Promise<FileReport> {
  requireRole(actor, ["admin", "ingest"], "ingest manifests");
  const analysis = analyseFile(input);
  const digest = { sha256: analysis.sha256, sizeBytes: analysis.sizeBytes };
  return runIngest(db, clock, actor, { fileName: input.fileName, format: analysis.format, digest: () => digest }, analysis.parts);
}
