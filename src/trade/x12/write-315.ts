/**
 * ContainerEvent[] → X12 315 Status Details (Ocean), one transaction set per event:
 * B4 (status, date/time, equipment, L/E, size/type, location), N9 BM/BN/EQ, Q2 vessel, R4 ports.
 * Output reads back through parseX12. Call signs, cells and a place name beside a UN/LOCODE are not written.
 */

import type { ContainerEvent, ContainerEventType } from "../records.ts";
import { x12Interchange, x12Segment, x12Transaction } from "./write-x12.ts";
import type { X12WriteOptions } from "./write-x12.ts";

/**
 * B403 status code written for each event type when the event carries no code of its own. A bay
 * plan's "on-board" has no 315 code of its own and is written as loaded (AE).
 */
export const STATUS_CODES: Readonly<Record<Exclude<ContainerEventType, "other" | "on-board">, string>> = {
  "gate-in": "I",
  "gate-out": "OA",
  loaded: "AE",
  discharged: "UV",
  departed: "VD",
  arrived: "VA",
};

/** Write container events as one 315 interchange (GS functional id QO); throws RangeError on separators in data. */
export function write315(events: readonly ContainerEvent[], opts: X12WriteOptions): string {
  const transactions = events.map((event, i) =>
    x12Transaction("315", String(i + 1).padStart(4, "0"), eventBody(event)),
  );
  return x12Interchange("QO", transactions, opts);
}

function eventBody(event: ContainerEvent): string[] {
  const body = [statusSegment(event)];
  const refs: Array<[string, string | undefined]> = [
    ["BM", event.billOfLading],
    ["BN", event.bookingNumber],
    ["EQ", event.container],
  ];
  for (const [qualifier, value] of refs) {
    if (value) {
      body.push(x12Segment("N9", qualifier, value));
    }
  }
  const { vessel } = event;
  const vesselCode = vessel.imo ?? vessel.otherId;
  if (vesselCode || vessel.name || vessel.flag || event.voyage) {
    // Q2: 01 vessel code, 02 flag, 09 voyage, 12 code qualifier (L = Lloyd's/IMO), 13 name.
    const q2 = Array.from({ length: 13 }, (): string | undefined => undefined);
    [q2[0], q2[1], q2[8], q2[11], q2[12]] = [
      vesselCode,
      vessel.flag,
      event.voyage,
      vessel.imo ? "L" : undefined,
      vessel.name,
    ];
    body.push(x12Segment("Q2", ...q2));
  }
  const ports: Array<[string, string | undefined]> = [
    ["L", event.portOfLoading],
    ["D", event.portOfDischarge],
    ["E", event.finalDestination],
  ];
  for (const [role, code] of ports) {
    if (code) {
      body.push(x12Segment("R4", role, "UN", code));
    }
  }
  return body;
}

/** B4: B403 status, B404 date, B405 time, B407/B408/B413 equipment split, B409 L/E, B410 type, B411/B412 place. */
function statusSegment(event: ContainerEvent): string {
  const type = event.eventType === "on-board" ? "loaded" : event.eventType;
  const code = event.statusCode ?? (type === "other" ? undefined : STATUS_CODES[type]);
  const time = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(event.time ?? "");
  const date = time ? `${time[1] ?? ""}${time[2] ?? ""}${time[3] ?? ""}` : undefined;
  const clock = time?.[4] ? `${time[4]}${time[5] ?? ""}${time[6] ?? ""}` : undefined;
  const id = /^([A-Z]{4})(\d{6})(\d)$/.exec(event.container);
  const [initial, serial, checkDigit] = id ? [id[1], id[2], id[3]] : [undefined, event.container, undefined];
  const loadEmpty = event.fullEmpty === "full" ? "L" : event.fullEmpty === "empty" ? "E" : undefined;
  const [location, qualifier] = event.place
    ? [event.place, "UN"]
    : event.placeName
      ? [event.placeName, "CI"]
      : [undefined, undefined];
  const equipment = [initial, serial, loadEmpty, event.sizeType];
  return x12Segment(
    "B4",
    undefined,
    undefined,
    code,
    date,
    clock,
    undefined,
    ...equipment,
    location,
    qualifier,
    checkDigit,
  );
}
