import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  detectListFormat,
  loadConsolidatedCsv,
  loadListFile,
  readShippedManifest,
  shippedFilePath,
} from "../../src/screening/index.ts";

describe("list format detection", () => {
  it("recognises every shipped file as the format lists.json says", () => {
    for (const source of readShippedManifest()) {
      const bytes = readFileSync(shippedFilePath(source.file));
      assert.deepEqual(detectListFormat(bytes, source.file), { format: source.format, list: source.list }, source.file);
    }
  });

  it("refuses a file that is no list", () => {
    assert.equal(detectListFormat(Buffer.from("a,b\n1,2\n"), "x.csv"), undefined);
    assert.throws(() => loadListFile(Buffer.from("a,b\n"), "x.csv"), /not a recognised/);
  });
});

describe("trade.gov consolidated.csv", () => {
  const csv = [
    "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids",
    'a1,Specially Designated Nationals (SDN) - Treasury Department,11609,Entity,NPWMD,ASCOTEC JAPAN K.K.,,"1-2-3 Nihonbashi, Tokyo, , Japan",,,,,,,,,,,,,,,ASCOTEC JAPAN KABUSHIKI KAISHA,,,,,,',
    'b2,Entity List (EL) - Bureau of Industry and Security,,Entity,,EXAMPLE TRADING LTD,,"Flat 1, Hong Kong, , Hong Kong",,,,,,,,,,,,,,,,,,,,,',
    'c3,Sectoral Sanctions Identifications List (SSI) - Treasury Department,17013,Entity,UKRAINE-EO13662,VTB BANK OAO,,"Moscow, , Russia",,,,,,,,,,,,,,,,,,,,,',
    ",,,,,,,,,,,,,,,,,,,,,,,,,,,,",
  ].join("\n");

  it("maps sources to list codes, keeps the list's own ids, aliases and countries, and reports bad rows", () => {
    const { entries, bad } = loadConsolidatedCsv(csv);
    assert.deepEqual(
      entries.map((e) => [e.list, e.id, e.name]),
      [
        ["SDN", "11609", "ASCOTEC JAPAN K.K."],
        ["EL", "b2", "EXAMPLE TRADING LTD"],
        ["CONS", "17013", "VTB BANK OAO"],
      ],
    );
    assert.deepEqual(entries[0]?.aliases, ["ASCOTEC JAPAN KABUSHIKI KAISHA"]);
    assert.deepEqual(entries[0]?.countries, ["JP"]);
    assert.deepEqual(entries[1]?.countries, ["HK"]);
    assert.equal(bad.length, 1);
    assert.equal(detectListFormat(Buffer.from(csv), "consolidated.csv")?.format, "csl-consolidated");
  });
});
