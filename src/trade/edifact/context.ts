/**
 * What every EDIFACT message mapper receives and returns.
 */

import type { DiagnosticCollector } from "../diagnostics.ts";
import { assignDefined } from "../records.ts";
import type { ContainerEvent, ManifestShipment, RecordSource, StowageRecord, TradeFormat } from "../records.ts";
import type { EdifactMessage } from "./envelope.ts";
import type { EdifactSegment } from "./lexer.ts";

/** Input to a message mapper. */
export interface MapContext {
  message: EdifactMessage;
  format: TradeFormat;
  file?: string;
  out: DiagnosticCollector;
}

/** Records a mapper produced from one message. */
export interface MappedRecords {
  shipments: ManifestShipment[];
  containerEvents: ContainerEvent[];
  stowage: StowageRecord[];
}

/** A mapper turns one message into records; it must not throw on bad input. */
export type MessageMapper = (context: MapContext) => MappedRecords;

/** An empty mapper result. */
export function noRecords(): MappedRecords {
  return { shipments: [], containerEvents: [], stowage: [] };
}

/** Provenance for a record that starts at `segment` (defaults to the UNH). */
export function sourceOf(context: MapContext, segment: EdifactSegment = context.message.unh): RecordSource {
  const { message } = context;
  return assignDefined<RecordSource>(
    { format: context.format },
    {
      file: context.file,
      messageRef: message.ref,
      interchangeRef: message.interchange?.controlRef,
      sender: message.interchange?.sender,
      recipient: message.interchange?.recipient,
      segment: segment.index,
      line: segment.line,
    },
  );
}
