import type { IdRegistry } from "./xml-write.ts";

/** Shared state while writing one N42 document: the instrument's and detectors' xs:IDs, and its time. */
export interface WriteCtx {
  ids: IdRegistry;
  /** Detector name → xs:ID written. */
  detectorIds: Map<string, string>;
  instrumentId: string;
  createdAt: string;
}
