import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCsvRows } from "../../src/trade/codes-csv.ts";
import {
  countryName,
  decodeCoordinates,
  decodeFunctions,
  findLocode,
  listLocodesByCountry,
  listSeaports,
  locodeDataInfo,
  lookupLocode,
  parseLocode,
  searchLocodesByName,
} from "../../src/trade/unlocode.ts";

const RAW_DIR = "/work/shared/tradedata/unlocode";
const RAW_PART2 = `${RAW_DIR}/unlocode-2024-2-codelist-part2-GA-to-NZ.latin1.csv`;

describe("UN/LOCODE formats", () => {
  it("parses codes in both display forms", () => {
    assert.deepEqual(parseLocode("US LAX"), { ok: true, value: { code: "USLAX", country: "US", location: "LAX" } });
    assert.equal(parseLocode("jpukb").ok, true);
    assert.equal(parseLocode("USLA").ok, false);
    const digitOne = parseLocode("US1AX");
    assert.equal(!digitOne.ok && digitOne.reason, "location code must be 3 of A-Z or 2-9 (no 0 or 1)");
  });

  it("decodes function strings by position", () => {
    assert.deepEqual(decodeFunctions("1--45---"), {
      seaport: true,
      rail: false,
      road: false,
      air: true,
      postal: true,
      multimodal: false,
      fixed: false,
      border: false,
      unknown: false,
    });
    const busan = decodeFunctions("1234567-");
    assert.equal(busan.multimodal && busan.fixed && !busan.border, true);
    assert.equal(decodeFunctions("-------B").border, true);
    assert.equal(decodeFunctions("0-------").unknown, true);
  });

  it("converts coordinates as DD + MM/60", () => {
    assert.deepEqual(decodeCoordinates("3346N 11811W"), { lat: 33.7667, lon: -118.1833 });
    assert.deepEqual(decodeCoordinates("0117N 10351E"), { lat: 1.2833, lon: 103.85 });
    assert.deepEqual(decodeCoordinates("3352S 15113E"), { lat: -33.8667, lon: 151.2167 });
    assert.equal(decodeCoordinates(""), undefined);
    assert.equal(decodeCoordinates("3375N 11811W"), undefined);
  });
});

describe("UN/LOCODE lookup (shipped 2024-2 subset)", () => {
  it("knows the project ports exactly as the doc lists them", () => {
    const cases: [string, string, string][] = [
      ["USLAX", "Los Angeles", "1--45---"],
      ["USLGB", "Long Beach", "1234----"],
      ["JPTYO", "Tokyo", "12345---"],
      ["JPYOK", "Yokohama", "12345---"],
      ["JPUKB", "Kobe", "12345---"],
      ["JPNGO", "Nagoya, Aichi", "1--45---"],
      ["JPOSA", "Osaka", "1--45---"],
      ["KRPUS", "Busan", "1234567-"],
    ];
    for (const [code, name, functionCode] of cases) {
      const entry = findLocode(code);
      assert.equal(entry?.name, name, code);
      assert.equal(entry.functionCode, functionCode, code);
      assert.equal(entry.curated, false, code);
    }
    // JPKOB exists but is Koza (Wakayama), which is why "Kobe = JPKOB" is a classic data-entry error.
    assert.equal(findLocode("JPKOB")?.name, "Koza");
  });

  it("reads coordinates, IATA and subdivision", () => {
    assert.deepEqual(findLocode("us lgb")?.coordinates, { lat: 33.7667, lon: -118.1833 });
    assert.equal(findLocode("USLAX")?.coordinatesText, "3403N 11815W");
    assert.equal(findLocode("JPOSA")?.iata, "ITM");
    assert.equal(findLocode("USLGB")?.subdivision, "CA");
    assert.equal(findLocode("JPNGO")?.coordinates, undefined);
    assert.equal(findLocode("JPNGO")?.subdivision, "23");
  });

  it("has the other Japanese sea ports of interest", () => {
    for (const [code, name] of [
      ["JPSMZ", "Shimizu"],
      ["JPHKT", "Hakata/Fukuoka"],
      ["JPMOJ", "Moji/Kitakyushu"],
      ["JPKWS", "Kawasaki"],
    ]) {
      assert.equal(findLocode(code ?? "")?.name, name);
      assert.equal(findLocode(code ?? "")?.functions.seaport, true);
    }
  });

  it("counts sea ports per country as measured on the 2024-2 file", () => {
    assert.equal(listSeaports("JP").length, 1561);
    // 1,764 US sea-port rows, but three codes appear twice under another name.
    assert.equal(listSeaports("US").length, 1761);
    assert.equal(listSeaports("KR").length, 76);
    assert.equal(listSeaports("TW").length, 23);
    assert.equal(listSeaports("VN").length, 131);
    assert.ok(listLocodesByCountry("JP").length > listSeaports("JP").length);
  });

  it("includes curated CN and AU ports, marked as such", () => {
    for (const code of ["CNSHA", "CNNGB", "CNSZX", "CNYTN", "CNTAO", "CNXMN", "CNTXG", "AUSYD", "AUMEL"]) {
      const entry = findLocode(code);
      assert.equal(entry?.curated, true, code);
      assert.equal(entry.functions.seaport, true, code);
    }
    assert.equal(findLocode("CNSHA")?.name, "Shanghai");
    assert.equal(locodeDataInfo().curated, 12);
  });

  it("covers the trade-lane countries", () => {
    const { countries, entries } = locodeDataInfo();
    for (const country of ["JP", "KR", "TW", "VN", "US", "AU", "CN", "HK", "SG"]) {
      assert.ok(countries.includes(country), country);
    }
    assert.ok(entries > 17_000);
  });

  it("resolves inland points seen in the real X12/EDIFACT samples", () => {
    for (const code of ["USMEM", "USDAL", "USBAL", "USNYC", "USCHI", "USSYR", "PAMIT", "INNSA", "GBPME"]) {
      assert.ok(findLocode(code), code);
    }
    assert.equal(findLocode("USDAL")?.iata, "DFW");
  });

  it("keeps the second name of a code listed twice", () => {
    const nhava = findLocode("INNSA");
    assert.equal(nhava?.name, "Jawaharlal Nehru (Nhava Sheva)");
    assert.deepEqual(nhava.otherNames, ["Nhava Sheva (Jawaharlal Nehru)"]);
    assert.equal(searchLocodesByName("nhava sheva")[0]?.code, "INNSA");
  });

  it("explains misses", () => {
    assert.deepEqual(lookupLocode("USLA"), { ok: false, reason: "UN/LOCODE must be 5 characters, got 4" });
    assert.deepEqual(lookupLocode("DEHAM"), { ok: false, reason: "DEHAM is not in the shipped UN/LOCODE subset" });
    assert.equal(lookupLocode("KR PUS").ok, true);
  });
});

describe("UN/LOCODE name search", () => {
  it("finds Nagoya, Aichi by prefix and by its second word", () => {
    assert.equal(searchLocodesByName("nagoya")[0]?.code, "JPNGO");
    assert.ok(searchLocodesByName("aichi", { country: "JP" }).some((entry) => entry.code === "JPNGO"));
  });

  it("ranks the exact name first and can filter by country", () => {
    assert.equal(searchLocodesByName("Kobe", { country: "jp" })[0]?.code, "JPUKB");
    assert.equal(searchLocodesByName("long beach", { country: "US" })[0]?.code, "USLGB");
  });

  it("ignores diacritics", () => {
    assert.equal(searchLocodesByName("goteborg")[0]?.code, "SEGOT");
    assert.equal(searchLocodesByName("Göteborg")[0]?.code, "SEGOT");
  });

  it("follows UNECE '=' aliases", () => {
    assert.ok(searchLocodesByName("Gothenburg").some((entry) => entry.code === "SEGOT"));
    assert.ok(searchLocodesByName("Bombay", { country: "IN" }).some((entry) => entry.code === "INBOM"));
  });

  it("honours limit and seaportsOnly and returns nothing for empty queries", () => {
    assert.equal(searchLocodesByName("san", { limit: 5 }).length, 5);
    assert.ok(searchLocodesByName("san", { seaportsOnly: true, limit: 50 }).every((entry) => entry.functions.seaport));
    assert.deepEqual(searchLocodesByName("  ,, "), []);
  });

  it("names countries", () => {
    assert.equal(countryName("jp"), "Japan");
    assert.equal(countryName("ZZ"), undefined);
  });
});

describe("raw UNECE CSV parsing", { skip: !existsSync(RAW_PART2) && "raw tradedata not present" }, () => {
  it("keeps the comma in Nagoya, Aichi and every row has 12 fields, even with a quoted line break", () => {
    const rows = parseCsvRows(readFileSync(RAW_PART2).toString("latin1"));
    assert.ok(rows.every((row) => row.length === 12));
    const nagoya = rows.find((row) => row[1] === "JP" && row[2] === "NGO");
    assert.equal(nagoya?.[3], "Nagoya, Aichi");
    const midelt = rows.find((row) => row[1] === "MA" && row[2] === "MDT");
    assert.equal(midelt?.[11], "\n");
    assert.equal(rows.find((row) => row[3] === ".JAPAN")?.[2], "");
  });
});

describe("unlocode.tsv reproducibility", { skip: !existsSync(RAW_PART2) && "raw tradedata not present" }, () => {
  it("rebuilding from the raw files gives the shipped files byte for byte", () => {
    const out = mkdtempSync(join(tmpdir(), "unlocode-"));
    try {
      const builder = new URL("../../src/trade/data/build-unlocode.ts", import.meta.url).pathname;
      execFileSync(process.execPath, ["--import", "tsx", builder, RAW_DIR, out], { stdio: "pipe" });
      for (const file of ["unlocode.tsv", "unlocode-aliases.tsv", "countries.tsv"]) {
        const shipped = readFileSync(new URL(`../../src/trade/data/${file}`, import.meta.url), "utf8");
        assert.equal(readFileSync(join(out, file), "utf8"), shipped, file);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
