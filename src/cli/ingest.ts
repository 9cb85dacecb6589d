import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { dryRunStream, type FileReport, type StreamInput } from "../domain/ingest/pipeline.ts";
import { type CsvLayout, FILE_FORMATS, parseCsvMapping, type TradeFormat } from "../trade/index.ts";
import { withServices } from "./database.ts";

const FORMATS = ["auto", ...FILE_FORMATS];

interface IngestOptions {
  format: string;
  dryRun?: boolean;
  json?: boolean;
  agency?: string;
  dataDir?: string;
  csvMapping?: string;
}

function summary(r: FileReport): string {
  const stored = r.batchId
    ? ` (${r.inserted} new, ${r.replaced} replaced, ${r.cancelled} cancelled, ${r.unchanged + r.duplicates} already known)`
    : " (dry run)";
  const { read, landed, quarantined, setAside } = r.records;
  const lines = [
    `${r.file}: ${r.format}, ${r.messages} messages, ${r.shipments} shipments${stored}, ${r.containers} containers, ${r.events} events, ${r.stowage} stowage cells, ${r.unmatched} unmatched, ${r.quarantined} quarantined`,
    `  records: ${read} read = ${landed} landed + ${quarantined} quarantined + ${setAside} set aside`,
  ];
  for (const s of r.setAside) {
    lines.push(`  set aside ${s.count}: ${s.message} [${s.code}]`);
  }
  for (const e of r.errors) {
    lines.push(`  error   ${e.where}: ${e.message} [${e.code}]`);
  }
  if (r.errorCount > r.errors.length) {
    lines.push(`  … and ${r.errorCount - r.errors.length} more errors`);
  }
  for (const w of r.warnings) {
    lines.push(`  warning ${w.where}: ${w.message} [${w.code}]`);
  }
  if (r.warningCount > r.warnings.length) {
    lines.push(`  … and ${r.warningCount - r.warnings.length} more warnings`);
  }
  return lines.join("\n");
}

/** A file checked to be readable; its chunks are opened only when it is ingested. */
interface FileInput {
  path: string;
  fileName: string;
  format?: TradeFormat;
  csvLayout?: CsvLayout;
}

async function readInputs(files: string[], opts: IngestOptions): Promise<FileInput[]> {
  let layout: CsvLayout | undefined;
  if (opts.csvMapping) {
    const parsed = parseCsvMapping(JSON.parse(await readFile(opts.csvMapping, "utf8")) as unknown, opts.csvMapping);
    layout = parsed.layout;
  }
  const format = opts.format === "auto" ? undefined : (opts.format as TradeFormat);
  return Promise.all(
    files.map(async (file) => {
      try {
        if (!(await stat(file)).isFile()) {
          throw new Error("not a file");
        }
      } catch (err) {
        throw new InvalidArgumentError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
      return { path: file, fileName: path.basename(file), format, csvLayout: layout };
    }),
  );
}

/** The file as a stream of chunks, read from disk as ingest goes (memory stays flat however big it is). */
function streamOf(input: FileInput, onProgress?: StreamInput["onProgress"]): StreamInput {
  return {
    fileName: input.fileName,
    chunks: createReadStream(input.path, { highWaterMark: 256 * 1024 }),
    format: input.format,
    csvLayout: input.csvLayout,
    onProgress,
  };
}

async function dryRunAll(inputs: FileInput[]): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  for (const input of inputs) {
    reports.push(await dryRunStream(streamOf(input)));
  }
  return reports;
}

/**
 * `reciprocity ingest FILE…`: exit 0 when every record landed, 1 when some were quarantined or set
 * aside, or the file had errors or nothing usable, 2 on bad arguments. Stored shipments are scored.
 */
export function registerIngestCommand(program: Command): void {
  program
    .command("ingest")
    .description("ingest manifest files (EDIFACT, X12, CSV); bad records are quarantined, the rest land")
    .argument("<files...>", "files to ingest")
    .addOption(new Option("--format <format>", "input format").choices(FORMATS).default("auto"))
    .option("--dry-run", "parse and validate only; the database is not touched")
    .option("--json", "print one JSON report on stdout")
    .option("--agency <code>", "agency that receives the manifests (e.g. USCBP)")
    .option("--csv-mapping <file>", "JSON column mapping for CSV files in another layout")
    .option("--data-dir <dir>", "embedded database folder")
    .action(async (files: string[], opts: IngestOptions) => {
      let inputs: FileInput[];
      try {
        inputs = await readInputs(files, opts);
      } catch (err) {
        console.error(`reciprocity ingest: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(2);
      }
      const reports = opts.dryRun ? await dryRunAll(inputs) : await ingestAll(inputs, opts);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ files: reports })}\n`);
      } else {
        console.log(reports.map(summary).join("\n"));
      }
      process.exitCode = reports.some((r) => r.errorCount > 0 || r.quarantined > 0 || r.records.setAside > 0) ? 1 : 0;
    });
}

async function ingestAll(inputs: FileInput[], opts: IngestOptions): Promise<FileReport[]> {
  return withServices(opts.dataDir, async (services) => {
    const agencies = await services.agencies.list();
    const code = opts.agency ?? (agencies.length === 1 ? agencies[0]?.code : undefined);
    if (!code) {
      console.error(
        `reciprocity ingest: say which agency receives the manifests: --agency ${agencies.map((a) => a.code).join("|") || "CODE"}`,
      );
      process.exit(2);
    }
    const actor = await services.agencies.commandLineActor(code);
    const reports: FileReport[] = [];
    for (const input of inputs) {
      const onProgress = process.stderr.isTTY
        ? (r: FileReport) =>
            process.stderr.write(`\r${input.fileName}: ${r.shipments} shipments, ${r.quarantined} quarantined…`)
        : undefined;
      reports.push(await services.manifests.ingest(actor, streamOf(input, onProgress)));
      if (onProgress) {
        process.stderr.write("\n");
      }
    }
    return reports;
  });
}
