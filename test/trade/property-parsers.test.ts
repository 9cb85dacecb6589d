/**
 * Property-based tests: the parsers survive any input (random text, byte soup, segment soup,
 * mutated real samples and mutated writer output), streaming does not depend on chunk
 * boundaries, and the writers round-trip generated manifests and events.
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseManifestCsv } from "../../src/trade/csv/manifest-csv.ts";
import { writeManifestCsv } from "../../src/trade/csv/write-manifest-csv.ts";
import { detectFormat, parseMessageText } from "../../src/trade/detect.ts";
import { DiagnosticCollector } from "../../src/trade/diagnostics.ts";
import { parseEdifact } from "../../src/trade/edifact/parse.ts";
import { streamEdifactSegments, tokenizeEdifact } from "../../src/trade/edifact/tokenize.ts";
import { writeCuscar } from "../../src/trade/edifact/write-cuscar.ts";
import { makeImoNumber } from "../../src/trade/imo.ts";
import { makeContainerNumber } from "../../src/trade/iso6346.ts";
import { assignDefined } from "../../src/trade/records.ts";
import type {
  ContainerEvent,
  ContainerRef,
  GoodsLine,
  ManifestShipment,
  ParseResult,
  Party,
  Vessel,
} from "../../src/trade/records.ts";
import { parseX12 } from "../../src/trade/x12/parse.ts";
import { STATUS_CODES, write315 } from "../../src/trade/x12/write-315.ts";
import { repoRoot, tradedata } from "./fixtures/edi-helpers.ts";

// --- Generators for valid manifests and events -------------------------------------------------

const LETTERS = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"];
const ALNUM = [...LETTERS, ..."0123456789"];
/** Letters, digits, the EDIFACT service characters and some ISO 8859-1 letters; no X12 or CSV list separators. */
const TEXT_CHARS = [...ALNUM, "?", "'", "+", ":", ".", ",", "-", "/", "&", '"', "(", ")", "É", "ß", "ñ", "Ø"];
const LOCODES = ["USLAX", "JPTYO", "JPUKB", "CNSHA", "NLRTM", "DEHAM", "SGSIN", "KRPUS"];

const codeArb = (min: number, max: number, chars: readonly string[] = ALNUM): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...chars), minLength: min, maxLength: max });
const textArb = (maxWords: number): fc.Arbitrary<string> =>
  fc.array(codeArb(1, 12, TEXT_CHARS), { minLength: 1, maxLength: maxWords }).map((words) => words.join(" "));
const weightArb = fc.integer({ min: 0, max: 40_000_000 }).map((grams) => grams / 1000);
const twoDigits = (min: number, max: number): fc.Arbitrary<string> =>
  fc.integer({ min, max }).map((n) => String(n).padStart(2, "0"));
const clockArb = fc.tuple(twoDigits(0, 23), twoDigits(0, 59), fc.option(twoDigits(0, 59)));
const isoTimeArb = fc
  .tuple(fc.integer({ min: 2000, max: 2099 }), twoDigits(1, 12), twoDigits(1, 28), fc.option(clockArb))
  .map(([y, mo, d, clock]) => {
    const date = `${y}-${mo}-${d}`;
    if (!clock) {
      return date;
    }
    const [h, mi, s] = clock;
    return s === null ? `${date}T${h}:${mi}` : `${date}T${h}:${mi}:${s}`;
  });
const containerNumberArb = fc
  .tuple(codeArb(3, 3, LETTERS), fc.integer({ min: 0, max: 999_999 }))
  .map(([owner, serial]) => makeContainerNumber(`${owner}U`, serial));
const imoArb = fc.integer({ min: 100_000, max: 999_999 }).map(makeImoNumber);
const sizeTypeArb = fc.constantFrom("22G1", "42G1", "45G1", "22R1", "45R1", "22U1", "22T1", "L5G1");

const vesselArb: fc.Arbitrary<Vessel> = fc.oneof(
  fc.record({ imo: imoArb, name: textArb(3) }, { requiredKeys: ["imo"], noNullPrototype: true }),
  fc.record({ callSign: codeArb(4, 7), name: textArb(3) }, { requiredKeys: ["callSign"], noNullPrototype: true }),
  fc.record({ name: textArb(3) }, { requiredKeys: [], noNullPrototype: true }),
);

const headerArb = fc.record(
  {
    function: fc.constantFrom("original", "replace", "cancel"),
    carrierScac: codeArb(2, 4, LETTERS),
    voyage: codeArb(1, 8),
    vessel: vesselArb,
  },
  { requiredKeys: ["function", "vessel"], noNullPrototype: true },
);

const partyArb: fc.Arbitrary<Party> = fc.record(
  {
    name: textArb(8),
    id: codeArb(1, 12),
    idAgency: fc.constantFrom("ZZZ", "9", "172"),
    address: fc.array(textArb(5), { maxLength: 3 }),
    city: textArb(2),
    region: codeArb(2, 3, LETTERS),
    postalCode: codeArb(3, 9),
    country: fc.constantFrom("US", "JP", "CN", "DE", "NL", "SG"),
  },
  { requiredKeys: ["address"], noNullPrototype: true },
);

const containerArb: fc.Arbitrary<ContainerRef> = fc.record(
  {
    number: containerNumberArb,
    isValid: fc.constant(true),
    equipmentType: fc.constant("CN"),
    sizeType: sizeTypeArb,
    seals: fc.uniqueArray(codeArb(3, 10), { maxLength: 2 }),
    fullEmpty: fc.constantFrom("full", "empty"),
    grossWeightKg: weightArb,
  },
  { requiredKeys: ["number", "isValid", "equipmentType", "seals"], noNullPrototype: true },
);

const goodsDraftArb = fc.record(
  {
    hsCode: fc.constantFrom("690721", "310430", "847130", "870323", "940360", "3926909990"),
    description: textArb(10),
    marks: textArb(4),
    packages: fc.integer({ min: 0, max: 9999 }),
    packageType: fc.constantFrom("CT", "PK", "PX", "BG"),
    grossWeightKg: weightArb,
    picks: fc.array(fc.nat(3), { maxLength: 2 }),
  },
  { requiredKeys: ["picks"], noNullPrototype: true },
);

const shipmentDraftArb = fc.record(
  {
    header: fc.nat(),
    messageRef: codeArb(1, 10),
    billOfLading: codeArb(4, 16),
    bookingNumber: codeArb(4, 12),
    portOfLoading: fc.constantFrom(...LOCODES.slice(0, 2)),
    portOfDischarge: fc.constantFrom(...LOCODES.slice(2)),
    finalDestination: fc.constantFrom(...LOCODES),
    placeOfReceipt: fc.constantFrom(...LOCODES),
    etd: fc.oneof(fc.constantFrom("2024-06-15T06:00", "2024-06-15"), isoTimeArb),
    parties: fc.record(
      { shipper: partyArb, consignee: partyArb, notify: partyArb },
      { requiredKeys: [], noNullPrototype: true },
    ),
    containers: fc.uniqueArray(containerArb, { maxLength: 3, selector: (c) => c.number }),
    goods: fc.array(goodsDraftArb, { maxLength: 3 }),
  },
  { requiredKeys: ["header", "messageRef", "billOfLading", "parties", "containers", "goods"], noNullPrototype: true },
);

type ShipmentDraft = typeof shipmentDraftArb extends fc.Arbitrary<infer T> ? T : never;
type HeaderDraft = typeof headerArb extends fc.Arbitrary<infer T> ? T : never;

function buildShipment(draft: ShipmentDraft, headers: readonly HeaderDraft[]): ManifestShipment {
  const { header: pick, goods, containers, ...fields } = draft;
  const header = headers[pick % headers.length] ?? { function: "original", vessel: {} };
  const goodsLines = goods.map(({ picks, ...line }, i): GoodsLine => {
    const numbers = [...new Set(picks.filter((p) => p < containers.length).map((p) => containers[p]?.number ?? ""))];
    return { ...line, lineNumber: i + 1, containerNumbers: numbers };
  });
  return {
    source: { format: "cuscar" },
    ...header,
    ...fields,
    vessel: { ...header.vessel },
    goods: goodsLines,
    containers,
  };
}

/** 1–4 bills over 1–2 voyages, so messages are split and places shared in some runs but not others. */
const manifestArb: fc.Arbitrary<ManifestShipment[]> = fc
  .tuple(
    fc.array(headerArb, { minLength: 1, maxLength: 2 }),
    fc.uniqueArray(shipmentDraftArb, { minLength: 1, maxLength: 4, selector: (s) => s.billOfLading }),
  )
  .map(([headers, drafts]) => drafts.map((draft) => buildShipment(draft, headers)));

/** What the default CSV layout carries of a shipment (see csv/README.md). */
function csvShape(shipment: ManifestShipment): ManifestShipment {
  const { placeOfReceipt: _receipt, vessel, parties, goods, containers, ...rest } = shipment;
  const party = (p: Party | undefined): Party | undefined =>
    p && (p.name || p.country || p.address.length > 0)
      ? assignDefined<Party>({ address: p.address }, { name: p.name, country: p.country })
      : undefined;
  const withGoods = goods.filter(
    (g) => g.hsCode || g.description || g.packages !== undefined || g.grossWeightKg !== undefined,
  );
  return {
    ...rest,
    vessel: assignDefined<Vessel>({}, { imo: vessel.imo, name: vessel.name }),
    parties: assignDefined(
      {},
      { shipper: party(parties.shipper), consignee: party(parties.consignee), notify: party(parties.notify) },
    ),
    goods: withGoods.map(({ marks: _marks, ...g }, i) => ({
      ...g,
      lineNumber: i + 1,
      containerNumbers: g.containerNumbers.slice(0, 1),
    })),
    containers: containers.map(({ grossWeightKg: _weight, ...c }) => c),
  };
}

const eventArb: fc.Arbitrary<ContainerEvent> = fc
  .record(
    {
      container: containerNumberArb,
      eventType: fc.constantFrom(...(Object.keys(STATUS_CODES) as Array<keyof typeof STATUS_CODES>)),
      time: isoTimeArb,
      where: fc.oneof(
        fc.record({ place: fc.constantFrom(...LOCODES) }, { noNullPrototype: true }),
        fc.record({ placeName: textArb(3) }, { noNullPrototype: true }),
        fc.constant({}),
      ),
      vessel: fc.record(
        { imo: imoArb, name: textArb(3), flag: fc.constantFrom("PA", "LR", "SG") },
        { requiredKeys: [], noNullPrototype: true },
      ),
      voyage: codeArb(1, 8),
      billOfLading: codeArb(4, 16),
      bookingNumber: codeArb(4, 12),
      sizeType: sizeTypeArb,
      fullEmpty: fc.constantFrom("full", "empty"),
      portOfLoading: fc.constantFrom(...LOCODES),
      portOfDischarge: fc.constantFrom(...LOCODES),
      finalDestination: fc.constantFrom(...LOCODES),
    },
    { requiredKeys: ["container", "eventType", "where", "vessel"], noNullPrototype: true },
  )
  .map(({ where, ...event }) => ({
    source: { format: "x12-315" },
    containerValid: true,
    isPlanned: false,
    statusCode: STATUS_CODES[event.eventType],
    ...where,
    ...event,
  }));

const eventsArb = fc.array(eventArb, { minLength: 1, maxLength: 4 });

const WRITE_OPTIONS = {
  sender: "CARRIER",
  recipient: "CUSTOMS",
  interchangeRef: "IC1",
  preparedAt: new Date("2024-06-14T10:30:00Z"),
};
const X12_OPTIONS = {
  sender: "CARRIER",
  receiver: "CUSTOMS",
  interchangeControl: 7,
  preparedAt: new Date("2024-06-14T10:30:00Z"),
};

/** Shipments without provenance (and without the message reference, which CUSCAR assigns per message). */
function comparableShipments(shipments: readonly ManifestShipment[], keepMessageRef = false): unknown[] {
  return shipments.map(({ source: _source, messageRef, ...rest }) => (keepMessageRef ? { ...rest, messageRef } : rest));
}

function comparableEvents(events: readonly ContainerEvent[]): unknown[] {
  return events.map(({ source: _source, ...rest }) => rest);
}

// --- Properties ---------------------------------------------------------------------------------

const CRASH_CODES = new Set(["parse.failed", "edifact.mapper_failed", "x12.mapper_failed"]);

/** A parser result that is whole, JSON-clean and reports no internal failure. */
function assertSane(result: ParseResult): void {
  assert.ok(Array.isArray(result.shipments) && Array.isArray(result.containerEvents) && Array.isArray(result.stowage));
  const crashes = result.diagnostics.filter((d) => CRASH_CODES.has(d.code));
  assert.deepEqual(crashes, []);
  assert.deepEqual(
    JSON.parse(JSON.stringify(result)),
    result,
    "records are plain JSON (no undefined, NaN or Infinity)",
  );
}

/** Every entry point on the same text. */
function parseEverywhere(text: string): void {
  detectFormat(text);
  assertSane(parseMessageText(text));
  assertSane(parseEdifact(text));
  assertSane(parseX12(text));
  assertSane(parseManifestCsv(text));
}

function readSamples(): Array<[string, string]> {
  const folders = [
    path.join(tradedata, "edifact"),
    path.join(tradedata, "x12"),
    path.resolve(repoRoot, "test/trade/fixtures"),
  ];
  return folders.flatMap((folder) =>
    readdirSync(folder)
      .filter((name) => /\.(edi|csv)$/.test(name))
      .map((name): [string, string] => [name, readFileSync(path.join(folder, name), "utf8")]),
  );
}

const SAMPLES = readSamples();

const INSERTS = [
  "'",
  "+",
  ":",
  "?",
  "*",
  "~",
  ">",
  "\n",
  "\r\n",
  '"',
  ",",
  "UNH+",
  "UNT+",
  "UNZ+",
  "UNA:+.? '",
  "ISA*",
  "ST*",
  "SE*",
  "\u0000",
  "\uFEFF",
];

/** One edit: truncation, a changed character, an inserted separator, or a segment deleted / repeated. */
const mutationArb = fc.record({
  kind: fc.constantFrom("truncate", "flip", "insert", "delete-segment", "duplicate-segment"),
  at: fc.nat(),
  text: fc.oneof(fc.constantFrom(...INSERTS), fc.string({ unit: "binary", minLength: 1, maxLength: 3 })),
});

type Mutation = typeof mutationArb extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, mutation: Mutation): string {
  const at = text.length === 0 ? 0 : mutation.at % text.length;
  const pieces = text.split(/(?<=['~\n])/);
  const piece = pieces.length === 0 ? 0 : mutation.at % pieces.length;
  switch (mutation.kind) {
    case "truncate":
      return text.slice(0, at);
    case "flip":
      return text.slice(0, at) + mutation.text + text.slice(at + 1);
    case "insert":
      return text.slice(0, at) + mutation.text + text.slice(at);
    case "delete-segment":
      return [...pieces.slice(0, piece), ...pieces.slice(piece + 1)].join("");
    case "duplicate-segment":
      return [...pieces.slice(0, piece + 1), ...pieces.slice(piece)].join("");
  }
}

const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 4 });

const EDI_TAGS =
  "BGM DTM RFF NAD TDT LOC GIS EQD EQA MEA SEL CNI GID PAC FTX PIA SGP PCI DOC DGS TMP DIM STS CNT HAN GDS UNH UNT UNG UNE".split(
    " ",
  );
const EDI_CODES =
  "CN BL 20 85 9 5 4 1 2 146 103 102 203 BM BN KGM LBR G VGM WT AAE 147 11 7 76 CZ N1 CA CF HS AAA 22G1 MSKU1234565 20240615".split(
    " ",
  );
const X12_TAGS = "B4 N9 Q2 R4 DTM M10 P4 LX M11 N1 N2 N3 N4 VID N10 B3 B2A V1 Y2 N7 M7 L0 L5 H1 ST SE".split(" ");
const X12_CODES = "BM BN EQ L D E R UN AE VD I OA VA H K CN SH N1 GMCU 609413 7 20240615 0807 USLAX".split(" ");

const valueArb = (codes: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(fc.constantFrom(...codes), fc.string({ maxLength: 8 }), fc.string({ unit: "binary-ascii", maxLength: 4 }));

/** A syntactically plausible EDIFACT message of random segments from the mappers' vocabulary. */
const edifactSoupArb = fc
  .tuple(
    fc.constantFrom("CUSCAR", "BAPLIE", "COARRI", "CODECO", "COPRAR", "IFTMIN", "IFTSTA", "CUSRES"),
    fc.array(
      fc.tuple(
        fc.constantFrom(...EDI_TAGS),
        fc.array(fc.array(valueArb(EDI_CODES), { minLength: 1, maxLength: 4 }), { maxLength: 8 }),
      ),
      { maxLength: 40 },
    ),
  )
  .map(([type, segments]) => {
    const body = segments.map(([tag, elements]) => `${[tag, ...elements.map((c) => c.join(":"))].join("+")}'`);
    return `UNA:+.? 'UNB+UNOC:3+A+B+240101:0000+1'UNH+1+${type}:D:95B:UN'${body.join("\n")}UNT+${body.length + 2}+1'UNZ+1+1'`;
  });

const ISA =
  "ISA*00*          *00*          *ZZ*SOURCE         *ZZ*TARGET         *220524*1120*U*00401*000000001*0*P*>~";

/** An X12 interchange of random segments from the 309/310/315 vocabulary. */
const x12SoupArb = fc
  .tuple(
    fc.constantFrom("315", "309", "310", "204"),
    fc.array(fc.tuple(fc.constantFrom(...X12_TAGS), fc.array(valueArb(X12_CODES), { maxLength: 14 })), {
      maxLength: 40,
    }),
  )
  .map(([type, segments]) => {
    const body = segments.map(([tag, elements]) => `${[tag, ...elements].join("*")}~`);
    return `${ISA}\nGS*QO*S*T*20220524*1600*1*X*004010~ST*${type}*0001~${body.join("\n")}SE*${body.length + 2}*0001~GE*1*1~IEA*1*000000001~`;
  });

describe("parsers never throw", () => {
  it("on arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), parseEverywhere), { numRuns: 300 });
  });

  it("on byte soup decoded as UTF-8 and Latin-1, with and without an EDI prefix", () => {
    const prefixes = [
      "",
      "UNA:+.? '",
      "UNB+UNOC:3+",
      "UNH+1+CUSCAR:D:95B:UN'",
      ISA,
      "bill_of_lading,container_number\n",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.uint8Array({ maxLength: 400 }),
        fc.boolean(),
        (prefix, bytes, latin1) => {
          const text = latin1 ? Buffer.from(bytes).toString("latin1") : new TextDecoder().decode(bytes);
          parseEverywhere(prefix + text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("on random segments inside well-formed EDIFACT and X12 envelopes", () => {
    fc.assert(fc.property(edifactSoupArb, parseEverywhere), { numRuns: 300 });
    fc.assert(fc.property(x12SoupArb, parseEverywhere), { numRuns: 300 });
  });

  it("on every real sample after truncation, flipped characters, inserted separators and deleted segments", () => {
    assert.ok(SAMPLES.length >= 10, "tradedata samples and own fixtures are present");
    fc.assert(
      fc.property(fc.constantFrom(...SAMPLES), mutationsArb, ([, text], mutations) => {
        parseEverywhere(mutations.reduce(mutate, text));
      }),
      { numRuns: 600 },
    );
  });

  it("on mutated writer output", () => {
    fc.assert(
      fc.property(
        manifestArb,
        eventsArb,
        fc.constantFrom("cuscar", "csv", "315"),
        mutationsArb,
        (shipments, events, writer, mutations) => {
          const text =
            writer === "cuscar"
              ? writeCuscar(shipments, WRITE_OPTIONS)
              : writer === "csv"
                ? writeManifestCsv(shipments)
                : write315(events, X12_OPTIONS);
          parseEverywhere(mutations.reduce(mutate, text));
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Cut text into chunks at the given fractions, as strings or as UTF-8 bytes. */
function chunk(text: string, cuts: readonly number[], bytes: boolean): Array<string | Uint8Array> {
  const whole = bytes ? new TextEncoder().encode(text) : text;
  const points = [...new Set(cuts.map((c) => Math.floor(c * whole.length)))].sort((a, b) => a - b);
  return [0, ...points].map((start, i) => whole.slice(start, points[i] ?? whole.length));
}

describe("streaming tokenizer", () => {
  it("gives the same segments and diagnostics whatever the chunk boundaries", async () => {
    const texts = fc.oneof(
      fc.constantFrom(...SAMPLES.filter(([name]) => name.endsWith(".edi")).map(([, text]) => text)),
      manifestArb.map((shipments) => writeCuscar(shipments, WRITE_OPTIONS)),
    );
    const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(texts, mutationsArb, cuts, fc.boolean(), async (text, mutations, fractions, bytes) => {
        const mutated = mutations.reduce(mutate, text);
        // UTF-8 cannot carry a lone surrogate (a truncation can leave one), so bytes decode to U+FFFD.
        const input = bytes ? new TextDecoder().decode(new TextEncoder().encode(mutated)) : mutated;
        const whole = tokenizeEdifact(input);
        const streamed = [];
        const diagnostics = new DiagnosticCollector();
        for await (const segment of streamEdifactSegments(chunk(input, fractions, bytes), { diagnostics })) {
          streamed.push(segment);
        }
        assert.deepEqual(streamed, whole.segments);
        assert.deepEqual(diagnostics.list, whole.diagnostics);
      }),
      { numRuns: 150 },
    );
  });
});

describe("writers round-trip generated data", () => {
  it("CUSCAR: parseMessageText(writeCuscar(x)) gives x back with no error diagnostics", () => {
    fc.assert(
      fc.property(
        manifestArb,
        fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        (shipments, perMessage) => {
          const result = parseMessageText(
            writeCuscar(shipments, { ...WRITE_OPTIONS, shipmentsPerMessage: perMessage }),
          );
          assert.deepEqual(
            result.diagnostics.filter((d) => d.severity === "error"),
            [],
          );
          assert.deepEqual(
            result.diagnostics.filter((d) => d.code.startsWith("edifact.")),
            [],
          );
          assert.deepEqual(comparableShipments(result.shipments), comparableShipments(shipments));
        },
      ),
      { numRuns: 250 },
    );
  });

  it("CSV: parseManifestCsv(writeManifestCsv(x)) gives back what the layout carries", () => {
    fc.assert(
      fc.property(manifestArb, (shipments) => {
        const expected = shipments.map(csvShape);
        const result = parseMessageText(writeManifestCsv(expected));
        assert.deepEqual(
          result.diagnostics.filter((d) => d.severity === "error"),
          [],
        );
        assert.deepEqual(comparableShipments(result.shipments, true), comparableShipments(expected, true));
      }),
      { numRuns: 250 },
    );
  });

  it("315: parseX12(write315(x)) gives the events back with no diagnostics", () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        const result = parseMessageText(write315(events, X12_OPTIONS));
        assert.deepEqual(
          result.diagnostics.filter((d) => d.severity === "error" || d.code.startsWith("x12.")),
          [],
        );
        assert.deepEqual(comparableEvents(result.containerEvents), comparableEvents(events));
      }),
      { numRuns: 250 },
    );
  });
});
