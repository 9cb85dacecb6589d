import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requireActor } from "../auth.ts";
import { ErrorBody } from "../../contract/common.ts";
import { VoyageScheduleChangeBody, VoyageScheduleSchema } from "../../contract/voyages.ts";

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
        body: VoyageScheduleChangeBody,
        response: { 200: VoyageScheduleSchema, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => app.services.voyages.changeSchedule(requireActor(request), request.body),
  );
};
