import type { Scalar } from "./schema.ts";

/** Evidence a condition leaves behind: named values, usable in explanation templates. */
export type Evidence = Record<string, Scalar | string[]>;
