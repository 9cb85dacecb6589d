// Evidence files over a real HTTP connection: the access check comes first, then the bytes stream
// from the file store piece by piece instead of being read whole into memory.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { actorForUser } from "../../src/domain/auth.ts";
import { openFile } from "../../src/domain/files.ts";
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

/** GETs the URL and keeps every byte that arrives. */
function download(url: string, cookie: string): Promise<Download> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { cookie } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
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

describeOnEngines(
  "evidence files streamed over HTTP",
  (database) => seedTestWorld(database.db, 60),
  (ctx) => {
    let app: FastifyInstance;
    let base: string;
    let partnerCookie: string;
    let koreaCookie: string;
    // Several of the store's 1 MB pieces, and not a whole number of them.
    const radiograph = randomBytes(3 * 1024 * 1024 - 4321);
    const sha = createHash("sha256").update(radiograph).digest("hex");

    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      await app.listen({ port: 0, host: "127.0.0.1" });
      const address = app.server.address();
      base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
      const partner = await loginAs(app, "partner.targeter");
      const { japanBound } = ctx().fixture;
      const created = await partner.post("/api/inspection-requests", {
        shipmentId: japanBound.id,
        containerNo: japanBound.containerNo,
        reason: "Image anomaly check",
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
      const scan = await (
        await loginAs(app, "scan.officer")
      ).post(`/api/inspection-requests/${requestId}/scans`, {
        scanType: "xray_image",
        outcome: "no_anomaly",
        attachment: {
          fileName: "radiograph.tif",
          mediaType: "image/tiff",
          contentBase64: radiograph.toString("base64"),
        },
      });
      assert.equal(scan.statusCode, 201, scan.body);
      partnerCookie = await sessionCookie(base, "partner.targeter", TEST_PASSWORD);
      koreaCookie = await sessionCookie(base, "kr.targeter", TEST_PASSWORD);
    });
    after(async () => {
      await app.close();
    });

    it("sends the announced length byte for byte, and audits the download once", async () => {
      const auditor = await loginAs(app, "partner.auditor");
      const audited = async () =>
        (await auditor.get("/api/audit-events?action=file.downloaded&limit=500")).json().items.length as number;
      const before = await audited();
      const res = await download(`${base}/api/files/${sha}`, partnerCookie);
      assert.equal(res.status, 200);
      assert.equal(res.complete, true);
      assert.equal(res.headers["content-type"], "image/tiff");
      assert.equal(Number(res.headers["content-length"]), radiograph.byteLength);
      assert.equal(res.headers["content-disposition"], 'attachment; filename="radiograph.tif"');
      assert.ok(res.body.equals(radiograph), "the bytes arrive unchanged");
      assert.equal(await audited(), before + 1);
    });

    it("answers another agency 404 before any byte, as for a file that does not exist", async () => {
      const other = await download(`${base}/api/files/${sha}`, koreaCookie);
      const missing = await download(`${base}/api/files/${"0".repeat(64)}`, partnerCookie);
      assert.equal(other.status, 404);
      assert.equal(missing.status, 404);
      assert.deepEqual(JSON.parse(other.body.toString()), JSON.parse(missing.body.toString()));
    });

    it("reads the bytes only as they are consumed, after the access check and its audit", async () => {
      const db = ctx().database.db;
      const user = await db
        .selectFrom("app_user")
        .select("id")
        .where("username", "=", "partner.targeter")
        .executeTakeFirstOrThrow();
      const file = await openFile(db, await actorForUser(db, user.id), sha);
      assert.equal(file.byteLength, radiograph.byteLength);
      // Change the tail in the store after opening: read whole at open, the old tail would come out.
      const tail = Buffer.from(radiograph.subarray(-16)).map((b) => b ^ 0xff);
      const at = radiograph.byteLength - tail.byteLength;
      await sql`update stored_file set content = overlay(content placing ${tail} from ${at + 1}::int) where sha256 = ${sha}`.execute(
        db,
      );
      try {
        const pieces: Uint8Array[] = [];
        for await (const piece of file.pieces) {
          pieces.push(piece);
        }
        assert.equal(pieces.length, 3, "three pieces of at most 1 MB");
        const body = Buffer.concat(pieces);
        assert.equal(body.byteLength, radiograph.byteLength);
        assert.ok(body.subarray(at).equals(tail), "the last piece was read after the change");
        assert.ok(body.subarray(0, at).equals(radiograph.subarray(0, at)));
      } finally {
        await sql`update stored_file set content = ${radiograph} where sha256 = ${sha}`.execute(db);
      }
    });
  },
);
