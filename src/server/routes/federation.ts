import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { notFound } from "../../errors.ts";
import { requireActor } from "../auth.ts";
import { ErrorBody } from "../../contract/common.ts";
import {
  Delivery,
  FederationStatusSchema,
  PortalOccupancyQuery,
  PortalOccupancySchema,
  ReapplyBody,
  ReappliedSchema,
  Receipts,
  RetryDeadBody,
} from "../../contract/federation.ts";

/** The most one delivery may weigh: a batch of ordinary messages, or a few with N42 files. */
const INBOX_BODY_LIMIT = 8 * 1024 * 1024;

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
        response: { 200: FederationStatusSchema, 403: ErrorBody, 404: ErrorBody },
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
        querystring: PortalOccupancyQuery,
        response: { 200: z.object({ items: z.array(PortalOccupancySchema) }), 403: ErrorBody },
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
        body: ReapplyBody,
        response: { 200: ReappliedSchema, 403: ErrorBody, 404: ErrorBody },
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
        body: RetryDeadBody,
        response: { 204: z.null(), 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      await federation.retryDead(requireActor(request), request.body.id);
      return reply.code(204).send(null);
    },
  );
};
