import { XMLParser, XMLValidator } from "fast-xml-parser";
import { RadFileError } from "../errors.ts";

/** A namespace-free XML element: local name, attributes (prefix stripped), children, concatenated text. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
  /** Slash-separated element path from the root, e.g. `/RadInstrumentData/RadMeasurement[3]`. */
  path: string;
}

/** Options for safe XML parsing. */
export interface XmlLimits {
  /** Maximum document size in bytes (default 200 MB). */
  maxBytes?: number;
}

/** Default maximum XML document size: 200 MB. */
export const DEFAULT_MAX_XML_BYTES = 200 * 1024 * 1024;

type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Decodes the five predefined XML entities and numeric character references (never DTD entities). */
export function decodeXmlText(s: string): string {
  if (!s.includes("&")) {
    return s;
  }
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, ref: string) => {
    if (ref.startsWith("#x")) {
      return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    }
    if (ref.startsWith("#")) {
      return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    }
    return PREDEFINED[ref] ?? m;
  });
}

/** Refuses documents that declare entities (billion-laughs / XXE) or exceed the size limit. */
export function assertSafeXml(text: string, byteLength: number, limits: XmlLimits = {}): void {
  const max = limits.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  if (byteLength > max) {
    throw new RadFileError("radfile.too_large", `XML document is ${byteLength} bytes, limit is ${max}`);
  }
  const m = /<!ENTITY/i.exec(text);
  if (m) {
    throw new RadFileError("radfile.unsafe_xml", "XML entity declarations are not allowed", {
      byteOffset: m.index,
    });
  }
}

function convert(raw: OrderedNode, parentPath: string, counts: Map<string, number>): XmlNode | undefined {
  const key = Object.keys(raw).find((k) => k !== ":@");
  if (key === undefined || key === "#text" || key.startsWith("?") || key.startsWith("#")) {
    return undefined;
  }
  const seen = (counts.get(key) ?? 0) + 1;
  counts.set(key, seen);
  const path = `${parentPath}/${key}${seen > 1 ? `[${seen}]` : ""}`;
  const attrsRaw = (raw[":@"] ?? {}) as Record<string, unknown>;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrsRaw)) {
    attrs[k] = decodeXmlText(String(v));
  }
  const node: XmlNode = { name: key, attrs, children: [], text: "", path };
  const kids = raw[key];
  const childCounts = new Map<string, number>();
  const texts: string[] = [];
  for (const kid of Array.isArray(kids) ? (kids as OrderedNode[]) : []) {
    if ("#text" in kid) {
      texts.push(String(kid["#text"]));
      continue;
    }
    const c = convert(kid, path, childCounts);
    if (c) {
      node.children.push(c);
    }
  }
  node.text = texts.join("");
  return node;
}

/** Parses XML text into an XmlNode tree; malformed or unsafe input gives a RadFileError. */
export function parseXmlTree(text: string, byteLength: number, limits: XmlLimits = {}): XmlNode {
  assertSafeXml(text, byteLength, limits);
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (valid !== true) {
    throw new RadFileError("radfile.malformed", `XML is not well-formed: ${valid.err.msg}`, {
      line: valid.err.line,
    });
  }
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch (e) {
    throw new RadFileError("radfile.malformed", `XML parse failed: ${(e as Error).message}`);
  }
  const counts = new Map<string, number>();
  for (const raw of Array.isArray(parsed) ? (parsed as OrderedNode[]) : []) {
    const root = convert(raw, "", counts);
    if (root) {
      return root;
    }
  }
  throw new RadFileError("radfile.malformed", "XML document has no root element");
}

/** First child element with local name `name` (case-insensitive). */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  if (!node) {
    return undefined;
  }
  const lower = name.toLowerCase();
  return node.children.find((c) => c.name.toLowerCase() === lower);
}

/** All child elements with local name `name` (case-insensitive). */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  if (!node) {
    return [];
  }
  const lower = name.toLowerCase();
  return node.children.filter((c) => c.name.toLowerCase() === lower);
}

/** All descendant elements (depth-first, document order) with local name `name`. */
export function descendants(node: XmlNode | undefined, name: string, out: XmlNode[] = []): XmlNode[] {
  if (!node) {
    return out;
  }
  const lower = name.toLowerCase();
  for (const c of node.children) {
    if (c.name.toLowerCase() === lower) {
      out.push(c);
    }
    descendants(c, name, out);
  }
  return out;
}

/** Trimmed, entity-decoded text of the first child `name` ("" when absent). */
export function childText(node: XmlNode | undefined, name: string): string {
  const c = child(node, name);
  return c ? decodeXmlText(c.text).trim() : "";
}

/** Attribute value by case-insensitive name (prefix already stripped). */
export function attr(node: XmlNode | undefined, name: string): string | undefined {
  if (!node) {
    return undefined;
  }
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(node.attrs)) {
    if (k.toLowerCase() === lower) {
      return v;
    }
  }
  return undefined;
}
