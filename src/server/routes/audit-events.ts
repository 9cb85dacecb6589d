import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { DB } from "../../db/schema.ts";
import { listAuditEvents, verifyAuditChain } from "../../domain/audit.ts";
import { requireActor } from "../auth.ts";
import { ErrorBody, PageQuery, pageOf } from "../schemas.ts";

const AuditEvent = z.object({
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
});

/** The audit log, for auditors of the agencies concerned. */
export const auditRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB> }> = async (app, { db }) => {
  app.get(
    "/audit-events",
    { schema: { tags: ["audit"], querystring: AuditQuery, response: { 200: pageOf(AuditEvent), 403: ErrorBody } } },
    async (request) => listAuditEvents(db, requireActor(request), request.query),
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
};
