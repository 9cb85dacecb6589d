import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { isValidImo } from "../../src/trade/imo.ts";
import { decodeSizeType, parseContainerNumber } from "../../src/trade/iso6346.ts";
import { findLocode } from "../../src/trade/unlocode.ts";

const DATA = "/work/shared/tradedata";
const present = existsSync(`${DATA}/x12`) && existsSync(`${DATA}/edifact`);

function read(path: string): string {
  return readFileSync(`${DATA}/${path}`, "latin1");
}

describe("reference codes in the real EDI samples", { skip: !present && "tradedata not present" }, () => {
  it("X12 315: joins the split B4 equipment id and rejects GMCU6094137", () => {
    const b4 = /B4\*[^~\n]*/.exec(read("x12/x12-004010-315-apimeister.edi"))?.[0].split("*") ?? [];
    const id = `${b4[7] ?? ""} ${b4[8] ?? ""}-${b4[13] ?? ""}`;
    const result = parseContainerNumber(id);
    assert.equal(!result.ok && result.normalised, "GMCU6094137");
    assert.equal(!result.ok && result.reason, "check digit is 7, expected 5");
  });

  it("X12 310: POLAR ECUADOR's IMO number, 45G1 and R4 UN/LOCODEs", () => {
    const text = read("x12/x12-004010-310-apimeister.edi");
    const imo = /V1\*(\d+)\*POLAR ECUADOR/.exec(text)?.[1] ?? "";
    assert.equal(isValidImo(imo), true);
    const sizeType = decodeSizeType(/Y2\*\d*\*\*\*(\w{4})/.exec(text)?.[1] ?? "");
    assert.equal(sizeType.ok && sizeType.value.highCube, true);
    const locodes = [...text.matchAll(/R4\*\w\*UN\*(\w{5})/g)].map((match) => match[1] ?? "");
    assert.deepEqual(locodes, ["CLSVE", "USBAL", "PAMIT"]);
    // CL is in Part 1 of UN/LOCODE, which we do not ship.
    assert.deepEqual(
      locodes.map((code) => findLocode(code)?.name),
      [undefined, "Baltimore", "Manzanillo"],
    );
  });

  it("BAPLIE SMDG 3.1 example: SUDU1234569 is valid, 42U0 decodes", () => {
    const text = read("edifact/baplie-d13b-smdg31-example-edifabric.edi");
    const eqd = /EQD\+CN\+(\w+):6346:5\+(\w{4})/.exec(text);
    assert.equal(parseContainerNumber(eqd?.[1] ?? "").ok, true);
    const sizeType = decodeSizeType(eqd?.[2] ?? "");
    assert.equal(sizeType.ok && sizeType.value.typeGroup, "UT");
  });

  it("anonymised ids in COPRAR and IFTSTA fail with a reason", () => {
    const coprar = /EQD\+CN\+(\w+)/.exec(read("edifact/coprar-d95b-anonymized-apimeister.edi"))?.[1] ?? "";
    const copResult = parseContainerNumber(coprar);
    assert.equal(!copResult.ok && copResult.reason, 'equipment category must be U, J or Z, got "I"');
    const iftsta = /EQD\+CN\+(\w+)/.exec(read("edifact/iftsta-d00b-apimeister.edi"))?.[1] ?? "";
    const ftResult = parseContainerNumber(iftsta);
    assert.equal(!ftResult.ok && ftResult.reason, "check digit is 2, expected 5");
  });
});
