import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { fed } from "../../src/domain/federation/tables.ts";
import { generateNodeKey } from "../../src/federation/envelope.ts";
import { JP, seedAgencies } from "../federation/nodes.ts";

// `reciprocity peer share` run as an operator runs it, on a node's embedded data folder: the
// agreement names the peer node and the field groups it shares; a wrong agency, agreement or field
// group is refused with a reason and a failing exit code, and changes nothing.

const repo = path.resolve(import.meta.dirname, "../..");
const AGREEMENT = "CSI-USCBP-JPCUS";

function run(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repo, "bin/reciprocity.js"), ...args], {
    cwd: repo,
    encoding: "utf8",
    timeout: 180_000,
    env: { ...process.env, DATABASE_URL: "" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("reciprocity peer share", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "reciprocity-peer-share-"));

  before(async () => {
    const database = await openDatabase({ dataDir: dir });
    await migrateToLatest(database.db);
    const agencies = await seedAgencies(database.db);
    await database.db
      .insertInto("agreement")
      .values({
        code: AGREEMENT,
        provider_agency_id: agencies.us,
        recipient_agency_id: agencies.jp,
        destination_countries: ["JP"],
        legal_basis: "CSI Declaration of Principles",
        valid_from: "2002-08-01",
      })
      .execute();
    await database.close();
    const init = run(["node", "init", "--agency", "USCBP", "--data-dir", dir]);
    assert.equal(init.status, 0, init.stderr);
    const peerKey = await generateNodeKey();
    const added = run([
      "peer",
      "add",
      "--agency",
      JP,
      "--url",
      "http://127.0.0.1:9",
      "--key",
      peerKey.publicPem,
      "--data-dir",
      dir,
    ]);
    assert.equal(added.status, 0, added.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function bindings() {
    const database = await openDatabase({ dataDir: dir });
    try {
      return await fed(database.db)
        .selectFrom("federation_agreement_peer as ap")
        .innerJoin("agreement as a", "a.id", "ap.agreement_id")
        .innerJoin("federation_peer as p", "p.id", "ap.peer_id")
        .select(["a.code", "p.agency_code", "ap.shared_fields"])
        .execute();
    } finally {
      await database.close();
    }
  }

  it("refuses an unknown agency, agreement or field group with a reason and a failing exit code", async () => {
    const noAgency = run(["peer", "share", "--agency", "KRCS", "--agreement", AGREEMENT, "--data-dir", dir]);
    assert.notEqual(noAgency.status, 0);
    assert.match(noAgency.stderr, /KRCS|peer|not found/i);
    const noAgreement = run(["peer", "share", "--agency", JP, "--agreement", "NO-SUCH-AGREEMENT", "--data-dir", dir]);
    assert.notEqual(noAgreement.status, 0);
    assert.match(noAgreement.stderr, /agreement/i);
    const badFields = run([
      "peer",
      "share",
      "--agency",
      JP,
      "--agreement",
      AGREEMENT,
      "--fields",
      "parties,prices",
      "--data-dir",
      dir,
    ]);
    assert.notEqual(badFields.status, 0);
    assert.match(badFields.stderr, /Unknown field groups.*prices/);
    assert.deepEqual(await bindings(), [], "nothing was bound");
  });

  it("names the peer node on the agreement with the field groups it shares", async () => {
    const shared = run([
      "peer",
      "share",
      "--agency",
      JP,
      "--agreement",
      AGREEMENT,
      "--fields",
      "parties,route",
      "--data-dir",
      dir,
    ]);
    assert.equal(shared.status, 0, shared.stderr);
    assert.match(shared.stdout, new RegExp(`Agreement ${AGREEMENT} applies to the ${JP} node; 0 shipments`));
    assert.deepEqual(await bindings(), [{ code: AGREEMENT, agency_code: JP, shared_fields: ["parties", "route"] }]);
    const coreOnly = run([
      "peer",
      "share",
      "--agency",
      JP,
      "--agreement",
      AGREEMENT,
      "--fields",
      "none",
      "--data-dir",
      dir,
    ]);
    assert.equal(coreOnly.status, 0, coreOnly.stderr);
    assert.deepEqual(
      await bindings(),
      [{ code: AGREEMENT, agency_code: JP, shared_fields: [] }],
      "sharing again replaces the field groups",
    );
  });
});
