import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requireActor } from "../auth.ts";
import { IdParams } from "../../contract/common.ts";

/** Signed result bundles: one archive of a request's results for either party to keep. */
export const bundleRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/inspection-requests/:id/bundle",
    {
      schema: {
        tags: ["inspection-requests"],
        description:
          "The request's signed result bundle (ustar archive); check it with `reciprocity bundle verify FILE`.",
        params: IdParams,
      },
    },
    async (request, reply) => {
      // Access and every file are checked before this returns, so a refusal is still a proper
      // error answer; after the first byte, a failure aborts the response (see streamBundle).
      const bundle = await app.services.bundles.build(requireActor(request), request.params.id);
      return reply
        .header("content-type", "application/x-tar")
        .header("content-length", String(bundle.byteLength))
        .header("content-disposition", `attachment; filename="${bundle.fileName.replace(/[^\w.-]/g, "_")}"`)
        .header("cache-control", "no-store")
        .header("x-bundle-id", bundle.bundleId)
        .header("x-bundle-key-id", bundle.keyId)
        .send(bundle.stream);
    },
  );
};
