import type { BadRow } from "../types.ts";
import { isBlankRecord, parseDelimited } from "./csv.ts";

/** A data row addressed by header name. */
export interface TableRow {
  line: number;
  get(column: string): string | undefined;
}

/** Parses a headed CSV/TSV; blank rows are reported in `bad`, not silently skipped. */
export function readTable(text: string, delimiter = ","): { rows: TableRow[]; bad: BadRow[] } {
  const [head, ...records] = parseDelimited(text, delimiter);
  const bad: BadRow[] = [];
  if (!head) {
    return { rows: [], bad: [{ row: 1, reason: "empty file" }] };
  }
  const index = new Map(head.fields.map((h, i) => [h.trim().toLowerCase(), i] as const));
  const rows: TableRow[] = [];
  for (const record of records) {
    if (isBlankRecord(record)) {
      bad.push({ row: record.line, reason: "blank row" });
      continue;
    }
    rows.push({
      line: record.line,
      get(column) {
        const i = index.get(column.toLowerCase());
        const v = i === undefined ? undefined : record.fields[i]?.trim();
        return v ? v : undefined;
      },
    });
  }
  return { rows, bad };
}

/** Appends `value` to `list` unless empty or already there. */
export function pushUnique(list: string[], value: string | undefined): void {
  if (value && !list.includes(value)) {
    list.push(value);
  }
}
