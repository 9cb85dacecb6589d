import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { RadFileError } from "../../src/radiation/errors.ts";
import { expandCountedZeros, parseChannelCounts, parseNumberList } from "../../src/radiation/io/n42-values.ts";
import { readRadFile } from "../../src/radiation/io/read-rad-file.ts";
import { attr, child, childText, parseXmlTree } from "../../src/radiation/io/xml-tree.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The number-list reader this project had before the hand-written scanner: the reference. */
function splitParse(text: string): number[] {
  const out: number[] = [];
  for (const tok of text.split(/[\s,]+/)) {
    if (tok === "") {
      continue;
    }
    const v = Number(tok);
    if (!Number.isFinite(v)) {
      throw new Error(`Not a number: "${tok.slice(0, 40)}"`);
    }
    out.push(v);
  }
  return out;
}

function malformed(xml: string): RadFileError {
  try {
    parseXmlTree(enc(xml));
  } catch (e) {
    assert.ok(e instanceof RadFileError, String(e));
    assert.equal(e.code, "radfile.malformed", e.message);
    return e;
  }
  assert.fail(`accepted: ${xml.slice(0, 60)}`);
}

function oneSpectrum(channelData: string): string {
  return `<RadInstrumentData><EnergyCalibration id="c"><CoefficientValues>0 1</CoefficientValues></EnergyCalibration><RadMeasurement id="m"><RealTimeDuration>PT1S</RealTimeDuration><Spectrum id="s" energyCalibrationReference="c"><LiveTimeDuration>PT1S</LiveTimeDuration>${channelData}</Spectrum></RadMeasurement></RadInstrumentData>`;
}

describe("number scanner", () => {
  const token = fc.oneof(
    fc.integer({ min: 0, max: 2 ** 31 }).map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => v.toFixed(6)),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => v.toExponential(8)),
    fc.constantFrom(
      "0",
      "-0",
      "+5",
      ".5",
      "5.",
      "007",
      "1e22",
      "1e23",
      "1e-22",
      "1e-23",
      "0x1F",
      "0b11",
      "1E+3",
      "123456789012345678",
      "0.30000000000000004",
    ),
  );
  const sep = fc.constantFrom(" ", "  ", "\n", "\r\n", "\t", ",", " , ", "\u00a0", "\u2028", "\u3000");

  it("reads exactly what Number() reads (-0 included), whatever the separators", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(token, sep), { maxLength: 40 }), (parts) => {
        const text = parts.map(([t, s]) => t + s).join("");
        assert.deepEqual(parseNumberList(text), splitParse(text));
      }),
      { numRuns: 500 },
    );
  });

  it("refuses non-numbers and non-finite values with the token and the element's path", () => {
    for (const bad of ["seven", "1e400", "Infinity", "NaN", "1.2.3", "12abc", "-", "&#49;"]) {
      const xml = oneSpectrum(`<ChannelData>1 2 ${bad} 4</ChannelData>`);
      try {
        readRadFile(enc(xml), "x.n42");
        assert.fail(`accepted ${bad}`);
      } catch (e) {
        assert.ok(e instanceof RadFileError);
        assert.equal(e.code, "radfile.malformed");
        assert.equal(e.message, `Not a number: "${bad}"`);
        assert.equal(e.where.xmlPath, "/RadInstrumentData/RadMeasurement/Spectrum/ChannelData");
      }
    }
  });

  it("expands CountedZeroes on the fly exactly like expandCountedZeros", () => {
    const value = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 }), fc.constantFrom(0.5, 2.4, 7.6));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), (values) => {
        const text = values.join(" ");
        const b = enc(text);
        let expected: number[] | string;
        try {
          expected = expandCountedZeros(splitParse(text));
        } catch (e) {
          expected = (e as Error).message;
        }
        let actual: number[] | string;
        try {
          actual = parseChannelCounts(b, 0, b.length, true);
        } catch (e) {
          actual = (e as Error).message;
        }
        assert.deepEqual(actual, expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe("single-pass XML tree", () => {
  it("drops namespace prefixes (declared or not) and xmlns attributes, keeps the rest", () => {
    const root = parseXmlTree(
      enc(
        `<n:Root xmlns:n="urn:x" xmlns="urn:y" n:id="7" xsi:schemaLocation="s"><DHS:Item a="1"/><InterSpec:Item/></n:Root>`,
      ),
    );
    assert.equal(root.name, "Root");
    assert.deepEqual({ ...root.attrs }, { id: "7", schemaLocation: "s" });
    assert.deepEqual(
      root.children.map((c) => c.name),
      ["Item", "Item"],
    );
    assert.equal(root.children[1]!.path, "/Root/Item[2]");
  });

  it("gives text with entities left for childText, CDATA unwrapped, comments dropped, CRLF as LF", () => {
    const root = parseXmlTree(
      enc(
        `<r><a>x &amp; y &#65;&#x42;</a><b>1 2<!-- c -->3<![CDATA[ <4> ]]></b><c>l1\r\nl2\rl3</c><d t="a&lt;b"/></r>`,
      ),
    );
    assert.equal(child(root, "a")!.text, "x &amp; y &#65;&#x42;");
    assert.equal(childText(root, "a"), "x & y AB");
    assert.equal(child(root, "b")!.text, "1 23 <4> ");
    assert.equal(child(root, "c")!.text, "l1\nl2\nl3");
    assert.equal(attr(child(root, "D"), "T"), "a<b");
  });

  it("decodes UTF-8 text and names, and skips a BOM", () => {
    const root = parseXmlTree(enc(`\ufeff<?xml version="1.0"?><r><Remark>±0.5 keV — Größe</Remark><Größe/></r>`));
    assert.equal(childText(root, "Remark"), "±0.5 keV — Größe");
    assert.equal(root.children[1]!.name, "Größe");
    // Only the leading byte order mark is dropped; one inside the text is text.
    assert.equal(parseXmlTree(enc("\ufeff<r>\ufeffx</r>")).text, "\ufeffx");
  });

  it("reports malformed documents with a line", () => {
    const cases: [string, RegExp, number][] = [
      ["<r>\n<a>\n</b>\n</r>", /Expected closing tag 'a' \(opened in line 2, col 1\) instead of closing tag 'b'/, 3],
      ["<r>\n<a>\n<b>", /Unclosed tags 'r', 'a', 'b'/, 3],
      ["<r>\n<a>1 & 2</a></r>", /char '&' is not expected/, 2],
      ["<r><a/></r>\n<r/>", /Multiple possible root nodes/, 2],
      ["<r/>\nx", /Extra text at the end/, 2],
      ['<r a="1" a="2"/>', /Attribute 'a' is repeated/, 1],
      ["<r a=1/>", /Attribute 'a' is without value/, 1],
      ['<r a="1/>', /open quote/, 1],
      ["<r>\n<!-- never closed </r>", /Comment is not closed/, 2],
      ["<r><![CDATA[ x </r>", /CDATA is not closed/, 1],
      ["<1r/>", /Tag '1r' is an invalid name/, 1],
      ["</r>", /has not been opened/, 1],
      ["<!DOCTYPE a><!DOCTYPE b><r/>", /Multiple DOCTYPE/, 1],
      [" \n<?xml version='1.0'?><r/>", /XML declaration allowed only at the start/, 2],
      ["<?xml version='1.0'?>", /Start tag expected/, 1],
      [`<r>${"<a>".repeat(101)}${"</a>".repeat(101)}</r>`, /nested deeper than 101/, 1],
    ];
    for (const [xml, message, line] of cases) {
      const e = malformed(xml);
      assert.match(e.message, message, xml);
      assert.equal(e.where.line, line, `${xml}: ${e.message}`);
    }
  });

  it("accepts what the previous reader accepted: boolean attributes, PIs, a DOCTYPE without entities, 101 levels", () => {
    const root = parseXmlTree(enc(`<!DOCTYPE r><r flag a='x"y'><?pi data?><b\tc="1"\t/></r>`));
    assert.deepEqual({ ...root.attrs }, { a: 'x"y' });
    assert.equal(attr(child(root, "b"), "c"), "1");
    parseXmlTree(enc(`<r>${"<a>".repeat(100)}${"</a>".repeat(100)}</r>`));
  });

  it("refuses entity declarations anywhere, with their byte offset", () => {
    for (const [xml, at] of [
      [`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "x">]><r>&a;</r>`, 34],
      [`<r><!-- <!entity --></r>`, 8],
    ] as const) {
      try {
        parseXmlTree(enc(xml));
        assert.fail("accepted an entity declaration");
      } catch (e) {
        assert.ok(e instanceof RadFileError);
        assert.equal(e.code, "radfile.unsafe_xml");
        assert.equal(e.where.byteOffset, at);
      }
    }
  });
});
