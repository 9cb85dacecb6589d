import { RadFileError } from "../errors.ts";
import type { RadFile } from "../model.ts";
import { ByteReader } from "./bytes.ts";
import { trimTrailingZeros } from "./n42-values.ts";

/** Canberra CNF: a block directory of 48-byte entries starting at byte 112. */
const DIR_START = 112;
const DIR_ENTRY = 48;
const BLOCK_ACQ = 0x00;
const BLOCK_SAMPLE = 0x01;
const BLOCK_DATA = 0x05;

/** Seconds from the Modified Julian Date epoch (1858-11-17) to the Unix epoch. */
const MJD_TO_UNIX_S = 3506716800;

interface Blocks {
  acq: number[];
  sample?: number;
  data?: number;
}

/** True when the bytes start a Canberra CNF block directory. */
export function looksLikeCnf(bytes: Uint8Array): boolean {
  const i = DIR_START;
  return bytes.byteLength > i + DIR_ENTRY && bytes[i + 1] === 0x20 && bytes[i + 2] === 0x01 && bytes[i] === BLOCK_ACQ;
}

function readDirectory(r: ByteReader): Blocks {
  const out: Blocks = { acq: [] };
  for (let i = DIR_START; i + DIR_ENTRY <= r.length && r.u8(i + 1) === 0x20 && r.u8(i + 2) === 0x01; i += DIR_ENTRY) {
    const type = r.u8(i);
    const offset = r.u32(i + 10, "block offset");
    if (type === BLOCK_ACQ) {
      out.acq.push(offset);
    } else if (type === BLOCK_SAMPLE) {
      out.sample ??= offset;
    } else if (type === BLOCK_DATA) {
      out.data ??= offset;
    }
  }
  return out;
}

/** DEC PDP-11 / VAX F-floating 32-bit value (word-swapped, exponent bias 128, hidden bit). */
export function pdp11Float(r: ByteReader, off: number): number {
  r.need(off, 4, "PDP-11 float");
  const b = r.bytes;
  const exp = ((b[off + 1]! & 0x7f) << 1) | ((b[off]! & 0x80) >> 7);
  if (exp === 0) {
    return 0;
  }
  const sign = b[off + 1]! & 0x80 ? -1 : 1;
  const mant = (128 + (b[off]! & 0x7f)) / 256 + b[off + 3]! / 65536 + b[off + 2]! / 16777216;
  return sign * mant * 2 ** (exp - 128);
}

/** Canberra time: bitwise complement of a count of 100 ns ticks. */
function duration(r: ByteReader, off: number): number {
  const v = ~r.u64(off, "duration") & 0xffffffffffffffffn;
  return Number(v) * 1e-7;
}

function calibration(r: ByteReader, enc: number, offset1: number): number[] | undefined {
  for (const base of [enc + 48 + 32 + offset1, enc + 48 + 32]) {
    if (base + 52 > r.length) {
      continue;
    }
    const c = [0, 1, 2, 3].map((i) => pdp11Float(r, base + 36 + 4 * i));
    if (c[1] !== 0) {
      return c;
    }
  }
  return undefined;
}

/** Reads a Canberra CNF binary spectrum. */
export function readCnf(bytes: Uint8Array): RadFile {
  const r = new ByteReader(bytes, "CNF");
  const blocks = readDirectory(r);
  const acq = blocks.acq[0];
  if (acq === undefined || blocks.data === undefined) {
    throw new RadFileError("radfile.malformed", "CNF: acquisition or data block missing", { byteOffset: DIR_START });
  }
  if (r.u8(acq, "acquisition block") !== 0 || r.u8(acq + 1) !== 0x20) {
    throw new RadFileError("radfile.malformed", "CNF: bad acquisition block tag", { byteOffset: acq });
  }
  const offset1 = r.u16(acq + 34);
  const offset2 = r.u16(acq + 36);
  const pha = acq + 48 + 128;
  if (r.text(pha, 3, "PHA keyword") !== "PHA") {
    throw new RadFileError("radfile.malformed", "CNF: PHA keyword not found", { byteOffset: pha });
  }
  const nCh = 256 * r.u16(pha + 10, "channel count");
  const dateOff = acq + 48 + offset2 + 1;
  const ticks = r.u64(dateOff, "start date");
  const startMs = (Number(ticks) / 1e7 - MJD_TO_UNIX_S) * 1000;
  const realTimeS = duration(r, dateOff + 8);
  const liveTimeS = duration(r, dateOff + 16);
  const warnings: string[] = [];
  const coef = calibration(r, blocks.acq[1] ?? acq, offset1);
  if (!coef) {
    warnings.push("CNF: no energy calibration; using identity (1 keV/channel)");
  }
  const data = blocks.data;
  r.need(data + 512, nCh * 4, "channel data");
  const counts: number[] = [];
  for (let i = 0; i < nCh; i++) {
    counts.push(r.u32(data + 512 + 4 * i));
  }
  // The first two channels sometimes hold the integer live/real time instead of counts.
  for (const i of [0, 1]) {
    const c = counts[i] ?? 0;
    if (c !== 0 && (c === Math.floor(realTimeS) || c === Math.floor(liveTimeS))) {
      counts[i] = 0;
    }
  }
  const title = blocks.sample !== undefined && blocks.sample + 112 <= r.length ? r.text(blocks.sample + 48, 64) : "";
  const start = Number.isFinite(startMs) && startMs > 0 ? new Date(Math.round(startMs)).toISOString() : undefined;
  return {
    format: "cnf",
    instrument: { manufacturer: "Canberra", model: "", serial: "", type: "spectroscopic" },
    detectors: [{ name: "", kind: "gamma", description: "" }],
    measurements: [
      {
        id: "spectrum1",
        detector: "",
        class: "unknown",
        realTimeS,
        liveTimeS,
        ...(start ? { startTime: start } : {}),
        spectrum: { counts, calibration: { kind: "polynomial", coefficients: trimTrailingZeros(coef ?? [0, 1]) } },
        grossCounts: counts.reduce((a, b) => a + b, 0),
        ...(title ? { title } : {}),
      },
    ],
    warnings,
  };
}
