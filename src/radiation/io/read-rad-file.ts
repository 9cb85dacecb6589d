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

function asText(bytes: Uint8Array): string {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return new TextDecoder("utf-8").decode(bytes.subarray(start));
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

function readXml(bytes: Uint8Array, text: string, maxBytes: number): RadFile {
  const root = parseXmlTree(text, bytes.length, { maxBytes });
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
  const text = asText(bytes);
  const head = text.trimStart();
  if (head.startsWith("<")) {
    return readXml(bytes, text, maxBytes);
  }
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
