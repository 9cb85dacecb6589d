import { RadFileError } from "../errors.ts";
import { polynomialCalibration, type RadFile } from "../model.ts";
import { ByteReader } from "./bytes.ts";
import { trimTrailingZeros } from "./n42-values.ts";

/** ORTEC SPC files are made of 128-byte records; header pointers are 1-based record numbers. */
const REC = 128;

/** ORTEC's date epoch: `ACQTI8` counts days since 1979-01-01. */
const ORTEC_EPOCH_MS = Date.UTC(1979, 0, 1);

function recordOffset(r: ByteReader, rec: number, field: string): number {
  const off = (rec - 1) * REC;
  r.need(off, REC, field);
  return off;
}

/** True when the bytes look like an ORTEC SPC file (INFTYP 1, FILTYP 1 or 5, sane spectrum pointers). */
export function looksLikeSpc(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 3 * REC || bytes.byteLength % REC !== 0) {
    return false;
  }
  const r = new ByteReader(bytes, "SPC");
  const filtyp = r.u16(2);
  return r.u16(0) === 1 && (filtyp === 1 || filtyp === 5) && r.u16(60) > 1 && r.u16(64) > 0;
}

function startTime(r: ByteReader): string | undefined {
  const days = r.f64(72, "ACQTI8");
  if (!Number.isFinite(days) || days <= 0 || days > 100000) {
    return undefined;
  }
  return new Date(ORTEC_EPOCH_MS + Math.round(days * 86400) * 1000).toISOString();
}

function calibration(r: ByteReader, warnings: string[]): number[] {
  const calRec = r.u16(34, "CALRP1");
  if (calRec > 0 && calRec * REC <= r.length) {
    const off = recordOffset(r, calRec, "energy calibration record") + 20;
    const c = [r.f32(off), r.f32(off + 4), r.f32(off + 8)];
    if (c[1] !== 0) {
      return c;
    }
  }
  warnings.push("SPC: no energy calibration record; using identity (1 keV/channel)");
  return [0, 1];
}

/** Reads an ORTEC SPC binary spectrum (integer or real). */
export function readSpc(bytes: Uint8Array): RadFile {
  const r = new ByteReader(bytes, "SPC");
  if (!looksLikeSpc(bytes)) {
    throw new RadFileError("radfile.malformed", "Not an ORTEC SPC file (bad INFTYP/FILTYP header)", { byteOffset: 0 });
  }
  const warnings: string[] = [];
  const isFloat = r.u16(2, "FILTYP") === 5;
  const specRec = r.u16(60, "SPCTRP");
  const nCh = r.u16(64, "SPCCHN");
  const specOff = (specRec - 1) * REC;
  r.need(specOff, nCh * 4, "spectrum records");
  const counts: number[] = [];
  for (let i = 0; i < nCh; i++) {
    counts.push(isFloat ? r.f32(specOff + 4 * i) : r.u32(specOff + 4 * i));
  }
  const sampleRec = r.u16(10, "SAMDRP");
  const detRec = r.u16(12, "DETDRP");
  const title = sampleRec > 0 ? r.text(recordOffset(r, sampleRec, "sample record"), REC) : "";
  const detector = detRec > 0 ? r.text(recordOffset(r, detRec, "detector record"), REC) : "";
  const start = startTime(r);
  return {
    format: "spc",
    instrument: { manufacturer: "ORTEC", model: detector, serial: "", type: "spectroscopic" },
    detectors: [{ name: "", kind: "gamma", description: detector }],
    measurements: [
      {
        id: "spectrum1",
        detector: "",
        class: "unknown",
        realTimeS: r.f32(90, "RLTMDT"),
        liveTimeS: r.f32(94, "LVTMDT"),
        ...(start ? { startTime: start } : {}),
        spectrum: { counts, calibration: polynomialCalibration(trimTrailingZeros(calibration(r, warnings)), warnings) },
        grossCounts: counts.reduce((a, b) => a + b, 0),
        ...(title ? { title } : {}),
      },
    ],
    warnings,
  };
}
