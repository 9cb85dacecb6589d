import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { SESSION_TTL_MS } from "../../src/domain/auth.ts";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

const PROTECTED = [
  ["GET", "/api/me"],
  ["GET", "/api/shipments"],
  ["GET", "/api/shipments/00000000-0000-4000-8000-000000000000"],
  ["GET", "/api/inspection-requests"],
  ["POST", "/api/inspection-requests"],
  ["GET", "/api/inspection-requests/00000000-0000-4000-8000-000000000000"],
  ["POST", "/api/inspection-requests/00000000-0000-4000-8000-000000000000/decision"],
  ["POST", "/api/inspection-requests/00000000-0000-4000-8000-000000000000/scans"],
  ["GET", "/api/audit-events"],
  ["GET", "/api/audit-events/verification"],
  ["GET", `/api/files/${"a".repeat(64)}`],
  ["DELETE", "/api/session"],
] as const;

describeOnEngines(
  "HTTP API",
  (database) => seedTestWorld(database.db),
  (ctx) => {
    let app: FastifyInstance;
    let clock: Awaited<ReturnType<typeof buildTestApp>>["clock"];
    let partner: Client;
    let host: Client;
    let korea: Client;

    before(async () => {
      ({ app, clock } = await buildTestApp(ctx().database.db));
      partner = await loginAs(app, "partner.targeter");
      host = await loginAs(app, "host.targeter");
      korea = await loginAs(app, "kr.targeter");
    });
    after(async () => {
      await app.close();
    });

    it("answers health without login", async () => {
      const res = await app.inject({ method: "GET", url: "/api/health" });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { status: "ok" });
    });

    it("rejects every protected endpoint without a session", async () => {
      for (const [method, url] of PROTECTED) {
        const res = await app.inject({ method, url, payload: method === "POST" ? {} : undefined });
        assert.equal(res.statusCode, 401, `${method} ${url}`);
        assert.equal(res.json().code, "auth.required");
      }
    });

    it("rejects a forged session cookie", async () => {
      const res = await app.inject({
        method: "GET",
        url: "/api/me",
        headers: { cookie: "reciprocity_session=forged" },
      });
      assert.equal(res.statusCode, 401);
    });

    it("refuses a wrong password the same way as an unknown user", async () => {
      const wrong = await app.inject({
        method: "POST",
        url: "/api/session",
        payload: { username: "partner.targeter", password: "nope" },
      });
      const unknown = await app.inject({
        method: "POST",
        url: "/api/session",
        payload: { username: "nobody", password: "nope" },
      });
      assert.equal(wrong.statusCode, 401);
      assert.equal(unknown.statusCode, 401);
      assert.equal(wrong.json().message, unknown.json().message);
    });

    it("tells the user who they are", async () => {
      const res = await partner.get("/api/me");
      assert.equal(res.statusCode, 200);
      const me = res.json();
      assert.equal(me.username, "partner.targeter");
      assert.equal(me.agency.code, "JPCUS");
      assert.deepEqual(me.roles, ["targeter"]);
    });

    it("logs out: the old cookie no longer works", async () => {
      const temp = await loginAs(app, "partner.supervisor");
      assert.equal((await temp.get("/api/me")).statusCode, 200, "the session was just read");
      assert.equal((await temp.delete("/api/session")).statusCode, 204);
      assert.equal((await temp.get("/api/me")).statusCode, 401);
    });

    it("refuses a disabled account's session at once, though the session was read a moment before", async () => {
      const admin = await loginAs(app, "host.admin");
      const supervisor = await loginAs(app, "host.supervisor");
      const id = (
        await ctx()
          .database.db.selectFrom("app_user")
          .select("id")
          .where("username", "=", "host.supervisor")
          .executeTakeFirstOrThrow()
      ).id;
      assert.equal((await supervisor.get("/api/me")).statusCode, 200);
      assert.equal((await admin.post(`/api/users/${id}/activation`, { isActive: false })).statusCode, 204);
      try {
        assert.equal((await supervisor.get("/api/me")).statusCode, 401);
        assert.equal((await supervisor.get("/api/shipments?limit=1")).statusCode, 401);
      } finally {
        assert.equal((await admin.post(`/api/users/${id}/activation`, { isActive: true })).statusCode, 204);
      }
      assert.equal(
        (await supervisor.get("/api/me")).statusCode,
        401,
        "enabling the account again does not reopen its sessions",
      );
    });

    it("ends a session at its expiry, though the session was read a moment before", async () => {
      const auditor = await loginAs(app, "partner.auditor");
      assert.equal((await auditor.get("/api/me")).statusCode, 200);
      const now = clock.now();
      clock.advance(SESSION_TTL_MS + 1000);
      try {
        assert.equal((await auditor.get("/api/me")).statusCode, 401);
      } finally {
        clock.set(now);
      }
    });

    it("publishes an OpenAPI document naming the resources", async () => {
      const res = await app.inject({ method: "GET", url: "/api/openapi.json" });
      assert.equal(res.statusCode, 200);
      const paths = Object.keys(res.json().paths as object);
      for (const p of [
        "/api/shipments",
        "/api/shipments/{id}",
        "/api/inspection-requests",
        "/api/inspection-requests/{id}/decision",
        "/api/inspection-requests/{id}/scans",
        "/api/audit-events",
      ]) {
        assert.ok(paths.includes(p), `missing ${p}`);
      }
    });

    it("shows the partner only shipments bound for Japan, and the host all of them", async () => {
      const { counts } = ctx().fixture;
      const seen = async (client: Client) => {
        const ids = new Set<string>();
        let cursor: string | null = null;
        do {
          const res = await client.get(`/api/shipments?limit=500${cursor ? `&cursor=${cursor}` : ""}`);
          assert.equal(res.statusCode, 200);
          const page = res.json<{
            items: {
              id: string;
              portOfDischarge: string;
              finalDestination: string | null;
              isShared: boolean;
              billOfLading: string;
            }[];
            nextCursor: string | null;
          }>();
          for (const s of page.items) {
            ids.add(s.id);
            if (client === partner) {
              assert.ok(
                s.portOfDischarge.startsWith("JP") || s.finalDestination?.startsWith("JP"),
                `${s.billOfLading} is not bound for Japan`,
              );
              assert.equal(s.isShared, true);
            }
          }
          cursor = page.nextCursor;
        } while (cursor);
        return ids.size;
      };
      assert.equal(await seen(partner), counts.japanBound);
      assert.equal(await seen(host), counts.total);
      assert.ok(counts.japanBound > 0 && counts.japanBound < counts.total);
      assert.equal(await seen(korea), 0);
    });

    it("hides other agencies' shipments behind the same 404 as a missing one", async () => {
      const { notShared, japanBound } = ctx().fixture;
      const hidden = await partner.get(`/api/shipments/${notShared.id}`);
      const missing = await partner.get("/api/shipments/00000000-0000-4000-8000-000000000000");
      assert.equal(hidden.statusCode, 404);
      assert.deepEqual(hidden.json(), missing.json());
      assert.equal((await korea.get(`/api/shipments/${japanBound.id}`)).statusCode, 404);
      assert.equal((await host.get(`/api/shipments/${notShared.id}`)).statusCode, 200);
    });

    it("pages with a cursor in a stable order without gaps or repeats", async () => {
      const all = (await host.get("/api/shipments?limit=500&sort=bill_of_lading&order=asc"))
        .json()
        .items.map((s: { billOfLading: string }) => s.billOfLading);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await host.get(
          `/api/shipments?limit=37&sort=bill_of_lading&order=asc${cursor ? `&cursor=${cursor}` : ""}`,
        );
        const page = res.json<{ items: { billOfLading: string }[]; nextCursor: string | null }>();
        paged.push(...page.items.map((s) => s.billOfLading));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(paged, all);
      assert.equal(new Set(paged).size, paged.length);
      assert.ok(paged.length > 37, "the world spans several pages");
      const byEtd = (await host.get("/api/shipments?limit=500&sort=etd&order=desc")).json().items as { etd: string }[];
      for (let i = 1; i < byEtd.length; i++) {
        assert.ok((byEtd[i - 1] as { etd: string }).etd >= (byEtd[i] as { etd: string }).etd);
      }
    });

    it("filters by port, HS chapter, ETD window and text", async () => {
      const byPort = (await partner.get("/api/shipments?port=JPYOK&limit=500")).json().items as {
        portOfDischarge: string;
        finalDestination: string | null;
      }[];
      assert.ok(byPort.length > 0);
      assert.ok(byPort.every((s) => s.portOfDischarge === "JPYOK" || s.finalDestination === "JPYOK"));
      const byChapter = (await host.get("/api/shipments?hsChapter=31&limit=500")).json().items as {
        hsCodes: string[];
      }[];
      assert.ok(byChapter.length > 0);
      assert.ok(byChapter.every((s) => s.hsCodes.some((c) => c.startsWith("31"))));
      const from = "2026-11-20T00:00:00Z";
      const to = "2026-11-25T00:00:00Z";
      const byDate = (await host.get(`/api/shipments?etdFrom=${from}&etdTo=${to}&limit=500`)).json().items as {
        etd: string;
      }[];
      assert.ok(byDate.length > 0);
      assert.ok(byDate.every((s) => s.etd >= "2026-11-20" && s.etd <= "2026-11-25T00:00:00.000Z"));
      const { japanBound } = ctx().fixture;
      const byText = (await partner.get(`/api/shipments?q=${japanBound.containerNo.toLowerCase()}`)).json().items as {
        id: string;
      }[];
      assert.deepEqual(
        byText.map((s) => s.id),
        [japanBound.id],
      );
    });

    it("loads the demo world as carrier files through the ingest pipeline", async () => {
      const admin = await loginAs(app, "host.admin");
      const batches = (await admin.get("/api/ingest-batches?limit=500")).json().items as {
        format: string;
        errors: number;
        shipments: number;
      }[];
      assert.deepEqual([...new Set(batches.map((b) => b.format))].sort(), ["csv", "cuscar"]);
      assert.ok(batches.every((b) => b.errors === 0));
      assert.equal(
        batches.reduce((n, b) => n + b.shipments, 0),
        ctx().fixture.counts.total,
      );
      const versions = (await host.get(`/api/shipments/${ctx().fixture.japanBound.id}/versions`)).json();
      assert.equal(versions.length, 1);
      assert.equal(versions[0].function, "original");
    });

    it("rejects bad list parameters with a clear 400", async () => {
      const res = await host.get("/api/shipments?limit=501&port=tokyo");
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, "request.invalid");
      assert.match(res.json().message, /limit|port/);
      const badCursor = await host.get("/api/shipments?cursor=not-a-cursor");
      assert.equal(badCursor.statusCode, 400);
      assert.equal(badCursor.json().code, "paging.bad_cursor");
    });
  },
);
