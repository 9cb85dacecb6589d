import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { MAX_EXPORT_ROWS } from "../../domain/vocabulary.ts";
import { requireActor } from "../auth.ts";
import {
  AnchorHeadSchema,
  AuditEventSchema,
  AuditQuery,
  ChainVerdictSchema,
  ExportedHeadBody,
  ExportedHeadVerdictSchema,
} from "../../contract/audit-events.ts";
import { ErrorBody, pageOf } from "../../contract/common.ts";

/** The audit log, for auditors of the agencies concerned. */
export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const audit = app.services.audit;
  app.get(
    "/audit-events",
    {
      schema: { tags: ["audit"], querystring: AuditQuery, response: { 200: pageOf(AuditEventSchema), 403: ErrorBody } },
    },
    async (request) => audit.list(requireActor(request), request.query),
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
      const { csv, isTruncated } = await audit.exportCsv(requireActor(request), request.query);
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
    async (request) => audit.verify(requireActor(request)),
  );
  app.get(
    "/audit-anchor",
    { schema: { tags: ["audit"], response: { 200: AnchorHeadSchema, 403: ErrorBody, 404: ErrorBody } } },
    async (request) => audit.head(requireActor(request)),
  );
  app.post(
    "/audit-anchor/verification",
    {
      schema: { tags: ["audit"], body: ExportedHeadBody, response: { 200: ExportedHeadVerdictSchema, 403: ErrorBody } },
    },
    async (request) => audit.verifyHead(requireActor(request), request.body),
  );
};
