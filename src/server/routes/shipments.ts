import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requireActor } from "../auth.ts";
import { ErrorBody, IdParams, pageOf } from "../../contract/common.ts";
import { ShipmentDetailSchema, ShipmentQuery, ShipmentSummarySchema } from "../../contract/shipments.ts";

/** Roles that read shipments; an ingest feed's token only delivers them. */
const READERS = ["targeter", "supervisor", "scan_officer", "admin", "auditor"] as const;

/** Shipments the caller's agreements let them see. */
export const shipmentRoutes: FastifyPluginAsyncZod = async (app) => {
  const shipments = app.services.shipments;
  app.get(
    "/shipments",
    {
      config: { roles: READERS },
      schema: {
        tags: ["shipments"],
        querystring: ShipmentQuery,
        response: { 200: pageOf(ShipmentSummarySchema), 401: ErrorBody },
      },
    },
    async (request) => shipments.list(requireActor(request), request.query),
  );

  app.get(
    "/shipments/:id",
    {
      config: { roles: READERS },
      schema: { tags: ["shipments"], params: IdParams, response: { 200: ShipmentDetailSchema, 404: ErrorBody } },
    },
    async (request) => shipments.get(requireActor(request), request.params.id),
  );
};
