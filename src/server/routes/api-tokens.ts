import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS, API_TOKEN_NAME_MAX } from "../../domain/vocabulary.ts";
import { requireActor } from "../auth.ts";
import { ErrorBody, IdParams, PageQuery, pageOf, SafeText } from "../../contract/common.ts";

const NewToken = z.object({
  name: SafeText.pipe(z.string().min(1).max(API_TOKEN_NAME_MAX)),
  expiresInDays: z.number().int().min(1).max(API_TOKEN_MAX_DAYS).default(API_TOKEN_DEFAULT_DAYS),
});

const IssuedToken = z.object({ id: z.uuid(), token: z.string(), username: z.string(), expiresAt: z.string() });

const TokenView = z.object({
  id: z.uuid(),
  name: z.string(),
  username: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
  state: z.enum(["active", "expired", "revoked"]),
});

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
        body: NewToken,
        response: { 201: IssuedToken, 400: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => reply.code(201).send(await tokens.create(requireActor(request), request.body)),
  );

  app.get(
    "/api-tokens",
    {
      config: { roles: ["admin"] },
      schema: { tags, querystring: PageQuery, response: { 200: pageOf(TokenView), 400: ErrorBody, 403: ErrorBody } },
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
        response: { 200: TokenView, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => tokens.revoke(requireActor(request), request.params.id),
  );
};
