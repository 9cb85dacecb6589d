import { z } from "zod";
import type { AnalysisReport } from "../radiation/analyze-file.ts";
import {
  CLEARANCE_REASONS,
  DECLINE_CODES,
  DISPOSITIONS,
  MAX_FILE_BYTES,
  MAX_OVERRIDE_REASON,
  MISS_REASON_CODES,
  PRIORITIES,
  REASON_CODES,
  REQUEST_STATUSES,
  REQUEST_TYPES,
  SCAN_OUTCOMES,
  SCAN_TYPES,
} from "../domain/vocabulary.ts";
import { ContainerNo, Instant, PageQuery, RuleHitSchema } from "./common.ts";

// Inspection requests as both parties read and write them: the schemas the routes check and answer
// with, and the types the use cases, the presenter and the browser app take from them.

export const ScanSchema = z.object({
  id: z.uuid(),
  scanType: z.enum(SCAN_TYPES),
  outcome: z.enum(SCAN_OUTCOMES),
  notes: z.string(),
  officer: z.string(),
  /** UN/LOCODE of the site where the scan was done. */
  site: z.string().nullable(),
  scannedAt: z.string(),
  recordedAt: z.string(),
  device: z.string().nullable(),
  startedAt: z.string().nullable(),
  /** Evidence file, addressed by its sha256 (chain of custody). */
  file: z
    .object({ sha256: z.string(), name: z.string().nullable(), mediaType: z.string(), sizeBytes: z.number().int() })
    .nullable(),
  /** The radiation analysis' overall verdict (no_alarm, norm_nuisance, medical, industrial, investigate, snm). */
  verdict: z.string().nullable(),
  /** True when the radiation profile contradicts the declared goods. */
  isInconsistent: z.boolean(),
  inconsistency: z.string().nullable(),
  /** The full analysis report of the attached instrument file (alarms, nuclides with evidence). */
  analysis: z.custom<AnalysisReport | null>(),
});
/** A recorded scan with its evidence file and, for radiation files, the analysis. */
export type ScanView = z.infer<typeof ScanSchema>;

/** A scan's findings that stop a one-click clearance (src/domain/clearance-guard.ts). */
export const ClearanceFindingSchema = z.object({
  scanId: z.uuid(),
  scanType: z.enum(SCAN_TYPES),
  scannedAt: z.string(),
  /** snm, reach_back, industrial, investigate, inconsistent. */
  reasons: z.array(z.enum(CLEARANCE_REASONS)),
  verdict: z.string().nullable(),
  nuclides: z.array(z.string()),
  reachBack: z.string().nullable(),
  inconsistency: z.string().nullable(),
  summary: z.string(),
});
/** One scan's findings that a clearance would override. */
export type ClearanceFinding = z.infer<typeof ClearanceFindingSchema>;

/** A host supervisor's override that cleared a container against its scans' findings. */
const OverrideSchema = z.object({ reason: z.string(), findings: z.array(ClearanceFindingSchema) });
/** A host supervisor's reason for clearing against findings, and the findings as they stood. */
export type DispositionOverride = z.infer<typeof OverrideSchema>;

/** One step of a request's history; a clearance against the scans' findings carries the supervisor's override. */
const TimelineStepSchema = z.object({
  at: z.string(),
  action: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  by: z.string().nullable(),
  note: z.string().nullable(),
  override: OverrideSchema.nullable(),
});
export type TimelineStep = z.infer<typeof TimelineStepSchema>;

/** What is in the container and how the viewer's own rules scored it: what a decision is made on. */
const CargoSchema = z.object({
  goods: z.string().nullable(),
  hsCode: z.string().nullable(),
  /** The viewer's agency's risk score of the shipment, when its rules scored it. */
  riskScore: z.number().nullable(),
  riskLevel: z.string().nullable(),
  /** The rules that gave the most points, highest first. */
  topHits: z.array(RuleHitSchema).max(3),
});
export type RequestCargo = z.infer<typeof CargoSchema>;

export const InspectionRequestSchema = z.object({
  id: z.uuid(),
  reference: z.string(),
  requestType: z.enum(REQUEST_TYPES),
  reasonCodes: z.array(z.string()),
  /** The agreement's legal basis the request rests on. */
  legalBasis: z.string().nullable(),
  decisionCode: z.string().nullable(),
  scheduledFor: z.string().nullable(),
  /** The container may not be loaded while this is true. */
  holdActive: z.boolean(),
  /** Set when the request was escalated for being at risk of missing its cut-off. */
  escalatedAt: z.string().nullable(),
  /** Set when the container was loaded, or the cut-off passed, before the request was answered. */
  missedAt: z.string().nullable(),
  missReason: z.string().nullable(),
  /** The miss reason's code, which screens word in the reader's language; null for none or another text. */
  missReasonCode: z.enum(MISS_REASON_CODES).nullable(),
  firstResultAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  informationResponse: z.string().nullable(),
  isOpen: z.boolean(),
  /** Every step of the request's history. */
  timeline: z.array(TimelineStepSchema),
  shipmentId: z.uuid(),
  billOfLading: z.string(),
  containerNo: z.string(),
  status: z.enum(REQUEST_STATUSES),
  priority: z.enum(PRIORITIES),
  reason: z.string(),
  scansRequested: z.array(z.enum(SCAN_TYPES)),
  agreementCode: z.string(),
  requestingAgency: z.string(),
  hostAgency: z.string(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  /** The loading cut-off of the container's voyage: the request must be answered before it. */
  deadline: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionReason: z.string().nullable(),
  disposition: z.enum(DISPOSITIONS).nullable(),
  dispositionedAt: z.string().nullable(),
  /** Set when the current disposition cleared the container against its scans' findings: who, when, why, and what. */
  dispositionOverride: OverrideSchema.extend({ by: z.string().nullable(), at: z.string() }).nullable(),
  /** What stands in the way of clearing with one click; clearing then needs a host supervisor's override. */
  clearanceFindings: z.array(ClearanceFindingSchema),
  scans: z.array(ScanSchema),
  /** The goods in the container and the viewer's own agency's score of the shipment. */
  cargo: CargoSchema,
});
/** An inspection request as both parties see it. */
export type InspectionRequestView = z.infer<typeof InspectionRequestSchema>;

export const CreateRequestBody = z.object({
  /** inspection (scans), information (questions), or hold (do not load until cleared). */
  requestType: z.enum(REQUEST_TYPES).default("inspection"),
  reasonCodes: z.array(z.enum(REASON_CODES)).max(REASON_CODES.length).default([]),
  shipmentId: z.uuid(),
  containerNo: ContainerNo,
  /** Why the targeter wants this container examined. */
  reason: z.string().trim().min(3).max(2000),
  priority: z.enum(PRIORITIES).default("routine"),
  scansRequested: z.array(z.enum(SCAN_TYPES)).min(1).max(SCAN_TYPES.length).default(["radiation_portal"]),
});

export const DecisionBody = z.object({
  decision: z.enum(["accept", "decline"]),
  /** Required when declining. */
  reasonCode: z.enum(DECLINE_CODES).optional(),
  /** Required when declining. */
  reason: z.string().trim().max(2000).optional(),
});

export const DispositionBody = z.object({
  disposition: z.enum(DISPOSITIONS),
  note: z.string().trim().max(2000).optional(),
  /** A host supervisor clears against the scans' findings (SNM, industrial, unexplained, inconsistent, reach-back) with a reason. */
  override: z.object({ reason: z.string().trim().min(1).max(MAX_OVERRIDE_REASON) }).optional(),
});
/** What a host supervisor gives to clear against findings. */
export type ClearanceOverride = NonNullable<z.infer<typeof DispositionBody>["override"]>;

export const ScanBody = z.object({
  scanType: z.enum(SCAN_TYPES),
  outcome: z.enum(SCAN_OUTCOMES),
  notes: z.string().max(5000).default(""),
  /** Instrument that made the scan, e.g. "RPM lane 4 (PVT/He-3)" or "identiFINDER R500 SN 1234". */
  device: z.string().max(200).optional(),
  /** A device from the agency's registry (GET /devices); it must be in service and made for this scan type. */
  deviceId: z.uuid().optional(),
  startedAt: Instant.optional(),
  scannedAt: Instant.optional(),
  /** Instrument file or image, base64-encoded. */
  attachment: z
    .object({
      fileName: z.string().min(1).max(255),
      mediaType: z.string().min(3).max(100),
      contentBase64: z
        .string()
        .min(1)
        .max(Math.ceil(MAX_FILE_BYTES / 3) * 4 + 4096),
    })
    .optional(),
  disposition: z.enum(DISPOSITIONS).optional(),
});

export const RequestListQuery = PageQuery.extend({
  /** Comma-separated statuses. */
  status: z
    .string()
    .max(200)
    .optional()
    .transform((s) => (s ? s.split(",").map((x) => x.trim()) : undefined))
    .pipe(z.array(z.enum(REQUEST_STATUSES)).optional()),
  shipmentId: z.uuid().optional(),
  /** host: requests the caller's agency is asked to answer; requester: those it made. */
  party: z.enum(["host", "requester"]).optional(),
  /** requested: newest first (default); deadline: nearest loading cut-off first. */
  sort: z.enum(["requested", "deadline"]).default("requested"),
});
