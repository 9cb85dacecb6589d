import { z } from "zod";
import { isBadText } from "../domain/text.ts";
import { Instant, Locode } from "./common.ts";

// Voyage schedules: the ETD and loading cut-off an agency sets on one of its own voyages.

/** A terminal's schedule for one of the agency's voyages, named as carriers and terminals name it. */
export const VoyageScheduleChangeBody = z.object({
  /** IMO number of the vessel. */
  vesselImo: z
    .string()
    .trim()
    .regex(/^\d{7}$/, "seven-digit IMO number such as 9356127"),
  /** The carrier's voyage number, as the agency's manifests give it. */
  voyageNo: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .refine((s) => !isBadText(s), "must not contain control characters"),
  portOfLoading: Locode,
  /** Estimated time of departure. */
  etd: Instant,
  /** The terminal's loading cut-off; open requests on the voyage's shipments must be answered before it. */
  loadingCutoff: Instant,
});

/** A voyage's schedule after a change, with the requests whose deadline moved with it. */
export const VoyageScheduleSchema = z.object({
  vesselImo: z.string(),
  voyageNo: z.string(),
  portOfLoading: z.string(),
  carrierScac: z.string(),
  etd: z.string(),
  loadingCutoff: z.string(),
  isCutoffEstimated: z.boolean(),
  /** References of the open requests whose deadline moved to the new cut-off. */
  movedRequests: z.array(z.string()),
});
export type VoyageScheduleView = z.infer<typeof VoyageScheduleSchema>;
