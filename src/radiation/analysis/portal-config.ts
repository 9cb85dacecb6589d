/** Version of the portal-analysis thresholds/parameters; bump on any change of defaults or logic. */
export const PORTAL_CONFIG_VERSION = "rpm-2025.11-1";

/** Tunable RPM analysis parameters (returned with every result so alarms are reproducible). */
export interface PortalConfig {
  version: string;
  /** Target per-occupancy false-alarm probability for the gamma gross-count test family. */
  gammaFalseAlarmRate: number;
  /** Target per-occupancy false-alarm probability for the neutron test family. */
  neutronFalseAlarmRate: number;
  /** Moving-window lengths (samples) of the gamma and neutron tests. */
  gammaWindowSamples: number[];
  neutronWindowSamples: number[];
  /**
   * Effective-independent-tests factor: M_eff = factor · Σ_groups Σ_n positions/n. Calibrated by Monte Carlo on
   * background-only synthetic occupancies (see test/radiation/analysis-portal.test.ts).
   */
  effectiveTestsFactor: number;
  /** Same for the neutron family (moving-window scan over low counts; calibrated the same way). */
  neutronEffectiveTestsFactor: number;
  /** Background averaging time before an occupancy (s) and spike rejection (σ). */
  backgroundSeconds: number;
  backgroundRejectSigma: number;
  /** Samples analysed before/after the occupied span (s). */
  marginSeconds: number;
  /** Gaps in the occupancy signal shorter than this are bridged (s). */
  occupancyGapSeconds: number;
  /** Largest fitted shadow-shielding depth (suppression clamped to [1 − maxDepth, 1]). */
  maxSuppressionDepth: number;
  /** Energy-window indices of the low / high (EWR) and hard (> ~1 MeV) windows. */
  lowWindows: number[];
  highWindows: number[];
  hardWindows: number[];
  /** Net fraction in the hard windows at or above which an excess is NORM-like (K/U/Th lines > 1 MeV). */
  normMinHardFraction: number;
  /** EWR soft-excess z above which the excess is not NORM-like. */
  ewrSigma: number;
  /** Profile FWHM / occupied time at or above which the source is distributed. */
  distributedWidthFraction: number;
}

/** Default configuration (PVT/NaI panels, 0.1 s samples, 3 energy windows: <400, 400–1000, >1000 keV). */
export const DEFAULT_PORTAL_CONFIG: PortalConfig = {
  version: PORTAL_CONFIG_VERSION,
  gammaFalseAlarmRate: 1e-3,
  neutronFalseAlarmRate: 1e-4,
  gammaWindowSamples: [1, 2, 5, 10, 20],
  neutronWindowSamples: [10, 20, 50],
  effectiveTestsFactor: 1.5,
  neutronEffectiveTestsFactor: 3,
  backgroundSeconds: 30,
  backgroundRejectSigma: 5,
  marginSeconds: 1,
  occupancyGapSeconds: 0.5,
  maxSuppressionDepth: 0.4,
  lowWindows: [0],
  highWindows: [1, 2],
  hardWindows: [2],
  normMinHardFraction: 0.045,
  ewrSigma: 5,
  distributedWidthFraction: 0.45,
};

/** Merges overrides into the defaults (the version always stays the library's). */
export function portalConfig(overrides: Partial<PortalConfig> = {}): PortalConfig {
  return { ...DEFAULT_PORTAL_CONFIG, ...overrides, version: PORTAL_CONFIG_VERSION };
}
