import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseMessageText } from "../../src/trade/detect.ts";
import { makeContainerNumber } from "../../src/trade/iso6346.ts";
import type { ContainerEvent } from "../../src/trade/records.ts";
import { parseX12 } from "../../src/trade/x12/parse.ts";
import { write315 } from "../../src/trade/x12/write-315.ts";
import type { X12WriteOptions } from "../../src/trade/x12/write-x12.ts";
import { sample } from "./fixtures/edi-helpers.ts";

const OPTIONS: X12WriteOptions = {
  sender: "RECIPROCITY",
  receiver: "JPCUS",
  interchangeControl: 42,
  preparedAt: new Date("2024-06-14T10:30:00Z"),
};
const BOX = makeContainerNumber("ONEU", 654321);

function comparable(events: readonly ContainerEvent[]): unknown[] {
  return events.map(({ source: _source, ...rest }) => rest);
}

function event(overrides: Partial<ContainerEvent>): ContainerEvent {
  return {
    source: { format: "x12-315" },
    container: BOX,
    containerValid: true,
    eventType: "loaded",
    statusCode: "AE",
    isPlanned: false,
    time: "2024-06-15T06:10",
    place: "USLAX",
    vessel: { imo: "9356127", name: "RECIPROCITY STAR", flag: "PA" },
    voyage: "042W",
    billOfLading: "ONEYLAX00001",
    bookingNumber: "BK-77",
    sizeType: "45G1",
    fullEmpty: "full",
    portOfLoading: "USLAX",
    portOfDischarge: "JPTYO",
    finalDestination: "JPUKB",
    ...overrides,
  };
}

describe("write315", () => {
  it("round-trips gate-in, loaded and departed events with clean envelopes", () => {
    const input = [
      event({ eventType: "gate-in", statusCode: "I", time: "2024-06-13T14:02:59", vessel: {}, voyage: undefined }),
      event({}),
      event({
        eventType: "departed",
        statusCode: "VD",
        time: "2024-06-15",
        fullEmpty: "empty",
        place: undefined,
        placeName: "PIER 400",
      }),
    ];
    const text = write315(input, OPTIONS);
    const result = parseMessageText(text);
    assert.equal(result.format, "x12-315");
    assert.equal(result.messages, 3);
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(
      comparable(result.containerEvents),
      comparable(input.map((e) => JSON.parse(JSON.stringify(e)) as ContainerEvent)),
    );
    assert.equal(text.indexOf("~"), 105, "ISA is fixed width");
    assert.ok(text.includes(`B4***AE*20240615*0610**ONEU*654321*L*45G1*USLAX*UN*${BOX.charAt(10)}~`));
  });

  it("writes the usual status code for an event type without one", () => {
    const text = write315([event({ statusCode: undefined, eventType: "discharged" })], OPTIONS);
    assert.equal(parseX12(text).containerEvents[0]?.statusCode, "UV");
  });

  it("round-trips the real apimeister 315", () => {
    const original = parseX12(sample("x12", "x12-004010-315-apimeister.edi"));
    const result = parseX12(write315(original.containerEvents, OPTIONS));
    assert.deepEqual(comparable(result.containerEvents), comparable(original.containerEvents));
  });

  it("refuses data holding a separator and ids too long for the ISA", () => {
    assert.throws(() => write315([event({ voyage: "04*2" })], OPTIONS), RangeError);
    assert.throws(() => write315([event({})], { ...OPTIONS, sender: "A-SENDER-ID-LONGER-THAN-15" }), RangeError);
    assert.throws(() => write315([event({})], { ...OPTIONS, interchangeControl: 0 }), RangeError);
  });
});
