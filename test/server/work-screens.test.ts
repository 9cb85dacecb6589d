import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { ensureDemoWorld } from "../../src/domain/demo/seed.ts";
import { seedTestWorld, TEST_ANCHOR, TEST_PASSWORD } from "../helpers/world.ts";

interface Req {
  id: string;
  reference: string;
  containerNo: string;
  deadline: string | null;
  cargo: { goods: string | null; hsCode: string | null; riskScore: number | null; topHits: unknown[] };
}

describeOnEngines(
  "work screens: deadline queues, notifications, the shipment list's request filter, the audit log's filters and export",
  (database) => seedTestWorld(database.db, 200),
  (ctx) => {
    let app: FastifyInstance;
    let partner: Client;
    let supervisor: Client;
    let officer: Client;
    let auditor: Client;
    let krTargeter: Client;
    const made: Req[] = [];

    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      partner = await loginAs(app, "partner.targeter");
      supervisor = await loginAs(app, "host.supervisor");
      officer = await loginAs(app, "scan.officer");
      auditor = await loginAs(app, "host.auditor");
      krTargeter = await loginAs(app, "kr.targeter");
      const list = (
        await partner.get(`/api/shipments?etdFrom=${TEST_ANCHOR.toISOString()}&sort=etd&order=desc&limit=200`)
      ).json<{ items: { id: string; etd: string }[] }>();
      const seen = new Set<string>();
      // Latest sailing first, so creation order and deadline order disagree.
      for (const s of list.items) {
        if (made.length === 3) {
          break;
        }
        if (seen.has(s.etd)) {
          continue;
        }
        seen.add(s.etd);
        const detail = (await partner.get(`/api/shipments/${s.id}`)).json<{ containers: { containerNo: string }[] }>();
        const res = await partner.post("/api/inspection-requests", {
          shipmentId: s.id,
          containerNo: detail.containers[0]?.containerNo,
          reason: "Queue order check",
        });
        assert.equal(res.statusCode, 201, res.body);
        made.push(res.json());
      }
      assert.equal(made.length, 3);
    });
    after(async () => {
      await app.close();
    });

    it("orders the host's queue by deadline and pages it with a cursor that keeps the order", async () => {
      const first = (
        await supervisor.get("/api/inspection-requests?status=requested&party=host&sort=deadline&limit=2")
      ).json<{ items: Req[]; nextCursor: string }>();
      assert.equal(first.items.length, 2);
      assert.ok(first.nextCursor);
      const second = (
        await supervisor.get(
          `/api/inspection-requests?status=requested&party=host&sort=deadline&limit=2&cursor=${encodeURIComponent(first.nextCursor)}`,
        )
      ).json<{ items: Req[] }>();
      const deadlines = [...first.items, ...second.items].map((r) => r.deadline ?? "");
      assert.equal(deadlines.length, 3);
      assert.deepEqual(deadlines, [...deadlines].sort(), "nearest deadline first, across pages");
      assert.ok(
        first.items.every((r) => r.cargo.goods && r.cargo.hsCode && r.cargo.riskScore !== null),
        "goods, HS code and the viewer's own score on every card",
      );
      const mixed = await supervisor.get(
        `/api/inspection-requests?sort=requested&limit=2&cursor=${encodeURIComponent(first.nextCursor)}`,
      );
      assert.equal(mixed.statusCode, 400, "a cursor of one order does not page another");
      const asRequester = (await supervisor.get("/api/inspection-requests?party=requester")).json<{ items: Req[] }>();
      assert.equal(asRequester.items.length, 0, "the host made none of them");
    });

    it("sends an alarm to the host supervisor, who dismisses it for themself alone, audited; another agency's is not found", async () => {
      const target = made[0] as Req;
      assert.equal(
        (await supervisor.post(`/api/inspection-requests/${target.id}/decision`, { decision: "accept" })).statusCode,
        200,
      );
      assert.equal(
        (
          await officer.post(`/api/inspection-requests/${target.id}/scans`, {
            scanType: "radiation_portal",
            outcome: "alarm",
            notes: "Gamma alarm",
          })
        ).statusCode,
        201,
      );
      const notes = (await supervisor.get("/api/notifications")).json<
        { id: string; kind: string; requestId: string; params: unknown }[]
      >();
      const alarm = notes.find((n) => n.kind === "scan_alarm" && n.requestId === target.id);
      assert.ok(alarm, "the alarm reached the supervisor");
      // The database gives the alarm its parameters, which the screens word in the reader's language.
      assert.deepEqual(alarm.params, {
        reference: target.reference,
        containerNo: target.containerNo,
        scanType: "radiation_portal",
        outcome: "alarm",
      });
      assert.equal(
        (await officer.get("/api/notifications")).json<unknown[]>().length,
        0,
        "not the officer's to act on",
      );
      assert.equal(
        (await krTargeter.post(`/api/notifications/${alarm.id}/dismissal`, {})).statusCode,
        404,
        "another agency's notification looks missing",
      );
      assert.equal((await supervisor.post(`/api/notifications/${alarm.id}/dismissal`, {})).statusCode, 204);
      assert.equal(
        (await supervisor.post(`/api/notifications/${alarm.id}/dismissal`, {})).statusCode,
        204,
        "twice is a no-op",
      );
      assert.ok(!(await supervisor.get("/api/notifications")).json<{ id: string }[]>().some((n) => n.id === alarm.id));
      const log = (await auditor.get("/api/audit-events?action=notification.dismissed")).json<{
        items: { entityId: string }[];
      }>();
      assert.deepEqual(
        log.items.map((e) => e.entityId),
        [alarm.id],
        "one audit event for the dismissal",
      );
    });

    it("filters the shipment list to shipments with requests, and marks them", async () => {
      const page = (await partner.get("/api/shipments?requested=true&limit=50")).json<{
        items: { id: string; hasRequests: boolean }[];
      }>();
      assert.equal(page.items.length, 3);
      assert.ok(page.items.every((s) => s.hasRequests));
      const kr = (await krTargeter.get("/api/shipments?requested=true")).json<{ items: unknown[] }>();
      assert.equal(kr.items.length, 0, "an agency outside the agreement sees none");
    });

    it("filters the audit log by actor, action prefix and time, and exports it as CSV, the export audited", async () => {
      const byPartner = (
        await auditor.get("/api/audit-events?actor=partner.targeter&actionPrefix=inspection_request.&kind=changes")
      ).json<{ items: { actorUsername: string; action: string }[] }>();
      assert.ok(byPartner.items.length >= 3);
      assert.ok(
        byPartner.items.every(
          (e) => e.actorUsername === "partner.targeter" && e.action.startsWith("inspection_request."),
        ),
      );
      const none = (await auditor.get("/api/audit-events?from=2099-01-01")).json<{ items: unknown[] }>();
      assert.equal(none.items.length, 0);
      const res = await auditor.get(
        "/api/audit-events/export?actor=partner.targeter&actionPrefix=inspection_request.created",
      );
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers["content-type"]), /^text\/csv/);
      const lines = res.body.trim().split("\n");
      assert.equal(lines.length, 4, res.body);
      assert.ok(
        lines
          .slice(1)
          .every((l) =>
            /^\d+,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z,partner\.targeter,JPCUS,inspection_request\.created,/.test(l),
          ),
      );
      assert.equal((await partner.get("/api/audit-events/export")).statusCode, 403, "auditors and admins only");
      const exported = (await auditor.get("/api/audit-events?action=audit_events.exported")).json<{
        items: unknown[];
      }>();
      assert.equal(exported.items.length, 1);
    });

    it("lets an admin manage only the agency's own accounts, with argon2 passwords, and shows agreements in force", async () => {
      const admin = await loginAs(app, "host.admin");
      const created = await admin.post("/api/users", {
        username: "ws.auditor",
        displayName: "Work Screens",
        roles: ["auditor"],
        password: "a-long-password-1",
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(
        (
          await admin.post("/api/users", {
            username: "ws.auditor",
            displayName: "Again",
            roles: ["auditor"],
            password: "a-long-password-1",
          })
        ).statusCode,
        409,
      );
      const { db } = ctx().database;
      const row = await db
        .selectFrom("app_user")
        .select("password_hash")
        .where("username", "=", "ws.auditor")
        .executeTakeFirstOrThrow();
      assert.match(row.password_hash, /^\$argon2id\$/);
      const jpUser = await db
        .selectFrom("app_user")
        .select("id")
        .where("username", "=", "partner.targeter")
        .executeTakeFirstOrThrow();
      assert.equal(
        (await admin.post(`/api/users/${jpUser.id}/activation`, { isActive: false })).statusCode,
        404,
        "another agency's account looks missing",
      );
      assert.equal(
        (await admin.post(`/api/users/${created.json<{ id: string }>().id}/password`, { password: "short" }))
          .statusCode,
        400,
      );
      assert.equal((await supervisor.get("/api/users")).statusCode, 403);
      const agreements = (await admin.get("/api/agreements")).json<{ code: string }[]>();
      assert.ok(agreements.some((a) => a.code === "CSI-USCBP-JPCUS"));
    });

    it("puts RECIPROCITY_DEMO_PASSWORD in force on a world created with another password", async () => {
      const { db } = ctx().database;
      await ensureDemoWorld(db, { seed: 7, anchor: TEST_ANCHOR, shipments: 10, password: "the-new-demo-password" });
      const fresh = await app.inject({
        method: "POST",
        url: "/api/session",
        payload: { username: "host.auditor", password: "the-new-demo-password" },
      });
      assert.equal(fresh.statusCode, 200, fresh.body);
      const stale = await app.inject({
        method: "POST",
        url: "/api/session",
        payload: { username: "host.auditor", password: TEST_PASSWORD },
      });
      assert.equal(stale.statusCode, 401);
    });
  },
);
