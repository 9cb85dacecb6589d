import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DATA = path.join(ROOT, "src/screening/data");
const work = mkdtempSync(path.join(tmpdir(), "reciprocity-screen-"));

after(() => rmSync(work, { recursive: true, force: true }));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin/reciprocity.js"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function jsonLines(stdout: string): Array<{ query: { name: string }; matches: Array<Record<string, unknown>> }> {
  return stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

describe("reciprocity screen", () => {
  it("alerts on ASCOTEC JAPAN KABUSHIKI KAISHA with the SDN entry number, and not on a clean name", () => {
    const r = cli("screen", "--json", "ASCOTEC JAPAN KABUSHIKI KAISHA", "Toyota Motor Corporation");
    assert.equal(r.status, 0, r.stderr);
    const [ascotec, toyota] = jsonLines(r.stdout);
    assert.equal(ascotec?.query.name, "ASCOTEC JAPAN KABUSHIKI KAISHA");
    const top = ascotec?.matches[0];
    assert.deepEqual(Object.keys(top ?? {}), ["name", "matched", "list", "id", "score", "evidence"]);
    assert.equal(top?.id, "11609");
    assert.equal(top?.list, "SDN");
    assert.equal(top?.matched, "ASCOTEC JAPAN K.K.");
    assert.equal(top?.score, 1);
    assert.deepEqual(toyota?.matches, []);
  });

  it("reads one name per line from --input, keeps the order, and honours --threshold and --top", () => {
    const input = path.join(work, "names.txt");
    writeFileSync(input, "Yamaguchi Gumi\n\n# comment\nASCOTEC JAPAN KK\n");
    const r = cli("screen", "--json", "--input", input, "--threshold", "0.5", "--top", "2");
    assert.equal(r.status, 0, r.stderr);
    const lines = jsonLines(r.stdout);
    assert.deepEqual(
      lines.map((l) => l.query.name),
      ["Yamaguchi Gumi", "ASCOTEC JAPAN KK"],
    );
    assert.equal(lines[0]?.matches.length, 2);
    assert.equal(lines[0]?.matches[0]?.id, "13071");
    const scores = lines[0]?.matches.map((m) => m.score as number) ?? [];
    assert.ok(scores.every((s) => s >= 0.5));
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a),
    );
  });

  it("screens against a --list file of another format (detected), with that list's ids", () => {
    const r = cli(
      "screen",
      "--json",
      "--list",
      path.join(DATA, "csl/uvl-uvl.csv"),
      "Brilliance Technology Limited",
      "ASCOTEC JAPAN K.K.",
    );
    assert.equal(r.status, 0, r.stderr);
    const [brilliance, ascotec] = jsonLines(r.stdout);
    assert.equal(brilliance?.matches[0]?.list, "UVL");
    assert.deepEqual(ascotec?.matches, [], "the SDN is not loaded when --list is given");
  });

  it("prints a readable line per name without --json", () => {
    const r = cli("screen", "ASCOTEC JAPAN KABUSHIKI KAISHA");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /SDN 11609\s+ASCOTEC JAPAN K\.K\./);
  });

  it("exits 2 on bad usage", () => {
    assert.equal(cli("screen", "--bogus", "X").status, 2);
    assert.equal(cli("screen").status, 2, "no names");
    assert.equal(cli("screen", "--threshold", "1.5", "X").status, 2);
    assert.equal(cli("screen", "--top", "0", "X").status, 2);
    assert.equal(cli("screen", "--input", path.join(work, "missing.txt")).status, 2);
    assert.equal(cli("screen", "--list", path.join(work, "missing.csv"), "X").status, 2);
  });
});

describe("reciprocity screen-lists", () => {
  it("check reports bad rows and writes nothing", () => {
    const r = cli("screen-lists", "check", path.join(DATA, "csl/isn-isn.csv"));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /isn-csv \(ISN\), 3 entries, 2 bad rows/);
    assert.match(r.stdout, /row \d+: blank row/);
  });

  it("check refuses a file that is not a list", () => {
    const junk = path.join(work, "junk.csv");
    writeFileSync(junk, "hello,world\n1,2\n");
    const r = cli("screen-lists", "check", junk);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /REFUSED: not a recognised/);
  });

  it("update replaces the shipped copy, rewrites lists.json and notes the source", () => {
    const dataDir = path.join(work, "data");
    mkdirSync(path.join(dataDir, "csl"), { recursive: true });
    copyFileSync(path.join(DATA, "csl/uvl-uvl.csv"), path.join(dataDir, "csl/uvl-uvl.csv"));
    writeFileSync(
      path.join(dataDir, "lists.json"),
      '[\n  {"list":"UVL","file":"csl/uvl-uvl.csv","format":"uvl-csv"}\n]\n',
    );
    writeFileSync(path.join(dataDir, "SOURCES.md"), "# Shipped screening data\n");
    const fresh = path.join(work, "uvl-new.csv");
    writeFileSync(
      fresh,
      `${readFileSync(path.join(DATA, "csl/uvl-uvl.csv"), "utf8")}Japan,Example Trading K.K.,"1-1 Chiyoda, Tokyo",,,,,\n`,
    );
    const r = cli("screen-lists", "update", fresh, "--data-dir", dataDir, "--date", "2026-01-02");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Imported csl\/uvl-2026-01-02\.csv \(replaces csl\/uvl-uvl\.csv\)/);
    assert.deepEqual(JSON.parse(readFileSync(path.join(dataDir, "lists.json"), "utf8")), [
      { list: "UVL", file: "csl/uvl-2026-01-02.csv", format: "uvl-csv" },
    ]);
    assert.equal(existsSync(path.join(dataDir, "csl/uvl-uvl.csv")), false);
    assert.match(
      readFileSync(path.join(dataDir, "SOURCES.md"), "utf8"),
      /\| 2026-01-02 \| `csl\/uvl-2026-01-02\.csv` \| uvl-csv \| 14 \| 0 \|/,
    );
  });

  it("update refuses an unreadable file and leaves the data folder alone", () => {
    const dataDir = path.join(work, "data2");
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(dataDir, "lists.json"), "[]\n");
    const junk = path.join(work, "junk2.csv");
    writeFileSync(junk, "not,a,list\n");
    const r = cli("screen-lists", "update", junk, "--data-dir", dataDir);
    assert.equal(r.status, 1);
    assert.equal(readFileSync(path.join(dataDir, "lists.json"), "utf8"), "[]\n");
  });
});
