// Result bundles over a real HTTP connection, with evidence as large as a scan may carry: the
// archive is streamed from the file store, not built in memory first.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { publicKeysOf } from "../../src/domain/bundles/keys.ts";
import { readTar } from "../../src/domain/bundles/tar.ts";
import { verifyBundle } from "../../src/domain/bundles/verify.ts";
import { buildTestApp, loginAs } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { sessionCookie } from "../helpers/server-process.ts";
import { seedTestWorld, TEST_PASSWORD } from "../helpers/world.ts";

/** What a client got: status, headers, every byte that arrived, and whether the response ended properly. */
interface Download {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  complete: boolean;
}

/**
 * GETs the URL. With `whenStarted`, the client stops reading at the first bytes of the body, runs
 * it, then reads on: the server is held back by TCP flow control meanwhile, so it cannot have
 * produced much more of a large body.
 */
function download(url: string, cookie: string, whenStarted?: () => Promise<void>): Promise<Download> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { cookie } }, (res) => {
      const chunks: Buffer[] = [];
      let started = false;
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        if (whenStarted && !started) {
          started = true;
          res.pause();
          whenStarted().then(() => res.resume(), reject);
        }
      });
      // An aborted response also reports an error; `complete` says what happened.
      res.on("error", () => undefined);
      res.on("close", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          complete: res.complete,
        }),
      );
    });
    req.on("error", reject);
  });
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Random bytes (they do not compress) whose sha256 sorts after `after`'s, so their entry follows it in the archive. */
function bytesSortingAfter(size: number, after: string): Buffer {
  for (;;) {
    const bytes = randomBytes(size);
    if (sha256(bytes) > after) {
      return bytes;
    }
  }
}

describeOnEngines(
  "result bundles streamed over HTTP",
  (database) => seedTestWorld(database.db, 80),
  (ctx) => {
    let app: FastifyInstance;
    let bundleUrl: string;
    let cookie: string;
    // A radiograph of 20 MB (not a whole number of pieces), and a small file whose entry comes after it.
    const radiograph = randomBytes(20 * 1024 * 1024 - 12_345);
    const radiographSha = sha256(radiograph);
    const small = bytesSortingAfter(4096, radiographSha);
    const smallSha = sha256(small);

    /** Overwrites part of the small file in the store, bypassing it (as a failing disk or an intruder would). */
    async function overwrite(at: number, bytes: Uint8Array): Promise<void> {
      await sql`update stored_file set content = overlay(content placing ${bytes} from ${at + 1}::int) where sha256 = ${smallSha}`.execute(
        ctx().database.db,
      );
    }

    async function restore(): Promise<void> {
      await sql`update stored_file set content = ${small} where sha256 = ${smallSha}`.execute(ctx().database.db);
    }

    async function downloadsAudited(): Promise<number> {
      const auditor = await loginAs(app, "host.auditor");
      return (await auditor.get("/api/audit-events?action=bundle.downloaded&limit=500")).json().items.length;
    }

    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      await app.listen({ port: 0, host: "127.0.0.1" });
      const address = app.server.address();
      const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
      const partner = await loginAs(app, "partner.targeter");
      const { japanBound } = ctx().fixture;
      const created = await partner.post("/api/inspection-requests", {
        shipmentId: japanBound.id,
        containerNo: japanBound.containerNo,
        reason: "Radiological targeting hit",
      });
      assert.equal(created.statusCode, 201, created.body);
      const requestId = created.json().id as string;
      assert.equal(
        (
          await (
            await loginAs(app, "host.supervisor")
          ).post(`/api/inspection-requests/${requestId}/decision`, { decision: "accept" })
        ).statusCode,
        200,
      );
      const officer = await loginAs(app, "scan.officer");
      for (const [fileName, bytes] of [
        ["radiograph.tif", radiograph],
        ["detail.tif", small],
      ] as const) {
        const scan = await officer.post(`/api/inspection-requests/${requestId}/scans`, {
          scanType: "xray_image",
          outcome: "no_anomaly",
          notes: fileName,
          attachment: { fileName, mediaType: "image/tiff", contentBase64: bytes.toString("base64") },
        });
        assert.equal(scan.statusCode, 201, scan.body);
      }
      bundleUrl = `${base}/api/inspection-requests/${requestId}/bundle`;
      cookie = await sessionCookie(base, "partner.targeter", TEST_PASSWORD);
    });
    after(async () => {
      await app.close();
    });

    it("sends the announced length, and the bytes verify with the host's key, two downloads at once", async () => {
      const [pinned] = await publicKeysOf(ctx().database.db, "USCBP");
      const downloads = await Promise.all([download(bundleUrl, cookie), download(bundleUrl, cookie)]);
      for (const res of downloads) {
        assert.equal(res.status, 200, res.body.subarray(0, 500).toString());
        assert.equal(res.complete, true);
        assert.equal(res.headers["content-type"], "application/x-tar");
        assert.equal(Number(res.headers["content-length"]), res.body.byteLength);
        const verdict = verifyBundle(res.body, { trustedPublicKeyPem: pinned?.publicKeyPem });
        assert.deepEqual(verdict.problems, []);
        const files = readTar(res.body).entries.filter((e) => e.path.startsWith("files/"));
        assert.deepEqual(
          files.map((f) => sha256(f.bytes)),
          [radiographSha, smallSha],
          "both files arrive byte for byte, the radiograph first",
        );
      }
    });

    it("starts sending before the evidence is read: a file changed after the first bytes went out aborts the download", async () => {
      // The small file comes after 20 MB of radiograph, more than flow control lets the server send
      // ahead of a client that has stopped reading: it cannot have been read when the change lands.
      const tail = Buffer.from(Buffer.from(small.subarray(-16)).map((b) => b ^ 0xff));
      try {
        const res = await download(bundleUrl, cookie, () => overwrite(small.byteLength - tail.byteLength, tail));
        assert.equal(res.status, 200, "the first bytes were sent before the change");
        // Had the archive been built before sending, the old bytes would have arrived complete.
        assert.equal(res.complete, false, "the response is cut off, not ended");
        assert.ok(res.body.byteLength < Number(res.headers["content-length"]), `${res.body.byteLength} bytes arrived`);
        assert.equal(verifyBundle(res.body).ok, false);
        assert.equal(res.body.includes(tail), false, "the changed piece itself is never sent");
      } finally {
        await restore();
      }
    });

    it("stops reading when the client goes away mid-download, and serves the next one whole", async () => {
      await new Promise<void>((resolve, reject) => {
        const req = http.get(bundleUrl, { headers: { cookie } }, (res) => {
          res.once("data", () => req.destroy());
          res.on("error", () => undefined);
          res.on("close", resolve);
        });
        req.on("error", (err) => (req.destroyed ? undefined : reject(err)));
      });
      const next = await download(bundleUrl, cookie);
      assert.equal(next.complete, true);
      assert.equal(verifyBundle(next.body).ok, true);
    });

    it("refuses before the first byte a file that fails its hash or its recorded size, and audits no download", async () => {
      const audited = await downloadsAudited();
      try {
        await overwrite(
          100,
          Buffer.from(small.subarray(100, 101)).map((b) => b ^ 0x01),
        );
        const changed = await download(bundleUrl, cookie);
        assert.equal(changed.status, 500);
        assert.equal(JSON.parse(changed.body.toString()).code, "server.error");
        await sql`update stored_file set content = substring(content from 1 for ${small.byteLength - 1}::int) where sha256 = ${smallSha}`.execute(
          ctx().database.db,
        );
        const short = await download(bundleUrl, cookie);
        assert.equal(short.status, 500);
        assert.equal(short.headers["content-disposition"], undefined);
      } finally {
        await restore();
      }
      assert.equal(await downloadsAudited(), audited, "a refused bundle is not audited as downloaded");
      const again = await download(bundleUrl, cookie);
      assert.equal(again.status, 200);
      assert.equal(verifyBundle(again.body).ok, true);
    });
  },
);
