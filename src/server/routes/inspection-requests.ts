import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { MAX_FILE_BYTES } from "../../domain/vocabulary.ts";
import { invalid } from "../../errors.ts";
import { requireActor } from "../auth.ts";
import { ErrorBody, IdParams, Instant, pageOf } from "../../contract/common.ts";
import {
  CreateRequestBody,
  DecisionBody,
  DispositionBody,
  InspectionRequestSchema,
  RequestListQuery,
  ScanBody,
} from "../../contract/inspection-requests.ts";

function decodeBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/=\s]+$/.test(text)) {
    throw invalid("file.bad_encoding", "attachment.contentBase64 is not base64");
  }
  return new Uint8Array(Buffer.from(text, "base64"));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const Errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** Inspection requests: ask, decide, schedule, scan, disposition, close — and see every result. */
export const inspectionRequestRoutes: FastifyPluginAsyncZod = async (app) => {
  const requests = app.services.inspectionRequests;
  const tags = ["inspection-requests"];
  app.post(
    "/inspection-requests",
    { schema: { tags, body: CreateRequestBody, response: { 201: InspectionRequestSchema, ...Errors } } },
    async (request, reply) => reply.code(201).send(await requests.create(requireActor(request), request.body)),
  );

  app.get(
    "/inspection-requests",
    { schema: { tags, querystring: RequestListQuery, response: { 200: pageOf(InspectionRequestSchema) } } },
    async (request) => requests.list(requireActor(request), request.query),
  );

  app.get(
    "/inspection-requests/:id",
    { schema: { tags, params: IdParams, response: { 200: InspectionRequestSchema, 404: ErrorBody } } },
    async (request) => requests.get(requireActor(request), request.params.id),
  );

  app.post(
    "/inspection-requests/:id/decision",
    { schema: { tags, params: IdParams, body: DecisionBody, response: { 200: InspectionRequestSchema, ...Errors } } },
    async (request) => requests.decide(requireActor(request), request.params.id, request.body),
  );

  app.post(
    "/inspection-requests/:id/withdrawal",
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({ reason: z.string().trim().min(3).max(2000) }),
        response: { 200: InspectionRequestSchema, ...Errors },
      },
    },
    async (request) => requests.withdraw(requireActor(request), request.params.id, request.body.reason),
  );

  app.post(
    "/inspection-requests/:id/schedule",
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({ scheduledFor: Instant }),
        response: { 200: InspectionRequestSchema, ...Errors },
      },
    },
    async (request) => requests.schedule(requireActor(request), request.params.id, request.body.scheduledFor),
  );

  app.post(
    "/inspection-requests/:id/scanning",
    { schema: { tags, params: IdParams, response: { 200: InspectionRequestSchema, ...Errors } } },
    async (request) => requests.startScanning(requireActor(request), request.params.id),
  );

  app.post(
    "/inspection-requests/:id/scans",
    {
      // A 25 MB file in base64 with the rest of the scan.
      bodyLimit: Math.ceil(MAX_FILE_BYTES / 3) * 4 + 64 * 1024,
      config: { roles: ["scan_officer", "supervisor"] },
      // Whether this caller may record a scan on this request is settled before the upload is read.
      preParsing: async (request) => {
        const { id } = request.params as { id?: string };
        if (id && UUID.test(id)) {
          await requests.assertMayRecordScan(requireActor(request), id);
        }
      },
      schema: { tags, params: IdParams, body: ScanBody, response: { 201: InspectionRequestSchema, ...Errors } },
    },
    async (request, reply) => {
      const { attachment, ...scan } = request.body;
      const result = await requests.recordScan(requireActor(request), request.params.id, {
        ...scan,
        attachment: attachment
          ? {
              fileName: attachment.fileName,
              mediaType: attachment.mediaType,
              content: decodeBase64(attachment.contentBase64),
            }
          : undefined,
      });
      return reply.code(201).send(result);
    },
  );

  app.post(
    "/inspection-requests/:id/answer",
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({ response: z.string().trim().min(1).max(10000) }),
        response: { 200: InspectionRequestSchema, ...Errors },
      },
    },
    async (request) => requests.answer(requireActor(request), request.params.id, request.body.response),
  );

  app.post(
    "/inspection-requests/:id/disposition",
    {
      schema: { tags, params: IdParams, body: DispositionBody, response: { 200: InspectionRequestSchema, ...Errors } },
    },
    async (request) =>
      requests.disposition(
        requireActor(request),
        request.params.id,
        request.body.disposition,
        request.body.note,
        request.body.override,
      ),
  );

  app.post(
    "/inspection-requests/:id/hold-release",
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({ reason: z.string().trim().min(3).max(2000) }),
        response: { 200: InspectionRequestSchema, ...Errors },
      },
    },
    async (request) => requests.liftHold(requireActor(request), request.params.id, request.body.reason),
  );

  app.post(
    "/inspection-requests/:id/closure",
    { schema: { tags, params: IdParams, response: { 200: InspectionRequestSchema, ...Errors } } },
    async (request) => requests.close(requireActor(request), request.params.id),
  );
};
