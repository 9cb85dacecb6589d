import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Role } from "../../src/domain/actor.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { buildApp, type RouteEntry } from "../../src/server/app.ts";
import { describeOnEngines } from "../helpers/db.ts";
import {
  AGENCIES,
  KINDS,
  buildMatrixWorld,
  login,
  manifestCsv,
  MATRIX_START,
  type AgencyCode,
  type Kind,
  type MatrixObject,
  type MatrixWorld,
  type ObjectType,
  type Side,
} from "../helpers/objects.ts";
import { seedTestWorld, TEST_PASSWORD } from "../helpers/world.ts";

// The authorization matrix: every route of the app's route table × every account × an object the
// caller owns, one of another agency never shared with it, and one shared with it only under an
// agreement that has expired or been switched off. New routes are covered without editing this
// file; a route whose path parameter names an object this file does not know fails until mapped.

/** The object a path parameter names, by the path segment before it. */
const PREFIX_OBJECT: Record<string, ObjectType> = {
  shipments: "shipment",
  "inspection-requests": "request",
  scans: "scan",
  files: "file",
  "ingest-batches": "batch",
  quarantine: "quarantine",
  "rule-sets": "ruleSet",
  users: "user",
  "api-tokens": "apiToken",
  notifications: "notification",
  devices: "device",
  watchlist: "watchlistEntry",
};

/** Ids that name nothing, for the "missing object" answer an invisible one must look like. */
const MISSING: Record<ObjectType, string> = {
  shipment: "00000000-0000-4000-8000-00000000a001",
  request: "00000000-0000-4000-8000-00000000a002",
  scan: "00000000-0000-4000-8000-00000000a003",
  file: "0123456789abcdef".repeat(4),
  batch: "00000000-0000-4000-8000-00000000a005",
  quarantine: "00000000-0000-4000-8000-00000000a006",
  ruleSet: "00000000-0000-4000-8000-00000000a007",
  user: "00000000-0000-4000-8000-00000000a008",
  apiToken: "00000000-0000-4000-8000-00000000a009",
  notification: "00000000-0000-4000-8000-00000000a010",
  device: "00000000-0000-4000-8000-00000000a011",
  watchlistEntry: "00000000-0000-4000-8000-00000000a012",
};

/**
 * Who the domain lets call a route (besides seeing its object): roles, and for a request or a
 * shipment the caller's side. Routes not listed are open to every logged-in account; a write not
 * listed is reported and checked for visibility only.
 */
const POLICY: Record<string, { roles?: Role[]; side?: Side }> = {
  "DELETE /api/session": {},
  "POST /api/users/:id/unlock": { roles: ["admin"] },
  "POST /api/inspection-requests": { roles: ["targeter", "supervisor"], side: "requester" },
  "POST /api/inspection-requests/:id/decision": { roles: ["supervisor"], side: "host" },
  "POST /api/inspection-requests/:id/withdrawal": { roles: ["targeter", "supervisor"], side: "requester" },
  "POST /api/inspection-requests/:id/schedule": { roles: ["supervisor", "scan_officer"], side: "host" },
  "POST /api/inspection-requests/:id/scanning": { roles: ["scan_officer", "supervisor"], side: "host" },
  "POST /api/inspection-requests/:id/scans": { roles: ["scan_officer", "supervisor"], side: "host" },
  "POST /api/inspection-requests/:id/answer": { roles: ["scan_officer", "supervisor"], side: "host" },
  "POST /api/inspection-requests/:id/disposition": { roles: ["scan_officer", "supervisor"], side: "host" },
  "POST /api/inspection-requests/:id/hold-release": { roles: ["supervisor"], side: "host" },
  "POST /api/inspection-requests/:id/closure": { roles: ["supervisor"], side: "host" },
  "GET /api/audit-events": { roles: ["auditor", "admin"] },
  "GET /api/audit-events/verification": { roles: ["auditor", "admin"] },
  "GET /api/audit-events/export": { roles: ["auditor", "admin"] },
  "GET /api/users": { roles: ["admin"] },
  "POST /api/users": { roles: ["admin"] },
  "POST /api/users/:id/activation": { roles: ["admin"] },
  "POST /api/users/:id/password": { roles: ["admin"] },
  "GET /api/agreements": { roles: ["admin", "auditor", "supervisor"] },
  "GET /api/audit-anchor": { roles: ["auditor", "admin"] },
  "POST /api/audit-anchor/verification": { roles: ["auditor", "admin"] },
  "POST /api/manifests": { roles: ["admin", "ingest"] },
  "GET /api/ingest-batches": { roles: ["admin", "ingest", "targeter", "supervisor"] },
  "GET /api/ingest-batches/:id": { roles: ["admin", "ingest", "targeter", "supervisor"] },
  "GET /api/quarantine": { roles: ["admin", "ingest"] },
  "POST /api/quarantine/:id/resubmission": { roles: ["admin", "ingest"] },
  "POST /api/api-tokens": { roles: ["admin"] },
  "GET /api/api-tokens": { roles: ["admin"] },
  "POST /api/api-tokens/:id/revoke": { roles: ["admin"] },
  "GET /api/rule-sets": { roles: ["targeter", "supervisor", "admin", "auditor"] },
  "POST /api/rule-sets": { roles: ["targeter", "supervisor"] },
  "POST /api/rule-sets/:id/backtest": { roles: ["targeter", "supervisor"] },
  "POST /api/rule-sets/:id/activation": { roles: ["supervisor"] },
  "GET /api/watchlist": { roles: ["targeter", "supervisor", "admin", "auditor"] },
  "POST /api/watchlist": { roles: ["targeter", "supervisor"] },
  "PATCH /api/watchlist/:id": { roles: ["targeter", "supervisor"] },
  "POST /api/watchlist/:id/removal": { roles: ["targeter", "supervisor"] },
  "POST /api/voyage-schedules": { roles: ["supervisor", "admin"] },
  "GET /api/devices": { roles: ["scan_officer", "supervisor", "admin", "auditor"] },
  "GET /api/sites": { roles: ["scan_officer", "supervisor", "admin", "auditor"] },
  "POST /api/devices": { roles: ["admin"] },
  "PATCH /api/devices/:id": { roles: ["admin"] },
};

/**
 * The agency's own audit trail: it keeps naming what the agency did while an agreement was in
 * force. Identifiers recorded after the agreement lapsed, or never shared, are still checked here.
 */
const HISTORY_ROUTES = new Set(["GET /api/audit-events", "GET /api/audit-events/export", "GET /api/events"]);

const ACCOUNTS = [
  "partner.targeter",
  "partner.supervisor",
  "partner.auditor",
  "host.targeter",
  "host.supervisor",
  "scan.officer",
  "host.admin",
  "host.auditor",
  "kr.targeter",
  "kr.auditor",
];

/** How long a streaming answer (the event stream) is read before the test hangs up. */
const STREAM_WINDOW_MS = 250;

interface Account {
  username: string;
  /** Null for the anonymous caller. */
  agency: AgencyCode | null;
  roles: string[];
  cookie: string | null;
}

interface Answer {
  status: number;
  body: string;
}

/** What to send to a route: a JSON body, a raw text body, or nothing. */
type Payload = { json: unknown } | { raw: string; contentType: string } | null;

/** Bodies the schema cannot describe well enough; keyed by route. `object`: the body names one. */
interface BodySpec {
  object?: ObjectType;
  /** Query string the route needs besides the body. */
  query?: string;
  build(object: MatrixObject | null): Payload;
}

// --- minimal bodies from the route's zod schema -------------------------------------------------

interface JsonNode {
  type?: string | string[];
  properties?: Record<string, JsonNode>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonNode[];
  oneOf?: JsonNode[];
  allOf?: JsonNode[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  items?: JsonNode;
  minItems?: number;
}

/** Strings tried against a pattern, in order. */
const PATTERN_SAMPLES = ["2026-11-27T12:00:00Z", "MSKU7351770", "USLAX", "1", "a".repeat(64), "xxx"];

function isZod(schema: unknown): schema is z.ZodType {
  return typeof schema === "object" && schema !== null && "_zod" in schema;
}

function jsonSchemaOf(schema: unknown): JsonNode | null {
  if (!isZod(schema)) {
    return null;
  }
  try {
    return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonNode;
  } catch {
    return null;
  }
}

function sampleString(node: JsonNode): string {
  if (node.format === "uuid") {
    return MISSING.shipment;
  }
  if (node.format === "date-time") {
    return "2026-11-27T12:00:00Z";
  }
  const fits = (s: string) => s.length >= (node.minLength ?? 0) && s.length <= (node.maxLength ?? Infinity);
  if (node.pattern) {
    const pattern = new RegExp(node.pattern);
    return PATTERN_SAMPLES.find((s) => pattern.test(s) && fits(s)) ?? "xxx";
  }
  return "x".repeat(Math.min(Math.max(node.minLength ?? 0, 3), node.maxLength ?? Infinity));
}

function sample(node: JsonNode): unknown {
  if ("const" in node) {
    return node.const;
  }
  if (node.enum && node.enum.length > 0) {
    return node.enum[0];
  }
  const first = node.anyOf?.[0] ?? node.oneOf?.[0] ?? node.allOf?.[0];
  if (first) {
    return sample(first);
  }
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  switch (type ?? "") {
    case "object":
      return Object.fromEntries((node.required ?? []).map((key) => [key, sample(node.properties?.[key] ?? {})]));
    case "string":
      return sampleString(node);
    case "integer":
    case "number":
      return node.minimum ?? (node.exclusiveMinimum === undefined ? 1 : node.exclusiveMinimum + 1);
    case "boolean":
      return false;
    case "array":
      return Array.from({ length: node.minItems ?? 0 }, () => sample(node.items ?? {}));
    case "null":
      return null;
    default:
      return {};
  }
}

const bodyCache = new Map<unknown, unknown>();

/** A minimal body the route's schema accepts, or undefined when none could be made. */
function minimalBody(schema: unknown): unknown {
  if (!bodyCache.has(schema)) {
    const node = jsonSchemaOf(schema);
    const value = node ? sample(node) : undefined;
    bodyCache.set(schema, isZod(schema) && schema.safeParse(value).success ? value : undefined);
  }
  return bodyCache.get(schema);
}

const queryCache = new Map<unknown, string>();

/** `?limit=<largest>` for list routes, so the whole list is looked through. */
function listQuery(route: RouteEntry): string {
  const schema = route.schema?.querystring;
  if (!queryCache.has(schema)) {
    const limit = jsonSchemaOf(schema)?.properties?.limit;
    queryCache.set(schema, limit?.maximum ? `?limit=${limit.maximum}` : "");
  }
  return queryCache.get(schema) ?? "";
}

// --- the route table -----------------------------------------------------------------------------

function key(route: { method: string; url: string }): string {
  return `${route.method} ${route.url}`;
}

/** The object type a route's path parameter names; "none" without one. Throws for an unknown prefix. */
function objectTypeOf(route: RouteEntry): ObjectType | "none" {
  const segments = route.url.split("/").filter(Boolean);
  const params = segments.map((s, i) => (s.startsWith(":") ? i : -1)).filter((i) => i >= 0);
  if (params.length === 0) {
    return "none";
  }
  const prefix = segments[(params[0] as number) - 1] ?? "";
  const type = PREFIX_OBJECT[prefix];
  if (params.length > 1 || !type) {
    throw new Error(
      `route ${key(route)} needs a mapping: add its path prefix "${prefix}" (${params.length} parameter(s)) to PREFIX_OBJECT in test/server/authz-matrix.test.ts`,
    );
  }
  return type;
}

function fillPath(url: string, value: string): string {
  return url.replace(/:[A-Za-z0-9_]+/, value);
}

/** Runs paramless reads first (they see the world as built), writes next, and session-ending DELETEs last. */
function phase(route: RouteEntry): number {
  if (route.method === "DELETE") {
    return 2;
  }
  return route.method === "GET" && !route.url.includes(":") ? 0 : 1;
}

describeOnEngines(
  "authorization matrix",
  (database) => seedTestWorld(database.db, 60),
  (ctx) => {
    let app: FastifyInstance;
    let world: MatrixWorld;
    const accounts: Account[] = [];
    let manifestSerial = 0;
    let addressSerial = 0;

    before(async () => {
      const clock = fixedClock(MATRIX_START);
      app = await buildApp({
        db: ctx().database.db,
        clock,
        webDir: "/nonexistent",
        eventPollMs: 20,
        logger: process.env.TEST_LOG ? { level: "error" } : false,
      });
      world = await buildMatrixWorld(app, ctx().database.db, clock);
      for (const username of ACCOUNTS) {
        const session = await login(app, username);
        accounts.push({ username, agency: session.agency, roles: session.roles, cookie: session.cookie });
      }
      accounts.push({ username: "anonymous", agency: null, roles: [], cookie: null });
    });
    after(async () => {
      await app.close();
    });

    /** Sends one request; a streaming answer is read for a short while, then the test hangs up. */
    async function send(account: Account, method: string, url: string, payload: Payload): Promise<Answer> {
      const headers: Record<string, string> = { "last-event-id": world.seqBefore };
      if (account.cookie) {
        headers.cookie = account.cookie;
      }
      let body: string | undefined;
      if (payload && "json" in payload) {
        headers["content-type"] = "application/json";
        body = JSON.stringify(payload.json);
      } else if (payload) {
        headers["content-type"] = payload.contentType;
        body = payload.raw;
      }
      const controller = new AbortController();
      // Login attempts count against the client address; each probe of the login route gets its own.
      const remoteAddress = url === "/api/session" ? `198.51.100.${(addressSerial++ % 250) + 1}` : "127.0.0.1";
      const res = await app.inject({
        method,
        url,
        headers,
        payload: body,
        payloadAsStream: true,
        signal: controller.signal,
        remoteAddress,
      });
      const chunks: Buffer[] = [];
      const stream = res.stream();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          controller.abort();
          resolve();
        }, STREAM_WINDOW_MS);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        stream.on("data", (chunk: Buffer | string) => chunks.push(Buffer.from(chunk)));
        stream.on("end", done);
        stream.on("error", done);
      });
      return { status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") };
    }

    let userSerial = 0;
    function bodies(): Record<string, BodySpec> {
      return {
        "POST /api/session": { build: () => ({ json: { username: "authz.nobody", password: "not the password" } }) },
        "POST /api/inspection-requests": {
          object: "shipment",
          build: (o) => ({
            json: {
              shipmentId: o?.param ?? MISSING.shipment,
              containerNo: o?.containerNo ?? "MSKU7351770",
              reason: "Authorization matrix probe",
            },
          }),
        },
        "POST /api/manifests": {
          query: "?format=csv&fileName=authz-matrix.csv",
          build: () => ({
            raw: manifestCsv(`AZMAN${String(++manifestSerial).padStart(5, "0")}`),
            contentType: "text/csv",
          }),
        },
        "POST /api/rule-sets": {
          build: () => ({ json: { name: "authz matrix probe", definition: world.ruleDefinition } }),
        },
        // New accounts each time; an existing one is enabled (never disabled) and keeps its password, so the matrix's own sessions last.
        "POST /api/users": {
          build: () => ({
            json: {
              username: `authz.user${++userSerial}`,
              displayName: "Authz Probe",
              roles: ["auditor"],
              password: "authz-matrix-password",
            },
          }),
        },
        "POST /api/users/:id/activation": { build: () => ({ json: { isActive: true } }) },
        "POST /api/users/:id/password": { build: () => ({ json: { password: TEST_PASSWORD } }) },
        // The host's matrix voyage, named exactly: only the host's own supervisor and admin may move it.
        "POST /api/voyage-schedules": {
          build: () => ({
            json: {
              vesselImo: "9356127",
              voyageNo: "AZ1W",
              portOfLoading: "USLAX",
              etd: "2026-11-30T18:00:00Z",
              loadingCutoff: "2026-11-29T18:00:00Z",
            },
          }),
        },
      };
    }

    /** The body for one cell: the hand table, else a minimal body from the schema, else `{}` (none for bodiless routes). */
    function payloadFor(route: RouteEntry, object: MatrixObject | null): Payload {
      const spec = bodies()[key(route)];
      if (spec) {
        return spec.build(object);
      }
      if (route.method === "GET" || route.method === "DELETE" || !route.schema?.body) {
        return null;
      }
      return { json: minimalBody(route.schema.body) ?? {} };
    }

    function urlFor(route: RouteEntry, method: string, param: string | null): string {
      if (route.url.includes(":") && param === null) {
        throw new Error(`no object for ${key(route)}`);
      }
      const url = param === null ? route.url : fillPath(route.url, param);
      const query = bodies()[key(route)]?.query;
      if (query) {
        return url + query;
      }
      return method === "GET" ? url + listQuery(route) : url;
    }

    /** Identifiers the account may not meet on this route, each with the leaked object's relation to the caller. */
    function forbiddenIdentifiers(account: Account, route: RouteEntry): Map<string, string> {
      const found = new Map<string, string>();
      if (!account.agency) {
        for (const agency of AGENCIES) {
          for (const kind of KINDS) {
            for (const object of Object.values(world.objects(agency, kind))) {
              for (const id of object.identifiers) {
                found.set(id, "anonymous");
              }
            }
          }
          for (const id of [...world.hidden(agency).always.keys(), ...world.hidden(agency).lapsed.keys()]) {
            found.set(id, "anonymous");
          }
        }
        return found;
      }
      const hidden = world.hidden(account.agency);
      for (const [id, relation] of hidden.always) {
        found.set(id, relation);
      }
      if (!HISTORY_ROUTES.has(key(route))) {
        for (const [id, relation] of hidden.lapsed) {
          found.set(id, relation);
        }
      }
      return found;
    }

    it("maps every route's path parameter to an object", (t) => {
      const unmapped: string[] = [];
      for (const route of app.routeTable) {
        try {
          objectTypeOf(route);
        } catch (err) {
          unmapped.push((err as Error).message);
        }
      }
      t.diagnostic(`${app.routeTable.length} routes in the route table`);
      assert.deepEqual(unmapped, [], unmapped.join("\n"));
    });

    it("answers every route × account × object kind without a leak", async (t) => {
      const routes = [...app.routeTable].filter((r) => r.method !== "HEAD").sort((a, b) => phase(a) - phase(b));
      let cells = 0;
      let probes = 0;
      const kindsSent = new Set<string>();
      const accountsSent = new Set<string>();
      const leaks: string[] = [];
      const notes: string[] = [];
      for (const route of routes) {
        await t.test(key(route), async (st) => {
          const type = objectTypeOf(route);
          const spec = bodies()[key(route)];
          const objectType: ObjectType | "none" = type === "none" ? (spec?.object ?? "none") : type;
          const isRead = route.method === "GET";
          const isPublic = route.config.isPublic === true;
          const policy = POLICY[key(route)] ?? {};
          const roles = policy.roles ?? (route.config.roles as Role[] | undefined);
          if (!isRead && !isPublic && !POLICY[key(route)] && !route.config.roles) {
            notes.push(`${key(route)}: no write policy in POLICY; only visibility is checked`);
          }
          // One line per leaking cell (route | account | object kind | status), with every reason found.
          const cellsWithProblems = new Map<string, string[]>();
          let ownReads = 0;
          for (const account of accounts) {
            const cell = async (kind: Kind | "none", object: MatrixObject | null): Promise<Answer> => {
              const url = urlFor(route, route.method, type === "none" ? null : (object?.param ?? null));
              const answer = await send(account, route.method, url, payloadFor(route, object));
              cells++;
              kindsSent.add(kind);
              accountsSent.add(account.username);
              return answer;
            };
            const report = (kind: string, answer: Answer, why: string) => {
              const cellKey = `${key(route)} | ${account.username} | ${kind} | ${answer.status}`;
              cellsWithProblems.set(cellKey, [...(cellsWithProblems.get(cellKey) ?? []), why]);
            };
            const forbidden = forbiddenIdentifiers(account, route);
            const checkBody = (answer: Answer, echoed: string | null) => {
              const byRelation = new Map<string, string[]>();
              for (const [id, relation] of forbidden) {
                const at = id === echoed ? -1 : answer.body.indexOf(id);
                if (at >= 0) {
                  const near = answer.body.slice(Math.max(0, at - 120), at + id.length + 20).replace(/\s+/g, " ");
                  byRelation.set(relation, [
                    ...(byRelation.get(relation) ?? []),
                    `${world.describe(id)} [${id}] in …${near}…`,
                  ]);
                }
              }
              for (const [relation, found] of byRelation) {
                report(
                  relation,
                  answer,
                  `body names ${found.length} identifier(s) the caller may not see: ${found.join(" | ")}`,
                );
              }
            };
            if (!account.agency) {
              // Anonymous: one object of each kind (as the host sees them), or one call without.
              const objects =
                objectType === "none"
                  ? [null]
                  : KINDS.map((k) => world.objects("USCBP", k)[objectType] ?? null).filter((o) => o !== null);
              for (const object of objects) {
                const answer = await cell("none", object);
                if (!isPublic && answer.status !== 401) {
                  report("anonymous", answer, "a route that is not public answers without a session");
                }
                checkBody(answer, object?.param ?? null);
              }
              continue;
            }

            const agency = account.agency;
            const allowedByRole = !roles || roles.some((r) => account.roles.includes(r));
            if (objectType === "none") {
              const answer = await cell("none", null);
              if (answer.status < 300 && !allowedByRole) {
                report("none", answer, `2xx for a caller without ${roles?.join("/") ?? ""}`);
              }
              checkBody(answer, null);
              if (answer.status >= 500) {
                notes.push(`${key(route)} | ${account.username} | none | ${answer.status} | server error`);
              }
              if (route.method === "DELETE" && answer.status < 300) {
                // The call may have ended the session; the next route needs a live one.
                account.cookie = (await login(app, account.username)).cookie;
              }
              continue;
            }

            // The answer for an id that names nothing: what an invisible object must look like.
            const missing = {
              type: objectType,
              param: MISSING[objectType],
              identifiers: [],
              containerNo: "MSKU7351770",
            } satisfies MatrixObject;
            const probe = await send(
              account,
              route.method,
              urlFor(route, route.method, type === "none" ? null : missing.param),
              payloadFor(route, missing),
            );
            probes++;
            const echoes = probe.body.includes(missing.param);
            for (const kind of KINDS) {
              const object = world.objects(agency, kind)[objectType];
              if (!object) {
                continue;
              }
              const answer = await cell(kind, object);
              const echoed = echoes ? object.param : null;
              checkBody(answer, echoed);
              for (const id of object.identifiers) {
                if (kind !== "own" && id !== echoed && answer.body.includes(id) && !forbidden.has(id)) {
                  report(
                    kind,
                    answer,
                    `body contains ${world.describe(id)} [${id}], an identifier of the ${kind} object`,
                  );
                }
              }
              if (answer.status >= 500) {
                notes.push(`${key(route)} | ${account.username} | ${kind} | ${answer.status} | server error`);
              }
              if (kind === "own") {
                const sideAllowed = !policy.side || policy.side === world.ownSide(agency);
                if (answer.status < 300 && !(allowedByRole && sideAllowed)) {
                  report(
                    kind,
                    answer,
                    `2xx for a caller the domain forbids (${roles?.join("/") ?? "any role"}${policy.side ? ` on the ${policy.side} side` : ""})`,
                  );
                }
                if (isRead && answer.status < 300) {
                  ownReads++;
                }
                continue;
              }
              const invisible =
                kind === "other"
                  ? "another agency's object never shared with the caller"
                  : `an object shared only under an ${kind} agreement`;
              if (answer.status < 300) {
                report(kind, answer, `2xx for ${invisible}`);
              } else if (isRead && answer.status !== 404) {
                if (answer.status === 403 && probe.status === 403) {
                  notes.push(
                    `${key(route)} | ${account.username} | ${kind} | 403 | refused by role before the lookup (a missing id gets 403 too)`,
                  );
                } else {
                  report(
                    kind,
                    answer,
                    `${answer.status} for ${invisible}; a missing id gets ${probe.status} (must be 404 alike)`,
                  );
                }
              } else if (!isRead && answer.status !== probe.status) {
                notes.push(
                  `${key(route)} | ${account.username} | ${kind} | ${answer.status} | refused, but a missing id gets ${probe.status}`,
                );
              }
            }
          }
          if (isRead && objectType !== "none" && ownReads === 0) {
            cellsWithProblems.set(`${key(route)} | every account | own | -`, [
              "no account could read its own object, so the matrix proves nothing here",
            ]);
          }
          const problems = [...cellsWithProblems].map(([cell, why]) => `${cell} | ${why.join("; ")}`);
          for (const problem of problems) {
            st.diagnostic(`LEAK ${problem}`);
          }
          leaks.push(...problems);
          assert.deepEqual(problems, [], `${problems.length} leaking cell(s):\n${problems.join("\n")}`);
        });
      }
      t.diagnostic(
        `matrix: ${routes.length} routes × ${accountsSent.size} accounts × ${[...kindsSent].filter((k) => k !== "none").length} object kinds (+ calls without an object) = ${cells} cells sent, plus ${probes} missing-id probes`,
      );
      for (const note of [...new Set(notes)]) {
        t.diagnostic(`note ${note}`);
      }
      t.diagnostic(`${leaks.length} leaking cell(s)`);
    });

    it("leaves expired and inactive agreements out of the reciprocity metrics", async (t) => {
      const failures: string[] = [];
      for (const username of ["partner.supervisor", "host.supervisor", "kr.targeter"]) {
        const account = accounts.find((a) => a.username === username) as Account;
        const res = await send(account, "GET", "/api/metrics/reciprocity", null);
        assert.equal(res.status, 200, res.body);
        const listed = (JSON.parse(res.body) as { directions: { agreement: string }[] }).directions.map(
          (d) => d.agreement,
        );
        t.diagnostic(`${username}: metrics list ${listed.join(", ")}`);
        for (const lapsed of world.lapsedAgreements(account.agency as AgencyCode)) {
          if (listed.includes(lapsed.code)) {
            failures.push(
              `GET /api/metrics/reciprocity | ${username} | ${lapsed.code} (lapsed; the caller's agency is its ${lapsed.side}) is listed`,
            );
          }
        }
      }
      for (const failure of failures) {
        t.diagnostic(`LEAK ${failure}`);
      }
      assert.deepEqual(failures, [], failures.join("\n"));
    });

    it("lists no invisible shipment or inspection request", async () => {
      const failures: string[] = [];
      for (const account of accounts.filter((a) => a.agency)) {
        const agency = account.agency as AgencyCode;
        const hidden = world.hidden(agency);
        const own = world.objects(agency, "own");
        for (const [url, ownObject] of [
          ["/api/shipments?limit=500", own.shipment],
          ["/api/inspection-requests?limit=500", own.request],
        ] as const) {
          const res = await send(account, "GET", url, null);
          assert.equal(res.status, 200, `${account.username} ${url}: ${res.body}`);
          const ids = new Set((JSON.parse(res.body) as { items: { id: string }[] }).items.map((i) => i.id));
          for (const [id, relation] of [...hidden.always, ...hidden.lapsed]) {
            if (ids.has(id)) {
              failures.push(
                `GET ${url} | ${account.username} | ${relation} | 200 | lists ${world.describe(id)} [${id}]`,
              );
            }
          }
          if (ownObject && !ids.has(ownObject.param)) {
            failures.push(`${account.username} ${url} misses its own ${ownObject.param}`);
          }
        }
      }
      assert.deepEqual(failures, [], failures.join("\n"));
    });

    it("shows a partner no version of a shipment from before it was shared", async (t) => {
      const partner = accounts.find((a) => a.username === "partner.targeter") as Account;
      const host = accounts.find((a) => a.username === "host.targeter") as Account;
      const url = `/api/shipments/${world.sharedLate.id}/versions`;
      const seenByHost = await send(host, "GET", url, null);
      assert.equal(seenByHost.status, 200, seenByHost.body);
      assert.equal(
        (JSON.parse(seenByHost.body) as unknown[]).length,
        2,
        "the host sees the original and the amendment",
      );
      const seenByPartner = await send(partner, "GET", url, null);
      assert.equal(seenByPartner.status, 200, seenByPartner.body);
      t.diagnostic(`partner sees: ${seenByPartner.body}`);
      const leaked = world.sharedLate.before.filter((text) => seenByPartner.body.includes(text));
      assert.deepEqual(
        leaked,
        [],
        `the partner's version history shows what the shipment said before it was shared: ${leaked.join(", ")}`,
      );
    });
  },
);
