import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS } from "../../domain/vocabulary.ts";
import { requireActor } from "../auth.ts";
import { ApiTokenSchema, IssuedApiTokenSchema, NewApiToken } from "../../contract/api-tokens.ts";
import { ErrorBody, IdParams, PageQuery, pageOf } from "../../contract/common.ts";

/** Ingest API tokens: an agency admin issues, lists and revokes its feeds' tokens. */
export const apiTokenRoutes: FastifyPluginAsyncZod = async (app) => {
  const tokens = app.services.apiTokens;
  const tags = ["ingest"];

  app.post(
    "/api-tokens",
    {
      config: { roles: ["admin"] },
      schema: {
        tags,
        description: `Issues a token for a feed's service account (token.<agency>.<name>); it is shown once and lasts expiresInDays (default ${API_TOKEN_DEFAULT_DAYS}, at most ${API_TOKEN_MAX_DAYS}).`,
        body: NewApiToken,
        response: { 201: IssuedApiTokenSchema, 400: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => reply.code(201).send(await tokens.create(requireActor(request), request.body)),
  );

  app.get(
    "/api-tokens",
    {
      config: { roles: ["admin"] },
      schema: {
        tags,
        querystring: PageQuery,
        response: { 200: pageOf(ApiTokenSchema), 400: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => tokens.list(requireActor(request), request.query),
  );

  app.post(
    "/api-tokens/:id/revoke",
    {
      config: { roles: ["admin"] },
      schema: {
        tags,
        description: "Revokes the token at once. Revoking a revoked token answers 409 and changes nothing.",
        params: IdParams,
        response: { 200: ApiTokenSchema, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => tokens.revoke(requireActor(request), request.params.id),
  );
};
