// Compiles the condition language into closures over a ShipmentView. No rule text is ever evaluated as code.
import type { TargetingDeps } from "./deps.ts";
import { compileField, isCollectionField, type Evidence } from "./fields.ts";
import type { Condition, Scalar } from "./schema.ts";
import { compileTextPattern } from "./text.ts";
import type { ShipmentView } from "./view.ts";
import { compileDomainCondition } from "./domain-conditions.ts";

/** A compiled condition: evidence when it holds, undefined when it does not. */
export type Test = (view: ShipmentView) => Evidence | undefined;

const NO_EVIDENCE: Evidence = Object.freeze({});

function isEmpty(value: Scalar | undefined): value is undefined | "" {
  return value === undefined || value === "";
}

function fieldTest(path: string, predicate: (value: Scalar) => boolean): Test {
  const { walk, describe } = compileField(path);
  let found: Scalar = "";
  const visit = (value: Scalar | undefined): boolean => {
    if (isEmpty(value) || !predicate(value)) {
      return false;
    }
    found = value;
    return true;
  };
  return (view) => {
    const ref = walk(view, visit);
    return ref < 0 ? undefined : { ...describe(view, ref), field: path, value: found };
  };
}

function compileAll(children: Condition[], deps: TargetingDeps): Test {
  const tests = children.map((c) => compileCondition(c, deps));
  return (view) => {
    let merged: Evidence | undefined;
    for (const test of tests) {
      const found = test(view);
      if (!found) {
        return undefined;
      }
      merged = merged ? { ...merged, ...found } : found;
    }
    return merged ?? NO_EVIDENCE;
  };
}

function compileAny(children: Condition[], deps: TargetingDeps): Test {
  const tests = children.map((c) => compileCondition(c, deps));
  return (view) => {
    for (const test of tests) {
      const found = test(view);
      if (found) {
        return found;
      }
    }
    return undefined;
  };
}

function compileNot(child: Condition, deps: TargetingDeps): Test {
  const test = compileCondition(child, deps);
  return (view) => (test(view) ? undefined : NO_EVIDENCE);
}

function compilePresent(path: string, present: boolean): Test {
  const some = fieldTest(path, () => true);
  return present ? some : (view) => (some(view) ? undefined : { field: path, value: "(missing)" });
}

function compileText(path: string, pattern: Parameters<typeof compileTextPattern>[0]): Test {
  const match = compileTextPattern(pattern);
  const { walk, describe } = compileField(path);
  // Scoring is synchronous and single-threaded, so the visitor can hand its result over in a closure variable.
  let current: ShipmentView | undefined;
  let hit: string | undefined;
  let found: Scalar = "";
  const visit = (value: Scalar | undefined): boolean => {
    hit = match(current?.text(value === undefined ? "" : String(value)) ?? "");
    found = value ?? "";
    return hit !== undefined;
  };
  return (view) => {
    current = view;
    const ref = walk(view, visit);
    current = undefined;
    return ref < 0 ? undefined : { ...describe(view, ref), field: path, value: found, pattern: hit ?? "" };
  };
}

function compileFieldCondition(c: Extract<Condition, { field: string }>): Test {
  if ("equals" in c) {
    return fieldTest(c.field, (v) => v === c.equals);
  }
  if ("in" in c) {
    const set = new Set<Scalar>(c.in);
    return fieldTest(c.field, (v) => set.has(v));
  }
  if ("prefix" in c) {
    return fieldTest(c.field, (v) => typeof v === "string" && c.prefix.some((p) => v.startsWith(p)));
  }
  if ("range" in c) {
    const min = c.range.min ?? -Infinity;
    const max = c.range.max ?? Infinity;
    return fieldTest(c.field, (v) => typeof v === "number" && v >= min && v <= max);
  }
  if ("present" in c) {
    return compilePresent(c.field, c.present);
  }
  return compileText(c.field, c.text);
}

/** Compiles one condition (recursively); throws on unknown fields or missing dependencies. */
export function compileCondition(c: Condition, deps: TargetingDeps): Test {
  if ("all" in c) {
    return compileAll(c.all, deps);
  }
  if ("any" in c) {
    return compileAny(c.any, deps);
  }
  if ("not" in c) {
    return compileNot(c.not, deps);
  }
  if ("field" in c) {
    return compileFieldCondition(c);
  }
  return compileDomainCondition(c, deps);
}

/** Paths among `fields` missing on the shipment: a scalar that is empty, or a collection with an item lacking it. */
export function compileIncomplete(fields: string[]): Test {
  let seen = 0;
  const visit = (value: Scalar | undefined): boolean => {
    seen++;
    return isEmpty(value);
  };
  const checks = fields.map((path) => {
    const { walk } = compileField(path);
    const isCollection = isCollectionField(path);
    return (view: ShipmentView): boolean => {
      seen = 0;
      return walk(view, visit) >= 0 || (isCollection && seen === 0);
    };
  });
  return (view) => {
    const missing = fields.filter((_, i) => checks[i]?.(view));
    return missing.length > 0 ? { missing, missingFields: missing.join(", ") } : undefined;
  };
}
