/** Synthetic radiation data (portal occupancies and handheld spectra written as N42-2012) for tests, benchmarks, demos. */
export { massAttenuation, neutronTransmission, transmission } from "./attenuation.ts";
export type { ShieldLayer, ShieldMaterial } from "./attenuation.ts";
export { emissionOf, sphereEscape } from "./emitters.ts";
export type { Emission, EmissionLine, SourceSpec } from "./emitters.ts";
export { synthesizeHandheldFile, synthesizeHandheldN42 } from "./handheld.ts";
export type { HandheldSource, HandheldTruth, SyntheticHandheldOptions } from "./handheld.ts";
export { portalRecordToRadFile, samplePortalRecord, synthesizePortalN42 } from "./portal-n42.ts";
export type { PortalTruth, SyntheticPortal, SyntheticPortalN42Options } from "./portal-n42.ts";
export { portalExpectation, withScenarioDefaults } from "./portal-scenario.ts";
export type { NormLoad, PointSourceSpec, PortalExpectation, PortalScenario } from "./portal-scenario.ts";
