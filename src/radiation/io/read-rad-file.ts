import { Buffer, isAscii } from "node:buffer";
import { RadFileError } from "../errors.ts";
import type { RadFile } from "../model.ts";
import { looksLikeCnf, readCnf } from "./cnf-reader.ts";
import { looksLikeIec1455, readIec1455 } from "./iec-reader.ts";
import { readN42_2006 } from "./n42-2006-reader.ts";
import { readN42_2012 } from "./n42-2012-reader.ts";
import { looksLikePcf, readPcf } from "./pcf-reader.ts";
import { looksLikeRaddataUri, readRaddataUri } from "./raddata-uri.ts";
import { looksLikeSpc, readSpc } from "./spc-reader.ts";
import { looksLikeSpe, readSpe } from "./spe-reader.ts";
import { DEFAULT_MAX_XML_BYTES, descendants, parseXmlTree } from "./xml-tree.ts";

/** Options for readRadFile. */
export interface ReadOptions {
  /** Refuse inputs larger than this many bytes (default 200 MB). */
  maxBytes?: number;
}

function extension(name: string | undefined): string {
  const m = /\.([A-Za-z0-9]+)$/.exec(name ?? "");
  return m ? m[1]!.toLowerCase() : "";
}

const utf8 = new TextDecoder("utf-8");

/** Piece size for decoding mostly-ASCII text: ASCII pieces are copied, only the others UTF-8 decoded. */
const TEXT_CHUNK = 16384;

/**
 * UTF-8 text of `bytes` (BOM dropped, bad sequences → U+FFFD). Instrument files are nearly always
 * ASCII, which is copied as Latin-1 instead of decoded; a file with a few non-ASCII characters is
 * split at ASCII bytes (never inside a sequence, valid or not) so only the pieces holding them are
 * decoded. Same result as decoding the whole buffer.
 */
function asText(bytes: Uint8Array): string {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start);
  if (isAscii(buf)) {
    return buf.toString("latin1");
  }
  let out = "";
  for (let i = 0; i < buf.length;) {
    let j = Math.min(i + TEXT_CHUNK, buf.length);
    while (j < buf.length && buf[j]! >= 0x80) {
      j++;
    }
    const piece = buf.subarray(i, j);
    out += isAscii(piece) ? piece.toString("latin1") : utf8.decode(piece);
    i = j;
  }
  return out;
}

function isMostlyText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b < 9 || (b > 13 && b < 32)) {
      bad++;
    }
  }
  return bad === 0;
}

/**
 * True when the first character after leading whitespace (and a BOM) is `<`, as `text.trimStart()`
 * would find: answered from the bytes for ASCII whitespace, from the decoded text otherwise.
 */
function startsWithMarkup(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 32 || (bytes[i]! >= 9 && bytes[i]! <= 13))) {
    i++;
  }
  if (i < bytes.length && bytes[i]! < 0x80) {
    return bytes[i] === 60;
  }
  return asText(bytes).trimStart().startsWith("<");
}

function readXml(bytes: Uint8Array, maxBytes: number): RadFile {
  // The XML reader works on the bytes: no string of the whole document is ever built.
  const root = parseXmlTree(bytes, { maxBytes });
  const name = root.name.toLowerCase();
  if (name === "radinstrumentdata") {
    return readN42_2012(root);
  }
  if (name === "n42instrumentdata" || descendants(root, "N42InstrumentData").length > 0) {
    return readN42_2006(root);
  }
  const inner = descendants(root, "RadInstrumentData")[0];
  if (inner) {
    return readN42_2012(inner);
  }
  throw new RadFileError("radfile.unknown_format", `XML root <${root.name}> is not an N42 document`, {
    xmlPath: root.path,
  });
}

function readText(bytes: Uint8Array, maxBytes: number): RadFile | undefined {
  if (!isMostlyText(bytes)) {
    return undefined;
  }
  if (startsWithMarkup(bytes)) {
    return readXml(bytes, maxBytes);
  }
  const text = asText(bytes);
  const head = text.trimStart();
  if (looksLikeRaddataUri(head)) {
    return readRaddataUri(head);
  }
  if (looksLikeSpe(text)) {
    return readSpe(text);
  }
  if (looksLikeIec1455(text)) {
    return readIec1455(text);
  }
  return undefined;
}

function readBinary(bytes: Uint8Array, ext: string): RadFile | undefined {
  if (looksLikeCnf(bytes) || ext === "cnf") {
    return readCnf(bytes);
  }
  if (looksLikeSpc(bytes) || ext === "spc") {
    return readSpc(bytes);
  }
  if (looksLikePcf(bytes) || ext === "pcf") {
    return readPcf(bytes);
  }
  return undefined;
}

/** Wraps anything thrown by deep code in a RadFileError so callers see one error type. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RadFileError) {
      throw e;
    }
    throw new RadFileError("radfile.malformed", `Unreadable file: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Detects the format of `bytes` (N42-2006/2012 XML, SPE, SPC, CNF, PCF, IEC 1455, RADDATA URI) and
 * reads it into a RadFile. `name` (file name) only breaks ties. Bad input throws RadFileError.
 */
export function readRadFile(bytes: Uint8Array, name?: string, options: ReadOptions = {}): RadFile {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  if (bytes.length === 0) {
    throw new RadFileError("radfile.empty", "File is empty", { byteOffset: 0 });
  }
  if (bytes.length > maxBytes) {
    throw new RadFileError("radfile.too_large", `File is ${bytes.length} bytes, limit is ${maxBytes}`);
  }
  return guard(() => {
    const ext = extension(name);
    const result = readText(bytes, maxBytes) ?? readBinary(bytes, ext);
    if (!result) {
      throw new RadFileError("radfile.unknown_format", "Unrecognised radiation file format", { byteOffset: 0 });
    }
    return result;
  });
}
