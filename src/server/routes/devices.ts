import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../auth.ts";
import { ErrorBody, IdParams } from "../../contract/common.ts";
import { DevicePatch, DeviceSchema, NewDevice, SiteSchema } from "../../contract/devices.ts";

/** The agency's registry of inspection devices: officers pick from it, the admin keeps it. */
export const deviceRoutes: FastifyPluginAsyncZod = async (app) => {
  const devices = app.services.devices;
  const tags = ["devices"];
  app.get(
    "/devices",
    {
      config: { roles: ["scan_officer", "supervisor", "admin", "auditor"] },
      schema: {
        tags,
        description: "The agency's devices, those in service first.",
        response: { 200: z.array(DeviceSchema), 403: ErrorBody },
      },
    },
    async (request) => devices.list(requireActor(request)),
  );
  app.get(
    "/sites",
    {
      config: { roles: ["scan_officer", "supervisor", "admin", "auditor"] },
      schema: {
        tags,
        description: "The agency's sites, where its devices stand.",
        response: { 200: z.array(SiteSchema), 403: ErrorBody },
      },
    },
    async (request) => devices.sites(requireActor(request)),
  );
  app.post(
    "/devices",
    {
      config: { roles: ["admin"] },
      schema: {
        tags,
        description: "Registers a device (type, model, serial unique in the agency, site).",
        body: NewDevice,
        response: { 201: DeviceSchema, 400: ErrorBody, 403: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => reply.code(201).send(await devices.create(requireActor(request), request.body)),
  );
  app.patch(
    "/devices/:id",
    {
      config: { roles: ["admin"] },
      schema: {
        tags,
        description: "Changes a device, or takes it out of service (isActive false) and back.",
        params: IdParams,
        body: DevicePatch,
        response: { 200: DeviceSchema, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => devices.update(requireActor(request), request.params.id, request.body),
  );
};
