/**
 * Group X12 segments into transaction sets (ST…SE) and check ISA/IEA, GS/GE, ST/SE counts and
 * control numbers. Mismatches are warnings; missing trailers are errors.
 */

import type { DiagnosticCollector } from "../diagnostics.ts";
import { el, xat } from "./segment.ts";
import type { X12Segment } from "./tokenize.ts";

/** Interchange data a transaction set arrived in. */
export interface X12Interchange {
  sender?: string;
  receiver?: string;
  control?: string;
}

/** One transaction set: ST, body segments, SE. */
export interface X12Transaction {
  /** Transaction set id: "309", "310", "315". */
  type: string;
  control: string;
  st: X12Segment;
  body: X12Segment[];
  se?: X12Segment;
  interchange?: X12Interchange;
  /** GS01 functional identifier (QO, IO …). */
  functionalId?: string;
}

interface Open {
  segment: X12Segment;
  count: number;
}

/** Split a segment list into transaction sets; never throws. */
export function assembleTransactions(segments: readonly X12Segment[], out: DiagnosticCollector): X12Transaction[] {
  const transactions: X12Transaction[] = [];
  let isa: (Open & { info: X12Interchange }) | undefined;
  let gs: Open | undefined;
  let current: X12Transaction | undefined;
  let strayReported = false;
  const closeOpen = (): void => {
    if (current) {
      out.error(
        "x12.missing_se",
        `transaction set ${current.type} ${current.control} has no SE trailer`,
        xat(current.st),
      );
      current = undefined;
    }
  };
  for (const segment of segments) {
    switch (segment.tag) {
      case "ISA":
        closeOpen();
        isa = {
          segment,
          count: 0,
          info: { sender: el(segment, 6), receiver: el(segment, 8), control: el(segment, 13) },
        };
        break;
      case "GS":
        closeOpen();
        gs = { segment, count: 0 };
        if (isa) {
          isa.count++;
        }
        break;
      case "ST":
        closeOpen();
        current = {
          type: el(segment, 1) ?? "",
          control: el(segment, 2) ?? "",
          st: segment,
          body: [],
          interchange: isa?.info,
          functionalId: gs ? el(gs.segment, 1) : undefined,
        };
        transactions.push(current);
        if (gs) {
          gs.count++;
        }
        break;
      case "SE":
        if (!current) {
          out.error("x12.se_without_st", "SE without a matching ST", xat(segment));
          break;
        }
        current.se = segment;
        checkTrailer(out, segment, current.body.length + 2, current.control, "SE", "segments");
        current = undefined;
        break;
      case "GE":
        closeOpen();
        if (gs) {
          checkTrailer(out, segment, gs.count, el(gs.segment, 6), "GE", "transaction sets");
        }
        gs = undefined;
        break;
      case "IEA":
        closeOpen();
        if (isa) {
          checkTrailer(out, segment, isa.count, isa.info.control, "IEA", "functional groups");
        }
        isa = undefined;
        break;
      default:
        if (current) {
          current.body.push(segment);
        } else if (!strayReported) {
          strayReported = true;
          out.error("x12.segment_outside_transaction", `segment ${segment.tag} is outside any ST…SE`, xat(segment));
        }
    }
  }
  closeOpen();
  if (gs) {
    out.error("x12.missing_ge", "functional group has no GE trailer", xat(gs.segment));
  }
  if (isa) {
    out.error("x12.missing_iea", "interchange has no IEA trailer", xat(isa.segment));
  }
  return transactions;
}

function checkTrailer(
  out: DiagnosticCollector,
  segment: X12Segment,
  actual: number,
  control: string | undefined,
  tag: string,
  what: string,
): void {
  const declared = el(segment, 1);
  const code = tag.toLowerCase();
  if (Number(declared) !== actual) {
    out.warning(
      `x12.${code}_count_mismatch`,
      `${tag} declares ${declared ?? "no"} ${what}, found ${actual}`,
      xat(segment, 1),
    );
  }
  const ref = el(segment, 2);
  if (!sameControl(ref, control)) {
    out.warning(
      `x12.${code}_control_mismatch`,
      `${tag} control number "${ref ?? ""}" differs from "${control ?? ""}"`,
      xat(segment, 2),
    );
  }
}

/** Control numbers match as text, or as numbers when both are numeric (000000001 = 1). */
function sameControl(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) {
    return a === b;
  }
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    return Number(a) === Number(b);
  }
  return a === b;
}
