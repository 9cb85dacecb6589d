import { channelToEnergy, type Detector, type EnergyCalibration, type Measurement, type RadFile } from "../model.ts";
import { occupancyDetectorNames, writeAnalysisResults, writeOccupancies } from "./n42-writer-occupancy.ts";
import { compressCountedZeros, formatDurationS, trimTrailingZeros } from "./n42-values.ts";
import type { WriteCtx } from "./n42-write-context.ts";
import { el, IdRegistry, wrap, xsDouble } from "./xml-write.ts";

/** Options for the N42-2012 writer. */
export interface N42WriteOptions {
  /** Document UUID (default: the file's uuid or a random one). */
  uuid?: string;
  /** Document creation time, ISO-8601 (default: now). */
  createdAt?: string;
  /** `RadInstrumentDataCreatorName` (default "Reciprocity"). */
  creator?: string;
}

const DETECTOR_KINDS = new Set(
  "HPGe HPXe NaI LaBr3 LaCl3 BGO CZT CdTe CsI GMT GMTW LiFiber PVT PS He3 He4 LiGlass LiI SrI2 CLYC CdWO4 BF3 HgI2 CeBr4 LiCAF LiZnS Other".split(
    " ",
  ),
);
const INSTRUMENT_CLASSES = new Set([
  "Backpack",
  "Dosimeter",
  "Electronic Personal Emergency Radiation Detector",
  "Mobile System",
  "Network Area Monitor",
  "Neutron Handheld",
  "Personal Radiation Detector",
  "Radionuclide Identifier",
  "Portal Monitor",
  "Spectroscopic Portal Monitor",
  "Spectroscopic Personal Radiation Detector",
  "Gamma Handheld",
  "Transportable System",
  "Other",
]);
const CATEGORY: Record<Detector["kind"], string> = {
  gamma: "Gamma",
  neutron: "Neutron",
  alpha: "Alpha",
  beta: "Beta",
  xray: "X-ray",
  other: "Other",
  unknown: "Other",
};
const CLASS_CODE: Record<Measurement["class"], string> = {
  foreground: "Foreground",
  background: "Background",
  calibration: "Calibration",
  occupancy: "Foreground",
  unknown: "NotSpecified",
};

const UUID = /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/;

const list = (v: readonly number[]): string => v.map(xsDouble).join(" ");

function instrumentClass(file: RadFile): string {
  const c = file.instrument.classCode ?? "";
  if (INSTRUMENT_CLASSES.has(c)) {
    return c;
  }
  const byType: Record<RadFile["instrument"]["type"], string> = {
    portal: "Portal Monitor",
    spectroscopic: "Spectroscopic Portal Monitor",
    handheld: "Radionuclide Identifier",
    unknown: "Other",
  };
  return byType[file.instrument.type];
}

function writeInstrument(file: RadFile, ctx: WriteCtx): string {
  const i = file.instrument;
  return wrap(
    "RadInstrumentInformation",
    [
      el("RadInstrumentManufacturerName", i.manufacturer || "unknown"),
      i.serial ? el("RadInstrumentIdentifier", i.serial) : "",
      el("RadInstrumentModelName", i.model || "unknown"),
      el("RadInstrumentClassCode", instrumentClass(file)),
      wrap("RadInstrumentVersion", [
        el("RadInstrumentComponentName", "Software"),
        el("RadInstrumentComponentVersion", "Reciprocity"),
      ]),
    ],
    { id: ctx.instrumentId },
  );
}

/** Every detector the document needs: declared ones plus any referenced only by measurements/occupancies. */
function allDetectors(file: RadFile): Detector[] {
  const out = new Map(file.detectors.map((d) => [d.name, d]));
  const add = (name: string, kind: Detector["kind"]): void => {
    if (!out.has(name)) {
      out.set(name, { name, kind, description: "" });
    }
  };
  file.measurements.forEach((m) => add(m.detector, m.spectrum || m.grossCounts !== undefined ? "gamma" : "neutron"));
  for (const o of file.occupancies ?? []) {
    const names = occupancyDetectorNames(o);
    names.g.forEach((n) => add(n, "gamma"));
    names.n.forEach((n) => add(n, "neutron"));
  }
  return [...out.values()];
}

function writeDetector(d: Detector, ctx: WriteCtx, index: number): string {
  const id = ctx.ids.take(d.name, `Detector${index + 1}`);
  ctx.detectorIds.set(d.name, id);
  const material = d.material && DETECTOR_KINDS.has(d.material) ? d.material : "Other";
  return wrap(
    "RadDetectorInformation",
    [
      el("RadDetectorCategoryCode", CATEGORY[d.kind]),
      el("RadDetectorKindCode", material),
      d.description ? el("RadDetectorDescription", d.description) : "",
    ],
    { id },
  );
}

function edgesOf(cal: EnergyCalibration, nChannels: number): EnergyCalibration {
  const edges: number[] = [];
  for (let ch = 0; ch <= nChannels; ch++) {
    // The schema forbids negative boundaries; the first few channels of an offset calibration are clamped.
    edges.push(Math.max(0, channelToEnergy(cal, ch, nChannels)));
  }
  return { kind: "lowerChannelEdge", coefficients: [], channelEdges: edges };
}

/**
 * Maps a calibration onto what N42-2012 can hold: `CoefficientValues` has exactly 3 terms and there is
 * no FRF form. FRF without the c4 term becomes an exact polynomial; anything longer becomes channel edges.
 */
function toN42Calibration(cal: EnergyCalibration, nChannels: number): EnergyCalibration {
  if (cal.kind === "lowerChannelEdge") {
    return cal;
  }
  let poly = cal.coefficients;
  if (cal.kind === "fullRangeFraction") {
    const c = cal.coefficients;
    const n = Math.max(nChannels, 1);
    poly = (c[4] ?? 0) === 0 ? [c[0] ?? 0, (c[1] ?? 0) / n, (c[2] ?? 0) / n ** 2, (c[3] ?? 0) / n ** 3] : [];
  }
  const trimmed = trimTrailingZeros(poly);
  if (trimmed.length === 0 || trimmed.length > 3) {
    return edgesOf(cal, nChannels);
  }
  const coefficients = [0, 1, 2].map((i) => trimmed[i] ?? 0);
  return { kind: "polynomial", coefficients, ...(cal.deviationPairs ? { deviationPairs: cal.deviationPairs } : {}) };
}

function writeCalibration(cal: EnergyCalibration, id: string): string {
  const pairs = cal.kind !== "lowerChannelEdge" ? (cal.deviationPairs ?? []) : [];
  return wrap(
    "EnergyCalibration",
    [
      cal.kind === "lowerChannelEdge"
        ? el("EnergyBoundaryValues", list(cal.channelEdges ?? cal.coefficients))
        : el("CoefficientValues", list(cal.coefficients)),
      pairs.length > 0 ? el("EnergyValues", list(pairs.map((p) => p[0]))) : "",
      pairs.length > 0 ? el("EnergyDeviationValues", list(pairs.map((p) => p[1]))) : "",
    ],
    { id },
  );
}

function writeMeasurement(m: Measurement, calId: string | undefined, ctx: WriteCtx, index: number): string {
  const det = ctx.detectorIds.get(m.detector);
  const live = formatDurationS(Number.isFinite(m.liveTimeS) ? m.liveTimeS : 0);
  const parts: string[] = [
    el("MeasurementClassCode", CLASS_CODE[m.class]),
    el("StartDateTime", m.startTime ?? ctx.createdAt),
    el("RealTimeDuration", formatDurationS(Number.isFinite(m.realTimeS) ? m.realTimeS : 0)),
  ];
  if (m.spectrum && calId) {
    parts.push(
      wrap(
        "Spectrum",
        [
          m.title ? el("Remark", `Title: ${m.title}`) : "",
          el("LiveTimeDuration", live),
          el("ChannelData", list(compressCountedZeros(m.spectrum.counts)), { compressionCode: "CountedZeroes" }),
        ],
        {
          id: ctx.ids.take(m.id, `Spectrum${index + 1}`),
          radDetectorInformationReference: det,
          energyCalibrationReference: calId,
        },
      ),
    );
  } else if (m.grossCounts !== undefined) {
    const g = [el("LiveTimeDuration", live), el("CountData", xsDouble(m.grossCounts))];
    parts.push(
      wrap("GrossCounts", g, { id: ctx.ids.take(m.id, `Gross${index + 1}`), radDetectorInformationReference: det }),
    );
  }
  if (m.neutronCounts !== undefined) {
    const g = [el("LiveTimeDuration", live), el("CountData", xsDouble(m.neutronCounts))];
    // A neutron count riding on a gamma measurement gets a "Neutron" id so readers attach it to the host.
    const alone = !m.spectrum && m.grossCounts === undefined;
    const id = ctx.ids.take(alone ? m.id : `${m.id}-Neutron`, `Neutron${index + 1}`);
    parts.push(wrap("GrossCounts", g, { id, radDetectorInformationReference: det }));
  }
  if (m.gps) {
    const pt = [el("LatitudeValue", xsDouble(m.gps.lat)), el("LongitudeValue", xsDouble(m.gps.lon))];
    if (m.gps.elevationM !== undefined) {
      pt.push(el("ElevationValue", xsDouble(m.gps.elevationM)));
    }
    parts.push(
      wrap("RadInstrumentState", [wrap("StateVector", [wrap("GeographicPoint", pt)])], {
        radInstrumentInformationReference: ctx.instrumentId,
      }),
    );
  }
  if (m.occupied !== undefined) {
    parts.push(el("OccupancyIndicator", String(m.occupied)));
  }
  return wrap("RadMeasurement", parts, { id: ctx.ids.take(`M${index + 1}`, "M") });
}

function writeMeasurements(file: RadFile, ctx: WriteCtx): string[] {
  const cals: string[] = [];
  const meas: string[] = [];
  const calIds = new Map<string, string>();
  file.measurements.forEach((m, i) => {
    let calId: string | undefined;
    if (m.spectrum) {
      const cal = toN42Calibration(m.spectrum.calibration, m.spectrum.counts.length);
      const key = JSON.stringify(cal);
      calId = calIds.get(key);
      if (!calId) {
        calId = ctx.ids.take(`EnergyCal${calIds.size + 1}`, "EnergyCal");
        calIds.set(key, calId);
        cals.push(writeCalibration(cal, calId));
      }
    }
    meas.push(writeMeasurement(m, calId, ctx, i));
  });
  return [...cals, ...meas];
}

/** Serialises a RadFile as an ANSI N42.42-2012 document (schema v0.0.54 valid). */
export function writeN42_2012(file: RadFile, options: N42WriteOptions = {}): string {
  const createdAt = options.createdAt ?? new Date().toISOString();
  const ctx: WriteCtx = { ids: new IdRegistry(), detectorIds: new Map(), instrumentId: "", createdAt };
  ctx.instrumentId = ctx.ids.take("InstInfo1", "InstInfo");
  const body = [
    el("RadInstrumentDataCreatorName", options.creator ?? "Reciprocity"),
    writeInstrument(file, ctx),
    ...allDetectors(file).map((d, i) => writeDetector(d, ctx, i)),
    ...writeMeasurements(file, ctx),
    ...writeOccupancies(file.occupancies ?? [], ctx),
    ...writeAnalysisResults(file.analysisResults ?? []),
  ];
  const uuid = [options.uuid, file.uuid].find((u) => u !== undefined && UUID.test(u)) ?? crypto.randomUUID();
  const root = wrap("RadInstrumentData", body, {
    xmlns: "http://physics.nist.gov/N42/2011/N42",
    n42DocUUID: uuid,
    n42DocDateTime: createdAt,
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n`;
}
