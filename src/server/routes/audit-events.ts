import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { exportAuditEventsCsv, listAuditEvents, MAX_EXPORT_ROWS, verifyAuditChain } from "../../domain/audit.ts";
import { exportChainHead, verifyExportedHead } from "../../domain/audit-anchor.ts";
import { requireActor } from "../auth.ts";
import { AnchorHeadSchema, AuditEventSchema, AuditQuery, ChainVerdictSchema, ExportedHeadBody, ExportedHeadVerdictSchema } from "../../contract/audit-events.ts";
import { ErrorBody, pageOf } from "../../contract/common.ts";

/** The audit log, for auditors of the agencies concerned. */
export const auditRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB> }> = async (app, { db }) => {
  app.get(
    "/audit-events",
    { schema: { tags: ["audit"], querystring: AuditQuery, response: { 200: pageOf(AuditEventSchema), 403: ErrorBody } } },
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
        response: { 200: ChainVerdictSchema, 403: ErrorBody },
      },
    },
    async (request) => verifyAuditChain(db, requireActor(request)),
  );
  app.get(
    "/audit-anchor",
    { schema: { tags: ["audit"], response: { 200: AnchorHeadSchema, 403: ErrorBody, 404: ErrorBody } } },
    async (request) => exportChainHead(db, requireActor(request)),
  );
  app.post(
    "/audit-anchor/verification",
    { schema: { tags: ["audit"], body: ExportedHeadBody, response: { 200: ExportedHeadVerdictSchema, 403: ErrorBody } } },
    async (request) => verifyExportedHead(db, requireActor(request), request.body),
  );
};
