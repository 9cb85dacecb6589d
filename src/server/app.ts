import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import helmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { DB } from "../db/schema.ts";
import type { Clock } from "../domain/clock.ts";
import { createServices, type Services } from "../domain/services.ts";
import { authPlugin } from "./auth.ts";
import { createChangeHub, type ChangeHub } from "./change-hub.ts";
import { answerClientError, installErrorHandler } from "./errors.ts";
import { installGuards } from "./guards.ts";
import { installProbeAudit } from "./probes.ts";
import { serializerCompilerFor } from "./serializer.ts";
import { startSessionFeed } from "./session-feed.ts";
import { apiTokenRoutes } from "./routes/api-tokens.ts";
import { auditRoutes } from "./routes/audit-events.ts";
import { bundleRoutes } from "./routes/bundles.ts";
import { deviceRoutes } from "./routes/devices.ts";
import { eventRoutes } from "./routes/events.ts";
import { federationRoutes } from "./routes/federation.ts";
import { fileRoutes } from "./routes/files.ts";
import { inspectionRequestRoutes } from "./routes/inspection-requests.ts";
import { manifestRoutes } from "./routes/manifests.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { targetingRoutes } from "./routes/targeting.ts";
import { scanPlotRoutes } from "./routes/scan-plots.ts";
import { sessionRoutes } from "./routes/session.ts";
import { shipmentRoutes } from "./routes/shipments.ts";
import { voyageRoutes } from "./routes/voyages.ts";

/** Everything the app needs from outside; tests pass their own. */
export interface AppDeps {
  db: Kysely<DB>;
  clock: Clock;
  /** The use cases bound to `db`, `readDb` and `clock`; made here when the caller has none. */
  services?: Services;
  logger?: FastifyServerOptions["logger"];
  /** Folder of the built browser app; the UI is served when it exists. */
  webDir?: string;
  /** How often live updates read the audit log's head when no LISTEN connection tells them (ms). */
  eventPollMs?: number;
  /**
   * PostgreSQL URL for the LISTEN connections: live updates (change-feed.ts; without one they poll)
   * and ended sessions (session-feed.ts; without one a process learns of them only on its own).
   */
  eventListenUrl?: string;
  /** How often live updates read the head anyway while listening, in case a notification was lost (ms). */
  eventFallbackPollMs?: number;
  /** How often the sessions of open event streams are re-checked together (ms). */
  eventSessionCheckMs?: number;
  /** A read replica for reports and metrics; the main database when absent. */
  readDb?: Kysely<DB>;
  /**
   * Addresses of reverse proxies whose X-Forwarded-* headers are believed (addresses or CIDR
   * ranges); none by default, so a client cannot claim another address or https.
   */
  trustProxy?: readonly string[];
  /** Origins besides the server's own from which cookie-authenticated writes are accepted. */
  allowedOrigins?: readonly string[];
  /** Largest manifest upload, in bytes. */
  manifestLimit?: number;
  /** Shipments per ingest transaction. */
  ingestChunk?: number;
}

/** One API route as registered: what the authorization matrix and the fuzz tests walk. */
export interface RouteEntry {
  method: string;
  url: string;
  schema?: { params?: unknown; querystring?: unknown; body?: unknown };
  config: { isPublic?: boolean; roles?: readonly string[] };
}

declare module "fastify" {
  interface FastifyInstance {
    /** Every API route, in registration order. */
    routeTable: readonly RouteEntry[];
    /** The process's fan-out of changes to event streams. */
    changeHub: ChangeHub;
    /** The use cases, bound to the database and the clock once at start-up; routes call these. */
    services: Services;
  }
}

/** Largest JSON body, in bytes. */
export const JSON_BODY_LIMIT = 1024 * 1024;

/** Default location of the built browser app. */
export const DEFAULT_WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../web/dist");

/** Builds the HTTP app without listening, so tests and the CLI share one factory. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    trustProxy: deps.trustProxy && deps.trustProxy.length > 0 ? [...deps.trustProxy] : false,
    // JSON bodies are small; the routes that take files set their own limits.
    bodyLimit: JSON_BODY_LIMIT,
    clientErrorHandler: answerClientError,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompilerFor());
  installErrorHandler(app);
  const routes: RouteEntry[] = [];
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) {
      if (method !== "HEAD" && route.url.startsWith("/api/")) {
        routes.push({ method, url: route.url, schema: route.schema, config: route.config ?? {} });
      }
    }
  });
  app.decorate("routeTable", routes);
  app.decorate("services", deps.services ?? createServices({ db: deps.db, clock: deps.clock, readDb: deps.readDb }));
  const changeHub = createChangeHub({
    events: app.services.events,
    listenUrl: deps.eventListenUrl,
    pollMs: deps.eventPollMs,
    fallbackPollMs: deps.eventFallbackPollMs,
    sessionCheckMs: deps.eventSessionCheckMs,
    log: app.log,
  });
  app.decorate("changeHub", changeHub);
  // Open streams would hold the server open; ending them lets clients reconnect to another process.
  app.addHook("preClose", async () => changeHub.endAll());
  app.addHook("onClose", async () => changeHub.close());
  if (deps.eventListenUrl) {
    // Sessions this process remembers are forgotten as soon as any process ends them.
    const sessionFeed = startSessionFeed({
      db: deps.db,
      url: deps.eventListenUrl,
      onError: (err, what) => app.log.warn({ err }, what),
    });
    app.addHook("onClose", async () => sessionFeed.close());
    await sessionFeed.ready;
  }

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { "img-src": ["'self'", "data:", "blob:"] } },
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: "Reciprocity API",
        version: "0.1.0",
        description: "Container-security exchange between customs administrations",
      },
      components: { securitySchemes: { session: { type: "apiKey", in: "cookie", name: "reciprocity_session" } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(authPlugin, { services: app.services });
  installGuards(app, { allowedOrigins: deps.allowedOrigins });
  installProbeAudit(app, { db: deps.db });

  await app.register(
    async (api) => {
      api.get(
        "/health",
        {
          config: { isPublic: true },
          schema: { tags: ["system"], response: { 200: z.object({ status: z.literal("ok") }) } },
        },
        async () => ({ status: "ok" as const }),
      );
      api.get("/openapi.json", { config: { isPublic: true }, schema: { hide: true } }, async () => app.swagger());
      await api.register(sessionRoutes);
      await api.register(shipmentRoutes);
      await api.register(voyageRoutes);
      await api.register(inspectionRequestRoutes);
      await api.register(bundleRoutes);
      await api.register(auditRoutes);
      await api.register(fileRoutes);
      await api.register(manifestRoutes, { manifestLimit: deps.manifestLimit, ingestChunk: deps.ingestChunk });
      await api.register(apiTokenRoutes);
      await api.register(metricsRoutes);
      await api.register(targetingRoutes);
      await api.register(eventRoutes);
      await api.register(scanPlotRoutes);
      await api.register(federationRoutes);
      await api.register(deviceRoutes);
    },
    { prefix: "/api" },
  );

  const webDir = deps.webDir ?? DEFAULT_WEB_DIR;
  if (existsSync(path.join(webDir, "index.html"))) {
    await app.register(fastifyStatic, { root: webDir, wildcard: false });
    // Client-side routes (/shipments/…, /requests/…) all load the single-page app.
    app.get("/*", { schema: { hide: true } }, async (request, reply) => {
      if (request.url.startsWith("/api/")) {
        return reply
          .code(404)
          .send({ code: "route.not_found", message: `No route ${request.method} ${request.url.split("?")[0]}` });
      }
      return reply.sendFile("index.html");
    });
  }
  return app;
}
