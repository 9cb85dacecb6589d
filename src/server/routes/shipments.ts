import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { DB } from "../../db/schema.ts";
import { getShipment, listShipments, SHIPMENT_SORTS } from "../../domain/shipments.ts";
import { requireActor } from "../auth.ts";
import { ErrorBody, IdParams, Instant, Locode, PageQuery, pageOf } from "../../contract/common.ts";
import { InspectionRequestSchema } from "../../contract/inspection-requests.ts";

/** Roles that read shipments; an ingest feed's token only delivers them. */
const READERS = ["targeter", "supervisor", "scan_officer", "admin", "auditor"] as const;

const ShipmentQuery = PageQuery.extend({
  sort: z.enum(SHIPMENT_SORTS).default("etd"),
  order: z.enum(["asc", "desc"]).default("desc"),
  /** Port of loading, discharge or final destination. */
  port: Locode.optional(),
  /** Earliest ETD, ISO date or date-time. */
  etdFrom: Instant.optional(),
  /** Latest ETD, ISO date or date-time. */
  etdTo: Instant.optional(),
  /** Two-digit HS chapter. */
  hsChapter: z.string().regex(/^\d{2}$/, "two-digit HS chapter such as 31").optional(),
  /** Text over B/L, parties, containers and goods. */
  q: z.string().trim().min(1).max(100).optional(),
  /** Risk level under the caller's agency's active rules. */
  level: z.enum(["low", "medium", "high"]).optional(),
  /** Only shipments on which this rule fired. */
  ruleId: z.string().max(100).optional(),
  /** "true": only shipments with an inspection request the caller's agency is party to. */
  requested: z.enum(["true", "false"]).optional(),
});

const ShipmentSummary = z.object({
  id: z.uuid(),
  billOfLading: z.string(),
  carrierScac: z.string(),
  vesselName: z.string().nullable(),
  voyageNo: z.string().nullable(),
  portOfLoading: z.string(),
  portOfDischarge: z.string(),
  finalDestination: z.string().nullable(),
  etd: z.string().nullable(),
  loadingCutoff: z.string().nullable(),
  /** When the carrier filed the manifest; late filing counts against the cut-off. */
  filedAt: z.string(),
  shipperName: z.string(),
  shipperNameNative: z.string().nullable(),
  consigneeName: z.string(),
  consigneeNameNative: z.string().nullable(),
  containerCount: z.number().int(),
  /** HS codes of the goods lines, without dots. */
  hsCodes: z.array(z.string()),
  /** True when another agency shares this shipment with the caller. */
  isShared: z.boolean(),
  /** The caller's agency's risk score (null until scored). */
  score: z.number().nullable(),
  level: z.string().nullable(),
  hitCount: z.number().int(),
  /** True when the caller's agency asked, or was asked, for an inspection on this shipment. */
  hasRequests: z.boolean(),
});

const ShipmentDetail = ShipmentSummary.extend({
  vesselImo: z.string().nullable(),
  shipperAddress: z.string().nullable(),
  shipperCountry: z.string().nullable(),
  consigneeAddress: z.string().nullable(),
  consigneeCountry: z.string().nullable(),
  notifyName: z.string().nullable(),
  notifyNameNative: z.string().nullable(),
  version: z.number().int(),
  goods: z.array(
    z.object({
      lineNo: z.number().int(),
      hsCode: z.string(),
      description: z.string(),
      packages: z.number().int().nullable(),
      packageType: z.string().nullable(),
      grossWeightKg: z.number().nullable(),
      containerNo: z.string().nullable(),
    }),
  ),
  containers: z.array(z.object({ containerNo: z.string(), sizeType: z.string(), sealNo: z.string().nullable(), isFull: z.boolean() })),
  inspectionRequests: z.array(InspectionRequestSchema),
  hits: z.array(z.object({ ruleId: z.string(), weight: z.number(), explanation: z.string() })),
});

/** Shipments the caller's agreements let them see. */
export const shipmentRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB> }> = async (app, { db }) => {
  app.get(
    "/shipments",
    { config: { roles: READERS }, schema: { tags: ["shipments"], querystring: ShipmentQuery, response: { 200: pageOf(ShipmentSummary), 401: ErrorBody } } },
    async (request) => listShipments(db, requireActor(request), request.query),
  );

  app.get(
    "/shipments/:id",
    { config: { roles: READERS }, schema: { tags: ["shipments"], params: IdParams, response: { 200: ShipmentDetail, 404: ErrorBody } } },
    async (request) => getShipment(db, requireActor(request), request.params.id),
  );
};
