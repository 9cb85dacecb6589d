import type { MessageKind } from "../../src/federation/messages.ts";
import { mulberry32 } from "../../src/random/index.ts";
import { makeContainerNumber } from "../../src/trade/index.ts";

// What the soak run does to each container, planned up front from a seed so that the checks know
// what every container must end as on both nodes. Two kinds of container:
//
// - exported by the US (bound for Japan): the US files it and amends it; Japan's targeter asks for
//   an inspection on its copy; the US supervisor accepts or declines, the officer scans, the
//   supervisor disposes of it, and a hold may be released. US → Japan: shipment.shared,
//   shipment.amended, shipment.withdrawn (a cancelled filing), inspection_request.decided, scan.result, inspection_request.dispositioned,
//   inspection_request.hold_released (Japan → US: the request).
// - exported by Japan (bound for the US): Japan files it before the run and shares it; the US
//   targeter asks Japan for an inspection, may withdraw it, and the US port's radiation portals
//   report the container's occupancies to Japan. US → Japan: inspection_request.created,
//   inspection_request.withdrawn, portal.occupancy (Japan → US: the shipment).

/** A container the US exports to Japan. */
export interface UsExport {
  side: "us";
  container: string;
  bill: string;
  etd: string;
  /** The consignee of each version: the first is the original filing, the rest amendments. */
  consignees: string[];
  /** The carrier cancels the filing at the end (only when Japan never asked). */
  cancelled: boolean;
  /** Japan's request, when it asks; null when it never does. */
  request: {
    decision: "accept" | "decline";
    scans: {
      scanType: "radiation_portal" | "isotope_id" | "xray_image";
      outcome: "no_alarm" | "alarm" | "no_anomaly";
    }[];
    disposition: "cleared" | "hold" | "referred" | null;
    holdReleased: boolean;
  } | null;
}

/** A container Japan exports to the US. */
export interface JpExport {
  side: "jp";
  container: string;
  bill: string;
  etd: string;
  /** The US request on it, and whether the US withdraws it; null when it asks nothing. */
  request: { withdrawn: boolean } | null;
  occupancies: number;
}

export type PlannedContainer = UsExport | JpExport;

/** The US → Japan messages a container's plan makes, in the order they are made. */
export function plannedKinds(plan: PlannedContainer): MessageKind[] {
  if (plan.side === "jp") {
    const asked: MessageKind[] = plan.request
      ? ["inspection_request.created", ...(plan.request.withdrawn ? (["inspection_request.withdrawn"] as const) : [])]
      : [];
    return [...asked, ...Array.from({ length: plan.occupancies }, () => "portal.occupancy" as const)];
  }
  const kinds: MessageKind[] = ["shipment.shared", ...plan.consignees.slice(1).map(() => "shipment.amended" as const)];
  const request = plan.request;
  if (!request) {
    return plan.cancelled ? [...kinds, "shipment.withdrawn"] : kinds;
  }
  kinds.push("inspection_request.decided");
  if (request.decision === "decline") {
    return kinds;
  }
  kinds.push(...request.scans.map(() => "scan.result" as const));
  if (request.disposition) {
    kinds.push("inspection_request.dispositioned");
  }
  if (request.holdReleased) {
    kinds.push("inspection_request.hold_released");
  }
  return kinds;
}

const CONSIGNEES = [
  "TOKYO TRADING KK",
  "YOKOHAMA MACHINERY KK",
  "OSAKA ELECTRIC SUPPLY KK",
  "NAGOYA PARTS KK",
  "KOBE FOODS KK",
  "CHIBA CERAMICS KK",
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function usExport(random: () => number, n: number, etd: string): UsExport {
  const versions = 1 + (random() < 0.55 ? 1 + Math.floor(random() * 3) : 0);
  // Each amendment changes the consignee: a filing that changes nothing is no new version.
  const consignees: string[] = [];
  for (let v = 0; v < versions; v++) {
    consignees.push(
      pick(
        random,
        CONSIGNEES.filter((c) => c !== consignees.at(-1)),
      ),
    );
  }
  const container = makeContainerNumber("MSKU", 100_000 + n);
  const plan: UsExport = {
    side: "us",
    container,
    bill: `SOAKUS${String(n).padStart(6, "0")}`,
    etd,
    consignees,
    cancelled: false,
    request: null,
  };
  if (random() < 0.15) {
    plan.cancelled = random() < 0.4;
    return plan;
  }
  const decision = random() < 0.1 ? "decline" : "accept";
  const alarm = random() < 0.2;
  const scans: NonNullable<UsExport["request"]>["scans"] = alarm
    ? [
        { scanType: "radiation_portal", outcome: "alarm" },
        { scanType: "isotope_id", outcome: "no_alarm" },
      ]
    : [
        { scanType: "radiation_portal", outcome: "no_alarm" },
        ...(random() < 0.3 ? [{ scanType: "xray_image" as const, outcome: "no_anomaly" as const }] : []),
      ];
  const roll = random();
  const disposition = alarm ? (roll < 0.7 ? "hold" : "referred") : roll < 0.9 ? "cleared" : null;
  plan.request = {
    decision,
    scans: decision === "accept" ? scans : [],
    disposition: decision === "accept" ? disposition : null,
    holdReleased: decision === "accept" && disposition === "hold" && random() < 0.8,
  };
  return plan;
}

function jpExport(random: () => number, n: number, etd: string): JpExport {
  const container = makeContainerNumber("ONEU", 200_000 + n);
  const request = random() < 0.7 ? { withdrawn: random() < 0.25 } : null;
  return {
    side: "jp",
    container,
    bill: `SOAKJP${String(n).padStart(6, "0")}`,
    etd,
    request,
    occupancies: 1 + Math.floor(random() * 3),
  };
}

/**
 * Containers whose plans make exactly `messages` US → Japan messages: three US exports to each
 * Japanese one, the last container's portal occupancies making up the count.
 */
export function planContainers(messages: number, seed: number, now: Date): PlannedContainer[] {
  const random = mulberry32(seed);
  const plans: PlannedContainer[] = [];
  let total = 0;
  for (let n = 0; total < messages; n++) {
    const etd = new Date(now.getTime() + (3 + Math.floor(random() * 12)) * 86_400_000).toISOString().slice(0, 16);
    let plan: PlannedContainer = n % 4 === 3 ? jpExport(random, n, etd) : usExport(random, n, etd);
    const count = plannedKinds(plan).length;
    if (total + count > messages) {
      plan = {
        side: "jp",
        container: makeContainerNumber("ONEU", 200_000 + n),
        bill: `SOAKJP${String(n).padStart(6, "0")}`,
        etd,
        request: null,
        occupancies: messages - total,
      };
    }
    plans.push(plan);
    total += plannedKinds(plan).length;
  }
  return plans;
}

/** Columns of the carriers' CSV manifests the soak files. */
export const MANIFEST_COLUMNS =
  "bill_of_lading,message_ref,function,carrier_scac,vessel_imo,voyage,port_of_loading,port_of_discharge,etd,shipper_name,consignee_name,container_number,size_type,hs_code,description,packages,gross_weight_kg";

/** A manifest line of a US export's version (1 = the original filing; one past the last amendment cancels it). */
export function usManifestLine(plan: UsExport, version: number): string {
  const consignee = plan.consignees[Math.min(version, plan.consignees.length) - 1] as string;
  const fn = version === 1 ? "original" : version > plan.consignees.length ? "cancel" : "replace";
  return `${plan.bill},${plan.bill}-V${version},${fn},ONEY,9356127,AZ1W,USLAX,JPYOK,${plan.etd},PACIFIC MACHINERY LLC,${consignee},${plan.container},22G1,850440,STATIC CONVERTERS,10,12000`;
}

/** A manifest line of a Japanese export. */
export function jpManifestLine(plan: JpExport): string {
  return `${plan.bill},${plan.bill}-V1,original,ONEY,9356127,AZ2E,JPYOK,USLAX,${plan.etd},YOKOHAMA CERAMICS KK,PACIFIC HOME SUPPLY LLC,${plan.container},22G1,690721,CERAMIC FLOOR TILES,40,21000`;
}
