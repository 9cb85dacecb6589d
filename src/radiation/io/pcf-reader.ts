import { RadFileError } from "../errors.ts";
import type { DeviationPair, Measurement, MeasurementClass, RadFile } from "../model.ts";
import { ByteReader } from "./bytes.ts";

/** GADRAS PCF files are made of 256-byte records. */
const REC = 256;
const PAIRS_PER_DETECTOR = 20;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** True when the bytes look like a PCF file (sane records-per-spectrum and whole records). */
export function looksLikePcf(bytes: Uint8Array): boolean {
  return bytes.byteLength % REC === 0 && hasSaneHeader(bytes);
}

function hasSaneHeader(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 2 * REC) {
    return false;
  }
  const nrps = new ByteReader(bytes, "PCF").i16(0);
  return nrps >= 2 && nrps <= 1 + Math.ceil((4 * 131072) / REC);
}

/** Parses a VAX-style date `DD-Mmm-YYYY HH:MM:SS.ss` to ISO, undefined when unreadable. */
export function parseVaxDate(s: string): string | undefined {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(s.trim());
  if (!m) {
    return undefined;
  }
  const month = MONTHS.indexOf(m[2]!.toLowerCase());
  if (month < 0) {
    return undefined;
  }
  const ms = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5])) + Number(m[6]) * 1000;
  return new Date(Math.round(ms)).toISOString();
}

function readDeviationPairs(r: ByteReader): DeviationPair[] {
  const pairs: DeviationPair[] = [];
  for (let i = 0; i < PAIRS_PER_DETECTOR; i++) {
    const off = 2 * REC + 8 * i;
    pairs.push([r.f32(off, "deviation pair"), r.f32(off + 4, "deviation pair")]);
  }
  // Unused slots are (0, 0); keep a leading (0, 0) only when real pairs follow it.
  return pairs.filter(([e, d], i) => e !== 0 || d !== 0 || (i === 0 && (pairs[1]?.[0] ?? 0) !== 0));
}

function classFromText(text: string): MeasurementClass {
  if (/background/i.test(text)) {
    return "background";
  }
  if (/calib/i.test(text)) {
    return "calibration";
  }
  return "foreground";
}

function readSpectrum(r: ByteReader, off: number, index: number, pairs: DeviationPair[]): Measurement {
  const title = r.text(off, 60);
  const description = r.text(off + 60, 60);
  const source = r.text(off + 120, 60);
  const start = parseVaxDate(r.text(off + 180, 23));
  const nCh = r.i32(off + 252, "channel count");
  if (nCh <= 0 || nCh > 131072) {
    throw new RadFileError("radfile.malformed", `PCF: bad channel count ${nCh}`, { byteOffset: off + 252 });
  }
  r.need(off + REC, nCh * 4, "spectrum counts");
  const counts: number[] = [];
  for (let i = 0; i < nCh; i++) {
    counts.push(r.f32(off + REC + 4 * i));
  }
  const coefficients = [0, 1, 2, 3, 4].map((i) => r.f32(off + 224 + 4 * i));
  const neutrons = r.f32(off + 248, "neutron counts");
  const occupied = r.f32(off + 244, "occupancy flag");
  return {
    id: `spectrum${index + 1}`,
    detector: "",
    class: classFromText(`${title} ${description} ${source}`),
    realTimeS: r.f32(off + 208, "real time"),
    liveTimeS: r.f32(off + 204, "live time"),
    ...(start ? { startTime: start } : {}),
    spectrum: {
      counts,
      calibration: { kind: "fullRangeFraction", coefficients, ...(pairs.length > 0 ? { deviationPairs: pairs } : {}) },
    },
    grossCounts: counts.reduce((a, b) => a + b, 0),
    ...(neutrons > 0 ? { neutronCounts: neutrons } : {}),
    ...(occupied !== 0 ? { occupied: true } : {}),
    ...(title || description ? { title: [title, description].filter((s) => s !== "").join(" | ") } : {}),
    sampleNumber: index + 1,
  };
}

/** Reads a GADRAS PCF binary file (all spectra; FRF calibration, optional deviation pairs). */
export function readPcf(bytes: Uint8Array): RadFile {
  if (!hasSaneHeader(bytes)) {
    throw new RadFileError("radfile.malformed", "Not a PCF file (bad records-per-spectrum header)", { byteOffset: 0 });
  }
  const r = new ByteReader(bytes, "PCF");
  const nrps = r.i16(0);
  const hasPairs = r.length >= 2 * REC && r.text(REC, 20).startsWith("DeviationPairsInFile");
  const warnings: string[] = [];
  if (hasPairs && r.text(REC, 40).includes("Compressed")) {
    warnings.push("PCF: compressed deviation-pair block not supported; pairs ignored");
  }
  const pairs = hasPairs && warnings.length === 0 ? readDeviationPairs(r) : [];
  const firstRecord = hasPairs ? 83 : 2;
  const measurements: Measurement[] = [];
  for (let k = 0; ; k++) {
    const off = REC * (firstRecord + nrps * k - 1);
    if (off >= r.length) {
      break;
    }
    measurements.push(readSpectrum(r, off, k, pairs));
  }
  if (measurements.length === 0) {
    throw new RadFileError("radfile.truncated", "PCF: no complete spectrum record", {
      byteOffset: REC * (firstRecord - 1),
    });
  }
  return {
    format: "pcf",
    instrument: { manufacturer: "", model: "", serial: "", type: "unknown" },
    detectors: [{ name: "", kind: "gamma", description: "" }],
    measurements,
    warnings,
  };
}
