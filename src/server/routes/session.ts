import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { presentMe } from "../../domain/actor.ts";
import { SESSION_TTL_MS } from "../../domain/auth.ts";
import { LoginThrottled } from "../../domain/login-throttle.ts";
import { requireActor, SESSION_COOKIE } from "../auth.ts";
import { ErrorBody, IdParams } from "../../contract/common.ts";
import {
  AgreementSchema,
  Credentials,
  LanguageChoice,
  MeSchema,
  NewUser,
  NotificationSchema,
  PasswordReset,
  UserActivation,
  UserSchema,
} from "../../contract/session.ts";

/** Log in (throttled), log out, who am I, and an admin's unlock of a throttled account. */
export const sessionRoutes: FastifyPluginAsyncZod = async (app) => {
  const { session: sessions, users } = app.services;

  app.post(
    "/session",
    {
      config: { isPublic: true },
      schema: { tags: ["session"], body: Credentials, response: { 200: MeSchema, 401: ErrorBody, 429: ErrorBody } },
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

  const adminOnly = { config: { roles: ["admin"] as const } };

  app.get(
    "/users",
    { ...adminOnly, schema: { tags: ["users"], response: { 200: z.array(UserSchema), 403: ErrorBody } } },
    async (request) => users.list(requireActor(request)),
  );

  app.post(
    "/users",
    {
      ...adminOnly,
      schema: {
        tags: ["users"],
        body: NewUser,
        response: { 201: UserSchema, 400: ErrorBody, 403: ErrorBody, 409: ErrorBody },
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
        body: UserActivation,
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
        body: PasswordReset,
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
      schema: { tags: ["users"], response: { 200: z.array(AgreementSchema), 403: ErrorBody } },
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
    { schema: { tags: ["session"], response: { 200: z.array(NotificationSchema) } } },
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
    { schema: { tags: ["session"], body: LanguageChoice, response: { 200: LanguageChoice, 400: ErrorBody } } },
    async (request) => ({ language: await sessions.setLanguage(requireActor(request), request.body.language) }),
  );

  app.get("/me", { schema: { tags: ["session"], response: { 200: MeSchema, 401: ErrorBody } } }, async (request) =>
    presentMe(requireActor(request)),
  );
};
