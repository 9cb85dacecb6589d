import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../auth.ts";
import { MetricsQuery, ReciprocityReportSchema } from "../../contract/metrics.ts";

/** The reciprocity dashboard's numbers, as JSON or CSV. */
export const metricsRoutes: FastifyPluginAsyncZod = async (app) => {
  const metrics = app.services.metrics;
  app.get(
    "/metrics/reciprocity",
    {
      schema: {
        tags: ["metrics"],
        description:
          "Requests made, accepted, declined by reason, accommodation rate, share scanned before cut-off, time to result, scans, alarms, use of each registered device and a weekly trend — per direction of each agreement.",
        querystring: MetricsQuery,
        // With format=csv the answer is the same numbers as CSV text, which is sent as written.
        response: { 200: z.union([ReciprocityReportSchema, z.string().describe("CSV, when format=csv")]) },
      },
    },
    async (request, reply) => {
      const { from, to } = metrics.period(request.query);
      const report = await metrics.reciprocity(requireActor(request), from, to);
      if (request.query.format === "csv") {
        return reply
          .header("content-type", "text/csv; charset=utf-8")
          .header(
            "content-disposition",
            `attachment; filename="reciprocity-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.csv"`,
          )
          .send(metrics.csv(report, request.query.lang ?? requireActor(request).language ?? "en"));
      }
      return reply.send(report);
    },
  );
};
