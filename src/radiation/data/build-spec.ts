/** Build-time description of the shipped template sets (used by build-data.ts only). */
export { NUCLIDE_SPECS, TEMPLATE_SOURCES } from "../analysis/nuclide-catalog.ts";

/** Reference-spectrum folders, with the resolution used to choose the rebinning grid. */
export const DETECTOR_SETS = [
  { id: "NAI_2X4X16", folder: "2x4x16-NaI", fwhm662: 51, power: 0.69, minWidth: 3 },
  { id: "IDENTIFINDER_NG", folder: "IdentiFINDER-NG", fwhm662: 50, power: 0.6, minWidth: 3 },
  { id: "RADSEEKER_LABR", folder: "RadSeeker-CL-LaBr", fwhm662: 21, power: 0.6, minWidth: 3 },
  { id: "DETECTIVE_EX", folder: "Detective-EX", fwhm662: 1.4, power: 0.5, minWidth: 1.5 },
] as const;
