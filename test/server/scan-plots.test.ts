import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { synthesizeHandheldN42, synthesizePortalN42 } from "../../src/radiation/synthetic/index.ts";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

const raddata = path.resolve(import.meta.dirname, "../../../shared/raddata");

interface Series {
  name: string;
  cps: number[];
  backgroundCps: number;
  thresholdCps: number;
}

describeOnEngines(
  "scan plot data",
  (database) => seedTestWorld(database.db, 80),
  (ctx) => {
    let app: FastifyInstance;
    let partner: Client;
    let officer: Client;
    const scans: Record<string, string> = {};

    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      partner = await loginAs(app, "partner.targeter");
      officer = await loginAs(app, "scan.officer");
      const supervisor = await loginAs(app, "host.supervisor");
      const { japanBound } = ctx().fixture;
      const request = (
        await partner.post("/api/inspection-requests", {
          shipmentId: japanBound.id,
          containerNo: japanBound.containerNo,
          reason: "Radiological concern",
        })
      ).json();
      await supervisor.post(`/api/inspection-requests/${request.id}/decision`, { decision: "accept" });
      const files: [string, string, string, Uint8Array][] = [
        [
          "spectrum",
          "isotope_id",
          "cs137.n42",
          readFileSync(path.join(raddata, "n42-2006/rase_generic-NaI/VABCD_M001_Cs137.n42")),
        ],
        [
          "portal",
          "radiation_portal",
          "occupancy.n42",
          synthesizePortalN42({
            seed: 23,
            cargoMassKg: 10000,
            sources: [{ nuclide: "Cs-137", activityBq: 5e6, lateralM: 0.8 }],
          }).bytes,
        ],
        [
          "shortPortal",
          "radiation_portal",
          "short.n42",
          synthesizePortalN42({ seed: 5, preSeconds: 0.5, postSeconds: 0.5 }).bytes,
        ],
        // A careless or hostile file whose samples last no time: every rate would be infinite.
        [
          "zeroInterval",
          "radiation_portal",
          "zero.n42",
          Buffer.from(
            Buffer.from(synthesizePortalN42({ seed: 6, preSeconds: 0.5, postSeconds: 0.5 }).bytes)
              .toString()
              .replaceAll("<RealTimeDuration>PT0.1S<", "<RealTimeDuration>PT0S<"),
          ),
        ],
        [
          "handheld",
          "isotope_id",
          "idf.n42",
          synthesizeHandheldN42({
            detector: "IdentiFINDER-NG",
            sources: [{ nuclide: "Cs-137" }],
            liveTimeS: 30,
            seed: 3,
          }).bytes,
        ],
      ];
      for (const [key, scanType, fileName, bytes] of files) {
        const res = await officer.post(`/api/inspection-requests/${request.id}/scans`, {
          scanType,
          outcome: "alarm",
          notes: key,
          attachment: { fileName, mediaType: "application/xml", contentBase64: Buffer.from(bytes).toString("base64") },
        });
        assert.equal(res.statusCode, 201, res.body);
        scans[key] = (res.json().scans as { id: string; notes: string }[]).find((s) => s.notes === key)!.id;
      }
    });
    after(async () => {
      await app.close();
    });

    it("gives a spectrum's bin energies and counts with the Cs-137 peak labelled near 662 keV", async () => {
      const res = await partner.get(`/api/scans/${scans.spectrum}/plot-data`);
      assert.equal(res.statusCode, 200, res.body);
      const data = res.json();
      assert.equal(data.portal.length, 0);
      assert.equal(data.spectra.length, 1);
      const s = data.spectra[0];
      assert.equal(s.energyKeV.length, 1024);
      assert.equal(s.counts.length, 1024);
      assert.equal(s.binChannels, 1);
      assert.ok(s.energyKeV[0] < 0 && s.energyKeV[1023] > 2800, `energy range ${s.energyKeV[0]}–${s.energyKeV[1023]}`);
      assert.ok(
        s.energyKeV.every((e: number, i: number) => i === 0 || e > s.energyKeV[i - 1]),
        "bin centres increase",
      );
      const cs = s.peaks.find((p: { nuclide: string }) => p.nuclide === "Cs-137");
      assert.ok(cs, JSON.stringify(s.peaks));
      assert.ok(Math.abs(cs.energyKeV - 662) < 10, `peak at ${cs.energyKeV}`);
    });

    it("scales the file's background spectrum to the foreground live time", async () => {
      const s = (await partner.get(`/api/scans/${scans.handheld}/plot-data`)).json().spectra[0];
      assert.ok(s.background, "the handheld file carries a background");
      assert.equal(s.background.length, s.counts.length);
      assert.ok(s.peaks.some((p: { nuclide: string }) => p.nuclide === "Cs-137"));
    });

    it("gives each gamma panel's rate with background and threshold from the stored analysis, and the neutron sum", async () => {
      const data = (await partner.get(`/api/scans/${scans.portal}/plot-data`)).json();
      assert.equal(data.spectra.length, 0);
      assert.equal(data.portal.length, 1);
      const p = data.portal[0];
      assert.equal(p.backgroundSource, "report");
      assert.equal(p.classification, "investigate");
      assert.equal(p.gamma.length, 4);
      assert.ok(p.timeS.length > 100 && p.timeS.length <= 5000);
      for (const g of p.gamma as Series[]) {
        assert.equal(g.cps.length, p.timeS.length);
        assert.ok(g.backgroundCps > 100, `${g.name} background ${g.backgroundCps}`);
        assert.ok(
          g.thresholdCps > g.backgroundCps && g.thresholdCps < 1.5 * g.backgroundCps,
          `${g.name} threshold ${g.thresholdCps}`,
        );
      }
      assert.ok(
        p.gamma.some((g: Series) => Math.max(...g.cps) > g.thresholdCps),
        "the Cs-137 source crosses the threshold",
      );
      assert.equal(p.neutron.cps.length, p.timeS.length);
      assert.ok(p.occupiedFromS > 0 && p.occupiedToS > p.occupiedFromS);
      assert.ok(p.occupiedToS <= p.timeS[p.timeS.length - 1] + 1);
    });

    it("computes the background from empty-lane samples when the analysis had none", async () => {
      const p = (await partner.get(`/api/scans/${scans.shortPortal}/plot-data`)).json().portal[0];
      assert.equal(p.backgroundSource, "empty_lane");
      assert.ok(p.gamma.every((g: Series) => g.backgroundCps > 0 && g.thresholdCps > g.backgroundCps));
    });

    it("names an occupancy whose samples last no time instead of plotting infinite rates", async () => {
      const res = await partner.get(`/api/scans/${scans.zeroInterval}/plot-data`);
      assert.equal(res.statusCode, 200, res.body);
      const data = res.json();
      assert.equal(data.portal.length, 0);
      assert.equal(data.errors.length, 1, JSON.stringify(data.errors));
      assert.match(data.errors[0], /^Occupancy .* cannot be plotted/);
    });

    it("answers 404 to an agency outside the agreement and for an unknown scan, 401 without a session", async () => {
      const korea = await loginAs(app, "kr.targeter");
      const hidden = await korea.get(`/api/scans/${scans.spectrum}/plot-data`);
      assert.equal(hidden.statusCode, 404);
      assert.equal(hidden.json().code, "scan.not_found");
      assert.equal((await partner.get("/api/scans/00000000-0000-4000-8000-000000000000/plot-data")).statusCode, 404);
      assert.equal(
        (await app.inject({ method: "GET", url: `/api/scans/${scans.spectrum}/plot-data` })).statusCode,
        401,
      );
    });
  },
);
