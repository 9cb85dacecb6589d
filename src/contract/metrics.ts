import { z } from "zod";
import { LANGUAGES } from "../domain/vocabulary.ts";
import { Instant } from "./common.ts";

// The reciprocity dashboard's numbers: what each side asked, what the other answered, and how fast.

/** Scans made by one device: registered ones with their type, model, serial and site; unregistered text as written. */
const EquipmentUseSchema = z.object({
  device: z.string(),
  /** Null when the scans named a device that is not in the registry. */
  type: z.string().nullable(),
  model: z.string().nullable(),
  serial: z.string().nullable(),
  /** UN/LOCODE of the device's site. */
  site: z.string().nullable(),
  scans: z.number().int(),
});
export type EquipmentUse = z.infer<typeof EquipmentUseSchema>;

/** The trend of one week: requests made, accommodation and time to the first result. */
const WeekFiguresSchema = z.object({
  /** Monday of the week, YYYY-MM-DD. */
  week: z.string(),
  requests: z.number().int(),
  accommodationRate: z.number().nullable(),
  medianHoursToResult: z.number().nullable(),
});
export type WeekFigures = z.infer<typeof WeekFiguresSchema>;

/** The reciprocity numbers of one direction of one agreement over the period. */
const DirectionSchema = z.object({
  agreement: z.string(),
  /** Agency that inspects (holds the manifests). */
  host: z.string(),
  /** Agency that asks. */
  requester: z.string(),
  requests: z.number().int(),
  accepted: z.number().int(),
  declined: z.number().int(),
  declinedByReason: z.record(z.string(), z.number()),
  withdrawn: z.number().int(),
  pending: z.number().int(),
  /** accepted / (accepted + declined); null when nothing was decided. */
  accommodationRate: z.number().nullable(),
  /** Accepted requests whose first result was shared before the loading cut-off, as a share of accepted. */
  scannedBeforeCutoff: z.number().nullable(),
  missed: z.number().int(),
  /** Hours from request to the first shared result. */
  medianHoursToResult: z.number().nullable(),
  p90HoursToResult: z.number().nullable(),
  scansByType: z.record(z.string(), z.number()),
  alarms: z.number().int(),
  nuisanceAlarms: z.number().int(),
  alarmsByHsChapter: z.array(z.object({ chapter: z.string(), alarms: z.number().int(), nuisance: z.number().int() })),
  equipmentUse: z.array(EquipmentUseSchema),
  /** One entry per week (Monday 00:00 UTC) that overlaps the range, oldest first. */
  weekly: z.array(WeekFiguresSchema),
});
export type DirectionMetrics = z.infer<typeof DirectionSchema>;

/** The reciprocity dashboard's numbers for a period, one entry per direction of each agreement the agency is in. */
export const ReciprocityReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  directions: z.array(DirectionSchema),
});
export type ReciprocityMetrics = z.infer<typeof ReciprocityReportSchema>;

/** The period and the form of the dashboard's numbers. */
export const MetricsQuery = z.object({
  from: Instant.optional(),
  to: Instant.optional(),
  format: z.enum(["json", "csv"]).default("json"),
  /** Language of the CSV's headings; the reader's own when absent. */
  lang: z.enum(LANGUAGES).optional(),
});
