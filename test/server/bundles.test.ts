import assert from "node:assert/strict";
import { createHash, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { publicKeysOf } from "../../src/domain/bundles/keys.ts";
import { readTar, writeTar } from "../../src/domain/bundles/tar.ts";
import { verifyBundle } from "../../src/domain/bundles/verify.ts";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CS137 = path.resolve(repoRoot, "../shared/raddata/n42-2006/rase_generic-NaI/VABCD_M001_Cs137.n42");
// A 1×1 PNG: the image evidence a gamma imager would attach.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

/** The archive entry's bytes, by path. */
function entry(bundle: Uint8Array, entryPath: string): Uint8Array {
  const found = readTar(bundle).entries.find((e) => e.path === entryPath);
  assert.ok(found, `no ${entryPath} in the bundle`);
  return found.bytes;
}

/** A copy of the bundle with one byte of the named entry's content flipped in place. */
function flipInEntry(bundle: Uint8Array, entryPath: string, at: number): Uint8Array {
  const bytes = entry(bundle, entryPath);
  const copy = new Uint8Array(bundle);
  const offset = bytes.byteOffset - bundle.byteOffset + at;
  copy[offset] = (copy[offset] as number) ^ 0x01;
  return copy;
}

/** Repacks the bundle with one entry replaced or added. */
function repack(bundle: Uint8Array, entryPath: string, bytes: Uint8Array): Uint8Array {
  const { entries } = readTar(bundle);
  const rest = entries.filter((e) => e.path !== entryPath);
  return writeTar([...rest, { path: entryPath, bytes }], entries[0]?.mtime ?? 0);
}

function problemsOf(bytes: Uint8Array): string[] {
  const verdict = verifyBundle(bytes);
  assert.equal(verdict.ok, false, "a tampered bundle must not verify");
  return verdict.problems;
}

describeOnEngines(
  "signed result bundles",
  (database) => seedTestWorld(database.db, 80),
  (ctx) => {
    let app: FastifyInstance;
    let partner: Client;
    let supervisor: Client;
    let officer: Client;
    let requestId: string;
    let reference: string;
    let bundle: Uint8Array;

    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      partner = await loginAs(app, "partner.targeter");
      supervisor = await loginAs(app, "host.supervisor");
      officer = await loginAs(app, "scan.officer");
      const { japanBound } = ctx().fixture;
      const created = await partner.post("/api/inspection-requests", {
        shipmentId: japanBound.id,
        containerNo: japanBound.containerNo,
        reason: "Radiological targeting hit",
      });
      assert.equal(created.statusCode, 201, created.body);
      ({ id: requestId, reference } = created.json());
      assert.equal(
        (await supervisor.post(`/api/inspection-requests/${requestId}/decision`, { decision: "accept" })).statusCode,
        200,
      );
      const scans = [
        {
          scanType: "xray_image",
          outcome: "no_anomaly",
          notes: "Image clean",
          device: "VACIS M6500",
          attachment: { fileName: "front wall.png", mediaType: "image/png", contentBase64: PNG.toString("base64") },
        },
        {
          scanType: "isotope_id",
          outcome: "alarm",
          notes: "Handheld on hot spot",
          device: "NaI handheld",
          attachment: {
            fileName: "cs137.n42",
            mediaType: "application/xml",
            contentBase64: readFileSync(CS137).toString("base64"),
          },
        },
      ];
      for (const scan of scans) {
        const res = await officer.post(`/api/inspection-requests/${requestId}/scans`, scan);
        assert.equal(res.statusCode, 201, res.body);
      }
      const res = await partner.get(`/api/inspection-requests/${requestId}/bundle`);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers["content-type"], "application/x-tar");
      assert.equal(res.headers["content-disposition"], `attachment; filename="${reference}-result-bundle.tar"`);
      bundle = new Uint8Array(res.rawPayload);
    });
    after(async () => {
      await app.close();
    });

    it("gives the partner a bundle that verifies, with the key taken from the bundle itself reported", () => {
      const verdict = verifyBundle(bundle);
      assert.deepEqual(verdict.problems, []);
      assert.equal(verdict.ok, true);
      assert.equal(verdict.reference, reference);
      assert.equal(verdict.hostAgency, "USCBP");
      assert.equal(verdict.isKeyPinned, false);
      assert.match(verdict.warnings.join("\n"), /taken from the bundle itself \(not pinned\)/);
      const paths = readTar(bundle).entries.map((e) => e.path);
      assert.deepEqual(paths, [...paths].sort(), "entries are written in path order");
      assert.deepEqual(
        readTar(bundle)
          .entries.map((e) => e.path.replace(/[0-9a-f]{64}/, "<sha>"))
          .sort(),
        [
          "custody.json",
          "files/<sha>-cs137.n42",
          "files/<sha>-front_wall.png",
          "manifest.json",
          "request.json",
          "scans.json",
          "signature.json",
        ],
      );
    });

    it("carries the manifest extract, the history, the analyses and every file byte for byte", () => {
      const cs137 = readFileSync(CS137);
      const sha = createHash("sha256").update(cs137).digest("hex");
      assert.deepEqual(Buffer.from(entry(bundle, `files/${sha}-cs137.n42`)), cs137);
      const manifest = JSON.parse(Buffer.from(entry(bundle, "manifest.json")).toString("utf8"));
      assert.equal(manifest.billOfLading, ctx().fixture.japanBound.billOfLading);
      assert.ok(
        manifest.shipment.containers.some(
          (c: { containerNo: string }) => c.containerNo === ctx().fixture.japanBound.containerNo,
        ),
      );
      assert.ok(manifest.shipment.voyage.loadingCutoff);
      assert.ok(manifest.shipment.goods.length > 0);
      const request = JSON.parse(Buffer.from(entry(bundle, "request.json")).toString("utf8"));
      assert.deepEqual(
        request.timeline.map((t: { action: string }) => t.action),
        ["request", "accept", "record_result", "record_result"],
      );
      const scans = JSON.parse(Buffer.from(entry(bundle, "scans.json")).toString("utf8"));
      const iso = scans.find((s: { scanType: string }) => s.scanType === "isotope_id");
      assert.equal(iso.officer, "scan.officer");
      assert.equal(iso.device, "NaI handheld");
      assert.equal(iso.file.path, `files/${sha}-cs137.n42`);
      assert.ok(iso.analysis.nuclides.some((n: { name: string }) => n.name === "Cs-137"));
      assert.equal(typeof iso.declarationCheck.isInconsistent, "boolean");
      const custody = JSON.parse(Buffer.from(entry(bundle, "custody.json")).toString("utf8"));
      assert.deepEqual(
        custody.entries.find((e: { path: string }) => e.path === iso.file.path),
        { path: iso.file.path, sha256: sha, size: cs137.byteLength },
      );
    });

    it("verifies against the host's pinned key, signs every bundle with the same key, and refuses a foreign key", async () => {
      const keys = await publicKeysOf(ctx().database.db, "USCBP");
      assert.equal(keys.length, 1);
      const pinned = verifyBundle(bundle, { trustedPublicKeyPem: keys[0]?.publicKeyPem as string });
      assert.equal(pinned.ok, true, pinned.problems.join("\n"));
      assert.equal(pinned.isKeyPinned, true);
      assert.equal(pinned.keyId, keys[0]?.keyId);
      const hostCopy = await supervisor.get(`/api/inspection-requests/${requestId}/bundle`);
      assert.equal(hostCopy.statusCode, 200);
      assert.equal(hostCopy.headers["x-bundle-key-id"], keys[0]?.keyId);
      assert.equal((await publicKeysOf(ctx().database.db, "USCBP")).length, 1, "the key is created once");
      assert.deepEqual(await publicKeysOf(ctx().database.db, "JPCUS"), [], "the partner does not sign");
      const foreign = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
      const refused = verifyBundle(bundle, { trustedPublicKeyPem: foreign });
      assert.equal(refused.ok, false);
      assert.match(refused.problems.join("\n"), /not the pinned key/);
      assert.match(refused.problems.join("\n"), /does not verify/);
    });

    it("fails when one byte of an instrument file changes", () => {
      const sha = createHash("sha256").update(readFileSync(CS137)).digest("hex");
      const problems = problemsOf(flipInEntry(bundle, `files/${sha}-cs137.n42`, 1000));
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.match(
        problems[0] as string,
        new RegExp(`^files/${sha}-cs137\\.n42 was changed: its sha256 is [0-9a-f]{64}, custody\\.json says ${sha}$`),
      );
    });

    it("fails when one byte of custody.json or of the signature changes", () => {
      const custody = problemsOf(flipInEntry(bundle, "custody.json", 40));
      assert.match(custody.join("\n"), /the signature over custody\.json does not verify/);
      const doc = JSON.parse(Buffer.from(entry(bundle, "signature.json")).toString("utf8"));
      const raw = Buffer.from(doc.signature, "base64");
      raw[10] = (raw[10] as number) ^ 0x01;
      const forged = repack(
        bundle,
        "signature.json",
        Buffer.from(JSON.stringify({ ...doc, signature: raw.toString("base64") })),
      );
      assert.match(problemsOf(forged).join("\n"), /the signature over custody\.json does not verify/);
      const edited = problemsOf(flipInEntry(bundle, "signature.json", 12));
      assert.ok(edited.length > 0);
    });

    it("fails when an entry is added, and when a header byte changes", () => {
      const extra = problemsOf(repack(bundle, "files/extra.txt", Buffer.from("planted\n")));
      assert.deepEqual(extra, ["files/extra.txt is in the archive but not listed in custody.json"]);
      const header = new Uint8Array(bundle);
      header[140] = (header[140] as number) ^ 0x01; // inside the first entry's mtime
      assert.match(problemsOf(header).join("\n"), /fails its header checksum/);
    });

    it("fails for a flipped byte anywhere (sampled across the whole archive)", () => {
      for (let at = 0; at < bundle.byteLength; at += 211) {
        const copy = new Uint8Array(bundle);
        copy[at] = (copy[at] as number) ^ 0x20;
        assert.equal(verifyBundle(copy).ok, false, `a flip at byte ${at} went unnoticed`);
      }
    });

    it("audits the download for both agencies, with the hash of its custody.json and its length", async () => {
      for (const auditor of ["partner.auditor", "host.auditor"]) {
        const log = (await (await loginAs(app, auditor)).get("/api/audit-events?action=bundle.downloaded")).json()
          .items;
        assert.ok(log.length >= 1, auditor);
        assert.equal(log.at(-1).entityId, requestId);
        assert.equal(log.at(-1).payload.reference, reference);
        // The archive is canonical, so these two pin every byte the partner received.
        assert.equal(
          log.at(-1).payload.custodySha256,
          createHash("sha256").update(entry(bundle, "custody.json")).digest("hex"),
        );
        assert.equal(log.at(-1).payload.archiveBytes, bundle.byteLength);
      }
    });

    it("answers 404 to an agency not party to the request, and for an unknown id; 401 without a session", async () => {
      const korea = await loginAs(app, "kr.targeter");
      const hidden = await korea.get(`/api/inspection-requests/${requestId}/bundle`);
      assert.equal(hidden.statusCode, 404);
      assert.equal(hidden.json().code, "inspection_request.not_found");
      assert.equal(
        (await partner.get("/api/inspection-requests/00000000-0000-4000-8000-000000000000/bundle")).statusCode,
        404,
      );
      const anonymous = await app.inject({ method: "GET", url: `/api/inspection-requests/${requestId}/bundle` });
      assert.equal(anonymous.statusCode, 401);
      assert.equal(anonymous.json().code, "auth.required");
    });
  },
);
