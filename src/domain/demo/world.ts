import { makeContainerNumber, makeImoNumber } from "../../trade/index.ts";
import {
  CARRIERS,
  COMMODITIES,
  CONSIGNEES,
  JP_NATIVE_FORMS,
  JP_NATIVE_STEMS,
  SERVICES,
  US_CITIES,
  US_SHIPPER_FORMS,
  US_SHIPPER_KINDS,
  US_SHIPPER_STEMS,
  US_STREETS,
  type Carrier,
  type Service,
} from "./catalogue.ts";
import { seededRandom, type Random } from "./random.ts";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** Knobs for the generated world. */
export interface WorldOptions {
  seed: number;
  /** Midnight UTC of the day the world is centred on; voyages run from 20 days before to 10 after. */
  anchor: Date;
  /** Roughly how many shipments to generate. */
  shipments: number;
}

export interface DemoVessel {
  imo: string;
  name: string;
  flag: string;
  carrierScac: string;
}

export interface DemoVoyage {
  id: string;
  vesselImo: string;
  voyageNo: string;
  carrierScac: string;
  service: Service;
  portOfLoading: string;
  etd: Date;
  loadingCutoff: Date;
}

export interface DemoShipment {
  id: string;
  billOfLading: string;
  carrierScac: string;
  voyageId: string;
  portOfLoading: string;
  portOfDischarge: string;
  finalDestination: string | null;
  shipper: { name: string; address: string; country: string };
  /** `nativeName`: the consignee's name in Japanese script, for some of Japan's consignees. */
  consignee: { name: string; address: string; country: string; nativeName?: string };
  notifyName: string | null;
  etd: Date;
  filedAt: Date;
  containers: { containerNo: string; sizeType: string; sealNo: string; isFull: boolean }[];
  goods: {
    lineNo: number;
    hsCode: string;
    description: string;
    packages: number;
    packageType: string;
    grossWeightKg: number;
    containerNo: string;
  }[];
}

export interface DemoWorld {
  vessels: DemoVessel[];
  voyages: DemoVoyage[];
  shipments: DemoShipment[];
}

const FLAGS = ["PA", "LR", "MH", "SG", "HK", "MT", "DK", "JP", "KR"];

function buildVessels(rng: Random): Map<string, DemoVessel[]> {
  const byCarrier = new Map<string, DemoVessel[]>();
  const used = new Set<string>();
  for (const carrier of CARRIERS) {
    const fleet = carrier.vesselNames.map((name) => {
      let imo = makeImoNumber(rng.int(930000, 989999));
      while (used.has(imo)) {
        imo = makeImoNumber(rng.int(930000, 989999));
      }
      used.add(imo);
      const fullName = carrier.vesselPrefix ? `${carrier.vesselPrefix} ${name}` : name;
      return { imo, name: fullName, flag: rng.pick(FLAGS), carrierScac: carrier.scac };
    });
    byCarrier.set(carrier.scac, fleet);
  }
  return byCarrier;
}

function buildVoyages(rng: Random, anchor: Date, fleets: Map<string, DemoVessel[]>): DemoVoyage[] {
  const voyages: DemoVoyage[] = [];
  const start = anchor.getTime() - 20 * DAY_MS;
  for (const service of SERVICES) {
    let day = 0;
    while ((new Date(start + day * DAY_MS).getUTCDay() + 7) % 7 !== service.weekday) {
      day++;
    }
    for (let week = 0; day + week * 7 < 30; week++) {
      const scac = service.carriers[week % service.carriers.length] as string;
      const fleet = fleets.get(scac) as DemoVessel[];
      const vessel = fleet[(week + service.code.length) % fleet.length] as DemoVessel;
      const etd = new Date(start + (day + week * 7) * DAY_MS + rng.int(14, 22) * 60 * 60 * 1000);
      voyages.push({
        id: rng.uuid(),
        vesselImo: vessel.imo,
        voyageNo: `${rng.int(100, 999)}W`,
        carrierScac: scac,
        service,
        portOfLoading: service.portOfLoading,
        etd,
        loadingCutoff: new Date(etd.getTime() - rng.int(24, 36) * 60 * 60 * 1000),
      });
    }
  }
  return voyages.sort((a, b) => a.etd.getTime() - b.etd.getTime());
}

function makeShipper(rng: Random): DemoShipment["shipper"] {
  const name = `${rng.pick(US_SHIPPER_STEMS)} ${rng.pick(US_SHIPPER_KINDS)} ${rng.pick(US_SHIPPER_FORMS)}`;
  const address = `${rng.int(100, 24999)} ${rng.pick(US_STREETS)}, ${rng.pick(US_CITIES)}, CA ${rng.int(90001, 93599)}`;
  return { name, address, country: "US" };
}

function makeConsignee(rng: Random, country: string): DemoShipment["consignee"] {
  const style = CONSIGNEES[country];
  if (!style) {
    throw new Error(`the demo catalogue has no consignees for ${country}`);
  }
  const stem = rng.pick(style.stems);
  const form = rng.pick(style.forms);
  const address = `${rng.int(1, 9)}-${rng.int(1, 30)}-${rng.int(1, 20)}, ${rng.pick(style.cities)}`;
  // The native name follows from the romanised one, drawing nothing: the world stays as it was.
  const nativeStem = country === "JP" ? JP_NATIVE_STEMS[stem] : undefined;
  const nativeForm = JP_NATIVE_FORMS[form];
  const nativeName = nativeStem && nativeForm ? nativeForm(nativeStem) : undefined;
  return { name: `${stem} ${form}`, address, country, ...(nativeName ? { nativeName } : {}) };
}

/** Generates a deterministic world: the same options always give the same vessels, voyages and shipments. */
export function generateWorld(options: WorldOptions): DemoWorld {
  const rng = seededRandom(options.seed);
  const fleets = buildVessels(rng);
  const voyages = buildVoyages(rng, options.anchor, fleets);
  const perVoyage = Math.max(1, Math.round(options.shipments / voyages.length));
  const usedContainers = new Set<string>();
  const usedBills = new Set<string>();
  const shipments: DemoShipment[] = [];
  // A small pool of regular trading partners makes repeat parties realistic.
  const shippers = Array.from({ length: 180 }, () => makeShipper(rng));
  for (const voyage of voyages) {
    const carrier = CARRIERS.find((c) => c.scac === voyage.carrierScac) as Carrier;
    const count = perVoyage + rng.int(-Math.floor(perVoyage / 10), Math.floor(perVoyage / 10));
    for (let i = 0; i < count; i++) {
      shipments.push(makeShipment(rng, options.anchor, voyage, carrier, shippers, usedContainers, usedBills));
    }
  }
  return { vessels: [...fleets.values()].flat(), voyages, shipments };
}

function uniqueBill(rng: Random, scac: string, used: Set<string>): string {
  let bill = `${scac}${rng.int(100000000, 999999999)}`;
  while (used.has(bill)) {
    bill = `${scac}${rng.int(100000000, 999999999)}`;
  }
  used.add(bill);
  return bill;
}

function uniqueContainer(rng: Random, carrier: Carrier, used: Set<string>): string {
  let id = makeContainerNumber(rng.pick(carrier.owners), rng.int(100000, 999999));
  while (used.has(id)) {
    id = makeContainerNumber(rng.pick(carrier.owners), rng.int(100000, 999999));
  }
  used.add(id);
  return id;
}

/**
 * When the manifest was filed: most days ahead of the cut-off, a few after it. Nothing is filed
 * after the story's day (an hour before `anchor`): a late filing whose hour has not come yet was
 * filed on time, and a sailing further out has its manifests filed in the days before.
 */
function filingTime(rng: Random, voyage: DemoVoyage, anchor: Date): Date {
  const cutoff = voyage.loadingCutoff.getTime();
  const isLate = rng.chance(0.03);
  const filed = isLate ? cutoff + rng.int(1, 20) * HOUR_MS : cutoff - rng.int(26, 240) * HOUR_MS;
  const latest = anchor.getTime() - HOUR_MS;
  if (filed <= latest) {
    return new Date(filed);
  }
  return new Date(Math.min(cutoff - 26 * HOUR_MS, latest) - rng.int(0, 96) * HOUR_MS);
}

function makeShipment(
  rng: Random,
  anchor: Date,
  voyage: DemoVoyage,
  carrier: Carrier,
  shippers: DemoShipment["shipper"][],
  usedContainers: Set<string>,
  usedBills: Set<string>,
): DemoShipment {
  const service = voyage.service;
  const portOfDischarge = rng.pick(service.discharge);
  let finalDestination: string | null = null;
  const relay = service.transshipment;
  if (relay && portOfDischarge === relay.via && rng.chance(relay.share)) {
    finalDestination = rng.pick(relay.to);
  }
  const destinationCountry = (finalDestination ?? portOfDischarge).slice(0, 2);
  const commodity = rng.weighted(COMMODITIES.map((c) => [c, c.weight] as const));
  const boxes = rng.weighted([
    [1, 60],
    [2, 25],
    [3, 10],
    [4, 5],
  ] as const);
  const sizeType = rng.pick(commodity.sizeTypes);
  const containers = Array.from({ length: boxes }, () => ({
    containerNo: uniqueContainer(rng, carrier, usedContainers),
    sizeType,
    sealNo: `${carrier.scac.slice(0, 2)}${rng.int(1000000, 9999999)}`,
    isFull: true,
  }));
  const description = rng.pick(commodity.descriptions);
  const goods = containers.map((c, index) => {
    const kg = rng.int(commodity.kgPerContainer[0], commodity.kgPerContainer[1]);
    return {
      lineNo: index + 1,
      hsCode: commodity.hs,
      description,
      packages: Math.max(1, Math.round(kg / rng.int(20, 1000))),
      packageType: commodity.packageType,
      grossWeightKg: kg,
      containerNo: c.containerNo,
    };
  });
  const filedAt = filingTime(rng, voyage, anchor);
  const consignee = makeConsignee(rng, destinationCountry);
  return {
    id: rng.uuid(),
    billOfLading: uniqueBill(rng, carrier.scac, usedBills),
    carrierScac: carrier.scac,
    voyageId: voyage.id,
    portOfLoading: voyage.portOfLoading,
    portOfDischarge,
    finalDestination,
    shipper: rng.pick(shippers),
    consignee,
    notifyName: rng.chance(0.4) ? consignee.name : null,
    etd: voyage.etd,
    filedAt,
    containers,
    goods,
  };
}
