// `reciprocity screen` (party screening against the shipped or given lists) and `reciprocity screen-lists` (refresh them).
import { readFileSync } from "node:fs";
import path from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import {
  createScreener,
  DEFAULT_THRESHOLD,
  DEFAULT_TOP_K,
  loadListFile,
  loadShippedLists,
  type ScreenResult,
  type Screener,
  type ScreeningEntry,
} from "../screening/index.ts";
import { checkListFile, importShippedLists } from "../screening/shipped-update.ts";

interface ScreenOpts {
  input?: string;
  list?: string[];
  country?: string;
  top: number;
  threshold: number;
  json?: boolean;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError("not a positive integer");
  }
  return n;
}

function unitInterval(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError("not a number between 0 and 1");
  }
  return n;
}

function countryCode(value: string): string {
  if (!/^[A-Za-z]{2}$/.test(value)) {
    throw new InvalidArgumentError("not a two-letter country code");
  }
  return value.toUpperCase();
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Names from the arguments and from `--input` (one per line, blank lines and #-comments skipped; "-" is stdin). */
function queryNames(names: string[], input: string | undefined): string[] {
  const fromFile = input === undefined ? [] : readFileSync(input === "-" ? 0 : input, "utf8").split(/\r?\n/);
  return [...names, ...fromFile].map((n) => n.trim()).filter((n) => n !== "" && !n.startsWith("#"));
}

function loadEntries(files: string[] | undefined): ScreeningEntry[] {
  if (!files || files.length === 0) {
    return loadShippedLists().entries;
  }
  return files.flatMap((file) => {
    const loaded = loadListFile(readFileSync(file), path.basename(file));
    if (loaded.bad.length > 0) {
      console.error(
        `${file}: ${loaded.format}, ${loaded.entries.length} entries, ${loaded.bad.length} bad rows skipped`,
      );
    }
    return loaded.entries;
  });
}

function printText(result: ScreenResult): void {
  if (result.matches.length === 0) {
    console.log(`${result.query.name}: no alert`);
    return;
  }
  console.log(`${result.query.name}: ${result.matches.length} alert(s)`);
  for (const m of result.matches) {
    const via = m.matched === m.name ? "" : ` (via "${m.matched}")`;
    console.log(`  ${m.score.toFixed(3)}  ${m.list} ${m.id}  ${m.name}${via}`);
  }
}

function runScreen(names: string[], opts: ScreenOpts, command: Command): void {
  let queries: string[] = [];
  let entries: ScreeningEntry[] = [];
  try {
    queries = queryNames(names, opts.input);
    entries = loadEntries(opts.list);
  } catch (err) {
    command.error(`error: ${err instanceof Error ? err.message : String(err)}`, { exitCode: 2 });
  }
  if (queries.length === 0) {
    command.error("error: give at least one NAME or --input FILE", { exitCode: 2 });
  }
  const screener: Screener = createScreener(entries);
  for (const name of queries) {
    const result = screener.screen(
      { name, ...(opts.country ? { country: opts.country } : {}) },
      { threshold: opts.threshold, topK: opts.top },
    );
    if (opts.json) {
      console.log(JSON.stringify(result));
    } else {
      printText(result);
    }
  }
}

function runListsCommand(
  files: string[],
  opts: { dataDir?: string; date?: string; force?: boolean },
  apply: boolean,
  command: Command,
): void {
  if (opts.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.date)) {
    command.error("error: --date must be YYYY-MM-DD", { exitCode: 2 });
  }
  let isRefused = false;
  for (const file of files) {
    const check = checkListFile(file, opts.force);
    isRefused ||= check.problem !== undefined;
    const head =
      "format" in check
        ? `${check.format} (${check.list}), ${check.entries} entries, ${check.bad.length} bad rows`
        : "";
    console.log(`${file}: ${head}${check.problem ? `${head ? "; " : ""}REFUSED: ${check.problem}` : ""}`);
    for (const bad of ("bad" in check ? check.bad : []).slice(0, 20)) {
      console.log(`  row ${bad.row}: ${bad.reason}`);
    }
  }
  if (!apply || isRefused) {
    if (apply) {
      console.error("Nothing imported.");
    }
    process.exitCode = isRefused ? 1 : 0;
    return;
  }
  for (const item of importShippedLists(files, { ...opts }).imported) {
    console.log(`Imported ${item.file}${item.replaced ? ` (replaces ${item.replaced})` : ""}.`);
  }
}

/** Registers `screen` and `screen-lists check|update` on the CLI program. */
export function registerScreenCommand(program: Command): void {
  program
    .command("screen")
    .description("screen party names against the sanctions lists (shipped copies unless --list)")
    .argument("[name...]", "party names to screen")
    .option("--input <file>", "file with one name per line (- for stdin)")
    .option("--list <file>", "SDN csv/xml or trade.gov CSL file to screen against (repeatable)", collect)
    .option(
      "--country <cc>",
      "country of the parties (ISO 3166 alpha-2); agreement lifts, disagreement lowers a score",
      countryCode,
    )
    .option("--top <k>", "at most K matches per name", positiveInteger, DEFAULT_TOP_K)
    .option("--threshold <t>", "alert threshold 0..1", unitInterval, DEFAULT_THRESHOLD)
    .option("--json", "one JSON line per name: { query, matches: [{ name, matched, list, id, score, evidence }] }")
    .action((names: string[], opts: ScreenOpts, command: Command) => runScreen(names, opts, command));

  const lists = program
    .command("screen-lists")
    .description("check or replace the shipped screening lists (src/screening/data)");
  const common = (c: Command): Command =>
    c
      .argument("<file...>", "SDN csv/xml, OFAC consolidated xml or trade.gov CSL files")
      .option("--force", `accept files with more than 1 % bad rows`);
  common(lists.command("check").description("validate list files and report bad rows; writes nothing")).action(
    (files: string[], opts: { force?: boolean }, command: Command) => runListsCommand(files, opts, false, command),
  );
  common(
    lists
      .command("update")
      .description("validate, then replace the shipped copy of each list and note it in SOURCES.md"),
  )
    .option("--data-dir <dir>", "data folder to update (default src/screening/data)")
    .option("--date <yyyy-mm-dd>", "date of the download (default today)")
    .action((files: string[], opts: { dataDir?: string; date?: string; force?: boolean }, command: Command) =>
      runListsCommand(files, opts, true, command),
    );
}
