import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  decodeSizeType,
  iso6346CheckDigit,
  isValidContainerNumber,
  makeContainerNumber,
  parseContainerNumber,
  parseContainerNumberParts,
} from "../../src/trade/iso6346.ts";

/** Independent oracle straight from the doc's letter table (trade-standards.md §1.2). */
const DOC_TABLE =
  "A10 B12 C13 D14 E15 F16 G17 H18 I19 J20 K21 L23 M24 N25 O26 P27 Q28 R29 S30 T31 U32 V34 W35 X36 Y37 Z38";
const DOC_VALUES = new Map(DOC_TABLE.split(" ").map((pair) => [pair.charAt(0), Number(pair.slice(1))]));

function docRemainder(first10: string): number {
  let sum = 0;
  [...first10].forEach((ch, i) => {
    sum += (DOC_VALUES.get(ch) ?? Number(ch)) * 2 ** i;
  });
  return sum % 11;
}

const VALID = [
  "CSQU3054383",
  "MWCU6059784",
  "CMAU5127498",
  "CXRU1255022",
  "SUDU1234569",
  "ZEPU0037255",
  "CBHU6818017",
  "MSKU7351770",
];

describe("ISO 6346 check digit", () => {
  it("accepts every valid vector from the doc", () => {
    for (const id of VALID) {
      const result = parseContainerNumber(id);
      assert.equal(result.ok, true, id);
      assert.equal(iso6346CheckDigit(id.slice(0, 10)), Number(id.charAt(10)), id);
    }
  });

  it("matches the doc's worked sums", () => {
    assert.equal(docRemainder("CSQU305438"), 6185 % 11);
    assert.equal(docRemainder("MWCU605978"), 7858 % 11);
  });

  it("rejects the invalid vectors with the computed digit in the reason", () => {
    const cases: [string, number][] = [
      ["GMCU6094137", 5],
      ["MSCU6639871", 0],
      ["TCKU7453652", 3],
    ];
    for (const [id, expected] of cases) {
      const result = parseContainerNumber(id);
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.equal(result.reason, `check digit is ${id.charAt(10)}, expected ${expected}`);
        assert.equal(result.normalised, id);
      }
    }
  });

  it("weights from the left, not from the right", () => {
    let rightWeighted = 0;
    [..."CSQU305438"].forEach((ch, i) => {
      rightWeighted += (DOC_VALUES.get(ch) ?? Number(ch)) * 2 ** (9 - i);
    });
    assert.notEqual((rightWeighted % 11) % 10, 3);
    assert.equal(iso6346CheckDigit("CSQU305438"), 3);
  });

  it("returns NaN rather than throwing on junk", () => {
    assert.ok(Number.isNaN(iso6346CheckDigit("CSQU30543")));
    assert.ok(Number.isNaN(iso6346CheckDigit("CSQU30543!")));
  });
});

describe("parseContainerNumber", () => {
  it("normalises printed forms", () => {
    const printed = parseContainerNumber("CSQU 305438 3");
    assert.deepEqual(printed, {
      ok: true,
      value: { id: "CSQU3054383", owner: "CSQ", category: "U", serial: "305438", checkDigit: 3 },
    });
    const dashed = parseContainerNumber(" cxru 125502-2 ");
    assert.equal(dashed.ok && dashed.value.id, "CXRU1255022");
  });

  it("keeps serial leading zeros", () => {
    const result = parseContainerNumber("ZEPU0037255");
    assert.equal(result.ok && result.value.serial, "003725");
  });

  it("gives clear reasons for structural problems", () => {
    const reasons: [string, string][] = [
      ["", "container number is empty"],
      ["6931988", "owner code and category are missing (digits only)"],
      ["C5QU3054383", "owner code must be 3 letters"],
      ["CSQU305438", "container number must be 11 characters, got 10"],
      ["CSQX3054383", 'equipment category must be U, J or Z, got "X"'],
      ["CSQU30543A3", "serial number must be 6 digits"],
      ["CSQU305438X", "check digit must be a digit"],
      ["CSQU/305438/3", 'container number contains invalid character "/"'],
    ];
    for (const [raw, reason] of reasons) {
      const result = parseContainerNumber(raw);
      assert.equal(result.ok, false, raw);
      assert.equal(!result.ok && result.reason, reason, raw);
    }
  });

  it("joins ids printed in separate fields (X12 B4)", () => {
    const result = parseContainerNumberParts("CXRU", "125502", "2");
    assert.equal(result.ok && result.value.id, "CXRU1255022");
  });

  it("keeps the normalised id of a prefix-less AMS number", () => {
    const result = parseContainerNumber("693 1988");
    assert.equal(!result.ok && result.normalised, "6931988");
  });

  it("accepts swap-body categories only when asked", () => {
    const id = makeContainerNumber("ABCA", 123456);
    assert.equal(isValidContainerNumber(id), false);
    assert.equal(isValidContainerNumber(id, { allowSwapBodies: true }), true);
  });
});

describe("makeContainerNumber", () => {
  it("produces ids that parse, for many serials", () => {
    for (let serial = 0; serial < 2000; serial += 7) {
      const id = makeContainerNumber("RCPU", serial);
      assert.equal(id.length, 11);
      assert.equal(parseContainerNumber(id).ok, true, id);
    }
  });

  it("maps remainder 10 to check digit 0", () => {
    let serial = 0;
    while (docRemainder(`RCPU${String(serial).padStart(6, "0")}`) !== 10) {
      serial++;
    }
    const id = makeContainerNumber("rcpu", serial);
    assert.equal(id.charAt(10), "0");
    assert.equal(parseContainerNumber(id).ok, true);
  });

  it("reproduces a real id", () => {
    assert.equal(makeContainerNumber("CSQU", 305438), "CSQU3054383");
  });

  it("throws on programming errors", () => {
    assert.throws(() => makeContainerNumber("CSQ", 1), RangeError);
    assert.throws(() => makeContainerNumber("CSQU", 1_000_000), RangeError);
  });
});

describe("decodeSizeType", () => {
  it("decodes common ISO 6346:1995 codes", () => {
    const cases: [string, number, boolean, string][] = [
      ["22G1", 20, false, "GP"],
      ["42G1", 40, false, "GP"],
      ["45G1", 40, true, "GP"],
      ["45R1", 40, true, "RT"],
      ["22R1", 20, false, "RT"],
      ["L5G1", 45, true, "GP"],
      ["22T1", 20, false, "TN"],
      ["42P3", 40, false, "PC"],
      ["22U1", 20, false, "UT"],
      ["42U1", 40, false, "UT"],
      ["42U0", 40, false, "UT"],
      ["22T6", 20, false, "TD"],
    ];
    for (const [code, lengthFt, highCube, group] of cases) {
      const result = decodeSizeType(code);
      assert.equal(result.ok, true, code);
      if (result.ok) {
        assert.equal(result.value.lengthFt, lengthFt, code);
        assert.equal(result.value.highCube, highCube, code);
        assert.equal(result.value.typeGroup, group, code);
        assert.equal(result.value.system, "iso1995");
      }
    }
  });

  it("describes a high-cube reefer", () => {
    const result = decodeSizeType("45r1");
    assert.equal(result.ok && result.value.description, "40' high cube refrigerated and heated");
    assert.equal(result.ok && result.value.heightLabel, "9'6\"");
  });

  it("decodes type-group codes", () => {
    const gp = decodeSizeType("22GP");
    assert.equal(gp.ok && gp.value.system, "iso1995-group");
    const rt = decodeSizeType("45RT");
    assert.equal(rt.ok && rt.value.typeGroup, "RT");
    assert.equal(rt.ok && rt.value.highCube, true);
  });

  it("decodes legacy 1984 numeric codes", () => {
    for (const [code, lengthFt, highCube] of [
      ["2210", 20, false],
      ["4510", 40, true],
      ["4500", 40, true],
    ] as const) {
      const result = decodeSizeType(code);
      assert.equal(result.ok, true, code);
      if (result.ok) {
        assert.equal(result.value.system, "iso1984");
        assert.equal(result.value.lengthFt, lengthFt);
        assert.equal(result.value.highCube, highCube);
        assert.equal(result.value.typeGroup, "GP");
      }
    }
  });

  it("returns a reason for unknown codes", () => {
    assert.deepEqual(decodeSizeType("X2G1"), { ok: false, reason: 'unknown length code "X"' });
    assert.deepEqual(decodeSizeType("22Q1"), { ok: false, reason: 'unknown type code "Q1"' });
    assert.equal(decodeSizeType("22G").ok, false);
  });

  it("points carrier shorthand to the ISO code", () => {
    assert.deepEqual(decodeSizeType("40HC"), {
      ok: false,
      reason: '"40HC" is carrier shorthand, not ISO 6346 (usually 45G1)',
    });
    assert.equal(decodeSizeType("40RH").ok, false);
  });
});
