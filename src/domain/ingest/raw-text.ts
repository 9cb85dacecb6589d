import type { RecordSource, TradeFormat } from "../../trade/index.ts";

const EDIFACT = new Set<TradeFormat>(["cuscar", "iftmin", "baplie", "coarri", "codeco", "coprar", "iftsta"]);

function edifactMessage(text: string, ref: string): string | null {
  const terminator = text.startsWith("UNA") ? text.charAt(8) : "'";
  const start = text.search(new RegExp(`UNH\\+${ref.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\+`));
  if (start < 0) {
    return null;
  }
  const trailer = text.indexOf(`UNT+`, start);
  const end = trailer < 0 ? -1 : text.indexOf(terminator, trailer);
  return text.slice(start, end < 0 ? undefined : end + 1);
}

function x12Set(text: string, ref: string): string | null {
  const terminator = text.length > 105 ? text.charAt(105) : "~";
  const element = text.charAt(3) || "*";
  const start = text.search(
    new RegExp(`ST\\${element}\\d{3}\\${element}${ref.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
  );
  if (start < 0) {
    return null;
  }
  const trailer = text.indexOf(`SE${element}`, start);
  const end = trailer < 0 ? -1 : text.indexOf(terminator, trailer);
  return text.slice(start, end < 0 ? undefined : end + 1);
}

function csvRow(lines: readonly string[], line: number | undefined): string | null {
  if (!line) {
    return null;
  }
  const header = lines[0] ?? "";
  const row = lines[line - 1];
  return row === undefined ? null : `${header}\n${row}\n`;
}

/**
 * The text a rejected record came from, so people can fix and resubmit it (null if not found),
 * for each record of one file: a CSV file is split into lines once, however many rows are bad.
 */
export function rawTextReader(text: string, format: TradeFormat): (source: RecordSource) => string | null {
  let lines: string[] | undefined;
  return (source) => {
    if (EDIFACT.has(format) && source.messageRef) {
      return edifactMessage(text, source.messageRef);
    }
    if (format.startsWith("x12") && source.messageRef) {
      return x12Set(text, source.messageRef);
    }
    if (format === "csv") {
      lines ??= text.split(/\r?\n/);
      return csvRow(lines, source.line);
    }
    return null;
  };
}
