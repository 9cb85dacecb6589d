import type { MessageKind } from "./messages.ts";

// Example bodies of every message kind, built from a number: what the tests, the bench, the soak
// run and the two-node demo send. Each body passes its kind's schema.

const KINDS: MessageKind[] = [
  "shipment.shared",
  "inspection_request.created",
  "inspection_request.decided",
  "scan.result",
  "inspection_request.dispositioned",
  "inspection_request.hold_released",
  "shipment.amended",
  "portal.occupancy",
  "inspection_request.withdrawn",
  "shipment.withdrawn",
];

function containerNo(n: number): string {
  return `MSCU${String(1_000_000 + (n % 9_000_000)).padStart(7, "0")}`;
}

/** The n-th sample message for a subject: its kind cycles through every kind. */
export function sampleMessage(
  n: number,
  subjectIndex: number,
  at: Date = new Date(),
): { kind: MessageKind; subject: string; body: Record<string, unknown> } {
  const kind = KINDS[n % KINDS.length] as MessageKind;
  const container = containerNo(subjectIndex);
  const iso = at.toISOString();
  const requestId = `REQ-${subjectIndex}`;
  const step = { requestId, reference: `CSI-2026-${String(subjectIndex).padStart(5, "0")}`, occurredAt: iso };
  const shipment = {
    shipmentId: `SHP-${subjectIndex}`,
    version: 1 + Math.floor(n / KINDS.length),
    billOfLading: `MEDU${String(subjectIndex).padStart(8, "0")}`,
    containers: [container],
    portOfLoading: "USLAX",
    portOfDischarge: "JPYOK",
    vesselName: "MSC AURORA",
    voyageNumber: "FA612W",
    departureAt: iso,
    goods: [{ hsCode: "850440", description: "Static converters" }],
  };
  const bodies: Record<MessageKind, Record<string, unknown>> = {
    "shipment.shared": shipment,
    "shipment.amended": shipment,
    "shipment.withdrawn": { shipmentId: shipment.shipmentId, reason: "cancelled" },
    "inspection_request.created": {
      ...step,
      requestType: "inspection",
      containerNo: container,
      priority: "high",
      reason: "Radiological anomaly on prior voyage",
      reasonCodes: ["radiological"],
      agreement: "CSI-USCBP-JPCUS",
    },
    "inspection_request.withdrawn": { ...step, from: "accepted", to: "withdrawn", note: null },
    "inspection_request.decided": { ...step, from: "requested", to: "accepted", note: null, reasonCode: null },
    "scan.result": {
      ...step,
      from: "scanning",
      to: "results_recorded",
      scanType: "radiation_portal",
      outcome: "no_alarm",
    },
    "inspection_request.dispositioned": {
      ...step,
      from: "results_recorded",
      to: "dispositioned",
      disposition: "cleared",
    },
    "inspection_request.hold_released": { ...step, from: "dispositioned", to: "dispositioned", note: "released" },
    "portal.occupancy": {
      occupancyId: `OCC-${subjectIndex}-${n}`,
      portal: "RPM-JPYOK-07",
      locode: "JPYOK",
      containerNo: container,
      startedAt: iso,
      endedAt: iso,
      grossGamma: [1210, 1250, 1302, 1240],
      grossNeutron: [3, 2, 4, 3],
      alarms: [],
      analysis: { verdict: "no_alarm", nuclides: [], note: null },
      n42: null,
    },
  };
  return { kind, subject: `container:${container}`, body: bodies[kind] };
}
