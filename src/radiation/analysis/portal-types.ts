/** Portal (RPM) input: per-sample counts per gamma panel and energy window, neutron counts per tube. */
export interface PortalRecord {
  /** Sample length (s), typically 0.1. */
  sampleIntervalS: number;
  /** Gamma panels in `gamma[panel]` order; side A/B for side sums and asymmetry. */
  gammaPanels: { name: string; side: "A" | "B" }[];
  /** Energy windows (keV) of the per-panel counts (one window = gross counts only). */
  windowsKeV: [number, number][];
  neutronTubes: { name: string; side: "A" | "B" }[];
  samples: PortalSample[];
  /** Vehicle speed from the speed sensor (m/s), if known. */
  speedMps?: number;
}

/** One time sample. */
export interface PortalSample {
  /** Occupancy sensor (vehicle present). */
  occupied: boolean;
  /** Counts as [panel][window]. */
  gamma: number[][];
  /** Counts per neutron tube. */
  neutron: number[];
}

/** Per-panel, per-window background rate (counts per sample) with the number of samples it averages. */
export interface PortalBackground {
  gamma: number[][];
  neutron: number[];
  samples: number;
}
