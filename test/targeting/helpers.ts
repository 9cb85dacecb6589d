// Builders shared by the targeting tests.
import {
  compileRuleSet,
  parseShipmentFacts,
  type Condition,
  type ShipmentFacts,
  type TargetingDeps,
} from "../../src/targeting/index.ts";

/** A plain Japan-bound shipment that fires nothing in the example rule set; override what a test needs. */
export function shipment(overrides: Record<string, unknown> = {}): ShipmentFacts {
  return parseShipmentFacts({
    shipmentKey: "S-1",
    billOfLading: "ONEYLAX0001",
    carrierScac: "ONEY",
    vesselImo: "9321483",
    portOfLoading: "USLAX",
    portOfDischarge: "JPTYO",
    finalDestination: "JPTYO",
    etd: "2026-11-20T12:00:00Z",
    loadingCutoff: "2026-11-19T12:00:00Z",
    filedAt: "2026-11-17T12:00:00Z",
    itn: "X20261117000001",
    parties: [
      { role: "shipper", name: "SIERRA GRAIN CO", country: "US", address: "1 MAIN ST, FRESNO CA" },
      { role: "consignee", name: "OSAKA FOODS KK", country: "JP", address: "1-1 UMEDA, OSAKA" },
    ],
    goods: [{ hsCode: "1001.99", description: "WHEAT IN BULK BAGS", packages: 20, grossWeightKg: 24_000 }],
    containers: [{ containerNo: "MSKU1234565", sizeType: "22G1" }],
    ...overrides,
  });
}

/** Compiles a one-rule set around a condition. */
export function oneRule(when: Condition, deps: TargetingDeps = {}, explanation = "fired") {
  return compileRuleSet(
    {
      id: "t",
      version: "1",
      agency: "TEST",
      thresholds: { medium: 10, high: 20 },
      rules: [{ id: "r", weight: 10, explanation, when }],
    },
    deps,
  );
}
