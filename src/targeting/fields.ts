// Field paths of the condition language ("portOfDischarge", "goods.hsCode", "shipper.country", "fields.incoterms", "teu").
import { PARTY_ROLES } from "./facts.ts";
import type { Evidence } from "./evidence.ts";
import type { Scalar } from "./schema.ts";
import type { ShipmentView } from "./view.ts";

/** Calls `visit(value, ref)` for each value at the path until it returns true; returns that ref, or -1. */
export type FieldWalker = (view: ShipmentView, visit: (value: Scalar | undefined) => boolean) => number;

/** A compiled field path: a walker and, for a ref it returned, the evidence of the goods line, container or party. */
export interface FieldAccess {
  walk: FieldWalker;
  describe: (view: ShipmentView, ref: number) => Evidence;
}

const SCALARS = [
  "shipmentKey",
  "billOfLading",
  "carrierScac",
  "vesselImo",
  "vesselName",
  "voyage",
  "placeOfReceipt",
  "portOfLoading",
  "portOfDischarge",
  "finalDestination",
  "etd",
  "loadingCutoff",
  "filedAt",
  "itn",
  "declaredValueUsd",
] as const;
const GOODS = ["hsCode", "description", "packages", "packageType", "grossWeightKg", "containerNo"] as const;
const CONTAINERS = ["containerNo", "sizeType", "sealNo"] as const;
/** Derived per container: the ISO 6346 type group of its size/type ("GP", "RE", "RT", "HR", "TN", …). */
const CONTAINER_DERIVED = ["typeGroup"] as const;
const PARTY = ["role", "name", "country", "address"] as const;

type Derived = (view: ShipmentView) => Scalar | undefined;
const DERIVED: Record<string, Derived> = {
  containerCount: (v) => v.facts.containers.length,
  teu: (v) => v.teu(),
  goodsLineCount: (v) => v.facts.goods.length,
  packageCount: (v) => v.facts.goods.reduce((s, g) => s + (g.packages ?? 0), 0),
  totalWeightKg: (v) => v.facts.goods.reduce((s, g) => s + (g.grossWeightKg ?? 0), 0),
  transshipmentCount: (v) => v.facts.transshipmentPorts.length,
  partyCount: (v) => v.facts.parties.length,
  hoursFiledBeforeCutoff: (v) => v.hoursFiledBeforeCutoff(),
};

const has = (list: readonly string[], key: string): boolean => list.includes(key);

function scalarAccess(read: (view: ShipmentView) => Scalar | undefined): FieldAccess {
  return { walk: (view, visit) => (visit(read(view)) ? 0 : -1), describe: () => ({}) };
}

function walkList<T>(
  items: readonly T[],
  read: (item: T) => Scalar | undefined,
  visit: (value: Scalar | undefined) => boolean,
): number {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item !== undefined && visit(read(item))) {
      return i;
    }
  }
  return -1;
}

function goodsAccess(key: (typeof GOODS)[number]): FieldAccess {
  return {
    walk: (view, visit) => walkList(view.facts.goods, (g) => g[key], visit),
    describe: (view, i) => {
      const g = view.facts.goods[i];
      return { line: i + 1, hsCode: g?.hsCode ?? "", description: g?.description ?? "" };
    },
  };
}

function containerAccess(key: (typeof CONTAINERS)[number]): FieldAccess {
  return {
    walk: (view, visit) => walkList(view.facts.containers, (c) => c[key], visit),
    describe: (view, i) => {
      const c = view.facts.containers[i];
      return { containerNo: c?.containerNo ?? "", sizeType: c?.sizeType ?? "" };
    },
  };
}

function containerTypeGroupAccess(): FieldAccess {
  return {
    walk: (view, visit) => {
      const groups = view.containerTypeGroups();
      for (let i = 0; i < groups.length; i++) {
        if (visit(groups[i])) {
          return i;
        }
      }
      return -1;
    },
    describe: containerAccess("containerNo").describe,
  };
}

function partyAccess(role: string | undefined, key: (typeof PARTY)[number]): FieldAccess {
  return {
    walk: (view, visit) => {
      const parties = view.facts.parties;
      for (let i = 0; i < parties.length; i++) {
        const p = parties[i];
        if (p && (!role || p.role === role) && visit(p[key])) {
          return i;
        }
      }
      return -1;
    },
    describe: (view, i) => {
      const p = view.facts.parties[i];
      return { role: p?.role ?? "", party: p?.name ?? "", partyCountry: p?.country ?? "" };
    },
  };
}

function transshipmentAccess(): FieldAccess {
  return { walk: (view, visit) => walkList(view.facts.transshipmentPorts, (p) => p, visit), describe: () => ({}) };
}

/** Compiles a field path; throws on an unknown path (so typos fail at compile time, not silently). */
export function compileField(path: string): FieldAccess {
  const [head = "", key = "", ...rest] = path.split(".");
  if (rest.length > 0) {
    throw new Error(`unknown field ${path}`);
  }
  if (!key && has(SCALARS, head)) {
    return scalarAccess((v) => v.facts[head as (typeof SCALARS)[number]]);
  }
  if (!key && head === "transshipmentPorts") {
    return transshipmentAccess();
  }
  const derived = DERIVED[head];
  if (!key && derived) {
    return scalarAccess(derived);
  }
  if (head === "goods" && has(GOODS, key)) {
    return goodsAccess(key as (typeof GOODS)[number]);
  }
  if (head === "containers" && has(CONTAINER_DERIVED, key)) {
    return containerTypeGroupAccess();
  }
  if (head === "containers" && has(CONTAINERS, key)) {
    return containerAccess(key as (typeof CONTAINERS)[number]);
  }
  if (head === "parties" && has(PARTY, key)) {
    return partyAccess(undefined, key as (typeof PARTY)[number]);
  }
  if (has(PARTY_ROLES, head) && has(PARTY, key) && key !== "role") {
    return partyAccess(head, key as (typeof PARTY)[number]);
  }
  if (head === "flags" && key) {
    return scalarAccess((v) => v.facts.flags[key]);
  }
  if (head === "fields" && key) {
    return scalarAccess((v) => v.facts.fields[key]);
  }
  throw new Error(`unknown field ${path}`);
}

/** True when a field path is one compileField accepts. */
export function isKnownField(path: string): boolean {
  try {
    compileField(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether a collection path (goods.x, containers.x, parties.x, shipper.x) — incomplete checks every item. */
export function isCollectionField(path: string): boolean {
  const head = path.split(".")[0] ?? "";
  return head === "goods" || head === "containers" || head === "parties" || has(PARTY_ROLES, head);
}
