import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  decodeWindows1252,
  loadDplTxt,
  loadEntityListCsv,
  loadIsnCsv,
  loadItarDebarredCsv,
  loadSdnCsv,
  loadSdnXml,
  loadShippedLists,
  loadUvlCsv,
  shippedFilePath,
} from "../../src/screening/index.ts";

const text = (file: string): string => readFileSync(shippedFilePath(file), "utf8");

describe("OFAC SDN csv", () => {
  const sdn = loadSdnCsv(readFileSync(shippedFilePath("ofac-sdn-2024-05-03.csv")));
  const byId = new Map(sdn.entries.map((e) => [e.id, e]));

  it("loads every one of the 14,965 rows and reports none as bad", () => {
    assert.equal(sdn.entries.length, 14965);
    assert.deepEqual(sdn.bad, []);
  });

  it("maps SDN_Type (-0- = entity) and keeps the 851 vessels, most with an IMO", () => {
    const vessels = sdn.entries.filter((e) => e.type === "vessel");
    assert.equal(vessels.length, 851);
    assert.ok(vessels.filter((e) => e.imo).length > 800);
    assert.equal(byId.get("11609")?.type, "entity");
    assert.equal(byId.get("13072")?.type, "individual");
  });

  it("reads the IMO, flag country, programs and f.k.a. aliases of a vessel", () => {
    const artavil = byId.get("15036");
    assert.equal(artavil?.imo, "9187629");
    assert.deepEqual(artavil?.aliases, ["ALPHA"]);
    assert.ok(artavil?.countries.includes("IR"));
    assert.deepEqual(byId.get("18779")?.programs, ["UKRAINE-EO13662", "RUSSIA-EO14024"]);
  });

  it("extracts a.k.a. aliases from Remarks, including quotes inside the alias", () => {
    assert.deepEqual(byId.get("306")?.aliases, ["BNC"]);
    assert.deepEqual(byId.get("16133")?.aliases, ["CHUEI", "OKNHA, Chuei", "AJA, Chuei"]);
    assert.deepEqual(byId.get("3754")?.aliases, ["ABU-'UMAR"]);
  });

  it("derives countries from POB, citizenship and '(Country)' ids", () => {
    assert.deepEqual(byId.get("13072")?.countries, ["JP"]);
    assert.deepEqual(byId.get("24683")?.countries, ["JP"]);
  });

  it("decodes Windows-1252 (0x80 = €, 0xE9 = é) and drops the trailing 0x1A", () => {
    const bytes = Buffer.concat([
      Buffer.from('1,"CAF', "latin1"),
      Buffer.from([0xe9, 0x20, 0x80]),
      Buffer.from('",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n', "latin1"),
      Buffer.from([0x1a]),
    ]);
    assert.equal(decodeWindows1252(bytes).endsWith("\r\n"), true);
    const loaded = loadSdnCsv(bytes);
    assert.equal(loaded.entries[0]?.name, "CAFé €");
    assert.deepEqual(loaded.bad, []);
  });

  it("reports malformed rows with their line number instead of dropping them", () => {
    const csv =
      '1,"OK",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n2,"SHORT"\r\nx,"BAD ID",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n3,"ODD","spaceship","X",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n';
    const loaded = loadSdnCsv(csv);
    assert.equal(loaded.entries.length, 1);
    assert.deepEqual(
      loaded.bad.map((b) => b.row),
      [2, 3, 4],
    );
    assert.match(loaded.bad[0]?.reason ?? "", /expected 12 columns/);
    assert.match(loaded.bad[2]?.reason ?? "", /unknown SDN_Type/);
  });
});

describe("OFAC XML", () => {
  it("reads aka lists, address countries and the vessel IMO from sdn.xml", () => {
    const { entries, bad } = loadSdnXml(text("csl/sdn-sdn.xml"));
    assert.deepEqual(bad, []);
    const bnc = entries.find((e) => e.id === "306");
    assert.deepEqual(bnc?.aliases, ["BNC", "NATIONAL BANK OF CUBA"]);
    assert.deepEqual(bnc?.countries, ["CH", "ES", "JP", "PA"]);
    const parshan = entries.find((e) => e.name === "PARSHAN");
    assert.equal(parshan?.imo, "9051648");
    assert.ok(parshan?.aliases.includes("IRAN BRIGHTNESS"));
    const jimale = entries.find((e) => e.name.startsWith("JIM'ALE"));
    assert.equal(jimale?.name, "JIM'ALE, Ahmed Nur Ali");
    assert.ok(jimale?.aliases.includes("JUMALI, Ahmed Ali"));
    assert.deepEqual(jimale?.countries, ["AE", "SO", "DJ"]);
  });

  it("reads the non-SDN consolidated list, including nspType individuals", () => {
    const { entries, bad } = loadSdnXml(text("csl/treasury_consolidated-consolidated.xml"), "CONS");
    assert.deepEqual(bad, []);
    assert.equal(entries.length, 16);
    assert.equal(entries.find((e) => e.id === "9639")?.type, "individual");
    assert.ok(entries.every((e) => e.list === "CONS"));
  });
});

describe("trade.gov CSL source samples", () => {
  it("merges Entity List rows per party and collects alternate names", () => {
    const { entries } = loadEntityListCsv(text("csl/el-el.csv"));
    const farid = entries.find((e) => e.name === "Fazal Rahim Farid");
    assert.deepEqual(farid?.aliases, ["Fazel Rahim Farid", "Farid", "Engineer Idris"]);
    assert.deepEqual(farid?.countries, ["AF"]);
  });

  it("reports the DPL's blank row and reads ISO country codes", () => {
    const { entries, bad } = loadDplTxt(text("csl/dpl-dpl.txt"));
    assert.deepEqual(bad, [{ row: 2, reason: "blank row" }]);
    assert.deepEqual(entries.find((e) => e.name === "KATSUTA KEISUKE")?.countries, ["JP"]);
    assert.equal(entries.find((e) => e.name === "ABELAIRAS, AMANCIO J.")?.type, "individual");
  });

  it("splits ITAR '(a.k.a. X; Y)' aliases out of the name", () => {
    const { entries } = loadItarDebarredCsv(text("csl/dtc-itar_debarred_parties.csv"));
    const hukic = entries.find((e) => e.name === "Hukic, Bajro");
    assert.deepEqual(hukic?.aliases, ["Bob Hukic", "Bab Hucici"]);
    assert.equal(entries.find((e) => e.name.startsWith("Dilligas"))?.type, "entity");
  });

  it("merges ISN programs per party and reports blank rows", () => {
    const { entries, bad } = loadIsnCsv(text("csl/isn-isn.csv"));
    assert.equal(bad.length, 2);
    assert.equal(entries.find((e) => e.name === "Abdul Qadeer Khan")?.programs.length, 3);
  });

  it("merges UVL address rows per party", () => {
    const { entries } = loadUvlCsv(text("csl/uvl-uvl.csv"));
    assert.equal(entries.filter((e) => e.name === "Brilliance Technology Ltd").length, 1);
  });
});

describe("loadShippedLists", () => {
  it("loads every shipped list with a per-file report", () => {
    const { entries, reports } = loadShippedLists();
    assert.deepEqual(
      reports.map((r) => r.list),
      ["SDN", "CONS", "EL", "DPL", "DTC", "ISN", "UVL"],
    );
    assert.equal(
      entries.length,
      reports.reduce((n, r) => n + r.entries, 0),
    );
    assert.ok(entries.length > 15000);
  });
});
