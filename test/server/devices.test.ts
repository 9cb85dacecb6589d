import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { hashPassword } from "../../src/domain/auth.ts";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, TEST_PASSWORD, type TestWorld } from "../helpers/world.ts";

interface Device {
  id: string;
  type: string;
  model: string;
  serial: string;
  site: { locode: string } | null;
  isActive: boolean;
  label: string;
}

interface Notice {
  id: string;
  kind: string;
  requestId: string | null;
  message: string;
}

describeOnEngines(
  "device registry, equipment and weekly trend on the dashboard, alarms that reach the partner",
  (database) => seedTestWorld(database.db, 120),
  (ctx) => {
    let app: FastifyInstance;
    let admin: Client;
    let officer: Client;
    let supervisor: Client;
    let partner: Client;
    let partnerSupervisor: Client;
    let krTargeter: Client;
    let auditor: Client;
    let world: TestWorld;
    let requestId: string;
    let portal: Device;

    // The helper's client has no PATCH; these send one with the account's own session.
    const cookies = new Map<string, string>();
    const patch = (who: "admin" | "partnerAdmin" | "officer", id: string, body: unknown) =>
      app.inject({
        method: "PATCH",
        url: `/api/devices/${id}`,
        headers: { cookie: cookies.get(who) ?? "" },
        payload: body as object,
      });

    async function cookieOf(username: string): Promise<string> {
      const res = await app.inject({
        method: "POST",
        url: "/api/session",
        payload: { username, password: TEST_PASSWORD },
      });
      const cookie = res.cookies.find((c) => c.name === "reciprocity_session");
      assert.ok(cookie, `login ${username}`);
      return `reciprocity_session=${cookie.value}`;
    }

    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      world = ctx().fixture;
      const db = ctx().database.db;
      await db
        .insertInto("app_user")
        .values({
          agency_id: world.agencies.jp,
          username: "partner.admin",
          display_name: "Yuki Mori",
          password_hash: await hashPassword(TEST_PASSWORD),
          roles: ["admin"],
          site_id: null,
        })
        .execute();
      admin = await loginAs(app, "host.admin");
      officer = await loginAs(app, "scan.officer");
      supervisor = await loginAs(app, "host.supervisor");
      partner = await loginAs(app, "partner.targeter");
      partnerSupervisor = await loginAs(app, "partner.supervisor");
      krTargeter = await loginAs(app, "kr.targeter");
      auditor = await loginAs(app, "host.auditor");
      cookies.set("admin", await cookieOf("host.admin"));
      cookies.set("partnerAdmin", await cookieOf("partner.admin"));
      cookies.set("officer", await cookieOf("scan.officer"));
      const made = await partner.post("/api/inspection-requests", {
        shipmentId: world.japanBound.id,
        containerNo: world.japanBound.containerNo,
        reason: "Device registry check",
      });
      assert.equal(made.statusCode, 201, made.body);
      requestId = made.json<{ id: string }>().id;
      assert.equal(
        (await supervisor.post(`/api/inspection-requests/${requestId}/decision`, { decision: "accept" })).statusCode,
        200,
      );
    });
    after(async () => {
      await app.close();
    });

    it("lists the agency's own devices with type, model, serial and site, to the roles that use them", async () => {
      const list = (await officer.get("/api/devices")).json<Device[]>();
      assert.ok(list.length >= 4, "the demo equipment is registered");
      assert.ok(list.every((d) => d.isActive && d.serial && d.model && d.type));
      const lax = list.find((d) => d.serial === "LAX-RPM-03");
      assert.ok(lax);
      assert.equal(lax.type, "radiation_portal");
      assert.equal(lax.site?.locode, "USLAX");
      portal = lax;
      const partnerList = (await partnerSupervisor.get("/api/devices")).json<Device[]>();
      assert.ok(partnerList.length > 0);
      assert.ok(!partnerList.some((d) => d.id === portal.id), "another agency's registry is not listed");
      assert.equal((await krTargeter.get("/api/devices")).statusCode, 403, "a targeter picks no devices");
      assert.equal((await partner.get("/api/devices")).statusCode, 403);
      const sites = (await officer.get("/api/sites")).json<{ locode: string }[]>();
      assert.deepEqual(
        sites.map((s) => s.locode),
        ["USLAX", "USLGB"],
        "the agency's own sites only",
      );
    });

    it("lets the admin alone register and change devices, rejects careless input plainly, audits each change", async () => {
      const body = { type: "isotope_id", model: "Detective-X HPGe", serial: "DX-5561", siteId: null };
      assert.equal((await officer.post("/api/devices", body)).statusCode, 403);
      const created = await admin.post("/api/devices", body);
      assert.equal(created.statusCode, 201, created.body);
      const device = created.json<Device>();
      assert.equal(device.label, "Detective-X HPGe · DX-5561");
      const again = await admin.post("/api/devices", { ...body, serial: "dx-5561" });
      assert.equal(again.statusCode, 409, "a serial is unique whatever its case");
      assert.equal(again.json<{ code: string }>().code, "device.serial_taken");
      for (const bad of [
        { ...body, model: "  " },
        { ...body, type: "geiger" },
        { ...body, serial: "a\u0000b" },
        { ...body, siteId: "not-a-uuid" },
        {},
      ]) {
        const res = await admin.post("/api/devices", bad);
        assert.equal(res.statusCode, 400, JSON.stringify(bad));
        assert.ok(res.json<{ message: string }>().message);
      }
      const japanSite = await ctx()
        .database.db.selectFrom("site")
        .select("id")
        .where("agency_id", "=", world.agencies.jp)
        .executeTakeFirstOrThrow();
      const foreignSite = await admin.post("/api/devices", { ...body, serial: "DX-9999", siteId: japanSite.id });
      assert.equal(foreignSite.statusCode, 400, "another agency's site");
      assert.equal(
        (await patch("partnerAdmin", device.id, { model: "Taken over" })).statusCode,
        404,
        "another agency's device looks missing",
      );
      assert.equal((await patch("officer", device.id, { isActive: false })).statusCode, 403);
      const renamed = await patch("admin", device.id, { model: "Detective-X HPGe (cooled)" });
      assert.equal(renamed.statusCode, 200, renamed.body);
      assert.equal(renamed.json<Device>().model, "Detective-X HPGe (cooled)");
      const retired = await patch("admin", device.id, { isActive: false });
      assert.equal(retired.json<Device>().isActive, false);
      assert.equal((await patch("admin", device.id, {})).statusCode, 400, "nothing to change");
      const log = (await auditor.get(`/api/audit-events?entityType=device&entityId=${device.id}`)).json<{
        items: { action: string }[];
      }>();
      const actions = log.items.map((e) => e.action).sort();
      assert.deepEqual(actions, ["device.changed", "device.registered", "device.retired"]);
      const scan = await officer.post(`/api/inspection-requests/${requestId}/scans`, {
        scanType: "isotope_id",
        outcome: "no_alarm",
        deviceId: device.id,
      });
      assert.equal(scan.statusCode, 400, "a retired device records nothing");
      assert.equal(scan.json<{ code: string }>().code, "scan.unknown_device");
    });

    it("records a scan with a registered device of the right type only, names it on the result, and alarms the partner's targeters live", async () => {
      const handheld = (await officer.get("/api/devices"))
        .json<Device[]>()
        .find((d) => d.type === "isotope_id" && d.isActive);
      assert.ok(handheld);
      const wrong = await officer.post(`/api/inspection-requests/${requestId}/scans`, {
        scanType: "radiation_portal",
        outcome: "alarm",
        deviceId: handheld.id,
      });
      assert.equal(wrong.statusCode, 400);
      assert.equal(wrong.json<{ code: string }>().code, "scan.device_mismatch");
      const partnerDevice = (await partnerSupervisor.get("/api/devices")).json<Device[]>()[0] as Device;
      const foreign = await officer.post(`/api/inspection-requests/${requestId}/scans`, {
        scanType: partnerDevice.type,
        outcome: "alarm",
        deviceId: partnerDevice.id,
      });
      assert.equal(foreign.statusCode, 400, "another agency's device");
      assert.equal(
        (await partner.get("/api/notifications")).json<Notice[]>().filter((n) => n.requestId === requestId).length,
        0,
        "no alarm yet",
      );
      const ok = await officer.post(`/api/inspection-requests/${requestId}/scans`, {
        scanType: "radiation_portal",
        outcome: "alarm",
        notes: "Gamma alarm, lane 3",
        deviceId: portal.id,
      });
      assert.equal(ok.statusCode, 201, ok.body);
      const scans = ok.json<{ scans: { device: string | null }[] }>().scans;
      assert.equal(scans.at(-1)?.device, portal.label);
      const byText = await officer.post(`/api/inspection-requests/${requestId}/scans`, {
        scanType: "radiation_portal",
        outcome: "no_alarm",
        device: "lax-rpm-03",
      });
      assert.equal(byText.statusCode, 201);
      assert.equal(
        byText.json<{ scans: { device: string | null }[] }>().scans.at(-1)?.device,
        portal.label,
        "a serial written as text links the registered device",
      );

      const partnerNotes = (await partner.get("/api/notifications"))
        .json<Notice[]>()
        .filter((n) => n.requestId === requestId);
      assert.equal(partnerNotes.length, 1, "the requesting agency's targeter is told of the alarm");
      assert.equal(partnerNotes[0]?.kind, "scan_alarm");
      assert.match(partnerNotes[0]?.message ?? "", /radiation portal alarm/);
      assert.equal(
        (await supervisor.get("/api/notifications")).json<Notice[]>().filter((n) => n.requestId === requestId).length,
        1,
        "and the host's supervisor, once",
      );
      assert.equal(
        (await partnerSupervisor.get("/api/notifications")).json<Notice[]>().filter((n) => n.requestId === requestId)
          .length,
        0,
        "addressed to targeters, not every role",
      );
      assert.equal(
        (await krTargeter.get("/api/notifications")).json<Notice[]>().length,
        0,
        "an agency outside the agreement hears nothing",
      );
      const reads = (
        await (await loginAs(app, "partner.auditor")).get("/api/audit-events?action=notifications.listed")
      ).json<{ items: unknown[] }>();
      assert.ok(reads.items.length >= 1, "reading a notification about the host's scan is audited for the partner");
    });

    it("counts the dashboard's equipment by registered device and draws the trend week by week", async () => {
      const metrics = (
        await partner.get("/api/metrics/reciprocity?from=2026-10-01T00:00:00Z&to=2026-11-28T00:00:00Z")
      ).json<{
        directions: {
          agreement: string;
          requests: number;
          equipmentUse: {
            device: string;
            type: string | null;
            serial: string | null;
            site: string | null;
            scans: number;
          }[];
          weekly: { week: string; requests: number; accommodationRate: number | null }[];
        }[];
      }>();
      const us = metrics.directions.find((d) => d.agreement === "CSI-USCBP-JPCUS");
      assert.ok(us);
      const lane3 = us.equipmentUse.find((e) => e.serial === "LAX-RPM-03");
      assert.deepEqual(
        lane3 && { type: lane3.type, site: lane3.site, scans: lane3.scans, device: lane3.device },
        { type: "radiation_portal", site: "USLAX", scans: 2, device: portal.label },
        "both lane-3 scans, the text one included",
      );
      assert.equal(us.weekly.length, 9, "every week that overlaps the range, empty ones too");
      assert.equal(us.weekly[0]?.week, "2026-09-28", "weeks start on Monday");
      assert.ok(
        us.weekly.every(
          (w, i) => i === 0 || Date.parse(w.week) - Date.parse(us.weekly[i - 1]?.week ?? "") === 7 * 86_400_000,
        ),
      );
      assert.equal(
        us.weekly.reduce((n, w) => n + w.requests, 0),
        us.requests,
        "the weeks add up to the range",
      );
      const thisWeek = us.weekly.at(-1);
      assert.equal(thisWeek?.accommodationRate, 1, "the accepted request of this week");
      const csv = await partner.get(
        "/api/metrics/reciprocity?format=csv&from=2026-10-01T00:00:00Z&to=2026-11-28T00:00:00Z",
      );
      assert.ok(
        csv.body.split("\n").every((line) => !line.includes("{")),
        "no JSON in the CSV's cells",
      );
    });
  },
);
