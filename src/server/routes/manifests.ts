import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError, invalid } from "../../errors.ts";
import { FILE_FORMATS, type TradeFormat } from "../../trade/index.ts";
import { requireActor } from "../auth.ts";
import { ErrorBody, IdParams, PageQuery, pageOf, SafeText } from "../../contract/common.ts";
import {
  BatchSummarySchema,
  FileReportSchema,
  QuarantineItemSchema,
  QuarantineQuery,
  ResubmissionBody,
  ResubmissionSchema,
  ShipmentVersionSchema,
} from "../../contract/manifests.ts";

// The upload's query is written here, not in the contract: its formats are the trade library's
// values, of which the contract takes types only.
const FORMATS = ["auto", ...FILE_FORMATS] as const;

// Manifests arrive as raw text in whatever content type the sender's system uses. text/plain is
// not among them: a browser form may post it across sites without asking (see the CSRF guard).
const RAW_TYPES = [
  "application/edifact",
  "application/edi-x12",
  "application/x12",
  "text/csv",
  "application/octet-stream",
  "application/edi-consent",
];

/** Largest manifest accepted in one upload, in bytes (RECIPROCITY_MANIFEST_LIMIT_MB overrides). */
export const MANIFEST_LIMIT_BYTES = manifestLimit();

function manifestLimit(): number {
  const megabytes = Number(process.env.RECIPROCITY_MANIFEST_LIMIT_MB ?? "50");
  return Number.isFinite(megabytes) && megabytes > 0 ? Math.round(megabytes * 1024 * 1024) : 50 * 1024 * 1024;
}

function tooLarge(limit: number): AppError {
  return new AppError(
    413,
    "manifest.too_large",
    `A manifest upload is limited to ${Math.round(limit / 1024 / 1024)} MB; split the file`,
  );
}

/** The body as it arrives, stopped with 413 at the limit so that nothing past it is read. */
async function* limitedBody(body: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer, void, undefined> {
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.byteLength;
    if (seen > limit) {
      throw tooLarge(limit);
    }
    yield chunk;
  }
}

/** The stream again, after making sure it holds at least one byte (400 otherwise). */
async function requireContent(chunks: AsyncIterable<Buffer>): Promise<AsyncIterable<Buffer>> {
  const iterator = chunks[Symbol.asyncIterator]();
  let first = await iterator.next();
  while (!first.done && first.value.byteLength === 0) {
    first = await iterator.next();
  }
  if (first.done) {
    throw invalid("manifest.empty", "The manifest is empty");
  }
  const head = first.value;
  return (async function* () {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield next.value;
    }
  })();
}

/** Manifest ingest, batch reports, the quarantine and version history (ingest tokens: api-tokens.ts). */
export const manifestRoutes: FastifyPluginAsyncZod<{ manifestLimit?: number; ingestChunk?: number }> = async (
  app,
  { manifestLimit, ingestChunk },
) => {
  const manifests = app.services.manifests;
  const limit = manifestLimit ?? MANIFEST_LIMIT_BYTES;
  // The body is handed on unread: the handler streams it through the ingest pipeline.
  app.addContentTypeParser(RAW_TYPES, (_request, payload, done) => {
    done(null, payload);
  });
  const tags = ["ingest"];

  app.post(
    "/manifests",
    {
      config: { roles: ["admin", "ingest"] },
      // A declared length over the limit is refused before a byte is read.
      onRequest: async (request) => {
        const declared = Number(request.headers["content-length"] ?? "0");
        if (declared > limit) {
          throw tooLarge(limit);
        }
      },
      schema: {
        tags,
        description: `Ingest one manifest file sent as the raw request body (EDIFACT, X12 or CSV; content type application/edifact, application/x12, text/csv or application/octet-stream), streamed, up to ${Math.round(limit / 1024 / 1024)} MB.`,
        querystring: z.object({
          format: z.enum(FORMATS).default("auto"),
          fileName: SafeText.pipe(z.string().min(1).max(255)).default("upload"),
          dryRun: z.stringbool().default(false),
        }),
        response: { 200: FileReportSchema, 201: FileReportSchema, 400: ErrorBody, 403: ErrorBody, 413: ErrorBody },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const body = request.body as AsyncIterable<Buffer> | undefined;
      if (!body || typeof (body as Partial<AsyncIterable<Buffer>>)[Symbol.asyncIterator] !== "function") {
        throw invalid(
          "manifest.empty",
          "Send the manifest as the raw request body (application/edifact, application/x12, text/csv or application/octet-stream)",
        );
      }
      const format = request.query.format === "auto" ? undefined : (request.query.format as TradeFormat);
      try {
        const input = {
          fileName: request.query.fileName,
          chunks: await requireContent(limitedBody(body, limit)),
          format,
          chunkSize: ingestChunk,
        };
        if (request.query.dryRun) {
          return reply.code(200).send(await manifests.dryRun(input));
        }
        return await reply.code(201).send(await manifests.ingest(actor, input));
      } catch (err) {
        // The rest of an unread body is not worth draining.
        reply.header("connection", "close");
        throw err;
      }
    },
  );

  app.get(
    "/ingest-batches",
    { schema: { tags, querystring: PageQuery, response: { 200: pageOf(BatchSummarySchema) } } },
    async (request) => manifests.batches(requireActor(request), request.query),
  );
  app.get(
    "/ingest-batches/:id",
    { schema: { tags, params: IdParams, response: { 200: FileReportSchema, 404: ErrorBody } } },
    async (request) => manifests.batch(requireActor(request), request.params.id),
  );
  app.get(
    "/quarantine",
    {
      schema: {
        tags,
        querystring: QuarantineQuery,
        response: { 200: pageOf(QuarantineItemSchema) },
      },
    },
    async (request) => manifests.quarantine(requireActor(request), request.query),
  );
  app.post(
    "/quarantine/:id/resubmission",
    {
      schema: {
        tags,
        params: IdParams,
        body: ResubmissionBody,
        response: { 200: ResubmissionSchema, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => manifests.resubmit(requireActor(request), request.params.id, request.body.text),
  );
  app.get(
    "/shipments/:id/versions",
    {
      schema: {
        tags: ["shipments"],
        params: IdParams,
        response: { 200: z.array(ShipmentVersionSchema), 404: ErrorBody },
      },
    },
    async (request) => app.services.shipments.versions(requireActor(request), request.params.id),
  );
};
