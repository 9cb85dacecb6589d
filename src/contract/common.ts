import { z } from "zod";
import { isBadText } from "../domain/text.ts";
import { DEFAULT_LIMIT, MAX_LIMIT } from "../domain/vocabulary.ts";

// The pieces every resource's schemas are built from: paging, errors, ids, places, containers, text and time.

/** Query parameters every list endpoint accepts. */
export const PageQuery = z.object({
  /** Page size, 1–500. */
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: z.string().max(500).optional(),
});

/** The error body every failure returns. */
export const ErrorBody = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});

/** A UUID path parameter. */
export const IdParams = z.object({ id: z.uuid() });

/** UN/LOCODE: country + three letters or digits 2–9. */
export const Locode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}[A-Z2-9]{3}$/, "UN/LOCODE such as JPYOK");

/** ISO 6346 container number as printed; spaces are ignored. */
export const ContainerNo = z
  .string()
  .transform((s) => s.replace(/[\s-]/g, "").toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{3}[UJZ]\d{7}$/, "ISO 6346 container number such as MSCU1234565"));

/** One rule that fired on a shipment: its points and why. */
export const RuleHitSchema = z.object({ ruleId: z.string(), weight: z.number(), explanation: z.string() });

/** Wraps an item schema into the page envelope. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** Text without control characters (NUL and the like mean nothing in a name, a note or a query). */
export const SafeText = z.string().refine((s) => !isBadText(s), "must not contain control characters");

const ISO_MOMENT = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Earliest and latest years a date in this exchange can sensibly name. */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2100;

/** A date or date-time in ISO 8601 (2026-11-20, 2026-11-20T08:00:00Z) between 2000 and 2100. */
export const Instant = z
  .string()
  .max(40)
  .regex(ISO_MOMENT, "must be an ISO 8601 date or date-time such as 2026-11-20 or 2026-11-20T08:00:00Z")
  .transform(
    (text) => new Date(text.includes("T") || text.includes(" ") ? text.replace(" ", "T") : `${text}T00:00:00Z`),
  )
  .refine((d) => !Number.isNaN(d.getTime()), "is not a calendar date")
  .refine(
    (d) => d.getUTCFullYear() >= FIRST_YEAR && d.getUTCFullYear() <= LAST_YEAR,
    `must be between ${FIRST_YEAR} and ${LAST_YEAR}`,
  );
