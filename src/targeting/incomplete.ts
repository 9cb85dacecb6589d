import type { Evidence } from "./evidence.ts";
import { compileField, isCollectionField } from "./fields.ts";
import type { Scalar } from "./schema.ts";
import type { ShipmentView } from "./view.ts";

/** A compiled condition: evidence when it holds, undefined when it does not, UNKNOWN when a fact it needs is absent. */
export type Test = (view: ShipmentView) => Evidence | undefined;

/** True for a value the filer left out or left blank. */
export function isEmpty(value: Scalar | undefined): value is undefined | "" {
  return value === undefined || value === "";
}

/**
 * Paths among `fields` the filer left empty: a scalar that is empty, or a collection with an item lacking it (or no
 * item). Paths the source does not carry are not missing; when it carries none of them the answer is UNKNOWN.
 */
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
    const carried = fields.filter((path) => view.carries(path));
    if (carried.length === 0) {
      return view.unknown(fields[0] ?? "");
    }
    const missing = fields.filter((path, i) => carried.includes(path) && checks[i]?.(view));
    return missing.length > 0 ? { missing, missingFields: missing.join(", ") } : undefined;
  };
}
