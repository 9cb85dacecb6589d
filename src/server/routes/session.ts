import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { SESSION_TTL_MS } from "../../domain/auth.ts";
import { LoginThrottled } from "../../domain/login-throttle.ts";
import { ASSIGNABLE_ROLES, LANGUAGES, ROLES } from "../../domain/vocabulary.ts";
import { requireActor, SESSION_COOKIE } from "../auth.ts";
import { ErrorBody, IdParams, SafeText } from "../../contract/common.ts";

const Me = z.object({
  userId: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(ROLES)),
  siteId: z.uuid().nullable(),
  /** The screen language the user chose (the partner's staff start in Japanese). */
  language: z.enum(LANGUAGES),
  agency: z.object({ id: z.uuid(), code: z.string(), name: z.string(), country: z.string() }),
});

const Credentials = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
});

/** Log in (throttled), log out, who am I, and an admin's unlock of a throttled account. */
export const sessionRoutes: FastifyPluginAsyncZod = async (app) => {
  const { session: sessions, users } = app.services;
  const presentMe = (actor: ReturnType<typeof requireActor>) => ({
    userId: actor.userId,
    username: actor.username,
    displayName: actor.displayName,
    roles: actor.roles,
    siteId: actor.siteId,
    language: actor.language ?? "en",
    agency: { id: actor.agencyId, code: actor.agencyCode, name: actor.agencyName, country: actor.agencyCountry },
  });

  app.post(
    "/session",
    {
      config: { isPublic: true },
      schema: { tags: ["session"], body: Credentials, response: { 200: Me, 401: ErrorBody, 429: ErrorBody } },
    },
    async (request, reply) => {
      let session: Awaited<ReturnType<typeof sessions.login>>;
      try {
        session = await sessions.login({
          username: request.body.username,
          password: request.body.password,
          ip: request.ip,
        });
      } catch (err) {
        if (err instanceof LoginThrottled) {
          return reply
            .code(429)
            .header("retry-after", String(err.retryAfterSeconds))
            .send({ code: err.code, message: err.message });
        }
        throw err;
      }
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: "/",
        httpOnly: true,
        sameSite: "strict",
        secure: request.protocol === "https",
        maxAge: SESSION_TTL_MS / 1000,
      });
      return presentMe(session.actor);
    },
  );

  app.post(
    "/users/:id/unlock",
    { schema: { tags: ["users"], params: IdParams, response: { 204: z.null(), 403: ErrorBody, 404: ErrorBody } } },
    async (request, reply) => {
      await users.unlock(requireActor(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  const UserView = z.object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    roles: z.array(z.string()),
    site: z.string().nullable(),
    isActive: z.boolean(),
    isDemo: z.boolean(),
    createdAt: z.string(),
  });
  const Password = z.string().min(12, "at least 12 characters").max(200);
  const adminOnly = { config: { roles: ["admin"] as const } };

  app.get(
    "/users",
    { ...adminOnly, schema: { tags: ["users"], response: { 200: z.array(UserView), 403: ErrorBody } } },
    async (request) => users.list(requireActor(request)),
  );

  app.post(
    "/users",
    {
      ...adminOnly,
      schema: {
        tags: ["users"],
        body: z.object({
          /** Lower-case letters, digits, dots, dashes and underscores. */
          username: z
            .string()
            .regex(/^[a-z0-9][a-z0-9._-]{2,49}$/, "3–50 lower-case letters, digits, dots, dashes or underscores"),
          displayName: SafeText.pipe(z.string().trim().min(1).max(100)),
          roles: z.array(z.enum(ASSIGNABLE_ROLES)).min(1).max(ASSIGNABLE_ROLES.length),
          password: Password,
        }),
        response: { 201: UserView, 400: ErrorBody, 403: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => reply.code(201).send(await users.create(requireActor(request), request.body)),
  );

  app.post(
    "/users/:id/activation",
    {
      ...adminOnly,
      schema: {
        tags: ["users"],
        params: IdParams,
        body: z.object({ isActive: z.boolean() }),
        response: { 204: z.null(), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      await users.setActive(requireActor(request), request.params.id, request.body.isActive);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/users/:id/password",
    {
      ...adminOnly,
      schema: {
        tags: ["users"],
        params: IdParams,
        body: z.object({ password: Password }),
        response: { 204: z.null(), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      await users.resetPassword(requireActor(request), request.params.id, request.body.password);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/agreements",
    {
      config: { roles: ["admin", "auditor", "supervisor"] as const },
      schema: {
        tags: ["users"],
        response: {
          200: z.array(
            z.object({
              id: z.uuid(),
              code: z.string(),
              provider: z.string(),
              recipient: z.string(),
              destinationCountries: z.array(z.string()),
              legalBasis: z.string(),
              validFrom: z.string(),
              validUntil: z.string().nullable(),
              isActive: z.boolean(),
            }),
          ),
          403: ErrorBody,
        },
      },
    },
    async (request) => users.agreements(requireActor(request)),
  );

  app.delete("/session", { schema: { tags: ["session"], response: { 204: z.null() } } }, async (request, reply) => {
    await sessions.logout(requireActor(request), request.sessionToken ?? "");
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return reply.code(204).send(null);
  });

  app.get(
    "/notifications",
    {
      schema: {
        tags: ["session"],
        response: {
          200: z.array(
            z.object({
              id: z.uuid(),
              kind: z.string(),
              requestId: z.string().nullable(),
              message: z.string(),
              params: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).nullable(),
              createdAt: z.string(),
              isRead: z.boolean(),
            }),
          ),
        },
      },
    },
    async (request) => sessions.notifications(requireActor(request)),
  );

  app.post(
    "/notifications/:id/dismissal",
    { schema: { tags: ["session"], params: IdParams, response: { 204: z.null(), 404: ErrorBody } } },
    async (request, reply) => {
      await sessions.dismissNotification(requireActor(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.put(
    "/me/language",
    {
      schema: {
        tags: ["session"],
        body: z.object({ language: z.enum(LANGUAGES) }),
        response: { 200: z.object({ language: z.enum(LANGUAGES) }), 400: ErrorBody },
      },
    },
    async (request) => ({ language: await sessions.setLanguage(requireActor(request), request.body.language) }),
  );

  app.get("/me", { schema: { tags: ["session"], response: { 200: Me, 401: ErrorBody } } }, async (request) =>
    presentMe(requireActor(request)),
  );
};
