import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { sql, type RawBuilder } from "kysely";
import { openDatabase } from "../../src/db/database.ts";
import { realBayPlan } from "../helpers/trade-samples.ts";

const repo = path.resolve(import.meta.dirname, "../..");
const shared = path.resolve(repo, "../shared/tradedata");

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [path.join(repo, "bin/reciprocity.js"), ...args], {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: "", ...env },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("reciprocity ingest", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "reciprocity-ingest-"));
  const good = path.join(dir, "good.csv");
  writeFileSync(
    good,
    "bill_of_lading,port_of_loading,port_of_discharge,shipper_name,consignee_name,container_number,size_type,hs_code,description\nCLI0001,USLAX,JPTYO,PACIFIC FARMS LLC,ASAHI KK,CSQU3054383,22G1,080212,ALMONDS\n",
  );

  it("dry-runs real EDI files and prints one JSON report with positioned diagnostics", () => {
    const out = run([
      "ingest",
      "--dry-run",
      "--json",
      path.join(shared, "x12/x12-004010-315-apimeister.edi"),
      path.join(shared, "edifact/baplie-d13b-smdg31-example-edifabric.edi"),
    ]);
    assert.equal(out.status, 1, out.stderr);
    const report = JSON.parse(out.stdout) as {
      files: {
        file: string;
        format: string;
        errors: { where: string; code: string }[];
        warnings: { code: string }[];
      }[];
    };
    assert.deepEqual(
      report.files.map((f) => f.format),
      ["x12-315", "baplie"],
    );
    const x12 = report.files[0];
    assert.ok(
      x12?.errors.some((e) => /GMCU|check/.test(JSON.stringify(e)) && /segment \d+/.test(e.where)),
      JSON.stringify(x12?.errors),
    );
    assert.ok(
      report.files[1]?.warnings.some((w) => w.code.includes("unt")),
      "the SMDG example's wrong UNT count is a warning",
    );
  });

  const dataDir = path.join(dir, "db");

  /** Reads the embedded database the command wrote (after it has exited and let go of it). */
  async function query<T>(text: RawBuilder<T>): Promise<T[]> {
    const database = await openDatabase({ dataDir });
    try {
      return (await text.execute(database.db)).rows;
    } finally {
      await database.close();
    }
  }

  it("exits 0 when every record lands, stores them and scores them for every agency that sees them", async () => {
    assert.equal(
      run(["demo", "--data-dir", dataDir, "--shipments", "20", "--no-history"], {
        RECIPROCITY_DEMO_PASSWORD: "cli-test-password",
      }).status,
      0,
    );
    const out = run(["ingest", "--json", "--agency", "USCBP", "--data-dir", dataDir, good]);
    assert.equal(out.status, 0, out.stderr + out.stdout);
    const report = JSON.parse(out.stdout) as {
      files: { shipments: number; containers: number; batchId: string | null }[];
    };
    assert.equal(report.files[0]?.shipments, 1);
    assert.equal(report.files[0]?.containers, 1);
    assert.ok(report.files[0]?.batchId);
    const scores = await query(sql<{ code: string; level: string }>`
      select a.code, sc.level from shipment_score sc join shipment s on s.id = sc.shipment_id join agency a on a.id = sc.agency_id
      where s.bill_of_lading = 'CLI0001' order by a.code`);
    assert.deepEqual(
      scores.map((r) => r.code),
      ["JPCUS", "USCBP"],
      "scored by the host and by the partner it is shared with",
    );
  });

  it("lands the real bay plan's 642 cells as on-board events, and rejects a file of which nothing could be used", async () => {
    const eancomStatus = path.join(shared, "edifact/iftsta-d96a-ean004-example-edifabric.edi");
    const out = run(["ingest", "--json", "--agency", "USCBP", "--data-dir", dataDir, realBayPlan().path, eancomStatus]);
    assert.equal(out.status, 1, "the status report without containers fails the run");
    const report = JSON.parse(out.stdout) as {
      files: {
        format: string;
        stowage: number;
        events: number;
        unmatched: number;
        batchId: string;
        records: Record<string, number>;
        setAside: { code: string; count: number }[];
        errors: { code: string; message: string }[];
      }[];
    };
    const [plan, status] = report.files;
    assert.equal(plan?.format, "baplie");
    assert.equal(plan?.stowage, 642);
    assert.equal(plan?.events, 642);
    assert.equal(plan?.unmatched, 642);
    assert.deepEqual(plan?.records, { read: 642, landed: 642, quarantined: 0, setAside: 0 });
    assert.deepEqual(status?.records, { read: 6, landed: 0, quarantined: 0, setAside: 6 });
    assert.deepEqual(
      status?.setAside.map((s) => [s.code, s.count]),
      [["iftsta.status_without_equipment", 6]],
    );
    assert.ok(
      status?.errors.some((e) => e.code === "ingest.nothing_usable" && /status names no container/.test(e.message)),
      JSON.stringify(status?.errors),
    );
    const batches = await query(
      sql<{
        id: string;
        status: string;
        events: number;
      }>`select id, status, events from ingest_batch where id in (${plan?.batchId}, ${status?.batchId})`,
    );
    assert.deepEqual(batches.find((b) => b.id === plan?.batchId)?.status, "completed");
    assert.deepEqual(batches.find((b) => b.id === status?.batchId)?.status, "rejected");
  });

  it("exits 2 on unusable arguments", () => {
    assert.equal(run(["ingest", path.join(dir, "missing.csv")]).status, 2);
    assert.equal(run(["ingest", "--format", "pdf", good]).status, 2);
  });
});
