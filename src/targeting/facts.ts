// What the app supplies per shipment: the shared manifest (B/L, voyage, route, parties, goods, equipment) plus a few facts it knows from history.
import { z } from "zod";

/** Roles a manifest party can have. */
export const PARTY_ROLES = ["shipper", "consignee", "notify", "forwarder"] as const;
/** Role of a party on the bill of lading. */
export type PartyRole = (typeof PARTY_ROLES)[number];

const Iso = z.iso.datetime({ offset: true });

/** One party on the bill of lading. */
export const PartyFactsSchema = z.object({
  role: z.enum(PARTY_ROLES),
  name: z.string(),
  /** ISO 3166-1 alpha-2. */
  country: z.string().length(2).optional(),
  address: z.string().optional(),
});

/** One goods line. */
export const GoodsLineSchema = z.object({
  /** HS / Schedule B code as filed (dirty input tolerated: dots, spaces, 10 digits). */
  hsCode: z.string().optional(),
  description: z.string(),
  packages: z.number().int().nonnegative().optional(),
  packageType: z.string().optional(),
  grossWeightKg: z.number().nonnegative().optional(),
  /** Container the line is stuffed in, when the manifest says. */
  containerNo: z.string().optional(),
});

/** One container. */
export const ContainerFactsSchema = z.object({
  /** ISO 6346 number. */
  containerNo: z.string(),
  /** ISO 6346 size/type code ("22G1", "45G1"). */
  sizeType: z.string().optional(),
  sealNo: z.string().optional(),
});

/** The facts of one shipment the rules run over. */
export const ShipmentFactsSchema = z.object({
  /** Stable key (the app's shipment id); random selection hashes it. */
  shipmentKey: z.string().min(1),
  billOfLading: z.string(),
  /** SCAC of the carrier. */
  carrierScac: z.string().optional(),
  vesselImo: z.string().optional(),
  vesselName: z.string().optional(),
  voyage: z.string().optional(),
  /** UN/LOCODEs. */
  placeOfReceipt: z.string().optional(),
  portOfLoading: z.string(),
  portOfDischarge: z.string(),
  finalDestination: z.string().optional(),
  transshipmentPorts: z.array(z.string()).default([]),
  /** ISO date-times. */
  etd: Iso.optional(),
  loadingCutoff: Iso.optional(),
  filedAt: Iso.optional(),
  /** AES ITN or exemption citation. */
  itn: z.string().optional(),
  declaredValueUsd: z.number().nonnegative().optional(),
  parties: z.array(PartyFactsSchema).default([]),
  goods: z.array(GoodsLineSchema).default([]),
  containers: z.array(ContainerFactsSchema).default([]),
  /** History the app knows: first time this shipper / consignee is seen by the agency. */
  flags: z
    .object({ firstSeenShipper: z.boolean().optional(), firstSeenConsignee: z.boolean().optional() })
    .catchall(z.boolean())
    .default({}),
  /** Any other manifest field, addressed in rules as `fields.<name>`. */
  fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /**
   * Field paths the source of these facts does not carry ("filedAt", "itn", "flags.firstSeenShipper"): a carrier's
   * manifest file has no filing time or AES ITN. Rules needing them are not assessed and never count as data missing,
   * since the filer did not leave them out.
   */
  unknown: z.array(z.string()).optional(),
});

/** A party on the bill of lading. */
export type PartyFacts = z.infer<typeof PartyFactsSchema>;
/** One goods line. */
export type GoodsLine = z.infer<typeof GoodsLineSchema>;
/** One container. */
export type ContainerFacts = z.infer<typeof ContainerFactsSchema>;
/** The facts of one shipment (after defaults: arrays and records always present). */
export type ShipmentFacts = z.infer<typeof ShipmentFactsSchema>;

/** Validates (and defaults) shipment facts from untrusted JSON; throws a ZodError on bad input. */
export function parseShipmentFacts(input: unknown): ShipmentFacts {
  return ShipmentFactsSchema.parse(input);
}
