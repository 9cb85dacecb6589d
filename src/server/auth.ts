import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { hasRole, type Actor, type Role } from "../domain/actor.ts";
import type { Services } from "../domain/services.ts";
import { forbidden, unauthorized } from "../errors.ts";

/** Name of the httpOnly cookie holding the session token. */
export const SESSION_COOKIE = "reciprocity_session";

declare module "fastify" {
  interface FastifyRequest {
    actor: Actor | null;
    sessionToken: string | null;
  }
  interface FastifyContextConfig {
    /** Routes that answer without a session. */
    isPublic?: boolean;
    /**
     * Roles that may call the route, checked as soon as the caller is known: before the body is
     * read, so a forbidden upload costs the server nothing. The domain checks again.
     */
    roles?: readonly Role[];
  }
}

/** Returns the logged-in actor or throws 401. */
export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) {
    throw unauthorized();
  }
  return request.actor;
}

/** Resolves the session cookie on every request and rejects API calls without one. */
export const authPlugin = fp(async (app: FastifyInstance, opts: { services: Pick<Services, "session"> }) => {
  const sessions = opts.services.session;
  app.decorateRequest("actor", null);
  app.decorateRequest("sessionToken", null);
  app.addHook("onRequest", async (request: FastifyRequest, _reply: FastifyReply) => {
    const bearer = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
    const isPublic = request.routeOptions.config.isPublic === true || !request.url.startsWith("/api/");
    if (bearer && !isPublic) {
      request.actor = await sessions.actorForApiToken(bearer, {
        onLastUseError: (err) => request.log.warn({ err }, "could not record an API token's last use"),
      });
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!request.actor && token) {
      request.sessionToken = token;
      request.actor = await sessions.actorForToken(token);
    }
    const isApi = request.url.startsWith("/api/");
    if (isApi && !request.routeOptions.config.isPublic && !request.actor) {
      throw unauthorized();
    }
    const roles = request.routeOptions.config.roles;
    if (isApi && roles && request.actor && !hasRole(request.actor, ...roles)) {
      throw forbidden(`Only ${roles.join(" or ")} may do this`);
    }
  });
});
