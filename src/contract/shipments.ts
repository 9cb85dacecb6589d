import { z } from "zod";
import { SHIPMENT_SORTS } from "../domain/vocabulary.ts";
import { Instant, Locode, PageQuery, RuleHitSchema } from "./common.ts";
import { InspectionRequestSchema } from "./inspection-requests.ts";

// Shipments as the caller's agreements let them be read: the list's filters, a list row and the detail.

export const ShipmentQuery = PageQuery.extend({
  sort: z.enum(SHIPMENT_SORTS).default("etd"),
  order: z.enum(["asc", "desc"]).default("desc"),
  /** Port of loading, discharge or final destination. */
  port: Locode.optional(),
  /** Earliest ETD, ISO date or date-time. */
  etdFrom: Instant.optional(),
  /** Latest ETD, ISO date or date-time. */
  etdTo: Instant.optional(),
  /** Two-digit HS chapter. */
  hsChapter: z
    .string()
    .regex(/^\d{2}$/, "two-digit HS chapter such as 31")
    .optional(),
  /** Text over B/L, parties, containers and goods. */
  q: z.string().trim().min(1).max(100).optional(),
  /** Risk level under the caller's agency's active rules. */
  level: z.enum(["low", "medium", "high"]).optional(),
  /** Only shipments on which this rule fired. */
  ruleId: z.string().max(100).optional(),
  /** "true": only shipments with an inspection request the caller's agency is party to. */
  requested: z.enum(["true", "false"]).optional(),
});

export const ShipmentSummarySchema = z.object({
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
  /** The shipper's name in its own script, when the manifest gave one. */
  shipperNameNative: z.string().nullable(),
  consigneeName: z.string(),
  /** The consignee's name in its own script (株式会社ヤマト), when the manifest gave one. */
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
/** A shipment as a list row. */
export type ShipmentSummary = z.infer<typeof ShipmentSummarySchema>;

export const ShipmentDetailSchema = ShipmentSummarySchema.extend({
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
  containers: z.array(
    z.object({ containerNo: z.string(), sizeType: z.string(), sealNo: z.string().nullable(), isFull: z.boolean() }),
  ),
  inspectionRequests: z.array(InspectionRequestSchema),
  /** Why the agency's rules scored it so: every fired rule with its weight and explanation. */
  hits: z.array(RuleHitSchema),
});
/** A shipment with its goods, containers, voyage and the inspection requests on it. */
export type ShipmentDetail = z.infer<typeof ShipmentDetailSchema>;
