import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { DIGEST_FIXTURE, digestedFiles, digestFile, digestUriFolder } from "./fixtures/model-digest.ts";

// raddata-digests.json was recorded from the readers as they were before the single-pass XML rewrite
// (fast-xml-parser validate + parse + convert). Every real file must still parse to the same model:
// counts sums (plain and channel-weighted), channel counts, calibrations, live/real times, ids,
// classes, detectors, warnings, and a hash of the whole model.
const recorded = JSON.parse(readFileSync(DIGEST_FIXTURE, "utf8")) as Record<string, Record<string, unknown>>;
const HOW = "if the change is intended, re-record: node --import tsx test/radiation/fixtures/model-digest.ts --write";

/** JSON round trip, as the fixture went through one (NaN → null, undefined dropped). */
function asRecorded(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v)) as unknown;
}

describe("every raddata file parses to the model recorded before the XML rewrite", () => {
  const { files, uriFolders } = digestedFiles();

  it("covers every radiation file in raddata", () => {
    const expected = [...files, ...uriFolders.map((d) => `${d}/*`)].sort();
    assert.deepEqual(Object.keys(recorded).sort(), expected);
    assert.ok(files.filter((f) => f.startsWith("n42-2006/")).length >= 21);
    assert.ok(files.filter((f) => f.startsWith("n42-2012/")).length >= 10);
  });

  for (const f of files) {
    it(f, () => {
      assert.deepEqual(asRecorded(digestFile(f)), recorded[f], `${f} changed; ${HOW}`);
    });
  }

  for (const d of uriFolders) {
    it(`${d}/* (${d.split("/").pop()})`, () => {
      assert.deepEqual(asRecorded(digestUriFolder(d)), recorded[`${d}/*`], `${d} changed; ${HOW}`);
    });
  }
});
