import type { FastifyInstance, FastifyRequest } from "fastify";
import { AppError, forbidden, invalid } from "../errors.ts";
import { findBadText } from "../domain/text.ts";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

// Content types a page on another site can send without the browser asking first (a CORS
// "simple" request). A cookie-authenticated write must never accept them.
const SIMPLE_TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"];

function isCookieAuthenticated(request: FastifyRequest): boolean {
  return !/^Bearer \S+$/i.test(request.headers.authorization ?? "");
}

/** True when the Origin header names this server (or one of the configured origins). */
function isSameOrigin(request: FastifyRequest, origin: string, allowed: readonly string[]): boolean {
  if (allowed.includes(origin)) {
    return true;
  }
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/**
 * Guards every API request before a route sees it:
 * - writes made with the session cookie must come from this site (Origin and Sec-Fetch-Site)
 *   and carry a content type no cross-site form can send;
 * - no string in the query, path or JSON body may hold a control character (NUL and the like
 *   mean nothing in a name or a note, and PostgreSQL refuses NUL in text).
 */
export function installGuards(app: FastifyInstance, options: { allowedOrigins?: readonly string[] } = {}): void {
  const allowed = options.allowedOrigins ?? [];
  app.addHook("onRequest", async (request) => {
    if (!request.url.startsWith("/api/") || !UNSAFE_METHODS.has(request.method) || !isCookieAuthenticated(request)) {
      return;
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !isSameOrigin(request, origin, allowed)) {
      throw forbidden("Writes are accepted only from this site's own pages");
    }
    const site = request.headers["sec-fetch-site"];
    if (site !== undefined && site !== "same-origin" && site !== "none" && origin === undefined) {
      throw forbidden("Writes are accepted only from this site's own pages");
    }
    const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (SIMPLE_TYPES.includes(type)) {
      throw new AppError(
        415,
        "request.content_type",
        `Content type ${type} is not accepted; send application/json (or the manifest's own type)`,
      );
    }
  });
  app.addHook("preValidation", async (request) => {
    const found =
      findBadText(request.params, "params") ??
      findBadText(request.query, "querystring") ??
      findBadText(request.body, "body");
    if (found) {
      throw invalid(
        "request.control_character",
        `${found} contains a control character or text that is not valid Unicode`,
      );
    }
  });
}
