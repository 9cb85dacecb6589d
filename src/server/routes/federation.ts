import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { MAX_BATCH } from "../../domain/federation/inbox.ts";
import { notFound } from "../../errors.ts";
import { MAX_ENVELOPE_CHARS } from "../../federation/envelope.ts";
import { requireActor } from "../auth.ts";
import { ErrorBody } from "../../contract/common.ts";

/** The most one delivery may weigh: a batch of ordinary messages, or a few with N42 files. */
const INBOX_BODY_LIMIT = 8 * 1024 * 1024;

const Delivery = z.object({
  /** Compact JWS envelopes (EdDSA), each a signed message; applied in the order given. */
  envelopes: z.array(z.string().min(1).max(MAX_ENVELOPE_CHARS)).min(1).max(MAX_BATCH),
});

const Receipts = z.object({
  /** One signed receipt per envelope, in the same order. */
  receipts: z.array(z.string()),
});

const Key = z.object({ kid: z.string(), addedAt: z.string(), validUntil: z.string().nullable() });
const Status = z.object({
  node: z.object({ agencyCode: z.string(), kid: z.string(), publicKey: z.string() }),
  peers: z.array(
    z.object({ id: z.uuid(), agencyCode: z.string(), url: z.string(), isActive: z.boolean(), keys: z.array(Key) }),
  ),
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
  agreements: z.array(z.object({ agreement: z.string(), peer: z.string(), sharedFields: z.array(z.string()) })),
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
export type FederationStatusView = z.infer<typeof Status>;

const PortalOccupancy = z.object({
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

/** The node-to-node inbox (authenticated by each envelope's signature) and the operator's view. */
export const federationRoutes: FastifyPluginAsyncZod = async (app) => {
  const federation = app.services.federation;
  const tags = ["federation"];

  app.post(
    "/federation/inbox",
    {
      bodyLimit: INBOX_BODY_LIMIT,
      // No session: a peer node proves itself by the pinned key that signed each envelope.
      config: { isPublic: true },
      schema: {
        tags,
        security: [],
        description:
          "Receives signed messages from a peer node. Each envelope is checked (pinned key, signature over the exact bytes, recipient, replay window, schema), stored once by message id and applied in its subject's order; each gets a signed receipt: applied, queued (waiting for an earlier message of its subject), duplicate or rejected with a reason. Refusals are audited.",
        body: Delivery,
        response: { 200: Receipts, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const receipts = await federation.receive(request.body.envelopes);
      if (!receipts) {
        throw notFound("federation_node");
      }
      return { receipts };
    },
  );

  app.get(
    "/federation/status",
    {
      config: { roles: ["admin"] },
      schema: {
        tags,
        description:
          "This node's identity, its peers and pinned keys, the agreements that name a peer, outbox and inbox depth, delivery lag, failing and dead messages, received messages that could not take effect (with the reason), and recent refusals.",
        response: { 200: Status, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => federation.status(requireActor(request)),
  );

  app.get(
    "/federation/portal-occupancies",
    {
      config: { roles: ["scan_officer", "supervisor", "targeter", "admin", "auditor"] },
      schema: {
        tags,
        description:
          "Radiation portal occupancies a partner port reported to this agency (the Megaports feed), or that this agency reported, newest first.",
        querystring: z.object({
          containerNo: z
            .string()
            .regex(/^[A-Z]{4}\d{7}$/)
            .optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(PortalOccupancy) }), 403: ErrorBody },
      },
    },
    async (request) => ({ items: await federation.portalOccupancies(requireActor(request), request.query) }),
  );

  app.post(
    "/federation/inbox-failures/reapply",
    {
      config: { roles: ["admin"] },
      schema: {
        tags,
        description:
          "Applies again a received message that was kept because it could not take effect, once its cause is fixed. Audited. A message that has taken effect is left alone (asking twice applies it once); the answer says whether it took effect now, or why it still cannot.",
        body: z.object({ /** The kept message's id, as the status lists it. */ messageId: z.uuid() }),
        response: {
          200: z.object({
            messageId: z.string(),
            status: z.enum(["applied", "failed"]),
            reason: z.string().nullable(),
          }),
          403: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request) => federation.reapply(requireActor(request), request.body.messageId),
  );

  app.post(
    "/federation/dead-letters/retry",
    {
      config: { roles: ["admin"] },
      schema: {
        tags,
        description: "Puts a dead message back in the outbox with a fresh count of attempts.",
        body: z.object({ /** The dead letter's id, as the status lists it. */ id: z.string().regex(/^\d{1,18}$/) }),
        response: { 204: z.null(), 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      await federation.retryDead(requireActor(request), request.body.id);
      return reply.code(204).send(null);
    },
  );
};
