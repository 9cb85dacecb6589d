import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

const repo = path.resolve(import.meta.dirname, "../..");

function run(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repo, "bin/reciprocity.js"), ...args], {
    cwd: repo,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("reciprocity score", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "reciprocity-score-"));
  const csv = path.join(dir, "manifest.csv");
  writeFileSync(
    csv,
    [
      "bill_of_lading,port_of_loading,port_of_discharge,final_destination,shipper_name,consignee_name,container_number,size_type,hs_code,description,packages,gross_weight_kg",
      "SCR0000001,USLAX,KRPUS,JPMOJ,WESTERN METALS RECYCLING LLC,SAKURA SANGYO KK,CSQU3054383,22G1,720449,HMS 1&2 FERROUS SCRAP,90,25000",
      "SCR0000002,USLAX,JPTYO,,PACIFIC FARMS LLC,ASAHI SHOJI CO LTD,MWCU6059784,45G1,080212,CALIFORNIA ALMONDS SHELLED,1000,19000",
    ].join("\n"),
  );

  it("scores each shipment with explanations, riskier first in the evidence", () => {
    const out = run(["score", "--json", csv]);
    assert.equal(out.status, 0, out.stderr);
    const lines = out.stdout
      .trim()
      .split("\n")
      .map(
        (l) =>
          JSON.parse(l) as {
            billOfLading: string;
            score: number;
            level: string;
            hits: { ruleId: string; explanation: string }[];
          },
      );
    assert.equal(lines.length, 2);
    const scrap = lines.find((l) => l.billOfLading === "SCR0000001");
    const almonds = lines.find((l) => l.billOfLading === "SCR0000002");
    assert.ok(scrap?.hits.some((h) => h.ruleId === "scrap.ferrous" && /ferrous scrap/.test(h.explanation)));
    assert.ok(scrap?.hits.some((h) => h.ruleId === "route.transshipment-busan"));
    assert.ok((scrap?.score ?? 0) > (almonds?.score ?? 0));
  });

  it("exits 2 on a rule set that does not compile", () => {
    const rules = path.join(dir, "rules.json");
    writeFileSync(
      rules,
      JSON.stringify({ id: "x", version: "1", thresholds: { medium: 1, high: 2 }, rules: [{ id: "r", weight: 1 }] }),
    );
    const out = run(["score", "--rules", rules, csv]);
    assert.equal(out.status, 2);
    assert.match(out.stderr, /rules/);
  });
});
