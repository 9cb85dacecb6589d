import { Readable } from "node:stream";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../auth.ts";

/** Evidence files by content hash. */
export const fileRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/files/:sha256",
    { schema: { tags: ["files"], params: z.object({ sha256: z.string().regex(/^[0-9a-fA-F]{64}$/) }) } },
    async (request, reply) => {
      // Access is checked and the read audited before the first byte; the bytes then stream from
      // the store piece by piece, and a failure after the headers aborts the response.
      const file = await app.services.files.open(requireActor(request), request.params.sha256);
      const name = (file.fileName ?? request.params.sha256).replace(/[^\w.-]/g, "_");
      return reply
        .header("content-type", file.mediaType)
        .header("content-disposition", `attachment; filename="${name}"`)
        .header("content-length", String(file.byteLength))
        .header("x-content-sha256", request.params.sha256.toLowerCase())
        .send(Readable.from(file.pieces, { objectMode: false }));
    },
  );
};
