import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { DB } from "../../db/schema.ts";
import type { Clock } from "../../domain/clock.ts";
import { getBatchReport, listBatches, listQuarantine, listShipmentVersions, resubmitQuarantined } from "../../domain/ingest/batches.ts";
import { dryRunIngest, ingestFile } from "../../domain/ingest/pipeline.ts";
import { createApiToken } from "../../domain/service-accounts.ts";
import { scoreAllAgencies } from "../../domain/targeting/scoring.ts";
import { invalid } from "../../errors.ts";
import type { TradeFormat } from "../../trade/records.ts";
import { requireActor } from "../auth.ts";
import { ErrorBody, IdParams, PageQuery, pageOf } from "../schemas.ts";

const FORMATS = ["auto", "cuscar", "iftmin", "baplie", "coarri", "codeco", "coprar", "iftsta", "x12-309", "x12-315", "x12-310", "csv"] as const;

const Finding = z.object({ where: z.string(), code: z.string(), message: z.string() });

/** The batch report: the same shape `reciprocity ingest --json` prints per file. */
export const FileReportSchema = z.object({
  file: z.string(),
  format: z.string(),
  messages: z.number().int(),
  shipments: z.number().int(),
  containers: z.number().int(),
  events: z.number().int(),
  errors: z.array(Finding),
  warnings: z.array(Finding),
  batchId: z.string().nullable(),
  inserted: z.number().int(),
  replaced: z.number().int(),
  cancelled: z.number().int(),
  unchanged: z.number().int(),
  duplicates: z.number().int(),
  quarantined: z.number().int(),
});

const BatchSummary = z.object({
  id: z.uuid(),
  fileName: z.string(),
  format: z.string(),
  status: z.string(),
  receivedAt: z.string(),
  receivedBy: z.string().nullable(),
  messages: z.number().int(),
  shipments: z.number().int(),
  containers: z.number().int(),
  events: z.number().int(),
  errors: z.number().int(),
  warnings: z.number().int(),
});

const QuarantineItem = z.object({
  id: z.uuid(),
  batchId: z.uuid(),
  format: z.string(),
  location: z.string(),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
  rawText: z.string(),
  status: z.string(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolvedBatchId: z.string().nullable(),
});

// Manifests arrive as raw text in whatever content type the sender's system uses.
const RAW_TYPES = ["application/edifact", "application/edi-x12", "application/x12", "text/csv", "application/octet-stream", "application/edi-consent"];

/** Manifest ingest, batch reports, the quarantine, version history and ingest tokens. */
export const manifestRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB>; clock: Clock }> = async (app, { db, clock }) => {
  app.addContentTypeParser(RAW_TYPES, { parseAs: "string", bodyLimit: 200 * 1024 * 1024 }, (_request, body, done) => {
    done(null, body);
  });
  const tags = ["ingest"];

  app.post(
    "/manifests",
    {
      bodyLimit: 200 * 1024 * 1024,
      schema: {
        tags,
        description: "Ingest one manifest file sent as the raw request body (EDIFACT, X12 or CSV).",
        querystring: z.object({ format: z.enum(FORMATS).default("auto"), fileName: z.string().max(255).default("upload"), dryRun: z.stringbool().default(false) }),
        response: { 200: FileReportSchema, 201: FileReportSchema, 400: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      if (typeof request.body !== "string" || request.body.length === 0) {
        throw invalid("manifest.empty", "Send the manifest as the raw request body (text/plain, application/edifact, application/x12 or text/csv)");
      }
      const format = request.query.format === "auto" ? undefined : (request.query.format as TradeFormat);
      const input = { fileName: request.query.fileName, text: request.body, format };
      if (request.query.dryRun) {
        return reply.code(200).send(dryRunIngest(input));
      }
      const report = await ingestFile(db, clock, actor, input);
      // Score the new and amended shipments for every agency that can see them.
      await scoreAllAgencies(db, clock);
      return reply.code(201).send(report);
    },
  );

  app.get("/ingest-batches", { schema: { tags, querystring: PageQuery, response: { 200: pageOf(BatchSummary) } } }, async (request) =>
    listBatches(db, requireActor(request), request.query),
  );
  app.get("/ingest-batches/:id", { schema: { tags, params: IdParams, response: { 200: FileReportSchema, 404: ErrorBody } } }, async (request) =>
    getBatchReport(db, requireActor(request), request.params.id),
  );
  app.get(
    "/quarantine",
    { schema: { tags, querystring: PageQuery.extend({ status: z.enum(["open", "resubmitted", "dismissed"]).optional() }), response: { 200: pageOf(QuarantineItem) } } },
    async (request) => listQuarantine(db, requireActor(request), request.query),
  );
  app.post(
    "/quarantine/:id/resubmission",
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({ text: z.string().min(1).max(10 * 1024 * 1024) }),
        response: { 200: z.object({ report: FileReportSchema, isResolved: z.boolean() }), 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => resubmitQuarantined(db, clock, requireActor(request), request.params.id, request.body.text),
  );
  app.get(
    "/shipments/:id/versions",
    {
      schema: {
        tags: ["shipments"],
        params: IdParams,
        response: {
          200: z.array(z.object({ version: z.number().int(), function: z.string(), messageRef: z.string().nullable(), recordedAt: z.string(), diff: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })) })),
          404: ErrorBody,
        },
      },
    },
    async (request) => listShipmentVersions(db, requireActor(request), request.params.id),
  );
  app.post(
    "/api-tokens",
    { schema: { tags, body: z.object({ name: z.string().min(2).max(60) }), response: { 201: z.object({ token: z.string(), username: z.string() }), 403: ErrorBody } } },
    async (request, reply) => reply.code(201).send(await createApiToken(db, requireActor(request), request.body.name)),
  );
};
