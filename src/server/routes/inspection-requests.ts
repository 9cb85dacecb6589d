import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { Clock } from "../../domain/clock.ts";
import {
  createInspectionRequest,
  decideInspectionRequest,
  getInspectionRequest,
  listInspectionRequests,
} from "../../domain/inspection-requests.ts";
import { recordScan } from "../../domain/scans.ts";
import { invalid } from "../../errors.ts";
import { requireActor } from "../auth.ts";
import { ErrorBody, IdParams, pageOf } from "../schemas.ts";
import { CreateRequestBody, DecisionBody, InspectionRequestSchema, RequestListQuery, ScanBody } from "./inspection-requests.schema.ts";

function decodeBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/=\s]+$/.test(text)) {
    throw invalid("file.bad_encoding", "attachment.contentBase64 is not base64");
  }
  return new Uint8Array(Buffer.from(text, "base64"));
}

/** Inspection requests: ask, decide, scan, see the result. */
export const inspectionRequestRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB>; clock: Clock }> = async (app, { db, clock }) => {
  const tags = ["inspection-requests"];
  app.post(
    "/inspection-requests",
    { schema: { tags, body: CreateRequestBody, response: { 201: InspectionRequestSchema, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody } } },
    async (request, reply) => reply.code(201).send(await createInspectionRequest(db, clock, requireActor(request), request.body)),
  );

  app.get(
    "/inspection-requests",
    { schema: { tags, querystring: RequestListQuery, response: { 200: pageOf(InspectionRequestSchema) } } },
    async (request) => listInspectionRequests(db, requireActor(request), request.query),
  );

  app.get(
    "/inspection-requests/:id",
    { schema: { tags, params: IdParams, response: { 200: InspectionRequestSchema, 404: ErrorBody } } },
    async (request) => getInspectionRequest(db, requireActor(request), request.params.id),
  );

  app.post(
    "/inspection-requests/:id/decision",
    { schema: { tags, params: IdParams, body: DecisionBody, response: { 200: InspectionRequestSchema, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody } } },
    async (request) => decideInspectionRequest(db, clock, requireActor(request), request.params.id, request.body),
  );

  app.post(
    "/inspection-requests/:id/scans",
    {
      bodyLimit: 40 * 1024 * 1024,
      schema: { tags, params: IdParams, body: ScanBody, response: { 201: InspectionRequestSchema, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody } },
    },
    async (request, reply) => {
      const { attachment, ...scan } = request.body;
      const result = await recordScan(db, clock, requireActor(request), request.params.id, {
        ...scan,
        attachment: attachment
          ? { fileName: attachment.fileName, mediaType: attachment.mediaType, content: decodeBase64(attachment.contentBase64) }
          : undefined,
      });
      return reply.code(201).send(result);
    },
  );
};
