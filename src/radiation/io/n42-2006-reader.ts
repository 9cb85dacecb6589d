import type { AnalysisResult, Detector, EnergyCalibration, GeoPoint, Measurement, RadFile } from "../model.ts";
import {
  elementNumbers,
  mapDetectorKind,
  mapInstrumentType,
  mapMeasurementClass,
  normaliseDateTime,
  parseDurationS,
  parseNumberList,
  readChannelCounts,
  sumOf,
  trimTrailingZeros,
} from "./n42-values.ts";
import { attr, child, children, childText, descendants, type XmlNode } from "./xml-tree.ts";

/** Values inherited from enclosing elements (DetectorData, DetectorMeasurement, Measurement). */
interface Inherited {
  startTime?: string;
  realTimeS?: number;
  occupied?: boolean;
  detectorType?: string;
  gps?: GeoPoint;
  sampleNumber?: number;
}

interface Acc {
  measurements: Measurement[];
  detectors: Map<string, Detector>;
  warnings: string[];
}

function readCalibration2006(s: XmlNode, acc: Acc): EnergyCalibration {
  const cals = children(s, "Calibration").filter((c) => (attr(c, "Type") ?? "Energy").toLowerCase() === "energy");
  if (cals.length > 1) {
    acc.warnings.push(`${s.path}: ${cals.length} energy calibrations; using the first`);
  }
  const eq = child(cals[0], "Equation");
  const coef = elementNumbers(child(eq, "Coefficients"), eq ?? s);
  const model = (attr(eq, "Model") ?? "Polynomial").toLowerCase();
  if (coef.length === 0) {
    const edges = elementNumbers(child(cals[0], "ArrayX"), s);
    if (edges.length > 0) {
      return { kind: "lowerChannelEdge", coefficients: [], channelEdges: edges };
    }
    acc.warnings.push(`${s.path}: no energy calibration; using identity (1 keV/channel)`);
    return { kind: "polynomial", coefficients: [0, 1] };
  }
  if (model.includes("fullrange")) {
    return { kind: "fullRangeFraction", coefficients: coef };
  }
  if (model.includes("lowerchanneledge")) {
    return { kind: "lowerChannelEdge", coefficients: [], channelEdges: coef };
  }
  return { kind: "polynomial", coefficients: trimTrailingZeros(coef) };
}

function noteDetector(acc: Acc, name: string, type: string | undefined): void {
  if (acc.detectors.has(name)) {
    return;
  }
  acc.detectors.set(name, { name, kind: type ? mapDetectorKind(type) : "gamma", description: "" });
}

function detectorName(n: XmlNode): string {
  return attr(n, "Detector") ?? attr(n, "Sensor") ?? attr(n, "DetectorName") ?? childText(n, "DetectorName");
}

function common(n: XmlNode, inh: Inherited, id: string): Omit<Measurement, "liveTimeS"> {
  const start = normaliseDateTime(childText(n, "StartTime")) ?? inh.startTime;
  const real = parseDurationS(childText(n, "RealTime"));
  const sampleAttr = Number(attr(n, "SampleNumber"));
  const title = childText(n, "Remark");
  return {
    id,
    detector: detectorName(n),
    class: mapMeasurementClass(childText(n, "SourceType")),
    realTimeS: Number.isFinite(real) ? real : (inh.realTimeS ?? Number.NaN),
    ...(start ? { startTime: start } : {}),
    ...(inh.gps ? { gps: inh.gps } : {}),
    ...(inh.occupied !== undefined ? { occupied: inh.occupied } : {}),
    ...(Number.isFinite(sampleAttr) && attr(n, "SampleNumber") !== undefined
      ? { sampleNumber: sampleAttr }
      : inh.sampleNumber !== undefined
        ? { sampleNumber: inh.sampleNumber }
        : {}),
    ...(title ? { title } : {}),
  };
}

function readSpectrum(s: XmlNode, inh: Inherited, acc: Acc): void {
  const cd = child(s, "ChannelData");
  const comp = (attr(cd, "Compression") ?? attr(cd, "compressionCode") ?? "").toLowerCase();
  const { counts, sum } = cd ? readChannelCounts(cd, comp === "countedzeroes") : { counts: [], sum: 0 };
  const base = common(s, inh, attr(s, "ID") ?? attr(s, "id") ?? `spectrum${acc.measurements.length + 1}`);
  const live = parseDurationS(childText(s, "LiveTime"));
  noteDetector(acc, base.detector, attr(s, "DetectorType") ?? inh.detectorType);
  acc.measurements.push({
    ...base,
    liveTimeS: Number.isFinite(live) ? live : base.realTimeS,
    spectrum: { counts, calibration: readCalibration2006(s, acc) },
    grossCounts: sum,
  });
}

function readGross(g: XmlNode, inh: Inherited, acc: Acc): void {
  const base = common(g, inh, attr(g, "ID") ?? `gross${acc.measurements.length + 1}`);
  const value = sumOf(parseNumberList(childText(g, "CountData") || g.text, g));
  const live = parseDurationS(childText(g, "LiveTime"));
  const type = attr(g, "DetectorType") ?? inh.detectorType ?? "";
  noteDetector(acc, base.detector, type || "Neutron");
  const isGamma = type.toLowerCase() === "gamma";
  acc.measurements.push({
    ...base,
    liveTimeS: Number.isFinite(live) ? live : base.realTimeS,
    ...(isGamma ? { grossCounts: value } : { neutronCounts: value }),
  });
}

function readGps(m: XmlNode): GeoPoint | undefined {
  const c = descendants(m, "Coordinates")[0];
  const v = c ? parseNumberList(c.text, c) : [];
  if (v.length < 2) {
    return undefined;
  }
  return { lat: v[0]!, lon: v[1]!, ...(v.length > 2 ? { elevationM: v[2]! } : {}) };
}

function walk(n: XmlNode, inh: Inherited, acc: Acc): void {
  const name = n.name.toLowerCase();
  if (name === "analysisresults" || name === "instrumentinformation") {
    return;
  }
  if (name === "spectrum") {
    readSpectrum(n, inh, acc);
    return;
  }
  if (name === "grosscounts") {
    readGross(n, inh, acc);
    return;
  }
  let next = inh;
  if (name === "detectordata" || name === "measurement") {
    const start = normaliseDateTime(childText(n, "StartTime"));
    const real = parseDurationS(childText(n, "SampleRealTime"));
    const occ = childText(n, "Occupied").toLowerCase();
    const gps = name === "measurement" ? readGps(n) : undefined;
    next = {
      ...inh,
      ...(start ? { startTime: start } : {}),
      ...(Number.isFinite(real) ? { realTimeS: real } : {}),
      ...(occ ? { occupied: occ === "1" || occ === "true" } : {}),
      ...(gps ? { gps } : {}),
    };
  }
  if (name === "detectormeasurement") {
    next = { ...inh, detectorType: attr(n, "DetectorType") ?? inh.detectorType };
  }
  for (const c of n.children) {
    walk(c, next, acc);
  }
}

function readNuclides2006(root: XmlNode): AnalysisResult[] {
  const words: Record<string, number> = { high: 0.9, medium: 0.5, low: 0.2 };
  return descendants(root, "NuclideAnalysis")
    .flatMap((a) => children(a, "Nuclide"))
    .map((n) => {
      const conf = childText(n, "NuclideIDConfidence") || childText(n, "NuclideIDConfidenceIndication");
      const num = Number(conf);
      const confidence = conf !== "" && Number.isFinite(num) ? num / 100 : (words[conf.toLowerCase()] ?? Number.NaN);
      const category = childText(n, "NuclideType");
      return { nuclide: childText(n, "NuclideName"), confidence, ...(category ? { category } : {}) };
    });
}

/** Converts a parsed N42-2006 `N42InstrumentData` tree (or an ICD1 wrapper around it) into a RadFile. */
export function readN42_2006(root: XmlNode): RadFile {
  const acc: Acc = { measurements: [], detectors: new Map(), warnings: [] };
  const doc =
    root.name.toLowerCase() === "n42instrumentdata" ? root : (descendants(root, "N42InstrumentData")[0] ?? root);
  walk(doc, {}, acc);
  const info = descendants(doc, "InstrumentInformation")[0];
  const type = childText(info, "InstrumentType");
  const analysisResults = readNuclides2006(doc);
  return {
    format: "n42-2006",
    instrument: {
      manufacturer: childText(info, "Manufacturer"),
      model: childText(info, "InstrumentModel"),
      serial: childText(info, "InstrumentID"),
      type: mapInstrumentType(type),
      ...(type ? { classCode: type } : {}),
    },
    detectors: [...acc.detectors.values()],
    measurements: acc.measurements,
    ...(analysisResults.length > 0 ? { analysisResults } : {}),
    warnings: acc.warnings,
  };
}
