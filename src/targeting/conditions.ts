// Compiles the condition language into closures over a ShipmentView. No rule text is ever evaluated as code.
//
// Three answers: evidence (holds), undefined (fails) and UNKNOWN (a fact it needs is absent). A missing fact never
// counts as the fact: `not` of UNKNOWN is UNKNOWN, `all` is UNKNOWN unless a part fails, `any` unless a part holds.
import type { TargetingDeps } from "./deps.ts";
import type { Evidence } from "./evidence.ts";
import { compileField } from "./fields.ts";
import { isEmpty, type Test } from "./incomplete.ts";
import type { Condition, Scalar } from "./schema.ts";
import { compileTextPattern } from "./text.ts";
import { UNKNOWN, type ShipmentView } from "./view.ts";
import { compileDomainCondition } from "./domain-conditions.ts";

export { UNKNOWN } from "./view.ts";

const NO_EVIDENCE: Evidence = Object.freeze({});

/**
 * A test over the values at a path: holds when one matches; otherwise UNKNOWN when a value is absent (or a list is
 * empty, or the source does not carry the path), else fails.
 */
function fieldTest(path: string, predicate: (value: Scalar) => boolean): Test {
  const { walk, describe } = compileField(path);
  // A shipment with no relay port is known to have none; no goods, containers or parties means they are unknown.
  const noneIsKnown = path === "transshipmentPorts";
  let found: Scalar = "";
  let sawAbsent = false;
  let seen = 0;
  const visit = (value: Scalar | undefined): boolean => {
    seen++;
    if (isEmpty(value)) {
      sawAbsent = true;
      return false;
    }
    if (!predicate(value)) {
      return false;
    }
    found = value;
    return true;
  };
  return (view) => {
    if (!view.carries(path)) {
      return view.unknown(path);
    }
    sawAbsent = false;
    seen = 0;
    const ref = walk(view, visit);
    if (ref >= 0) {
      return { ...describe(view, ref), field: path, value: found };
    }
    return sawAbsent || (seen === 0 && !noneIsKnown) ? view.unknown(path) : undefined;
  };
}

function compileAll(children: Condition[], deps: TargetingDeps): Test {
  const tests = children.map((c) => compileCondition(c, deps));
  return (view) => {
    let merged: Evidence | undefined;
    let unknown = false;
    for (const test of tests) {
      const found = test(view);
      if (!found) {
        return undefined;
      }
      if (found === UNKNOWN) {
        unknown = true;
        continue;
      }
      merged = merged ? { ...merged, ...found } : found;
    }
    return unknown ? UNKNOWN : (merged ?? NO_EVIDENCE);
  };
}

function compileAny(children: Condition[], deps: TargetingDeps): Test {
  const tests = children.map((c) => compileCondition(c, deps));
  return (view) => {
    let unknown = false;
    for (const test of tests) {
      const found = test(view);
      if (found === UNKNOWN) {
        unknown = true;
      } else if (found) {
        return found;
      }
    }
    return unknown ? UNKNOWN : undefined;
  };
}

function compileNot(child: Condition, deps: TargetingDeps): Test {
  const test = compileCondition(child, deps);
  return (view) => {
    const found = test(view);
    if (found === UNKNOWN) {
      return UNKNOWN;
    }
    return found ? undefined : NO_EVIDENCE;
  };
}

function compilePresent(path: string, present: boolean): Test {
  const { walk } = compileField(path);
  const visit = (value: Scalar | undefined): boolean => !isEmpty(value);
  return (view) => {
    if (!view.carries(path)) {
      return view.unknown(path);
    }
    const some = walk(view, visit) >= 0;
    if (present) {
      return some ? { field: path } : undefined;
    }
    return some ? undefined : { field: path, value: "(missing)" };
  };
}

function compileText(path: string, pattern: Parameters<typeof compileTextPattern>[0]): Test {
  const match = compileTextPattern(pattern);
  const { walk, describe } = compileField(path);
  // Scoring is synchronous and single-threaded, so the visitor can hand its result over in a closure variable.
  let current: ShipmentView | undefined;
  let hit: string | undefined;
  let found: Scalar = "";
  let sawAbsent = false;
  let seen = 0;
  const visit = (value: Scalar | undefined): boolean => {
    seen++;
    const text = current?.text(value === undefined ? "" : String(value)) ?? "";
    hit = match(text);
    if (hit === undefined && text === "") {
      sawAbsent = true;
    }
    found = value ?? "";
    return hit !== undefined;
  };
  return (view) => {
    if (!view.carries(path)) {
      return view.unknown(path);
    }
    current = view;
    sawAbsent = false;
    seen = 0;
    const ref = walk(view, visit);
    current = undefined;
    if (ref >= 0) {
      return { ...describe(view, ref), field: path, value: found, pattern: hit ?? "" };
    }
    return sawAbsent || (seen === 0 && pattern.empty !== true) ? view.unknown(path) : undefined;
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
