import { z } from "zod";
import { DEVICE_TYPES } from "../domain/vocabulary.ts";
import { SafeText } from "./common.ts";

// The agency's registry of inspection devices.

/** A site of the agency, where its devices stand. */
export const SiteSchema = z.object({ id: z.uuid(), locode: z.string(), name: z.string() });

/** One registered device. */
export const DeviceSchema = z.object({
  id: z.uuid(),
  type: z.enum(DEVICE_TYPES),
  model: z.string(),
  serial: z.string(),
  site: SiteSchema.nullable(),
  isActive: z.boolean(),
  createdAt: z.string(),
  /** "model · serial", as scans and the dashboard name it. */
  label: z.string(),
});
export type DeviceView = z.infer<typeof DeviceSchema>;

const Model = SafeText.pipe(z.string().trim().min(1, "Give the device's make and model").max(200));
const Serial = SafeText.pipe(z.string().trim().min(1, "Give the device's serial number").max(100));

/** What an admin registers. */
export const NewDevice = z.object({
  type: z.enum(DEVICE_TYPES),
  model: Model,
  serial: Serial,
  siteId: z.uuid().nullable().default(null),
});
/** What an admin changes; at least one field. */
export const DevicePatch = z
  .object({
    type: z.enum(DEVICE_TYPES).optional(),
    model: Model.optional(),
    serial: Serial.optional(),
    siteId: z.uuid().nullable().optional(),
    isActive: z.boolean().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), "Say what to change");
