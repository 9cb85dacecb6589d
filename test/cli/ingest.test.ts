import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

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
    const out = run(["ingest", "--dry-run", "--json", path.join(shared, "x12/x12-004010-315-apimeister.edi"), path.join(shared, "edifact/baplie-d13b-smdg31-example-edifabric.edi")]);
    assert.equal(out.status, 1, out.stderr);
    const report = JSON.parse(out.stdout) as { files: { file: string; format: string; errors: { where: string; code: string }[]; warnings: { code: string }[] }[] };
    assert.deepEqual(report.files.map((f) => f.format), ["x12-315", "baplie"]);
    const x12 = report.files[0];
    assert.ok(x12?.errors.some((e) => /GMCU|check/.test(JSON.stringify(e)) && /segment \d+/.test(e.where)), JSON.stringify(x12?.errors));
    assert.ok(report.files[1]?.warnings.some((w) => w.code.includes("unt")), "the SMDG example's wrong UNT count is a warning");
  });

  it("exits 0 when every record lands, and stores them", () => {
    const dataDir = path.join(dir, "db");
    assert.equal(run(["demo", "--data-dir", dataDir, "--shipments", "20", "--no-history"], { RECIPROCITY_DEMO_PASSWORD: "cli-test-password" }).status, 0);
    const out = run(["ingest", "--json", "--agency", "USCBP", "--data-dir", dataDir, good]);
    assert.equal(out.status, 0, out.stderr + out.stdout);
    const report = JSON.parse(out.stdout) as { files: { shipments: number; containers: number; batchId: string | null }[] };
    assert.equal(report.files[0]?.shipments, 1);
    assert.equal(report.files[0]?.containers, 1);
    assert.ok(report.files[0]?.batchId);
  });

  it("exits 2 on unusable arguments", () => {
    assert.equal(run(["ingest", path.join(dir, "missing.csv")]).status, 2);
    assert.equal(run(["ingest", "--format", "pdf", good]).status, 2);
  });
});
