/**
 * Typed access to one CSV data row through the resolved layout, with positions for diagnostics.
 */

import type { SourcePosition } from "../diagnostics.ts";
import type { CsvField } from "./layout.ts";
import type { CsvRecord } from "./csv-stream.ts";

/** A data row: values by our field names, and where each came from. */
export class CsvRow {
  constructor(
    private readonly record: CsvRecord,
    /** 1-based data row number (header excluded). */
    readonly row: number,
    private readonly columns: ReadonlyMap<CsvField, number>,
    private readonly header: readonly string[],
    private readonly file?: string,
  ) {}

  /** Trimmed value of a field; undefined when the column is absent or the cell blank. */
  get(field: CsvField): string | undefined {
    const index = this.columns.get(field);
    const value = index === undefined ? undefined : this.record.fields[index]?.trim();
    return value ? value : undefined;
  }

  /** Position of a field's cell (row, column header, line). */
  at(field?: CsvField): SourcePosition {
    const index = field === undefined ? undefined : this.columns.get(field);
    const column = index === undefined ? field : this.header[index];
    return { file: this.file, row: this.row, column, line: this.record.line };
  }
}
