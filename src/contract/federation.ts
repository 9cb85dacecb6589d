import { z } from "zod";
import { MAX_ENVELOPE_CHARS, MAX_INBOX_BATCH } from "../domain/vocabulary.ts";

// The node-to-node inbox, the operator's view of this node's exchanges, and the portal feed.

/** A delivery from a peer node. */
export const Delivery = z.object({
  /** Compact JWS envelopes (EdDSA), each a signed message; applied in the order given. */
  envelopes: z.array(z.string().min(1).max(MAX_ENVELOPE_CHARS)).min(1).max(MAX_INBOX_BATCH),
});

/** The answer to a delivery. */
export const Receipts = z.object({
  /** One signed receipt per envelope, in the same order. */
  receipts: z.array(z.string()),
});

/** A peer node with its pinned keys. */
export const PeerSchema = z.object({
  id: z.uuid(),
  agencyCode: z.string(),
  url: z.string(),
  isActive: z.boolean(),
  keys: z.array(z.object({ kid: z.string(), addedAt: z.string(), validUntil: z.string().nullable() })),
});
export type PeerView = z.infer<typeof PeerSchema>;

/** An agreement and the peer node it applies to, with the optional field groups it shares. */
export const AgreementPeerSchema = z.object({
  agreement: z.string(),
  peer: z.string(),
  sharedFields: z.array(z.string()),
});
export type AgreementPeerView = z.infer<typeof AgreementPeerSchema>;

/** What an operator sees of the node's exchanges. */
export const FederationStatusSchema = z.object({
  node: z.object({ agencyCode: z.string(), kid: z.string(), publicKey: z.string() }),
  peers: z.array(PeerSchema),
  outbox: z.object({
    pending: z.number(),
    dead: z.number(),
    delivered: z.number(),
    failing: z.number(),
    oldestPendingAt: z.string().nullable(),
    lagSeconds: z.number(),
  }),
  inbox: z.object({
    received: z.number(),
    waiting: z.number(),
    failed: z.number(),
    lastReceivedAt: z.string().nullable(),
    rejected: z.number(),
  }),
  /** Received messages that could not take effect here, newest first, with the reason. */
  inboxFailures: z.array(
    z.object({
      messageId: z.string(),
      sender: z.string(),
      kind: z.string(),
      subject: z.string(),
      seq: z.number(),
      failure: z.string(),
      receivedAt: z.string(),
    }),
  ),
  /** Which agreements name which peer node. */
  agreements: z.array(AgreementPeerSchema),
  failures: z.array(
    z.object({
      id: z.string(),
      messageId: z.string(),
      kind: z.string(),
      subject: z.string(),
      attempts: z.number(),
      lastError: z.string().nullable(),
      nextAttemptAt: z.string(),
    }),
  ),
  deadLetters: z.array(
    z.object({
      id: z.string(),
      messageId: z.string(),
      kind: z.string(),
      subject: z.string(),
      attempts: z.number(),
      lastError: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  rejections: z.array(
    z.object({
      at: z.string(),
      sender: z.string().nullable(),
      messageId: z.string().nullable(),
      reason: z.string(),
      detail: z.string().nullable(),
    }),
  ),
});
export type FederationStatus = z.infer<typeof FederationStatusSchema>;

/** One occupancy of a radiation portal, as the reporting port measured it. */
export const PortalOccupancySchema = z.object({
  id: z.uuid(),
  reportedBy: z.string(),
  occupancyRef: z.string(),
  portal: z.string(),
  locode: z.string(),
  containerNo: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string(),
  grossGamma: z.array(z.number()),
  grossNeutron: z.array(z.number()),
  alarms: z.array(z.object({ kind: z.string(), at: z.string(), sigma: z.number().nullable() })),
  analysis: z.object({ verdict: z.string(), nuclides: z.array(z.string()), note: z.string().nullable() }).nullable(),
  n42Sha256: z.string().nullable(),
  receivedAt: z.string(),
});
export type PortalOccupancyView = z.infer<typeof PortalOccupancySchema>;

/** The portal feed's filters. */
export const PortalOccupancyQuery = z.object({
  containerNo: z
    .string()
    .regex(/^[A-Z]{4}\d{7}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** A kept message to apply again. */
export const ReapplyBody = z.object({ /** The kept message's id, as the status lists it. */ messageId: z.uuid() });

/** What became of a kept message applied again. */
export const ReappliedSchema = z.object({
  messageId: z.string(),
  status: z.enum(["applied", "failed"]),
  /** Why it still cannot take effect; null once applied. */
  reason: z.string().nullable(),
});
export type Reapplied = z.infer<typeof ReappliedSchema>;

/** A dead letter to put back in the outbox. */
export const RetryDeadBody = z.object({
  /** The dead letter's id, as the status lists it. */ id: z.string().regex(/^\d{1,18}$/),
});
