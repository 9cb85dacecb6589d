import { z } from "zod";
import { Instant, PageQuery } from "./common.ts";

// The audit log as auditors read, export and verify it.

/** One audit event as auditors see it. */
export const AuditEventSchema = z.object({
  /** Position in the agency's own chain (1, 2, 3 … for this agency alone). */
  seq: z.string(),
  occurredAt: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  actorUserId: z.string().nullable(),
  actorUsername: z.string().nullable(),
  actorAgencyCode: z.string().nullable(),
  payload: z.unknown(),
  prevHash: z.string().nullable(),
  hash: z.string(),
});
export type AuditEventView = z.infer<typeof AuditEventSchema>;

/** Filters for the audit log. */
export const AuditQuery = PageQuery.extend({
  entityType: z.string().max(50).optional(),
  entityId: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  /** changes (every state change), reads (views of shared data), or all. */
  kind: z.enum(["all", "changes", "reads"]).default("all"),
  /** Username of the actor. */
  actor: z.string().trim().min(1).max(100).optional(),
  /** Action prefix, e.g. "inspection_request." */
  actionPrefix: z.string().trim().min(1).max(100).optional(),
  /** Events at or after this instant. */
  from: Instant.optional(),
  /** Events before this instant. */
  to: Instant.optional(),
});

/** The head of the agency's own chain, to write down outside the system. */
export const AnchorHeadSchema = z.object({
  /** The agency's own sequence number of its newest event. */
  seq: z.string(),
  /** Its chained SHA-256, lower-case hex. */
  hash: z.string(),
  /** When the head was read. */
  at: z.string(),
});
export type ExportedHead = z.infer<typeof AnchorHeadSchema>;

/** A head an auditor exported earlier, to check against the log as it is now. */
export const ExportedHeadBody = z.object({
  /** Sequence number from an earlier `GET /audit-anchor`. */
  seq: z
    .union([z.string(), z.number().int()])
    .transform(String)
    .pipe(z.string().regex(/^[1-9]\d{0,17}$/, "a positive event sequence number")),
  /** The hash exported with it. */
  hash: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "64 hex digits")
    .transform((h) => h.toLowerCase()),
});

/** Whether the log still holds an exported head and the chain verifies. */
export const ExportedHeadVerdictSchema = z.object({
  /** The head is still held and the whole chain verifies. */
  isIntact: z.boolean(),
  /** The log still holds an event with the exported seq and hash. */
  isHeadHeld: z.boolean(),
  /** The newest event now. */
  headSeq: z.string().nullable(),
  /** The first event whose hash or link no longer checks out. */
  firstBrokenSeq: z.string().nullable(),
  /** The first discrepancy as a sentence, e.g. "event 1234 (the exported head) is missing: the log was truncated …". */
  discrepancy: z.string().nullable(),
});
export type ExportedHeadVerdict = z.infer<typeof ExportedHeadVerdictSchema>;

/** The verdict on the whole chain: how many events, and the first whose hash does not check out. */
export const ChainVerdictSchema = z.object({
  events: z.number().int(),
  firstBrokenSeq: z.string().nullable(),
  isIntact: z.boolean(),
});
export type ChainVerdict = z.infer<typeof ChainVerdictSchema>;
