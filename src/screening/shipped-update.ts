// Replacing a shipped list with a newer download: validate, copy into the data folder, rewrite lists.json, note the source.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { detectListFormat, loadListAs, type ListFormat } from "./lists/detect.ts";
import { readShippedManifest, shippedDataDir, type ShippedSource } from "./shipped.ts";
import type { BadRow, ListCode } from "./types.ts";

/** Refuse a file when more than this share of its rows is bad (a truncated or mis-saved download). */
export const MAX_BAD_RATIO = 0.01;

/** What validating one list file found. */
export interface ListCheck {
  source: string;
  format: ListFormat;
  list: ListCode | "mixed";
  entries: number;
  bad: BadRow[];
  sha256: string;
  /** Why the file would be refused; undefined when it is acceptable. */
  problem?: string;
}

/** Outcome of importing one file. */
export interface ListImport extends ListCheck {
  file: string;
  replaced?: string;
}

/** Options of importShippedList. */
export interface ImportOptions {
  dataDir?: string;
  /** Date stamped into the file name and SOURCES.md (YYYY-MM-DD); default today (UTC). */
  date?: string;
  /** Import even when the bad-row share exceeds MAX_BAD_RATIO. */
  force?: boolean;
}

const TARGET: Record<ListFormat, (date: string) => string> = {
  "sdn-csv": (d) => `ofac-sdn-${d}.csv`,
  "sdn-xml": (d) => `ofac-sdn-${d}.xml`,
  "cons-xml": (d) => `csl/treasury_consolidated-${d}.xml`,
  "csl-consolidated": (d) => `csl/consolidated-${d}.csv`,
  "el-csv": (d) => `csl/el-${d}.csv`,
  "dpl-txt": (d) => `csl/dpl-${d}.txt`,
  "isn-csv": (d) => `csl/isn-${d}.csv`,
  "uvl-csv": (d) => `csl/uvl-${d}.csv`,
  "dtc-csv": (d) => `csl/dtc-itar_debarred_parties-${d}.csv`,
};

/** Detects and loads a list file without writing anything; `problem` says why it would be refused. */
export function checkListFile(file: string, force = false): ListCheck | { source: string; problem: string } {
  const bytes = readFileSync(file);
  const detected = detectListFormat(bytes, path.basename(file));
  if (!detected) {
    return { source: file, problem: "not a recognised SDN or CSL list format" };
  }
  const loaded = loadListAs(detected.format, bytes);
  const check: ListCheck = {
    source: file,
    ...detected,
    entries: loaded.entries.length,
    bad: loaded.bad,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
  // Blank lines are reported but are not damage.
  const damaged = loaded.bad.filter((b) => b.reason !== "blank row" && b.reason !== "empty line").length;
  const ratio = damaged / Math.max(1, damaged + loaded.entries.length);
  if (loaded.entries.length === 0) {
    check.problem = "no entries";
  } else if (ratio > MAX_BAD_RATIO && !force) {
    check.problem = `${damaged} bad rows (${(ratio * 100).toFixed(1)} % > ${MAX_BAD_RATIO * 100} %); --force to import anyway`;
  }
  return check;
}

function sourcesLine(item: ListImport, date: string): string {
  const replaced = item.replaced ? `replaces \`${item.replaced}\`` : "new";
  return `| ${date} | \`${item.file}\` | ${item.format} | ${item.entries} | ${item.bad.length} | \`${item.sha256.slice(0, 16)}…\` | ${path.basename(item.source)}; ${replaced} |`;
}

function appendSources(dataDir: string, lines: string[]): void {
  const file = path.join(dataDir, "SOURCES.md");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "# Shipped screening data\n";
  const heading = "## Imports";
  const header = "| date | file | format | entries | bad rows | sha256 | source |\n|---|---|---|---|---|---|---|";
  const base = text.includes(heading)
    ? text.replace(/\n*$/, "\n")
    : `${text.replace(/\n*$/, "\n")}\n${heading}\n\nWritten by \`reciprocity screen-lists update\`.\n\n${header}\n`;
  writeFileSync(file, `${base}${lines.join("\n")}\n`);
}

function place(manifest: ShippedSource[], item: ListImport): ShippedSource[] {
  const entry: ShippedSource = { list: item.list, file: item.file, format: item.format };
  const at = manifest.findIndex((m) => m.list === item.list);
  if (at < 0) {
    return [...manifest, entry];
  }
  item.replaced = manifest[at]?.file;
  return manifest.map((m, i) => (i === at ? entry : m));
}

/** Validates files and, if all pass, replaces the shipped lists of the same list code (all or nothing). */
export function importShippedLists(
  files: string[],
  options: ImportOptions = {},
): { imported: ListImport[]; refused: Array<{ source: string; problem: string }> } {
  const dataDir = options.dataDir ?? shippedDataDir();
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const checks = files.map((f) => checkListFile(f, options.force));
  const refused = checks.filter((c): c is { source: string; problem: string } => c.problem !== undefined);
  if (refused.length > 0) {
    return { imported: [], refused };
  }
  let manifest = readShippedManifest(dataDir);
  const before = new Set(manifest.map((m) => m.file));
  const imported = (checks as ListCheck[]).map((c) => ({ ...c, file: TARGET[c.format](date) }));
  for (const item of imported) {
    mkdirSync(path.dirname(path.join(dataDir, item.file)), { recursive: true });
    copyFileSync(item.source, path.join(dataDir, item.file));
    manifest = place(manifest, item);
  }
  writeFileSync(
    path.join(dataDir, "lists.json"),
    `[\n${manifest.map((m) => `  ${JSON.stringify(m)}`).join(",\n")}\n]\n`,
  );
  const kept = new Set(manifest.map((m) => m.file));
  for (const old of before) {
    if (!kept.has(old)) {
      rmSync(path.join(dataDir, old), { force: true });
    }
  }
  appendSources(
    dataDir,
    imported.map((i) => sourcesLine(i, date)),
  );
  return { imported, refused: [] };
}
