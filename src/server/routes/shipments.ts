import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { getShipment, listShipments } from "../../domain/shipments.ts";
import { requireActor } from "../auth.ts";
import { ErrorBody, IdParams, pageOf } from "../../contract/common.ts";
import { ShipmentDetailSchema, ShipmentQuery, ShipmentSummarySchema } from "../../contract/shipments.ts";

/** Roles that read shipments; an ingest feed's token only delivers them. */
const READERS = ["targeter", "supervisor", "scan_officer", "admin", "auditor"] as const;

/** Shipments the caller's agreements let them see. */
export const shipmentRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB> }> = async (app, { db }) => {
  app.get(
    "/shipments",
    { config: { roles: READERS }, schema: { tags: ["shipments"], querystring: ShipmentQuery, response: { 200: pageOf(ShipmentSummarySchema), 401: ErrorBody } } },
    async (request) => listShipments(db, requireActor(request), request.query),
  );

  app.get(
    "/shipments/:id",
    { config: { roles: READERS }, schema: { tags: ["shipments"], params: IdParams, response: { 200: ShipmentDetailSchema, 404: ErrorBody } } },
    async (request) => getShipment(db, requireActor(request), request.params.id),
  );
};
