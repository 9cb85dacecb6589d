import { z } from "zod";
import { DEFAULT_LIMIT, MAX_LIMIT } from "../domain/paging.ts";

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

/** Wraps an item schema into the page envelope. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
