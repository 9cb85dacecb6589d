import { RadFileError } from "../errors.ts";

/** Bounds-checked little-endian reader over a byte array; out-of-range reads throw `radfile.truncated`. */
export class ByteReader {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly what: string;

  /** Wraps `bytes`; `what` names the format in error messages. */
  constructor(bytes: Uint8Array, what: string) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.what = what;
  }

  /** Number of bytes available. */
  get length(): number {
    return this.bytes.byteLength;
  }

  /** Throws a truncation error unless `[offset, offset + size)` lies inside the data. */
  need(offset: number, size: number, field: string): void {
    if (!Number.isInteger(offset) || offset < 0 || size < 0 || offset + size > this.bytes.byteLength) {
      throw new RadFileError(
        "radfile.truncated",
        `${this.what}: ${field} needs bytes ${offset}..${offset + size} but the file has ${this.bytes.byteLength}`,
        { byteOffset: offset },
      );
    }
  }

  /** Unsigned byte. */
  u8(offset: number, field = "byte"): number {
    this.need(offset, 1, field);
    return this.view.getUint8(offset);
  }

  /** Little-endian int16. */
  i16(offset: number, field = "int16"): number {
    this.need(offset, 2, field);
    return this.view.getInt16(offset, true);
  }

  /** Little-endian uint16. */
  u16(offset: number, field = "uint16"): number {
    this.need(offset, 2, field);
    return this.view.getUint16(offset, true);
  }

  /** Little-endian int32. */
  i32(offset: number, field = "int32"): number {
    this.need(offset, 4, field);
    return this.view.getInt32(offset, true);
  }

  /** Little-endian uint32. */
  u32(offset: number, field = "uint32"): number {
    this.need(offset, 4, field);
    return this.view.getUint32(offset, true);
  }

  /** Little-endian uint64 as a bigint. */
  u64(offset: number, field = "uint64"): bigint {
    this.need(offset, 8, field);
    return this.view.getBigUint64(offset, true);
  }

  /** Little-endian float32. */
  f32(offset: number, field = "float32"): number {
    this.need(offset, 4, field);
    return this.view.getFloat32(offset, true);
  }

  /** Little-endian float64. */
  f64(offset: number, field = "float64"): number {
    this.need(offset, 8, field);
    return this.view.getFloat64(offset, true);
  }

  /** Latin-1 text of `size` bytes, NULs turned into spaces, trimmed. */
  text(offset: number, size: number, field = "text"): string {
    this.need(offset, size, field);
    let s = "";
    for (let i = offset; i < offset + size; i++) {
      const c = this.bytes[i]!;
      s += c === 0 ? " " : String.fromCharCode(c);
    }
    return s.trim();
  }
}
