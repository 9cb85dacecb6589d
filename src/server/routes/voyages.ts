import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { isBadText } from "../../domain/text.ts";
import { requireActor } from "../auth.ts";
import { ErrorBody, Instant, Locode } from "../../contract/common.ts";

const ScheduleBody = z.object({
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

const VoyageSchedule = z.object({
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

/** Voyage schedules: each agency sets the ETD and cut-off of its own voyages only. */
export const voyageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    "/voyage-schedules",
    {
      config: { roles: ["supervisor", "admin"] },
      schema: {
        tags: ["voyages"],
        description:
          "Sets the ETD and terminal loading cut-off of one of the caller's agency's voyages, and moves the deadlines of the requests on it that still wait for a result.",
        body: ScheduleBody,
        response: { 200: VoyageSchedule, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => app.services.voyages.changeSchedule(requireActor(request), request.body),
  );
};
