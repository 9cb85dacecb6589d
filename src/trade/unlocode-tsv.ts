/**
 * The compact tab-separated format in which we ship UN/LOCODE entries (src/trade/data/unlocode.tsv),
 * shared by the builder and the runtime loader. Lines starting with "#" are comments.
 */

/** One shipped entry, all fields as text ("" when absent). */
export interface LocodeRow {
  code: string;
  name: string;
  /** Name without diacritics; "" when identical to name. */
  nameAscii: string;
  subdivision: string;
  function: string;
  status: string;
  /** YYMM of the last change. */
  date: string;
  iata: string;
  coordinates: string;
  /** UNECE change marker (+ X | # ! =) of this release. */
  change: string;
  /** "" for UNECE rows, "curated" for hand-written rows. */
  source: string;
  /** Curation note. */
  note: string;
}

/** Column order of unlocode.tsv (also its header line). */
export const LOCODE_COLUMNS = [
  "code",
  "name",
  "nameAscii",
  "subdivision",
  "function",
  "status",
  "date",
  "iata",
  "coordinates",
  "change",
  "source",
  "note",
] as const satisfies readonly (keyof LocodeRow)[];

/** Make a field safe for TSV (no tabs or line breaks). */
export function cleanTsvField(value: string): string {
  return value.replace(/[\t\r\n]+/g, " ").trim();
}

/** Serialise one row in LOCODE_COLUMNS order. */
export function formatLocodeRow(row: LocodeRow): string {
  return LOCODE_COLUMNS.map((column) => cleanTsvField(row[column])).join("\t");
}

/** Parse unlocode.tsv text; comment lines, the header and short lines are skipped. */
export function parseLocodeTsv(text: string): LocodeRow[] {
  const rows: LocodeRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === "" || line.startsWith("#") || line.startsWith("code\t")) {
      continue;
    }
    const fields = line.split("\t");
    if (fields.length < 2) {
      continue;
    }
    const get = (index: number): string => fields[index] ?? "";
    rows.push({
      code: get(0),
      name: get(1),
      nameAscii: get(2),
      subdivision: get(3),
      function: get(4),
      status: get(5),
      date: get(6),
      iata: get(7),
      coordinates: get(8),
      change: get(9),
      source: get(10),
      note: get(11),
    });
  }
  return rows;
}

/** Parse a small TSV (aliases, countries): comment lines and the first other line (the header) are skipped. */
export function parseSimpleTsv(text: string): string[][] {
  const lines = text.split(/\r?\n/).filter((line) => line !== "" && !line.startsWith("#"));
  return lines.slice(1).map((line) => line.split("\t"));
}
