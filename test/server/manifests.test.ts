import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

const HEADER =
  "bill_of_lading,message_ref,function,carrier_scac,vessel_name,vessel_imo,voyage,port_of_loading,port_of_discharge,final_destination,etd,shipper_name,shipper_country,consignee_name,consignee_country,container_number,size_type,seal,hs_code,description,packages,gross_weight_kg";

function row(
  bill: string,
  ref: string,
  fn: string,
  pod: string,
  consignee: string,
  container: string,
  hs = "690721",
  desc = "PORCELAIN FLOOR TILES",
): string {
  return `${bill},${ref},${fn},ONEY,RECIPROCITY STAR,9356127,042W,USLAX,${pod},,2026-11-29T06:00,PACIFIC TILE EXPORTS INC,US,${consignee},JP,${container},22G1,SL1,${hs},${desc},60,24000`;
}

const sharedDir = path.resolve(import.meta.dirname, "../../../shared/tradedata");

describeOnEngines(
  "manifest ingest",
  (database) => seedTestWorld(database.db, 60),
  (ctx) => {
    let app: FastifyInstance;
    let admin: Client;
    let partner: Client;
    let hostTargeter: Client;

    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      admin = await loginAs(app, "host.admin");
      partner = await loginAs(app, "partner.targeter");
      hostTargeter = await loginAs(app, "host.targeter");
    });
    after(async () => {
      await app.close();
    });

    it("rejects ingest without login and from roles that may not ingest", async () => {
      const anonymous = await app.inject({
        method: "POST",
        url: "/api/manifests",
        headers: { "content-type": "text/csv" },
        payload: HEADER,
      });
      assert.equal(anonymous.statusCode, 401);
      const byPartner = await partner.postRaw("/api/manifests?format=csv", HEADER, "text/csv");
      assert.equal(byPartner.statusCode, 403);
      const byTargeter = await hostTargeter.postRaw("/api/manifests?format=csv", HEADER, "text/csv");
      assert.equal(byTargeter.statusCode, 403);
    });

    it("lands good records, quarantines the bad one with where and why, and reports both", async () => {
      const text = [
        HEADER,
        row("TST0000001", "M1", "original", "JPTYO", "KERAMIK TRADING KK", "CSQU3054383"),
        row("TST0000002", "M1", "original", "JPUKB", "HOKKAI NOKYO", "MSCU6639871"),
        row("TST0000003", "M1", "original", "KRPUS", "HANIL CO LTD", "MWCU6059784"),
      ].join("\n");
      const res = await admin.postRaw("/api/manifests?format=csv&fileName=feed.csv", text, "text/csv");
      assert.equal(res.statusCode, 201, res.body);
      const report = res.json();
      assert.equal(report.format, "csv");
      assert.equal(report.shipments, 2);
      assert.equal(report.inserted, 2);
      assert.equal(report.quarantined, 1);
      const bad = report.errors.find((e: { code: string }) => e.code === "ingest.bad_container");
      assert.ok(bad, JSON.stringify(report.errors));
      assert.match(bad.message, /MSCU6639871/);
      assert.ok(
        report.errors.some(
          (e: { where: string; code: string }) => e.code.includes("check_digit") && /row \d/.test(e.where),
        ),
        JSON.stringify(report.errors),
      );
      const quarantine = (await admin.get("/api/quarantine?status=open")).json().items;
      assert.equal(quarantine.length, 1);
      assert.match(quarantine[0].rawText, /TST0000002/);
      assert.match(quarantine[0].rawText, /^bill_of_lading,/);
      const shared = (await partner.get("/api/shipments?q=tst000000&limit=50"))
        .json()
        .items.map((s: { billOfLading: string }) => s.billOfLading);
      assert.deepEqual(shared, ["TST0000001"], "the partner sees only the Japan-bound one");
    });

    it("changes nothing when the same file arrives twice", async () => {
      const text = [HEADER, row("TST0000010", "M10", "original", "JPYOK", "DAIICHI SHOJI CO LTD", "CMAU5127498")].join(
        "\n",
      );
      const first = (await admin.postRaw("/api/manifests?format=csv", text, "text/csv")).json();
      const second = (await admin.postRaw("/api/manifests?format=csv", text, "text/csv")).json();
      assert.equal(first.inserted, 1);
      assert.equal(second.inserted, 0);
      assert.equal(second.duplicates, 1);
      const found = (await hostTargeter.get("/api/shipments?q=tst0000010")).json().items;
      assert.equal(found.length, 1);
      const versions = (await hostTargeter.get(`/api/shipments/${found[0].id}/versions`)).json();
      assert.equal(versions.length, 1);
    });

    it("keeps every version of an amended shipment with a field diff, and cancels", async () => {
      await admin.postRaw(
        "/api/manifests?format=csv",
        [HEADER, row("TST0000020", "M20", "original", "JPTYO", "SAKURA BUSSAN CO LTD", "CXRU1255022")].join("\n"),
        "text/csv",
      );
      const replaced = (
        await admin.postRaw(
          "/api/manifests?format=csv",
          [HEADER, row("TST0000020", "M21", "replace", "JPNGO", "SAKURA BUSSAN CO LTD", "CXRU1255022")].join("\n"),
          "text/csv",
        )
      ).json();
      assert.equal(replaced.replaced, 1);
      const id = (await partner.get("/api/shipments?q=tst0000020")).json().items[0].id;
      const versions = (await partner.get(`/api/shipments/${id}/versions`)).json();
      assert.deepEqual(
        versions.map((v: { version: number }) => v.version),
        [2, 1],
      );
      assert.deepEqual(versions[0].diff, [{ field: "portOfDischarge", from: "JPTYO", to: "JPNGO" }]);
      const detail = (await partner.get(`/api/shipments/${id}`)).json();
      assert.equal(detail.portOfDischarge, "JPNGO");
      assert.equal(detail.version, 2);
      const cancelled = (
        await admin.postRaw(
          "/api/manifests?format=csv",
          [HEADER, row("TST0000020", "M22", "cancel", "JPNGO", "SAKURA BUSSAN CO LTD", "CXRU1255022")].join("\n"),
          "text/csv",
        )
      ).json();
      assert.equal(cancelled.cancelled, 1);
      const unknownCancel = (
        await admin.postRaw(
          "/api/manifests?format=csv",
          [HEADER, row("TST0000099", "M23", "cancel", "JPNGO", "X KK", "CXRU1255022")].join("\n"),
          "text/csv",
        )
      ).json();
      assert.equal(unknownCancel.quarantined, 1);
      assert.equal(unknownCancel.errors[0].code, "ingest.cancel_unknown");
    });

    it("fixes a quarantined record by resubmitting corrected text, and scores the shipment it lands", async () => {
      const open = (await admin.get("/api/quarantine?status=open"))
        .json()
        .items.find((q: { rawText: string }) => q.rawText.includes("TST0000002"));
      const fixed = open.rawText.replace("MSCU6639871", "MSKU7351770");
      const res = await admin.post(`/api/quarantine/${open.id}/resubmission`, { text: fixed });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().isResolved, true);
      assert.equal(res.json().report.inserted, 1);
      const scored = await ctx()
        .database.db.selectFrom("shipment_score as sc")
        .innerJoin("shipment as s", "s.id", "sc.shipment_id")
        .innerJoin("agency as a", "a.id", "sc.agency_id")
        .select(["a.code", "sc.shipment_version"])
        .where("s.bill_of_lading", "=", "TST0000002")
        .orderBy("a.code")
        .execute();
      assert.deepEqual(
        scored,
        [
          { code: "JPCUS", shipment_version: 1 },
          { code: "USCBP", shipment_version: 1 },
        ],
        "scored by the host and the partner as it lands",
      );
      const again = await admin.post(`/api/quarantine/${open.id}/resubmission`, { text: fixed });
      assert.equal(again.statusCode, 409);
    });

    it("reads the real X12 310 and stores container events from terminal messages once", async () => {
      const x12 = readFileSync(path.join(sharedDir, "x12/x12-004010-310-apimeister.edi"), "utf8");
      const report = (await admin.postRaw("/api/manifests?fileName=x12-310.edi", x12, "application/x12")).json();
      assert.equal(report.format, "x12-310");
      assert.equal(report.messages, 1);
      assert.equal(report.shipments, 1);
      const ours = readFileSync(
        path.resolve(import.meta.dirname, "../trade/fixtures/codeco-d95b-gate-in-own.edi"),
        "utf8",
      );
      const first = (await admin.postRaw("/api/manifests?fileName=codeco.edi", ours, "application/edifact")).json();
      const second = (await admin.postRaw("/api/manifests?fileName=codeco.edi", ours, "application/edifact")).json();
      assert.equal(first.format, "codeco");
      assert.ok(first.events > 0, JSON.stringify(first));
      assert.equal(second.events, 0);
    });

    it("lists batch reports for the host and hides them from the partner", async () => {
      const batches = (await admin.get("/api/ingest-batches?limit=100")).json().items;
      assert.ok(batches.length >= 5);
      assert.ok(batches.every((b: { status: string }) => b.status === "completed"));
      const report = (await admin.get(`/api/ingest-batches/${batches[0].id}`)).json();
      assert.equal(report.batchId, batches[0].id);
      assert.equal((await partner.get(`/api/ingest-batches/${batches[0].id}`)).statusCode, 404);
      assert.equal((await partner.get("/api/ingest-batches")).json().items.length, 0);
    });

    it("takes manifests from a feed's API token and keeps the dry run off the database", async () => {
      const issued = await admin.post("/api/api-tokens", { name: "terminal feed" });
      assert.equal(issued.statusCode, 201);
      const headers = { authorization: `Bearer ${issued.json().token}`, "content-type": "text/csv" };
      const text = [HEADER, row("TST0000030", "M30", "original", "JPTYO", "ASAHI KK", "ZEPU0037255")].join("\n");
      const dry = await app.inject({
        method: "POST",
        url: "/api/manifests?format=csv&dryRun=true",
        headers,
        payload: text,
      });
      assert.equal(dry.statusCode, 200);
      assert.equal(dry.json().shipments, 1);
      assert.equal(dry.json().batchId, null);
      assert.equal((await hostTargeter.get("/api/shipments?q=tst0000030")).json().items.length, 0);
      const real = await app.inject({ method: "POST", url: "/api/manifests?format=csv", headers, payload: text });
      assert.equal(real.statusCode, 201);
      assert.equal((await hostTargeter.get("/api/shipments?q=tst0000030")).json().items.length, 1);
      const readAudit = await app.inject({ method: "GET", url: "/api/audit-events", headers });
      assert.equal(readAudit.statusCode, 403);
      const bogus = await app.inject({
        method: "POST",
        url: "/api/manifests",
        headers: { ...headers, authorization: "Bearer rcp_nope" },
        payload: text,
      });
      assert.equal(bogus.statusCode, 401);
    });

    it("lands the SMDG 3.1 bay plan's good cell, sets the lost one aside, and says so on the batch page", async () => {
      const smdg = readFileSync(path.join(sharedDir, "edifact/baplie-d13b-smdg31-example-edifabric.edi"), "utf8");
      const report = (await admin.postRaw("/api/manifests?fileName=smdg31.edi", smdg, "application/edifact")).json();
      assert.equal(report.format, "baplie");
      assert.equal(report.stowage, 1);
      assert.equal(report.unmatched, 1);
      assert.deepEqual(report.records, { read: 2, landed: 1, quarantined: 0, setAside: 1 });
      assert.deepEqual(
        report.setAside.map((s: { code: string; count: number }) => [s.code, s.count]),
        [["ingest.stowage_bad_container", 1]],
      );
      const page = (await admin.get(`/api/ingest-batches/${report.batchId}`)).json();
      assert.deepEqual(page.records, report.records);
      assert.deepEqual(page.setAside, report.setAside);
      const listed = (await admin.get("/api/ingest-batches?limit=100"))
        .json()
        .items.find((b: { id: string }) => b.id === report.batchId);
      assert.equal(listed.status, "completed");
    });

    it("rejects a file of which nothing could be used, with the reason, and does not call its batch completed", async () => {
      const status = readFileSync(path.join(sharedDir, "edifact/iftsta-d96a-ean004-example-edifabric.edi"), "utf8");
      const report = (await admin.postRaw("/api/manifests?fileName=iftsta.edi", status, "application/edifact")).json();
      assert.deepEqual(report.records, { read: 6, landed: 0, quarantined: 0, setAside: 6 });
      const reason = report.errors.find((e: { code: string }) => e.code === "ingest.nothing_usable");
      assert.match(reason?.message ?? "", /status names no container/);
      const listed = (await admin.get("/api/ingest-batches?limit=100"))
        .json()
        .items.find((b: { id: string }) => b.id === report.batchId);
      assert.equal(listed.status, "rejected");
    });
  },
);
