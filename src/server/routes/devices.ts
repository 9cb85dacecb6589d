import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { DEVICE_TYPES } from "../../domain/vocabulary.ts";
import { requireActor } from "../auth.ts";
import { ErrorBody, IdParams, SafeText } from "../../contract/common.ts";

const Device = z.object({
  id: z.uuid(),
  type: z.enum(DEVICE_TYPES),
  model: z.string(),
  serial: z.string(),
  site: z.object({ id: z.uuid(), locode: z.string(), name: z.string() }).nullable(),
  isActive: z.boolean(),
  createdAt: z.string(),
  label: z.string(),
});

const Model = SafeText.pipe(z.string().trim().min(1, "Give the device's make and model").max(200));
const Serial = SafeText.pipe(z.string().trim().min(1, "Give the device's serial number").max(100));

const NewDevice = z.object({ type: z.enum(DEVICE_TYPES), model: Model, serial: Serial, siteId: z.uuid().nullable().default(null) });
const DevicePatch = z
  .object({ type: z.enum(DEVICE_TYPES).optional(), model: Model.optional(), serial: Serial.optional(), siteId: z.uuid().nullable().optional(), isActive: z.boolean().optional() })
  .refine((p) => Object.values(p).some((v) => v !== undefined), "Say what to change");

/** The agency's registry of inspection devices: officers pick from it, the admin keeps it. */
export const deviceRoutes: FastifyPluginAsyncZod = async (app) => {
  const devices = app.services.devices;
  const tags = ["devices"];
  app.get(
    "/devices",
    { config: { roles: ["scan_officer", "supervisor", "admin", "auditor"] }, schema: { tags, description: "The agency's devices, those in service first.", response: { 200: z.array(Device), 403: ErrorBody } } },
    async (request) => devices.list(requireActor(request)),
  );
  app.get(
    "/sites",
    { config: { roles: ["scan_officer", "supervisor", "admin", "auditor"] }, schema: { tags, description: "The agency's sites, where its devices stand.", response: { 200: z.array(z.object({ id: z.uuid(), locode: z.string(), name: z.string() })), 403: ErrorBody } } },
    async (request) => devices.sites(requireActor(request)),
  );
  app.post(
    "/devices",
    {
      config: { roles: ["admin"] },
      schema: { tags, description: "Registers a device (type, model, serial unique in the agency, site).", body: NewDevice, response: { 201: Device, 400: ErrorBody, 403: ErrorBody, 409: ErrorBody } },
    },
    async (request, reply) => reply.code(201).send(await devices.create(requireActor(request), request.body)),
  );
  app.patch(
    "/devices/:id",
    {
      config: { roles: ["admin"] },
      schema: { tags, description: "Changes a device, or takes it out of service (isActive false) and back.", params: IdParams, body: DevicePatch, response: { 200: Device, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody } },
    },
    async (request) => devices.update(requireActor(request), request.params.id, request.body),
  );
};
