import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { DB } from "../../db/schema.ts";
import { exportAuditEventsCsv, listAuditEvents, MAX_EXPORT_ROWS, verifyAuditChain } from "../../domain/audit.ts";
import { exportChainHead, verifyExportedHead } from "../../domain/audit-anchor.ts";
import { requireActor } from "../auth.ts";
import { ErrorBody, Instant, PageQuery, pageOf } from "../../contract/common.ts";

const AuditEvent = z.object({
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

const AuditQuery = PageQuery.extend({
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
const ChainHead = z.object({
  /** The agency's own sequence number of its newest event. */
  seq: z.string(),
  /** Its chained SHA-256, lower-case hex. */
  hash: z.string(),
  /** When the head was read. */
  at: z.string(),
});

/** A head an auditor exported earlier, to check against the log as it is now. */
const ExportedHead = z.object({
  /** Sequence number from an earlier `GET /audit-anchor`. */
  seq: z.union([z.string(), z.number().int()]).transform(String).pipe(z.string().regex(/^[1-9]\d{0,17}$/, "a positive event sequence number")),
  /** The hash exported with it. */
  hash: z.string().regex(/^[0-9a-fA-F]{64}$/, "64 hex digits").transform((h) => h.toLowerCase()),
});

const ExportedHeadVerdict = z.object({
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

/** The audit log, for auditors of the agencies concerned. */
export const auditRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB> }> = async (app, { db }) => {
  app.get(
    "/audit-events",
    { schema: { tags: ["audit"], querystring: AuditQuery, response: { 200: pageOf(AuditEvent), 403: ErrorBody } } },
    async (request) => listAuditEvents(db, requireActor(request), request.query),
  );
  app.get(
    "/audit-events/export",
    {
      schema: {
        tags: ["audit"],
        description: `The filtered log as CSV (text/csv), newest first, at most ${MAX_EXPORT_ROWS} events, times in UTC to the second`,
        querystring: AuditQuery.omit({ limit: true, cursor: true }),
      },
    },
    async (request, reply) => {
      const { csv, isTruncated } = await exportAuditEventsCsv(db, requireActor(request), request.query);
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", 'attachment; filename="audit-log.csv"')
        .header("x-truncated", String(isTruncated))
        .send(csv);
    },
  );
  app.get(
    "/audit-events/verification",
    {
      schema: {
        tags: ["audit"],
        response: { 200: z.object({ events: z.number().int(), firstBrokenSeq: z.string().nullable(), isIntact: z.boolean() }), 403: ErrorBody },
      },
    },
    async (request) => verifyAuditChain(db, requireActor(request)),
  );
  app.get(
    "/audit-anchor",
    { schema: { tags: ["audit"], response: { 200: ChainHead, 403: ErrorBody, 404: ErrorBody } } },
    async (request) => exportChainHead(db, requireActor(request)),
  );
  app.post(
    "/audit-anchor/verification",
    { schema: { tags: ["audit"], body: ExportedHead, response: { 200: ExportedHeadVerdict, 403: ErrorBody } } },
    async (request) => verifyExportedHead(db, requireActor(request), request.body),
  );
};
