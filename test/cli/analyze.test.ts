import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const raddata = (rel: string): string => path.resolve(repoRoot, "../shared/raddata", rel);
const CS137 = raddata("n42-2006/rase_generic-NaI/VABCD_M001_Cs137.n42");
const BA133 = raddata("n42-2012/interspec_Ba133_Unshielded_IdentiFINDER-NG.n42");

function run(...args: string[]) {
  return spawnSync(process.execPath, [path.join(repoRoot, "bin/reciprocity.js"), "analyze", ...args], {
    encoding: "utf8",
    cwd: repoRoot,
  });
}

function garbageFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "analyze-")), "garbage.n42");
  writeFileSync(file, "this is not a radiation file\n");
  return file;
}

describe("reciprocity analyze", () => {
  it("--json prints one JSON object per file per line with the issue's shape", () => {
    const r = run("--json", CS137, BA133);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 2);
    const [cs, ba] = lines.map((l) => JSON.parse(l));
    for (const key of ["file", "format", "instrument", "measurements", "alarms", "nuclides", "errors", "verdict"]) {
      assert.ok(key in cs, key);
    }
    assert.equal(cs.file, CS137);
    assert.equal(cs.nuclides[0].name, "Cs-137");
    assert.equal(cs.nuclides[0].category, "Industrial");
    assert.ok(cs.nuclides[0].confidence > 0.5 && cs.nuclides[0].confidence <= 1);
    assert.ok(cs.nuclides[0].evidence.template);
    assert.equal(ba.nuclides[0].name, "Ba-133");
    assert.deepEqual(ba.errors, []);
  });

  it("a garbage file gives an error entry and exit status 1; the other files are still analysed", () => {
    const r = run("--json", garbageFile(), CS137);
    assert.equal(r.status, 1);
    const [bad, good] = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(bad.verdict, "unreadable");
    assert.equal(bad.errors[0].code, "radfile.unknown_format");
    assert.equal(good.nuclides[0].name, "Cs-137");
    const missing = run("--json", path.join(tmpdir(), "does-not-exist.n42"));
    assert.equal(missing.status, 1);
    assert.equal(JSON.parse(missing.stdout).errors[0].code, "file.unreadable");
  });

  it("without --json prints a readable summary", () => {
    const r = run(CS137, "--detector", "NaI");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /: industrial\n/);
    assert.match(r.stdout, /nuclide Cs-137 \(Industrial\) confidence 0\.\d+/);
  });

  it("bad usage exits 2: no files, unknown detector", () => {
    assert.equal(run().status, 2);
    const r = run("--detector", "plutonium", CS137);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown detector/);
  });
});
