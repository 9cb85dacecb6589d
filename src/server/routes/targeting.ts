import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../auth.ts";
import { ErrorBody, IdParams } from "../../contract/common.ts";
import {
  BacktestBody,
  BacktestSchema,
  NewRuleSet,
  NewWatchlistEntry,
  RuleSetSchema,
  WatchlistEntryPatch,
  WatchlistEntrySchema,
  WatchlistRemoval,
} from "../../contract/targeting.ts";

/** Rule sets with backtests, activation, and the agency's watchlist. */
export const targetingRoutes: FastifyPluginAsyncZod = async (app) => {
  const targeting = app.services.targeting;
  const tags = ["targeting"];
  app.get("/rule-sets", { schema: { tags, response: { 200: z.array(RuleSetSchema) } } }, async (request) =>
    targeting.ruleSets(requireActor(request)),
  );
  app.post(
    "/rule-sets",
    {
      schema: {
        tags,
        description: "Save a draft rule set; it is compiled first and every problem is reported with its rule.",
        body: NewRuleSet,
        response: { 201: RuleSetSchema, 400: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => reply.code(201).send(await targeting.createRuleSet(requireActor(request), request.body)),
  );
  app.post(
    "/rule-sets/:id/backtest",
    { schema: { tags, params: IdParams, body: BacktestBody, response: { 200: BacktestSchema, 404: ErrorBody } } },
    async (request) => targeting.backtest(requireActor(request), request.params.id, request.body.days),
  );
  app.post(
    "/rule-sets/:id/activation",
    {
      schema: {
        tags,
        params: IdParams,
        response: { 200: RuleSetSchema, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => targeting.activate(requireActor(request), request.params.id),
  );
  app.get("/watchlist", { schema: { tags, response: { 200: z.array(WatchlistEntrySchema) } } }, async (request) =>
    targeting.watchlist(requireActor(request)),
  );
  app.post(
    "/watchlist",
    { schema: { tags, body: NewWatchlistEntry, response: { 201: WatchlistEntrySchema, 403: ErrorBody } } },
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
        body: WatchlistEntryPatch,
        response: { 200: WatchlistEntrySchema, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
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
        body: WatchlistRemoval,
        response: { 204: z.null(), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      await targeting.removeWatch(requireActor(request), request.params.id, request.body.reason);
      return reply.code(204).send(null);
    },
  );
};
