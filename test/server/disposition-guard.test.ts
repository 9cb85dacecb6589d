import assert from "node:assert/strict";
import http from "node:http";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { clearanceFindings, reachBackOf } from "../../src/domain/inspection-requests/index.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import type { ScanView } from "../../src/domain/inspection-requests/index.ts";
import { snmAlertMessage, snmAlertOf } from "../../src/domain/inspection-requests/index.ts";
import type { AnalysisReport } from "../../src/radiation/analyze-file.ts";
import { synthesizePortalN42 } from "../../src/radiation/synthetic/index.ts";
import { buildApp } from "../../src/server/app.ts";
import { loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, TEST_ANCHOR, TEST_PASSWORD } from "../helpers/world.ts";

// Clearing a container against its radiation findings takes a host supervisor's override with a
// reason, kept with the disposition and shown to the partner; possible SNM tells both agencies'
// supervisors the moment the scan is stored.

const raddata = path.resolve(import.meta.dirname, "../../../shared/raddata");
const FILES = {
  /** HPGe spectrum of uranium: verdict snm (U-235). */
  u235: readFileSync(path.join(raddata, "n42-2012/interspec_U235_Unshielded_6000.n42")),
  /** NaI Cs-137: verdict industrial. */
  cs137: readFileSync(path.join(raddata, "n42-2006/rase_generic-NaI/VABCD_M001_Cs137.n42")),
  /** NaI I-131: verdict medical, which ordinary goods would not contain. */
  i131: readFileSync(path.join(raddata, "n42-2006/rase_generic-NaI/VABCD_M001_I131.n42")),
  /** NaI Th-232: natural radioactivity, as glazed tiles give. */
  th232: readFileSync(path.join(raddata, "n42-2006/rase_generic-NaI/VABCD_M001_Th232.n42")),
  /** A portal occupancy with a point source and no spectrum to name it: verdict investigate. */
  portal: Buffer.from(
    synthesizePortalN42({
      seed: 23,
      cargoMassKg: 10000,
      sources: [{ nuclide: "Cs-137", activityBq: 5e6, lateralM: 0.8 }],
    }).bytes,
  ),
};
const HEADER =
  "bill_of_lading,message_ref,carrier_scac,vessel_imo,voyage,port_of_loading,port_of_discharge,etd,shipper_name,consignee_name,container_number,size_type,hs_code,description,packages,gross_weight_kg";
const CONTAINERS = [
  "CSQU3054383",
  "MWCU6059784",
  "CMAU5127498",
  "CXRU1255022",
  "SUDU1234569",
  "ZEPU0037255",
  "CBHU6818017",
  "MSKU7351770",
];

interface Finding {
  scanId: string;
  reasons: string[];
  nuclides: string[];
  reachBack: string | null;
  summary: string;
}

/** Opens the event stream and collects the changes of one action until one arrives. */
function awaitChange(
  port: number,
  cookie: string,
  action: string,
): { change: Promise<{ action: string; entityId: string }>; close: () => void } {
  let req: http.ClientRequest | undefined;
  const change = new Promise<{ action: string; entityId: string }>((resolve, reject) => {
    req = http.get({ port, path: "/api/events", headers: { cookie } }, (res) => {
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        for (const line of buffer.split("\n")) {
          if (line.startsWith("data: ")) {
            const data = JSON.parse(line.slice(6)) as { action: string; entityId: string };
            if (data.action === action) {
              resolve(data);
            }
          }
        }
        buffer = buffer.slice(buffer.lastIndexOf("\n") + 1);
      });
    });
    req.on("error", reject);
  });
  return { change, close: () => req?.destroy() };
}

describeOnEngines(
  "clearing against radiation findings, and SNM alerts",
  (database) => seedTestWorld(database.db, 60),
  (ctx) => {
    let app: FastifyInstance;
    let port: number;
    let partner: Client;
    let partnerSupervisor: Client;
    let partnerAuditor: Client;
    let supervisor: Client;
    let officer: Client;
    let admin: Client;
    let hostAuditor: Client;
    let korea: Client;
    let koreaAuditor: Client;

    before(async () => {
      app = await buildApp({
        db: ctx().database.db,
        clock: fixedClock(new Date(TEST_ANCHOR.getTime() + 8 * 3_600_000)),
        webDir: "/nonexistent",
        logger: false,
        eventPollMs: 50,
      });
      await app.listen({ port: 0, host: "127.0.0.1" });
      const address = app.server.address();
      port = typeof address === "object" && address ? address.port : 0;
      partner = await loginAs(app, "partner.targeter");
      partnerSupervisor = await loginAs(app, "partner.supervisor");
      partnerAuditor = await loginAs(app, "partner.auditor");
      supervisor = await loginAs(app, "host.supervisor");
      officer = await loginAs(app, "scan.officer");
      admin = await loginAs(app, "host.admin");
      hostAuditor = await loginAs(app, "host.auditor");
      korea = await loginAs(app, "kr.targeter");
      koreaAuditor = await loginAs(app, "kr.auditor");
    });
    after(async () => {
      await app.close();
    });

    let serial = 0;
    /** Files a Japan-bound shipment of the given goods; the partner asks for it and the host accepts. */
    async function acceptedRequest(
      hs: string,
      description: string,
    ): Promise<{ id: string; reference: string; containerNo: string }> {
      serial++;
      const bill = `DG${String(serial).padStart(8, "0")}`;
      const container = CONTAINERS[serial % CONTAINERS.length] as string;
      const csv = `${HEADER}\n${bill},D${serial},ONEY,9356127,0${serial}W,USLAX,JPTYO,2026-11-30T18:00,ACME EXPORTS LLC,NIPPON KK,${container},22G1,${hs},${description},10,12000`;
      const filed = (await admin.postRaw("/api/manifests?format=csv", csv, "text/csv")).json();
      assert.equal(filed.inserted, 1, JSON.stringify(filed));
      const shipment = (await partner.get(`/api/shipments?q=${bill.toLowerCase()}`)).json().items[0];
      const created = await partner.post("/api/inspection-requests", {
        shipmentId: shipment.id,
        containerNo: container,
        reason: "Radiological targeting hit",
        scansRequested: ["radiation_portal", "isotope_id"],
      });
      assert.equal(created.statusCode, 201, created.body);
      const accepted = await supervisor.post(`/api/inspection-requests/${created.json().id}/decision`, {
        decision: "accept",
      });
      assert.equal(accepted.statusCode, 200, accepted.body);
      return created.json();
    }

    /** The officer records a radiation scan with an instrument file; returns the request as the officer sees it. */
    async function scan(requestId: string, file: Buffer, scanType = "isotope_id", extra: Record<string, unknown> = {}) {
      return officer.post(`/api/inspection-requests/${requestId}/scans`, {
        scanType,
        outcome: "alarm",
        notes: "Secondary on the hot spot",
        attachment: {
          fileName: scanType === "radiation_portal" ? "occupancy.n42" : "riid.n42",
          mediaType: "application/xml",
          contentBase64: file.toString("base64"),
        },
        ...extra,
      });
    }

    /** A request with one recorded scan of the file; asserts the scan was stored. */
    async function scanned(hs: string, description: string, file: Buffer, scanType = "isotope_id") {
      const request = await acceptedRequest(hs, description);
      const res = await scan(request.id, file, scanType);
      assert.equal(res.statusCode, 201, res.body);
      return { ...request, view: res.json() };
    }

    const clear = (client: Client, id: string, override?: { reason: string }) =>
      client.post(`/api/inspection-requests/${id}/disposition`, {
        disposition: "cleared",
        ...(override ? { override } : {}),
      });

    /** Asserts that clearing is refused with 409 naming the reason, and that nothing changed. */
    async function assertGuarded(id: string, reason: string, message: RegExp) {
      const refused = await clear(officer, id);
      assert.equal(refused.statusCode, 409, refused.body);
      const body = refused.json();
      assert.equal(body.code, "inspection_request.clearance_guarded");
      assert.match(body.message, message);
      assert.match(body.message, /supervisor must override/);
      const findings = body.details.findings as Finding[];
      assert.ok(
        findings.some((f) => f.reasons.includes(reason)),
        JSON.stringify(findings),
      );
      const after = (await officer.get(`/api/inspection-requests/${id}`)).json();
      assert.equal(after.status, "results_recorded");
      assert.equal(after.disposition, null);
      assert.ok(
        (after.clearanceFindings as Finding[]).some((f) => f.reasons.includes(reason)),
        "the request shows what stands in the way",
      );
      return findings;
    }

    let snm: { id: string; reference: string; containerNo: string };
    let industrial: { id: string; reference: string };
    let clean: { id: string; reference: string };

    it("refuses to clear with one click when a scan found special nuclear material", async () => {
      snm = await scanned("392690", "PLASTIC ARTICLES", FILES.u235);
      const findings = await assertGuarded(snm.id, "snm", /special nuclear material.*U-235/);
      assert.ok(findings[0]?.nuclides.some((n) => n.startsWith("U-235")));
    });

    it("refuses to clear an industrial source, even one the declared scrap could explain", async () => {
      industrial = await scanned("720449", "FERROUS WASTE AND SCRAP", FILES.cs137);
      const findings = await assertGuarded(industrial.id, "industrial", /industrial source.*Cs-137/);
      assert.deepEqual(
        findings[0]?.reasons,
        ["industrial"],
        "scrap may carry an orphan source: consistent, still an industrial source",
      );
    });

    it("refuses to clear a portal alarm nobody explained", async () => {
      const r = await scanned("392690", "PLASTIC ARTICLES", FILES.portal, "radiation_portal");
      await assertGuarded(r.id, "investigate", /unexplained alarm/);
    });

    it("refuses to clear a result inconsistent with the declaration", async () => {
      const r = await scanned("392690", "PLASTIC ARTICLES", FILES.i131);
      assert.equal(r.view.scans[0].verdict, "medical", "a medical verdict alone is not guarded");
      const findings = await assertGuarded(r.id, "inconsistent", /inconsistent with the declaration: I-131 found/);
      assert.deepEqual(findings[0]?.reasons, ["inconsistent"]);
    });

    it("refuses to clear when the analysis advised reach-back, as for SNM", async () => {
      const r = await scanned("690721", "GLAZED CERAMIC TILES", FILES.th232);
      assert.deepEqual(r.view.clearanceFindings, [], "natural radioactivity in declared tiles needs no override");
      // The analysis adds `reachBack` for possible SNM; stored as the analysis would store it.
      await ctx()
        .database.db.updateTable("scan")
        .set({
          analysis: sql<string>`analysis || '{"reachBack": {"reason": "possible SNM — weak 186 keV line under thorium continuum"}}'::jsonb`,
        })
        .where("request_id", "=", r.id)
        .execute();
      const findings = await assertGuarded(r.id, "reach_back", /reach-back advised: possible SNM — weak 186 keV line/);
      assert.equal(findings[0]?.reachBack, "possible SNM — weak 186 keV line under thorium continuum");
    });

    it("lets a host supervisor clear with an override and a reason: kept, audited, and shown to the partner", async () => {
      const reason =
        "Reach-back (LLNL) reviewed the spectrum: depleted-uranium counterweights declared by the shipper; released";
      const res = await clear(supervisor, snm.id, { reason: `  ${reason}  ` });
      assert.equal(res.statusCode, 200, res.body);
      const cleared = res.json();
      assert.equal(cleared.status, "dispositioned");
      assert.equal(cleared.disposition, "cleared");
      assert.equal(cleared.dispositionOverride.reason, reason);
      assert.equal(cleared.dispositionOverride.by, "host.supervisor");
      assert.ok(cleared.dispositionOverride.findings.some((f: Finding) => f.reasons.includes("snm")));

      const seen = (await partner.get(`/api/inspection-requests/${snm.id}`)).json();
      assert.deepEqual(
        seen.dispositionOverride,
        cleared.dispositionOverride,
        "the partner sees who overrode, when, why and what",
      );
      const step = seen.timeline.at(-1);
      assert.equal(step.action, "disposition");
      assert.equal(step.by, "host.supervisor");
      assert.equal(step.override.reason, reason);
      const told = (await partner.get("/api/notifications"))
        .json()
        .find((n: { kind: string; requestId: string }) => n.kind === "override" && n.requestId === snm.id);
      assert.deepEqual(
        told?.params,
        { reference: snm.reference, containerNo: snm.containerNo, disposition: "cleared", reason },
        "the partner's targeter is told, with the wording's parameters",
      );

      for (const auditor of [hostAuditor, partnerAuditor]) {
        const events = (
          await auditor.get(`/api/audit-events?entityId=${snm.id}&action=inspection_request.dispositioned`)
        ).json().items;
        assert.equal(events.length, 1);
        assert.equal(events[0].actorUsername, "host.supervisor");
        assert.equal(events[0].payload.override.reason, reason);
        assert.ok(events[0].payload.override.findings.some((f: { reasons: string[] }) => f.reasons.includes("snm")));
      }
      const stored = await ctx()
        .database.db.selectFrom("disposition_override")
        .selectAll()
        .where("request_id", "=", snm.id)
        .execute();
      assert.equal(stored.length, 1);
      assert.equal(stored[0]?.reason, reason);
      assert.equal(stored[0]?.disposition, "cleared");
    });

    it("refuses an override from a scan officer (403), without a reason (400), or on another disposition (400)", async () => {
      const reason = { reason: "Officer thinks it is fine" };
      const byOfficer = await clear(officer, industrial.id, reason);
      assert.equal(byOfficer.statusCode, 403, byOfficer.body);
      assert.match(byOfficer.json().message, /host supervisor/);
      for (const empty of ["", "   "]) {
        const res = await clear(supervisor, industrial.id, { reason: empty });
        assert.equal(res.statusCode, 400, res.body);
      }
      assert.equal((await clear(supervisor, industrial.id, { reason: "x".repeat(2001) })).statusCode, 400);
      const onHold = await supervisor.post(`/api/inspection-requests/${industrial.id}/disposition`, {
        disposition: "hold",
        override: reason,
      });
      assert.equal(onHold.statusCode, 400, onHold.body);
      assert.equal(onHold.json().code, "inspection_request.override_not_applicable");
      assert.equal(
        (
          await partnerSupervisor.post(`/api/inspection-requests/${industrial.id}/disposition`, {
            disposition: "cleared",
            override: reason,
          })
        ).statusCode,
        403,
        "the partner dispositions nothing",
      );
      assert.equal(
        (
          await ctx()
            .database.db.selectFrom("disposition_override")
            .select("id")
            .where("request_id", "=", industrial.id)
            .execute()
        ).length,
        0,
      );
    });

    it("does not guard hold, do-not-load or referral, and still guards clearing after them", async () => {
      for (const disposition of ["hold", "referred", "do_not_load"]) {
        const res = await officer.post(`/api/inspection-requests/${industrial.id}/disposition`, { disposition });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().disposition, disposition);
        assert.equal(res.json().dispositionOverride, null);
      }
      const res = await clear(officer, industrial.id);
      assert.equal(res.statusCode, 409);
      assert.equal(res.json().code, "inspection_request.clearance_guarded");
    });

    it("clears an unguarded scan with one click, and refuses an override that overrides nothing", async () => {
      clean = await scanned("690721", "GLAZED CERAMIC TILES", FILES.th232);
      const needless = await clear(supervisor, clean.id, { reason: "Just in case" });
      assert.equal(needless.statusCode, 409);
      assert.equal(needless.json().code, "inspection_request.nothing_to_override");
      const res = await clear(officer, clean.id);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().disposition, "cleared");
      assert.equal(res.json().dispositionOverride, null);
      assert.equal(res.json().timeline.at(-1).override, null);
    });

    it("refuses a scan recorded with a clearance it finds a reason against, and stores nothing of it", async () => {
      const r = await acceptedRequest("392690", "PLASTIC ARTICLES");
      const res = await scan(r.id, FILES.cs137, "isotope_id", { disposition: "cleared" });
      assert.equal(res.statusCode, 409, res.body);
      assert.equal(res.json().code, "inspection_request.clearance_guarded");
      const after = (await officer.get(`/api/inspection-requests/${r.id}`)).json();
      assert.equal(after.status, "accepted");
      assert.equal(after.scans.length, 0);
    });

    it("tells both agencies' supervisors of an SNM scan, in the app and live, and no one else", async () => {
      const notes = async (client: Client) =>
        (await client.get("/api/notifications")).json<
          { kind: string; requestId: string; message: string; params: Record<string, unknown> | null }[]
        >();
      for (const client of [supervisor, partnerSupervisor]) {
        const alerts = (await notes(client)).filter((n) => n.kind === "snm_alert" && n.requestId === snm.id);
        assert.equal(alerts.length, 1, "one alert per agency");
        assert.equal(alerts[0]?.params?.reference, snm.reference);
        assert.equal(alerts[0]?.params?.scanType, "isotope_id");
        assert.equal(alerts[0]?.params?.verdict, "snm");
        assert.match(String(alerts[0]?.params?.nuclides), /U-235 \(SNM, \d+%\)/);
        assert.match(
          alerts[0]?.message ?? "",
          new RegExp(`^${snm.reference} \\(\\w{11}\\): possible special nuclear material`),
        );
        assert.match(alerts[0]?.message ?? "", /isotope id scan found .*U-235 \(SNM, \d+%\).*verdict snm/);
      }
      for (const client of [partner, officer, korea]) {
        assert.equal(
          (await notes(client)).filter((n) => n.kind === "snm_alert").length,
          0,
          "targeters and officers are not the ones alerted",
        );
      }
      for (const r of [industrial, clean]) {
        assert.equal(
          (await notes(supervisor)).filter((n) => n.kind === "snm_alert" && n.requestId === r.id).length,
          0,
          "no alert without SNM",
        );
      }
      assert.equal((await korea.get(`/api/inspection-requests/${snm.id}`)).statusCode, 404);
      const koreaEvents = (await koreaAuditor.get("/api/audit-events?action=inspection_request.snm_alert")).json()
        .items;
      assert.equal(koreaEvents.length, 0);
      const partnerEvents = (
        await partnerAuditor.get(`/api/audit-events?action=inspection_request.snm_alert&entityId=${snm.id}`)
      ).json().items;
      assert.equal(partnerEvents.length, 1);
      assert.equal(partnerEvents[0].payload.verdict, "snm");

      // Live: the partner's supervisor hears of the next SNM scan while the page is open.
      const login = await app.inject({
        method: "POST",
        url: "/api/session",
        payload: { username: "partner.supervisor", password: TEST_PASSWORD },
      });
      const cookie = `reciprocity_session=${login.cookies.find((c) => c.name === "reciprocity_session")?.value ?? ""}`;
      const stream = awaitChange(port, cookie, "inspection_request.snm_alert");
      await new Promise((resolve) => setTimeout(resolve, 200));
      try {
        const again = await scanned("392690", "PLASTIC ARTICLES", FILES.u235);
        const change = await stream.change;
        assert.equal(change.entityId, again.id);
      } finally {
        stream.close();
      }
    });
  },
);

describe("clearance findings and SNM alerts, from the stored analysis", () => {
  // Built as stored JSON is read back: the report's type grows while the analysis does.
  const report = (over: Record<string, unknown> = {}): AnalysisReport =>
    ({
      file: "f.n42",
      format: null,
      instrument: null,
      measurements: [],
      alarms: [],
      nuclides: [],
      errors: [],
      verdict: "no_alarm",
      warnings: [],
      ...over,
    }) as unknown as AnalysisReport;
  const scanOf = (
    id: string,
    scanType: ScanView["scanType"],
    scannedAt: string,
    analysis: AnalysisReport,
    isInconsistent = false,
  ): ScanView => ({
    id,
    scanType,
    outcome: "alarm",
    notes: "",
    officer: "scan.officer",
    site: null,
    device: null,
    startedAt: null,
    scannedAt,
    recordedAt: scannedAt,
    file: null,
    verdict: analysis.verdict,
    isInconsistent,
    inconsistency: isInconsistent ? "Cs-137 found; declared plastic articles would not contain it" : null,
    analysis,
  });
  const u235 = {
    name: "U-235",
    category: "SNM",
    confidence: 0.9,
    evidence: { measurement: "m", peaksKeV: [186], lineScore: 1 },
  };

  it("reads reach-back advice whatever shape the stored JSON has", () => {
    assert.equal(reachBackOf(null), null);
    assert.equal(reachBackOf({ verdict: "snm" }), null);
    assert.equal(reachBackOf({ reachBack: { reason: " possible SNM " } }), "possible SNM");
    assert.equal(reachBackOf({ reachBack: {} }), "reach-back advised");
    assert.equal(reachBackOf({ reachBack: null }), null);
  });

  it("counts the latest analysed scan of each kind, but SNM on every scan", () => {
    const findings = clearanceFindings([
      scanOf("a", "isotope_id", "2026-11-27T08:00:00.000Z", report({ verdict: "snm", nuclides: [u235] })),
      scanOf("b", "radiation_portal", "2026-11-27T08:05:00.000Z", report({ verdict: "investigate" })),
      scanOf("c", "isotope_id", "2026-11-27T08:10:00.000Z", report({ verdict: "industrial" }), true),
      scanOf("d", "radiation_portal", "2026-11-27T08:20:00.000Z", report({ verdict: "norm_nuisance" })),
    ]);
    assert.deepEqual(
      findings.map((f) => [f.scanId, f.reasons]),
      [
        ["a", ["snm"]],
        ["c", ["industrial", "inconsistent"]],
      ],
      "the re-run portal explains its first alarm; a later handheld does not undo SNM",
    );
    assert.match(
      findings[0]?.summary ?? "",
      /^isotope id scan at 2026-11-27 08:00 UTC: special nuclear material \(U-235 \(SNM\)\)$/,
    );
  });

  it("alerts on an SNM verdict or on reach-back advice, and says what was found", () => {
    assert.equal(snmAlertOf(report({ verdict: "industrial" })), null);
    const snm = snmAlertOf(report({ verdict: "snm", nuclides: [u235] }));
    assert.deepEqual(snm, { verdict: "snm", nuclides: ["U-235 (SNM, 90%)"], reachBack: null });
    const graded = snmAlertOf(
      report({
        verdict: "snm",
        nuclides: [
          { ...u235, status: "possible" },
          { ...u235, name: "K-40", category: "NORM", status: "background" },
        ],
      }),
    );
    assert.deepEqual(graded?.nuclides, ["U-235 (SNM, possible, 90%)"], "background nuclides are left out");
    const advised = snmAlertOf(
      report({ verdict: "industrial", reachBack: { reason: "possible SNM — reach-back advised" } }),
    );
    assert.ok(advised);
    assert.equal(
      snmAlertMessage({ reference: "IR-JPCUS-2026-000007", containerNo: "MSKU7351770" }, "isotope_id", advised),
      "IR-JPCUS-2026-000007 (MSKU7351770): possible special nuclear material — isotope id scan found no nuclide identified; verdict industrial; reach-back advised: possible SNM — reach-back advised. Review the request before the container is loaded.",
    );
  });
});
