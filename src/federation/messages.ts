import { z } from "zod";

// The messages two nodes exchange, version 1. Each kind names the fields that may cross the
// border and nothing else: the sender parses a body through its kind's schema, which drops any
// field not named here, and the receiver parses strictly, so an unknown field is a violation.

/** The envelope format's version; a receiver refuses versions it does not speak. */
export const MESSAGE_VERSION = 1;

const Id = z.string().min(1).max(64);
const Text = z.string().max(2000);
const Code = z.string().min(1).max(40);
const Instant = z.iso.datetime({ offset: true });
const ContainerNo = z.string().regex(/^[A-Z]{4}\d{7}$/);
const Locode = z.string().regex(/^[A-Z]{2}[A-Z2-9]{3}$/);

const Party = z.object({ name: z.string().max(200), country: z.string().max(8).nullable() });

const ShipmentFields = {
  shipmentId: Id,
  version: z.number().int().min(1).max(1_000_000),
  billOfLading: z.string().min(1).max(35),
  containers: z.array(ContainerNo).max(500),
  portOfLoading: Locode,
  portOfDischarge: Locode,
  vesselName: z.string().max(70).nullable(),
  voyageNumber: z.string().max(17).nullable(),
  departureAt: Instant.nullable(),
  goods: z
    .array(
      z.object({
        hsCode: z
          .string()
          .regex(/^\d{4,10}$/)
          .nullable(),
        description: z.string().max(512),
      }),
    )
    .max(999),
  /** The agreement under which the host shares it. */
  agreement: Code.optional(),
  // The optional groups an agreement may share (federation_agreement_peer.shared_fields).
  /** parties */
  shipper: Party.optional(),
  consignee: Party.optional(),
  notifyName: z.string().max(200).nullable().optional(),
  /** carrier */
  carrierScac: z.string().max(10).nullable().optional(),
  vesselImo: z.string().max(12).nullable().optional(),
  /** route */
  finalDestination: Locode.nullable().optional(),
};

/** Host to partner: a shipment the agreement shares, and each new version of it. */
const ShipmentShared = z.object(ShipmentFields);
const ShipmentAmended = z.object(ShipmentFields);
/** Host to partner: the shipment is no longer shared (cancelled, or outside the agreement). */
const ShipmentWithdrawn = z.object({ shipmentId: Id, reason: Code });

/** The part every step of an inspection request carries: which request, and when. */
const RequestStep = {
  requestId: Id,
  reference: z.string().min(1).max(40).optional(),
  occurredAt: Instant,
};

/** Partner to host: the request itself. */
const InspectionRequest = z.object({
  ...RequestStep,
  requestType: Code.optional(),
  containerNo: ContainerNo.nullable().optional(),
  priority: Code.optional(),
  reason: Text.nullable().optional(),
  reasonCodes: z.array(Code).max(10).optional(),
  agreement: Code.optional(),
  /** The host's id of the shipment (the partner maps its copy back to it). */
  shipmentId: Id.optional(),
  scansRequested: z.array(Code).max(10).optional(),
});

/** A change of state of the request, from whichever side made it. */
const Transition = {
  ...RequestStep,
  from: Code.nullable().optional(),
  to: Code.optional(),
  note: Text.nullable().optional(),
};

const Withdrawal = z.object(Transition);
const Decision = z.object({ ...Transition, reasonCode: Code.nullable().optional() });
/**
 * The largest result bundle a scan result carries, in bytes (1,000,000 characters of base64, as
 * the portal feed's N42 file): past it the file stays with the host and the message says so.
 */
export const MAX_EVIDENCE_BYTES = 750_000;

/**
 * A scan's instrument file, inside the signed result bundle the host gives for downloads
 * (custody.json signed with the host agency's bundle key, listing the file by hash and size).
 */
const ScanEvidence = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  fileName: z.string().max(255).nullable(),
  mediaType: z.string().min(1).max(100),
  size: z
    .number()
    .int()
    .min(1)
    .max(100 * 1024 * 1024),
  /** The bundle (a ustar archive), base64; null when withheld. */
  bundle: z
    .base64()
    .max((MAX_EVIDENCE_BYTES / 3) * 4)
    .nullable(),
  /** Why the bundle is not here: too_large past MAX_EVIDENCE_BYTES. */
  withheld: z.enum(["too_large"]).nullable(),
});
export type ScanEvidence = z.infer<typeof ScanEvidence>;

/** A scan's result, with its evidence: the instrument file in the host's signed result bundle. */
const ScanResult = z.object({
  ...Transition,
  scanId: Id.optional(),
  scanType: Code.optional(),
  outcome: Code.optional(),
  evidence: ScanEvidence.nullable().optional(),
  /** The officer's notes, and the analysis's verdict on the instrument file. */
  notes: Text.nullable().optional(),
  verdict: Code.nullable().optional(),
  inconsistentWithDeclaration: z.boolean().optional(),
});
/** A clearance against the scans' findings carries the supervisor's reason. */
const Disposition = z.object({
  ...Transition,
  disposition: Code.optional(),
  override: z.object({ reason: Text }).optional(),
});
const HoldReleased = z.object(Transition);

/** Partner port to host (Megaports): one portal occupancy with its counts, alarms and analysis. */
const PortalOccupancy = z.object({
  occupancyId: Id,
  portal: z.string().min(1).max(64),
  locode: Locode,
  containerNo: ContainerNo.nullable(),
  startedAt: Instant,
  endedAt: Instant,
  grossGamma: z.array(z.number().int().min(0).max(100_000_000)).max(10_000),
  grossNeutron: z.array(z.number().int().min(0).max(100_000_000)).max(10_000),
  alarms: z
    .array(z.object({ kind: z.enum(["gamma", "neutron", "nsr"]), at: Instant, sigma: z.number().finite().nullable() }))
    .max(100),
  analysis: z.object({ verdict: Code, nuclides: z.array(Code).max(20), note: Text.nullable() }).nullable(),
  /** The instrument's N42.42 file, base64; bounded so that one message stays small. */
  n42: z.base64().max(1_000_000).nullable(),
});

/** Every message kind and the schema of its body. */
export const MESSAGE_BODIES = {
  "shipment.shared": ShipmentShared,
  "shipment.amended": ShipmentAmended,
  "shipment.withdrawn": ShipmentWithdrawn,
  "inspection_request.created": InspectionRequest,
  "inspection_request.withdrawn": Withdrawal,
  "inspection_request.decided": Decision,
  "scan.result": ScanResult,
  "inspection_request.dispositioned": Disposition,
  "inspection_request.hold_released": HoldReleased,
  "portal.occupancy": PortalOccupancy,
} as const;

export type MessageKind = keyof typeof MESSAGE_BODIES;
export const MESSAGE_KINDS = Object.keys(MESSAGE_BODIES) as MessageKind[];
export type MessageBody<K extends MessageKind> = z.infer<(typeof MESSAGE_BODIES)[K]>;

const AgencyCode = z.string().regex(/^[A-Z0-9_-]{2,16}$/);

/** What is signed: who sends what to whom, and where it stands in its subject's order. */
export const Message = z.strictObject({
  v: z.literal(MESSAGE_VERSION),
  id: z.uuid(),
  kind: z.enum(MESSAGE_KINDS as [MessageKind, ...MessageKind[]]),
  sender: AgencyCode,
  recipient: AgencyCode,
  /** When the change was made at the sender. */
  createdAt: Instant,
  /** When this copy was signed: a retry signs again, so a receiver bounds replays by this. */
  sentAt: Instant,
  /** The container, request or shipment whose messages must be applied in order. */
  subject: z.string().min(1).max(80),
  /** 1, 2, 3… per subject and recipient, with no gaps. */
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  body: z.record(z.string(), z.unknown()),
});
export type Message = z.infer<typeof Message>;

/** The receiver's answer for one message, signed by the receiver. */
export const Receipt = z.strictObject({
  v: z.literal(MESSAGE_VERSION),
  messageId: z.uuid().nullable(),
  sender: AgencyCode.nullable(),
  receiver: AgencyCode,
  /**
   * applied: done; queued: kept until the earlier messages of its subject arrive; duplicate: had it
   * already; failed: kept, but it could not take effect here (the reason says why); rejected: refused.
   */
  status: z.enum(["applied", "queued", "duplicate", "failed", "rejected"]),
  reason: z.string().max(200).nullable(),
  at: Instant,
});
export type Receipt = z.infer<typeof Receipt>;

/** Keeps only the fields the kind allows (the sender's side); throws when a required one is missing. */
export function shareableBody(kind: MessageKind, body: unknown): Record<string, unknown> {
  return MESSAGE_BODIES[kind].parse(body);
}

/** Checks a received body strictly: an unknown field is a violation, not something to drop. */
export function checkReceivedBody(
  kind: MessageKind,
  body: unknown,
): { isValid: true } | { isValid: false; issue: string } {
  const result = MESSAGE_BODIES[kind].strict().safeParse(body);
  if (result.success) {
    return { isValid: true };
  }
  const first = result.error.issues[0];
  return { isValid: false, issue: `${first?.path.join(".") || "body"}: ${first?.message ?? "invalid"}`.slice(0, 160) };
}
