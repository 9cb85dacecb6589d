import { RadFileError } from "../errors.ts";
import type { Detector, EnergyCalibration, GeoPoint, Instrument, Measurement, RadFile } from "../model.ts";
import { grossCountValue, readAnalysisResults, readOccupancies } from "./n42-2012-analysis.ts";
import {
  elementNumbers,
  mapDetectorKind,
  mapInstrumentType,
  mapMeasurementClass,
  normaliseDateTime,
  parseDurationS,
  readChannelCounts,
  trimTrailingZeros,
} from "./n42-values.ts";
import { attr, child, children, childText, descendants, type XmlNode } from "./xml-tree.ts";

/** Context shared while reading one N42-2012 document. */
interface Ctx {
  detectors: Map<string, Detector>;
  calibrations: Map<string, EnergyCalibration>;
  warnings: string[];
}

function readInstrument(root: XmlNode): Instrument {
  const info = child(root, "RadInstrumentInformation");
  const classCode = childText(info, "RadInstrumentClassCode");
  return {
    manufacturer: childText(info, "RadInstrumentManufacturerName"),
    model: childText(info, "RadInstrumentModelName"),
    serial: childText(info, "RadInstrumentIdentifier"),
    type: mapInstrumentType(classCode),
    ...(classCode ? { classCode } : {}),
  };
}

function readDetectors(root: XmlNode): Map<string, Detector> {
  const out = new Map<string, Detector>();
  for (const d of children(root, "RadDetectorInformation")) {
    const name = attr(d, "id") ?? childText(d, "RadDetectorName");
    const material = childText(d, "RadDetectorKindCode");
    out.set(name, {
      name,
      kind: mapDetectorKind(childText(d, "RadDetectorCategoryCode")),
      description: childText(d, "RadDetectorDescription") || childText(d, "Description"),
      ...(material ? { material } : {}),
    });
  }
  return out;
}

/** Reads one N42-2012 `EnergyCalibration` element. */
export function readCalibration2012(node: XmlNode): EnergyCalibration | undefined {
  const coef = elementNumbers(child(node, "CoefficientValues"), node);
  const edges = elementNumbers(child(node, "EnergyBoundaryValues"), node);
  if (coef.length === 0 && edges.length > 0) {
    return { kind: "lowerChannelEdge", coefficients: [], channelEdges: edges };
  }
  if (coef.length === 0) {
    return undefined;
  }
  const cal: EnergyCalibration = { kind: "polynomial", coefficients: trimTrailingZeros(coef) };
  const e = elementNumbers(child(node, "EnergyValues"), node);
  const d = elementNumbers(child(node, "EnergyDeviationValues"), node);
  if (e.length > 0 && e.length === d.length) {
    cal.deviationPairs = e.map((en, i) => [en, d[i]!]);
  }
  return cal;
}

function readCalibrations(root: XmlNode, warnings: string[]): Map<string, EnergyCalibration> {
  const out = new Map<string, EnergyCalibration>();
  for (const c of children(root, "EnergyCalibration")) {
    const cal = readCalibration2012(c);
    if (!cal) {
      warnings.push(`${c.path}: energy calibration without coefficients ignored`);
      continue;
    }
    out.set(attr(c, "id") ?? `cal${out.size}`, cal);
  }
  return out;
}

function readGps(m: XmlNode): GeoPoint | undefined {
  const pt = descendants(child(m, "RadInstrumentState"), "GeographicPoint")[0];
  const lat = Number(childText(pt, "LatitudeValue"));
  const lon = Number(childText(pt, "LongitudeValue"));
  if (!pt || !Number.isFinite(lat) || !Number.isFinite(lon) || childText(pt, "LatitudeValue") === "") {
    return undefined;
  }
  const elevText = childText(pt, "ElevationValue");
  const elev = Number(elevText);
  return { lat, lon, ...(elevText !== "" && Number.isFinite(elev) ? { elevationM: elev } : {}) };
}

/** Expanded channel counts of the `ChannelData` element of spectrum `s`, and their sum. */
export function readChannelData(s: XmlNode): { counts: number[]; sum: number } {
  const cd = child(s, "ChannelData");
  if (!cd) {
    throw new RadFileError("radfile.malformed", "Spectrum without ChannelData", { xmlPath: s.path });
  }
  const comp = attr(cd, "compressionCode") ?? attr(cd, "Compression") ?? "";
  return readChannelCounts(cd, comp.toLowerCase() === "countedzeroes");
}

function pickCalibration(ctx: Ctx, s: XmlNode): EnergyCalibration {
  const ref = attr(s, "energyCalibrationReference");
  const byRef = ref !== undefined ? ctx.calibrations.get(ref.split(/\s+/)[0] ?? "") : undefined;
  if (byRef) {
    return byRef;
  }
  const only = ctx.calibrations.size === 1 ? [...ctx.calibrations.values()][0] : undefined;
  if (only) {
    return only;
  }
  ctx.warnings.push(`${s.path}: no usable energy calibration; using identity (1 keV/channel)`);
  return { kind: "polynomial", coefficients: [0, 1] };
}

function isNeutronGross(ctx: Ctx, g: XmlNode, spectrumDetectors: Set<string>): boolean {
  const det = attr(g, "radDetectorInformationReference") ?? "";
  if (ctx.detectors.get(det)?.kind === "neutron") {
    return true;
  }
  return /neutron/i.test(attr(g, "id") ?? "") || spectrumDetectors.has(det);
}

function readRadMeasurement(ctx: Ctx, m: XmlNode, index: number): Measurement[] {
  const base = {
    class: mapMeasurementClass(childText(m, "MeasurementClassCode")),
    realTimeS: parseDurationS(childText(m, "RealTimeDuration")),
    sampleNumber: index,
  };
  const start = normaliseDateTime(childText(m, "StartDateTime"));
  const gps = readGps(m);
  const occText = childText(m, "OccupancyIndicator").toLowerCase();
  const extra = {
    ...(start ? { startTime: start } : {}),
    ...(gps ? { gps } : {}),
    ...(occText ? { occupied: occText === "true" || occText === "1" } : {}),
  };
  const out: Measurement[] = [];
  const byDetector = new Map<string, Measurement>();
  for (const s of children(m, "Spectrum")) {
    const detector = attr(s, "radDetectorInformationReference") ?? "";
    const { counts, sum } = readChannelData(s);
    const title = /^Title:\s*(.*)$/i.exec(childText(s, "Remark"))?.[1];
    const meas: Measurement = {
      id: attr(s, "id") ?? `${attr(m, "id") ?? index}-${detector}`,
      detector,
      ...base,
      liveTimeS: parseDurationS(childText(s, "LiveTimeDuration")),
      spectrum: { counts, calibration: pickCalibration(ctx, s) },
      grossCounts: sum,
      ...extra,
      ...(title ? { title } : {}),
    };
    out.push(meas);
    byDetector.set(detector, meas);
  }
  for (const g of children(m, "GrossCounts")) {
    const detector = attr(g, "radDetectorInformationReference") ?? "";
    const value = grossCountValue(g);
    const liveTimeS = parseDurationS(childText(g, "LiveTimeDuration"));
    if (isNeutronGross(ctx, g, new Set(byDetector.keys()))) {
      const host = byDetector.get(detector);
      if (host) {
        host.neutronCounts = (host.neutronCounts ?? 0) + value;
        continue;
      }
      out.push({
        id: attr(g, "id") ?? `${index}-${detector}`,
        detector,
        ...base,
        liveTimeS,
        neutronCounts: value,
        ...extra,
      });
      continue;
    }
    out.push({
      id: attr(g, "id") ?? `${index}-${detector}`,
      detector,
      ...base,
      liveTimeS,
      grossCounts: value,
      ...extra,
    });
  }
  return out;
}

/** Converts a parsed N42-2011/2012 `RadInstrumentData` tree into a RadFile. */
export function readN42_2012(root: XmlNode): RadFile {
  const warnings: string[] = [];
  const ctx: Ctx = { detectors: readDetectors(root), calibrations: readCalibrations(root, warnings), warnings };
  const { occupancies, groupedIds } = readOccupancies(root, ctx.detectors, warnings);
  const measurements: Measurement[] = [];
  children(root, "RadMeasurement").forEach((m, i) => {
    if (groupedIds.has(attr(m, "id") ?? "")) {
      return;
    }
    measurements.push(...readRadMeasurement(ctx, m, i));
  });
  const analysisResults = readAnalysisResults(root);
  const uuid = attr(root, "n42DocUUID");
  return {
    format: "n42-2012",
    instrument: readInstrument(root),
    detectors: [...ctx.detectors.values()],
    measurements,
    ...(occupancies.length > 0 ? { occupancies } : {}),
    ...(analysisResults.length > 0 ? { analysisResults } : {}),
    warnings,
    ...(uuid ? { uuid } : {}),
  };
}
