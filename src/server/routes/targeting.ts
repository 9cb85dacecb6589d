import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../auth.ts";
import { ErrorBody, IdParams } from "../../contract/common.ts";

const RuleSetView = z.object({
  id: z.uuid(),
  version: z.number().int(),
  name: z.string(),
  status: z.enum(["draft", "active", "retired"]),
  definition: z.unknown(),
  createdAt: z.string(),
  activatedAt: z.string().nullable(),
  ruleCount: z.number().int(),
});

const Stats = z.object({ flagged: z.number().int(), inspected: z.number().int(), found: z.number().int() });

const Watch = z.object({
  id: z.uuid(),
  kind: z.enum(["party", "vessel", "container"]),
  value: z.string(),
  country: z.string().nullable(),
  reason: z.string(),
  createdAt: z.string(),
});

/** Rule sets with backtests, activation, and the agency's watchlist. */
export const targetingRoutes: FastifyPluginAsyncZod = async (app) => {
  const targeting = app.services.targeting;
  const tags = ["targeting"];
  app.get("/rule-sets", { schema: { tags, response: { 200: z.array(RuleSetView) } } }, async (request) =>
    targeting.ruleSets(requireActor(request)),
  );
  app.post(
    "/rule-sets",
    {
      schema: {
        tags,
        description: "Save a draft rule set; it is compiled first and every problem is reported with its rule.",
        body: z.object({ name: z.string().trim().min(1).max(200), definition: z.record(z.string(), z.unknown()) }),
        response: { 201: RuleSetView, 400: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => reply.code(201).send(await targeting.createRuleSet(requireActor(request), request.body)),
  );
  app.post(
    "/rule-sets/:id/backtest",
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({ days: z.number().int().min(1).max(365).default(30) }),
        response: {
          200: z.object({
            days: z.number(),
            shipments: z.number(),
            draft: Stats,
            active: Stats,
            random: Stats.extend({ rate: z.number() }),
            byRule: z.array(z.object({ ruleId: z.string(), hits: z.number() })),
          }),
          404: ErrorBody,
        },
      },
    },
    async (request) => targeting.backtest(requireActor(request), request.params.id, request.body.days),
  );
  app.post(
    "/rule-sets/:id/activation",
    {
      schema: {
        tags,
        params: IdParams,
        response: { 200: RuleSetView, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => targeting.activate(requireActor(request), request.params.id),
  );
  app.get("/watchlist", { schema: { tags, response: { 200: z.array(Watch) } } }, async (request) =>
    targeting.watchlist(requireActor(request)),
  );
  app.post(
    "/watchlist",
    {
      schema: {
        tags,
        body: z.object({
          kind: z.enum(["party", "vessel", "container"]),
          value: z.string().trim().min(2).max(300),
          country: z.string().length(2).optional(),
          reason: z.string().trim().min(3).max(2000),
        }),
        response: { 201: Watch, 403: ErrorBody },
      },
    },
    async (request, reply) => reply.code(201).send(await targeting.addWatch(requireActor(request), request.body)),
  );
  app.patch(
    "/watchlist/:id",
    {
      config: { roles: ["targeter", "supervisor"] },
      schema: {
        tags,
        description: "Changes a watchlist entry's value, country or reason; scores are re-computed.",
        params: IdParams,
        body: z
          .object({
            value: z.string().trim().min(2).max(300).optional(),
            country: z.string().length(2).toUpperCase().nullable().optional(),
            reason: z.string().trim().min(3).max(2000).optional(),
          })
          .refine(
            (p) => p.value !== undefined || p.country !== undefined || p.reason !== undefined,
            "Say what to change",
          ),
        response: { 200: Watch, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => targeting.updateWatch(requireActor(request), request.params.id, request.body),
  );
  app.post(
    "/watchlist/:id/removal",
    {
      config: { roles: ["targeter", "supervisor"] },
      schema: {
        tags,
        description: "Takes an entry off the watchlist, with the reason; it stays on record, inactive.",
        params: IdParams,
        body: z.object({ reason: z.string().trim().min(3).max(2000) }),
        response: { 204: z.null(), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      await targeting.removeWatch(requireActor(request), request.params.id, request.body.reason);
      return reply.code(204).send(null);
    },
  );
};
