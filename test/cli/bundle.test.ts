import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { before, describe, it } from "node:test";
import { openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { assembleBundle } from "../../src/domain/bundles/assemble.ts";
import type { BundleContents } from "../../src/domain/bundles/contents.ts";
import { ensureSigningKey, type SigningKey } from "../../src/domain/bundles/keys.ts";
import { keyIdOf, publicKeyPemOf } from "../../src/domain/bundles/signing.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dir = mkdtempSync(path.join(tmpdir(), "bundle-cli-"));

function run(...args: string[]) {
  // The embedded database in --data-dir, whatever the developer's shell says.
  const { DATABASE_URL: _ignored, ...env } = process.env;
  return spawnSync(process.execPath, [path.join(repoRoot, "bin/reciprocity.js"), "bundle", ...args], {
    encoding: "utf8",
    cwd: repoRoot,
    env,
  });
}

function newKey(): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return { keyId: keyIdOf(publicKey), publicKeyPem: publicKeyPemOf(publicKey), privateKey };
}

const contents: BundleContents = {
  requestId: "9b0e3f1e-7d1c-4c55-9f59-3f3c4e2a0001",
  reference: "IR-JPCUS-2026-000042",
  hostAgency: "USCBP",
  requestingAgency: "JPCUS",
  manifest: { isAvailable: false, billOfLading: "ONEYLAX000001", containerNo: "CSQU3054383", shipment: null },
  request: {} as BundleContents["request"],
  scans: [],
  files: [{ path: `files/${"ab".repeat(32)}-spectrum.n42`, bytes: Buffer.from("<RadInstrumentData/>\n") }],
};

function write(name: string, bytes: Uint8Array | string): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

describe("reciprocity bundle verify", () => {
  const key = newKey();
  const bundle = assembleBundle(contents, key, "b-1", new Date("2026-11-27T08:00:00Z")).bytes;
  const good = write("good.tar", bundle);
  const keyFile = write("host.pem", key.publicKeyPem);

  it("exits 0 for a valid bundle and says the key was not pinned", () => {
    const r = run("verify", good);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /: VALID\n/);
    assert.match(r.stdout, /taken from the bundle itself, not pinned/);
  });

  it("exits 0 with the right pinned key, 1 with another, and prints JSON on --json", () => {
    const pinned = run("verify", good, "--key", keyFile, "--json");
    assert.equal(pinned.status, 0, pinned.stderr);
    const verdict = JSON.parse(pinned.stdout);
    assert.equal(verdict.ok, true);
    assert.equal(verdict.isKeyPinned, true);
    assert.equal(verdict.keyId, key.keyId);
    assert.equal(verdict.reference, "IR-JPCUS-2026-000042");
    const other = run("verify", good, "--key", write("other.pem", newKey().publicKeyPem));
    assert.equal(other.status, 1);
    assert.match(other.stdout, /INVALID[\s\S]*not the pinned key/);
  });

  it("exits 1 for a tampered bundle and for a file that is not a bundle", () => {
    const tampered = new Uint8Array(bundle);
    const at = Buffer.from(bundle).indexOf("<RadInstrumentData/>");
    tampered[at + 1] = 0x72;
    const r = run("verify", write("tampered.tar", tampered));
    assert.equal(r.status, 1);
    assert.match(r.stdout, /problem: files\/[0-9a-f]{64}-spectrum\.n42 was changed/);
    assert.equal(run("verify", write("garbage.tar", "not a tar file\n")).status, 1);
  });

  it("exits 2 on bad usage: no file, a missing file, an unreadable key", () => {
    assert.equal(run("verify").status, 2);
    const missing = run("verify", path.join(dir, "does-not-exist.tar"));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read bundle/);
    assert.equal(run("verify", good, "--key", write("bad.pem", "not a key")).status, 2);
  });
});

describe("reciprocity bundle key", () => {
  const dataDir = path.join(dir, "data");
  let stored: SigningKey;

  before(async () => {
    const database = await openDatabase({ dataDir });
    try {
      await migrateToLatest(database.db);
      await database.db
        .insertInto("agency")
        .values({ code: "USCBP", name: "U.S. Customs and Border Protection", country: "US" })
        .execute();
    } finally {
      await database.close();
    }
  });

  it("creates the agency's key on first use, prints the same PEM every time, and it verifies a bundle signed with it", async () => {
    const first = run("key", "--agency", "USCBP", "--data-dir", dataDir);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    const again = run("key", "--data-dir", dataDir);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, first.stdout);
    const database = await openDatabase({ dataDir });
    try {
      const agency = await database.db
        .selectFrom("agency")
        .select("id")
        .where("code", "=", "USCBP")
        .executeTakeFirstOrThrow();
      stored = await ensureSigningKey(database.db, agency.id, new Date());
    } finally {
      await database.close();
    }
    assert.equal(stored.publicKeyPem, first.stdout);
    const signed = write("signed.tar", assembleBundle(contents, stored, "b-2", new Date()).bytes);
    const r = run("verify", signed, "--key", write("pinned.pem", first.stdout));
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /\(pinned\)/);
  });

  it("exits 2 for an unknown agency", () => {
    const r = run("key", "--agency", "NOPE", "--data-dir", dataDir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no agency NOPE/);
  });
});
