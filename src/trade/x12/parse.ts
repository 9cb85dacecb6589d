/**
 * X12 entry point: tokenize, check envelopes, map 309/310/315 transaction sets into records.
 */

import { DiagnosticCollector } from "../diagnostics.ts";
import { dedupeDiagnostics } from "../edifact/parse.ts";
import { emptyParseResult } from "../records.ts";
import type { ParseResult, TradeFormat } from "../records.ts";
import { assembleTransactions } from "./envelope.ts";
import type { X12Transaction } from "./envelope.ts";
import { map310 } from "./freight-310.ts";
import { map309 } from "./manifest-309.ts";
import { xat } from "./segment.ts";
import { map315 } from "./status-315.ts";
import { tokenizeX12 } from "./tokenize.ts";

const FORMATS: Readonly<Record<string, TradeFormat>> = { "309": "x12-309", "310": "x12-310", "315": "x12-315" };

/** Our format name for an X12 transaction set id ("315" → "x12-315"); "unknown" if unsupported. */
export function x12Format(transactionSet: string): TradeFormat {
  return FORMATS[transactionSet] ?? "unknown";
}

/** Parse an X12 interchange into records and diagnostics; never throws. */
export function parseX12(text: string, options: { file?: string } = {}): ParseResult {
  const out = new DiagnosticCollector(options.file);
  const { segments } = tokenizeX12(text, { diagnostics: out });
  const transactions = assembleTransactions(segments, out);
  const result = emptyParseResult("unknown");
  result.messages = transactions.length;
  for (const transaction of transactions) {
    const format = x12Format(transaction.type);
    if (result.format === "unknown") {
      result.format = format;
    }
    mapTransaction(transaction, format, result, out);
  }
  result.diagnostics = dedupeDiagnostics(out.list);
  return result;
}

function mapTransaction(
  transaction: X12Transaction,
  format: TradeFormat,
  result: ParseResult,
  out: DiagnosticCollector,
): void {
  try {
    if (format === "x12-315") {
      const event = map315(transaction, out);
      if (event) {
        result.containerEvents.push(event);
      }
    } else if (format === "x12-310") {
      result.shipments.push(map310(transaction, out));
    } else if (format === "x12-309") {
      result.shipments.push(...map309(transaction, out));
    } else {
      out.dropped(
        "warning",
        "x12.unsupported_transaction",
        `transaction set ${transaction.type} is not mapped`,
        xat(transaction.st, 1),
      );
    }
  } catch (error) {
    // A mapper bug must not take down an ingest run; report it against the transaction instead.
    const reason = error instanceof Error ? error.message : String(error);
    out.dropped(
      "error",
      "x12.mapper_failed",
      `could not map ${transaction.type} ${transaction.control}: ${reason}`,
      xat(transaction.st),
    );
  }
}
