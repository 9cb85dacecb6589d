/**
 * Build the compact UN/LOCODE files shipped in src/trade/data from the raw UNECE 2024-2 release
 * (code list parts, ISO-8859-1, CRLF, no header) plus unlocode-curated.tsv.
 * Usage: node --import tsx src/trade/data/build-unlocode.ts /work/shared/tradedata/unlocode [outDir]
 * (outDir defaults to this folder; the curated rows are always read from this folder).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCsvRows, stripBom } from "../codes-csv.ts";
import { cleanTsvField, formatLocodeRow, LOCODE_COLUMNS, parseLocodeTsv, type LocodeRow } from "../unlocode-tsv.ts";

/** Countries for which we keep more than sea ports (the project's trade lanes). */
const FOCUS_COUNTRIES = new Set(["JP", "KR", "TW", "VN", "AU", "US"]);
/** Approved statuses kept for focus countries even without a sea-port function. */
const APPROVED = new Set(["AA", "AC", "AF", "AI", "AS"]);
const RELEASE = "2024-2";

const dataDir = fileURLToPath(new URL(".", import.meta.url));

function readLatin1Csv(path: string): string[][] {
  return parseCsvRows(readFileSync(path).toString("latin1"));
}

function isKept(row: LocodeRow): boolean {
  if (row.function.startsWith("1")) {
    return true;
  }
  if (!FOCUS_COUNTRIES.has(row.code.slice(0, 2))) {
    return false;
  }
  // Inland points that show up as place of receipt/delivery: rail ramps, ICDs, airports, approved places.
  return APPROVED.has(row.status) || row.function.charAt(1) === "2" || row.function.charAt(5) === "6" || row.iata !== "";
}

function toRow(fields: string[]): LocodeRow {
  const get = (index: number): string => cleanTsvField(fields[index] ?? "");
  const name = get(3);
  const ascii = get(4);
  return {
    code: get(1) + get(2), name, nameAscii: ascii === name ? "" : ascii, subdivision: get(5), function: get(6),
    status: get(7), date: get(8), iata: get(9), coordinates: get(10), change: get(0), source: "", note: "",
  };
}

interface Collected {
  entries: LocodeRow[];
  aliases: string[];
}

function collect(inputDir: string): Collected {
  const files = readdirSync(inputDir).filter((name) => /codelist-part\d.*\.csv$/i.test(name)).sort();
  const entries: LocodeRow[] = [];
  const aliases: string[] = [];
  for (const file of files) {
    for (const fields of readLatin1Csv(join(inputDir, file))) {
      const [change = "", country = "", location = "", name = ""] = fields;
      if (change === "=" && name.includes(" = ")) {
        const [alias = "", target = ""] = name.split(" = ");
        aliases.push([country, alias, target].map(cleanTsvField).join("\t"));
        continue;
      }
      // Country header rows (".JAPAN") have no location code.
      if (location === "") {
        continue;
      }
      const row = toRow(fields);
      if (isKept(row)) {
        entries.push(row);
      }
    }
  }
  console.log(`read ${files.length} code-list files from ${inputDir}`);
  return { entries, aliases };
}

function buildCountries(inputDir: string): string[] {
  const rows = parseCsvRows(stripBom(readFileSync(join(inputDir, "country-codes.csv"), "utf8")));
  return rows.slice(1).filter((row) => row.length >= 2).map(([code = "", name = ""]) => `${code}\t${cleanTsvField(name)}`);
}

function main(inputDir: string | undefined, outDir = dataDir): void {
  if (!inputDir) {
    console.error("usage: build-unlocode.ts <dir with UNECE code-list CSVs>");
    process.exitCode = 1;
    return;
  }
  const { entries, aliases } = collect(inputDir);
  mkdirSync(outDir, { recursive: true });
  const curated = parseLocodeTsv(readFileSync(join(dataDir, "unlocode-curated.tsv"), "utf8"));
  const known = new Set(entries.map((row) => row.code));
  const all = [...entries, ...curated.filter((row) => !known.has(row.code))].sort((a, b) => a.code.localeCompare(b.code));
  const banner = `# UN/LOCODE ${RELEASE} subset (sea ports of parts 2-3; focus countries ${[...FOCUS_COUNTRIES].join(" ")} also approved/rail/ICD/IATA) + curated rows. See SOURCES.md.`;
  writeFileSync(join(outDir, "unlocode.tsv"), [banner, LOCODE_COLUMNS.join("\t"), ...all.map(formatLocodeRow), ""].join("\n"));
  writeFileSync(join(outDir, "unlocode-aliases.tsv"), [`# UN/LOCODE ${RELEASE} "=" reference entries`, "country\talias\ttarget", ...aliases, ""].join("\n"));
  writeFileSync(join(outDir, "countries.tsv"), ["# ISO 3166-1 alpha-2 names from datasets/un-locode country-codes.csv", "code\tname", ...buildCountries(inputDir), ""].join("\n"));
  console.log(`wrote ${all.length} entries (${curated.length} curated), ${aliases.length} aliases`);
}

main(process.argv[2], process.argv[3]);
