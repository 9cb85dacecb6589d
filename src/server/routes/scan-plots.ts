import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ScanPlotDataSchema } from "../../contract/scan-plots.ts";
import { requireActor } from "../auth.ts";
import { ErrorBody, IdParams } from "../../contract/common.ts";

/** Plot data of a scan's instrument file: portal count-rate profiles and spectra. */
export const scanPlotRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/scans/:id/plot-data",
    {
      schema: {
        tags: ["scans"],
        description:
          "Per-panel gross count rates of each portal occupancy (1 s moving average) with background and alarm-threshold lines, and gamma spectra (bin centres in keV) with the scaled background and the peaks the analysis attributed to nuclides. At most 5,000 points per series.",
        params: IdParams,
        response: { 200: ScanPlotDataSchema, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => app.services.scans.plotData(requireActor(request), request.params.id),
  );
};
