import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { DB } from "../../db/schema.ts";
import type { Clock } from "../../domain/clock.ts";
import { metricsCsv, metricsPeriod, reciprocityMetrics } from "../../domain/metrics.ts";
import { requireActor } from "../auth.ts";
import { Instant } from "../../contract/common.ts";

const Direction = z.object({
  agreement: z.string(),
  host: z.string(),
  requester: z.string(),
  requests: z.number().int(),
  accepted: z.number().int(),
  declined: z.number().int(),
  declinedByReason: z.record(z.string(), z.number()),
  withdrawn: z.number().int(),
  pending: z.number().int(),
  accommodationRate: z.number().nullable(),
  scannedBeforeCutoff: z.number().nullable(),
  missed: z.number().int(),
  medianHoursToResult: z.number().nullable(),
  p90HoursToResult: z.number().nullable(),
  scansByType: z.record(z.string(), z.number()),
  alarms: z.number().int(),
  nuisanceAlarms: z.number().int(),
  alarmsByHsChapter: z.array(z.object({ chapter: z.string(), alarms: z.number().int(), nuisance: z.number().int() })),
  equipmentUse: z.array(
    z.object({ device: z.string(), type: z.string().nullable(), model: z.string().nullable(), serial: z.string().nullable(), site: z.string().nullable(), scans: z.number().int() }),
  ),
  weekly: z.array(z.object({ week: z.string(), requests: z.number().int(), accommodationRate: z.number().nullable(), medianHoursToResult: z.number().nullable() })),
});

/** The reciprocity numbers of one direction of one agreement over the period. */
export type DirectionReport = z.infer<typeof Direction>;

/** The reciprocity dashboard's numbers for a period, one entry per direction of each agreement. */
export const ReciprocityReport = z.object({ from: z.string(), to: z.string(), directions: z.array(Direction) });
export type ReciprocityReport = z.infer<typeof ReciprocityReport>;

/** The reciprocity dashboard's numbers, as JSON or CSV. */
export const metricsRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB>; clock: Clock }> = async (app, { db, clock }) => {
  app.get(
    "/metrics/reciprocity",
    {
      schema: {
        tags: ["metrics"],
        description: "Requests made, accepted, declined by reason, accommodation rate, share scanned before cut-off, time to result, scans, alarms, use of each registered device and a weekly trend — per direction of each agreement.",
        querystring: z.object({
          from: Instant.optional(),
          to: Instant.optional(),
          format: z.enum(["json", "csv"]).default("json"),
          /** Language of the CSV's headings; the reader's own when absent. */
          lang: z.enum(["en", "ja"]).optional(),
        }),
        // With format=csv the answer is the same numbers as CSV text, which is sent as written.
        response: { 200: z.union([ReciprocityReport, z.string().describe("CSV, when format=csv")]) },
      },
    },
    async (request, reply) => {
      const { from, to } = metricsPeriod(clock, request.query);
      const metrics = await reciprocityMetrics(db, requireActor(request), from, to);
      if (request.query.format === "csv") {
        return reply
          .header("content-type", "text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="reciprocity-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.csv"`)
          .send(metricsCsv(metrics, request.query.lang ?? requireActor(request).language ?? "en"));
      }
      return reply.send(metrics);
    },
  );
};
