/**
 * One data model for every radiation file format we read or write (N42-2006, N42-2012, SPE, SPC, CNF,
 * PCF, IEC 1455, RADDATA URI). Readers map into it; the N42-2012 writer maps out of it.
 * Units: seconds, keV, degrees (WGS84), counts. Times are ISO-8601 strings.
 */

/** File format a RadFile was read from (or will be written as). */
export type RadFormat = "n42-2006" | "n42-2012" | "spe" | "spc" | "cnf" | "pcf" | "iec1455" | "raddata-uri";

/** Coarse instrument category. */
export type InstrumentType = "portal" | "handheld" | "spectroscopic" | "unknown";

/** The instrument that produced the data. Empty string when the file does not say. */
export interface Instrument {
  manufacturer: string;
  model: string;
  serial: string;
  type: InstrumentType;
  /** Raw class as written in the file (e.g. N42 `RadInstrumentClassCode` "Portal Monitor"). */
  classCode?: string;
}

/** What a detector measures. */
export type DetectorKind = "gamma" | "neutron" | "alpha" | "beta" | "xray" | "other" | "unknown";

/** One detector element (panel, tube, crystal). `name` is the key measurements refer to. */
export interface Detector {
  name: string;
  kind: DetectorKind;
  description: string;
  /** Detector material as written in the file (N42 `RadDetectorKindCode`: "NaI", "PVT", "He3", …). */
  material?: string;
}

/** Role of a measurement. */
export type MeasurementClass = "foreground" | "background" | "occupancy" | "calibration" | "unknown";

/** Energy calibration kinds. */
export type CalibrationKind = "polynomial" | "fullRangeFraction" | "lowerChannelEdge";

/** A deviation pair: at nominal energy `[0]` keV the true energy is `[0] + [1]` keV. */
export type DeviationPair = [energy: number, offset: number];

/**
 * Channel → energy mapping. `polynomial`: E = Σ c_i·ch^i; `fullRangeFraction`: x = ch/n,
 * E = c0 + c1·x + c2·x² + c3·x³ + c4/(1 + 60·x); `lowerChannelEdge`: explicit edges in `channelEdges`.
 * Deviation pairs (polynomial / FRF only) add a linearly interpolated offset to the nominal energy.
 */
export interface EnergyCalibration {
  kind: CalibrationKind;
  coefficients: number[];
  deviationPairs?: DeviationPair[];
  /** Lower energy edge of each channel (n or n+1 values), only for `lowerChannelEdge`. */
  channelEdges?: number[];
  /** Set when the file gave no usable calibration and the reader put in 1 keV per channel: not fit to identify on. */
  isAssumed?: boolean;
}

/** A polynomial calibration, flagged as assumed when the reader had to warn that it put in the identity. */
export function polynomialCalibration(coefficients: number[], warnings: readonly string[]): EnergyCalibration {
  const isAssumed = warnings.some((w) => w.includes("using identity"));
  return { kind: "polynomial", coefficients, ...(isAssumed ? { isAssumed: true } : {}) };
}

/** A gamma spectrum: counts per channel and its energy calibration. */
export interface Spectrum {
  counts: number[];
  calibration: EnergyCalibration;
}

/** A geographic position (WGS84 degrees). */
export interface GeoPoint {
  lat: number;
  lon: number;
  elevationM?: number;
}

/** One point of a gross-count time series inside a measurement. */
export interface TimeSeriesPoint {
  /** Seconds since the measurement start. */
  tS: number;
  grossCounts: number;
  neutronCounts?: number;
}

/** One measurement (one detector, one time interval). */
export interface Measurement {
  id: string;
  /** Detector name (matches `Detector.name`); "" when unknown. */
  detector: string;
  class: MeasurementClass;
  startTime?: string;
  realTimeS: number;
  liveTimeS: number;
  spectrum?: Spectrum;
  /** Total gamma counts (sum of spectrum or gross-count value). */
  grossCounts?: number;
  neutronCounts?: number;
  gps?: GeoPoint;
  timeSeries?: TimeSeriesPoint[];
  /** Free-text title / remark from the file. */
  title?: string;
  /** Vehicle in the portal during this sample (N42 `OccupancyIndicator`, 2006 `Occupied`). */
  occupied?: boolean;
  /** Index of the time sample this measurement belongs to (several detectors share one sample). */
  sampleNumber?: number;
}

/** Alarm kinds (N42 `RadAlarmCategoryCode`). */
export type AlarmKind = "gamma" | "neutron" | "isotope" | "other";

/** One alarm raised during an occupancy or analysis. */
export interface RadAlarm {
  kind: AlarmKind;
  /** Alarming detector names. */
  detectors: string[];
  time?: string;
  description?: string;
}

/** One 0.1 s (typically) portal sample: gross counts per gamma panel and per neutron tube. */
export interface OccupancySample {
  /** Seconds since occupancy `start`. */
  tS: number;
  gammaPanels: number[];
  /** Counts per gamma panel per energy window ([panel][window], same order as `Occupancy.energyWindowsKeV`). */
  gammaWindows?: number[][];
  neutronPanels: number[];
  /** Vehicle present (false for pre/post-occupancy background samples). */
  occupied?: boolean;
}

/** A portal-monitor occupancy: per-sample panel counts, alarms, and its time span. */
export interface Occupancy {
  id?: string;
  start: string;
  end: string;
  /** Sample duration in seconds (default 0.1). */
  sampleIntervalS?: number;
  /** Detector names in `gammaPanels` order. */
  gammaDetectors?: string[];
  /** Detector names in `neutronPanels` order. */
  neutronDetectors?: string[];
  /** Energy windows [start, end) keV of the per-window gamma counts (`OccupancySample.gammaWindows`). */
  energyWindowsKeV?: [number, number][];
  samples: OccupancySample[];
  alarms: RadAlarm[];
}

/** One identified (or tested) nuclide. */
export interface AnalysisResult {
  nuclide: string;
  /** Identification confidence 0–1 (N42 `NuclideIDConfidenceValue` / 100). */
  confidence: number;
  /** "NORM" | "Medical" | "Industrial" | "SNM" | free text. */
  category?: string;
  activityKBq?: number;
  /** False when the file lists a nuclide as tested but not identified. */
  identified?: boolean;
}

/** Everything read from one file. */
export interface RadFile {
  format: RadFormat;
  instrument: Instrument;
  detectors: Detector[];
  measurements: Measurement[];
  occupancies?: Occupancy[];
  analysisResults?: AnalysisResult[];
  /** Non-fatal oddities met while reading (lenient parsing). */
  warnings: string[];
  /** Document UUID (N42 `n42DocUUID`) when present. */
  uuid?: string;
}

/** Nominal (deviation-pair free) energy at a fractional channel. */
function nominalEnergy(cal: EnergyCalibration, channel: number, nChannels: number): number {
  const c = cal.coefficients;
  if (cal.kind === "fullRangeFraction") {
    const x = nChannels > 0 ? channel / nChannels : 0;
    const c4 = c[4] ?? 0;
    const low = c4 === 0 ? 0 : c4 / (1 + 60 * x);
    return (c[0] ?? 0) + (c[1] ?? 0) * x + (c[2] ?? 0) * x * x + (c[3] ?? 0) * x * x * x + low;
  }
  let sum = 0;
  for (let i = c.length - 1; i >= 0; i--) {
    sum = sum * channel + (c[i] ?? 0);
  }
  return sum;
}

/** Linearly interpolated deviation offset at nominal energy `e` (clamped to the end pairs). */
export function deviationOffset(pairs: readonly DeviationPair[], e: number): number {
  if (pairs.length === 0) {
    return 0;
  }
  const first = pairs[0]!;
  const last = pairs[pairs.length - 1]!;
  if (e <= first[0]) {
    return first[1];
  }
  if (e >= last[0]) {
    return last[1];
  }
  for (let i = 1; i < pairs.length; i++) {
    const [e1, d1] = pairs[i]!;
    const [e0, d0] = pairs[i - 1]!;
    if (e <= e1) {
      return e1 === e0 ? d1 : d0 + ((d1 - d0) * (e - e0)) / (e1 - e0);
    }
  }
  return last[1];
}

/** Energy from explicit lower channel edges, interpolating fractional channels and extrapolating the ends. */
function edgeEnergy(edges: readonly number[], channel: number): number {
  if (edges.length === 0) {
    return Number.NaN;
  }
  if (edges.length === 1) {
    return edges[0]!;
  }
  const last = edges.length - 1;
  const i = Math.min(Math.max(Math.floor(channel), 0), last - 1);
  const e0 = edges[i]!;
  const e1 = edges[i + 1]!;
  return e0 + (e1 - e0) * (channel - i);
}

/** Energy (keV) of the lower edge of fractional channel `channel` (0-based) in a spectrum of `nChannels`. */
export function channelToEnergy(cal: EnergyCalibration, channel: number, nChannels: number): number {
  if (cal.kind === "lowerChannelEdge") {
    return edgeEnergy(cal.channelEdges ?? cal.coefficients, channel);
  }
  const e = nominalEnergy(cal, channel, nChannels);
  const pairs = cal.deviationPairs;
  return pairs && pairs.length > 0 ? e + deviationOffset(pairs, e) : e;
}

/**
 * Fractional channel whose lower edge has energy `energy` (numeric inverse of channelToEnergy by bisection).
 * Returns NaN when the calibration is not monotonic enough to bracket the energy.
 */
export function energyToChannel(cal: EnergyCalibration, energy: number, nChannels: number): number {
  const n = Math.max(nChannels, 1);
  const f = (ch: number): number => channelToEnergy(cal, ch, nChannels) - energy;
  let lo = 0;
  let hi = n;
  let flo = f(lo);
  let fhi = f(hi);
  for (let k = 0; k < 8 && flo * fhi > 0; k++) {
    // Extend the search window beyond the spectrum so extrapolated energies still invert.
    if (Math.abs(flo) < Math.abs(fhi)) {
      lo -= n;
      flo = f(lo);
    } else {
      hi += n;
      fhi = f(hi);
    }
  }
  if (!Number.isFinite(flo) || !Number.isFinite(fhi) || flo * fhi > 0) {
    return Number.NaN;
  }
  if (flo === 0) {
    return lo;
  }
  for (let i = 0; i < 100 && hi - lo > 1e-9; i++) {
    const mid = (lo + hi) / 2;
    const fm = f(mid);
    if (fm === 0) {
      return mid;
    }
    if (fm * flo < 0) {
      hi = mid;
    } else {
      lo = mid;
      flo = fm;
    }
  }
  return (lo + hi) / 2;
}

/** Lower-edge energies of all channels plus the upper edge of the last (length nChannels + 1). */
export function channelEdgeEnergies(cal: EnergyCalibration, nChannels: number): number[] {
  const out: number[] = [];
  for (let ch = 0; ch <= nChannels; ch++) {
    out.push(channelToEnergy(cal, ch, nChannels));
  }
  return out;
}

/** An empty instrument record (all fields unknown). */
export function unknownInstrument(): Instrument {
  return { manufacturer: "", model: "", serial: "", type: "unknown" };
}
