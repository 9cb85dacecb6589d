import { Buffer, isAscii } from "node:buffer";
import { RadFileError } from "../errors.ts";

/** Options for safe XML parsing. */
export interface XmlLimits {
  /** Maximum document size in bytes (default 200 MB). */
  maxBytes?: number;
}

/** Default maximum XML document size: 200 MB. */
export const DEFAULT_MAX_XML_BYTES = 200 * 1024 * 1024;

/** Deepest element nesting accepted (the limit the previous fast-xml-parser reader applied). */
const MAX_DEPTH = 101;

const EMPTY: readonly XmlNode[] = Object.freeze([]);

/** Decodes ranges inside a document: a U+FEFF there is text, not a byte order mark to drop. */
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** The bytes of a parsed document and how to turn a range of them into text. */
export class XmlSource {
  readonly bytes: Buffer;
  /** Length of a leading UTF-8 byte order mark (0 or 3). */
  readonly bom: number;
  /** The document after its BOM is ASCII, so any range is its own Latin-1 text. */
  readonly ascii: boolean;

  constructor(bytes: Uint8Array) {
    this.bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    this.ascii = isAscii(this.bytes.subarray(this.bom));
  }

  /**
   * Text of bytes [a, b), UTF-8 decoded (malformed sequences → U+FFFD). Ranges always end at ASCII
   * markup, so this equals slicing the decoded document.
   */
  text(a: number, b: number): string {
    return this.ascii ? this.bytes.toString("latin1", a, b) : utf8.decode(this.bytes.subarray(a, b));
  }
}

/**
 * A namespace-free XML element: local name, attributes (prefix stripped), children, text. Built by
 * parseXmlTree in one pass over the document's bytes; `text`, `path` and attribute values are only
 * decoded when asked for, so a 100 000-number ChannelData never becomes a string and no path is
 * built unless an error or warning names the element.
 */
export class XmlNode {
  /** Local name: the qualified name after its first ':' (N42 files use undeclared prefixes). */
  readonly name: string;
  /** Qualified name as written (closing tags must repeat it). */
  readonly qname: string;
  readonly parent: XmlNode | undefined;
  readonly src: XmlSource;
  /** Byte offsets: the element's `<`, its content, its closing tag's `<`, and just past its end. */
  readonly start: number;
  contentStart = 0;
  contentEnd = 0;
  end = 0;
  /** Content holds comments, CDATA, processing instructions or a DOCTYPE (text must skip or unwrap them). */
  mixed = false;
  /** Attributes as (local name, value start, value end) triples, document order, xmlns declarations dropped. */
  rawAttrs: (string | number)[] | undefined;
  /** Child elements in document order. */
  children: readonly XmlNode[] = EMPTY;
  private textCache: string | undefined;
  private pathCache: string | undefined;

  constructor(src: XmlSource, start: number, qname: string, name: string, parent: XmlNode | undefined) {
    this.src = src;
    this.start = start;
    this.qname = qname;
    this.name = name;
    this.parent = parent;
  }

  /** Appends a child element (tree building only). */
  appendChild(c: XmlNode): void {
    if (this.children === EMPTY) {
      this.children = [c];
    } else {
      (this.children as XmlNode[]).push(c);
    }
  }

  /** True when the content is character data only (no child, comment, CDATA or PI): read it in place. */
  get isPlain(): boolean {
    return this.children === EMPTY && !this.mixed;
  }

  /** Character data directly inside the element (CDATA unwrapped, comments dropped, line ends as `\n`); entities left as written. */
  get text(): string {
    if (this.textCache === undefined) {
      let t = "";
      let p = this.contentStart;
      for (const c of this.children) {
        t += this.gapText(p, c.start);
        p = c.end;
      }
      t += this.gapText(p, this.contentEnd);
      this.textCache = normaliseNewlines(t);
    }
    return this.textCache;
  }

  /** Slash-separated element path from the root, e.g. `/RadInstrumentData/RadMeasurement[3]`. */
  get path(): string {
    if (this.pathCache === undefined) {
      const p = this.parent;
      if (!p) {
        this.pathCache = `/${this.name}`;
      } else {
        // Name every sibling at once so paths for all children of a parent cost one pass.
        const base = p.path;
        const seen = new Map<string, number>();
        for (const c of p.children) {
          const n = (seen.get(c.name) ?? 0) + 1;
          seen.set(c.name, n);
          c.pathCache = `${base}/${c.name}${n > 1 ? `[${n}]` : ""}`;
        }
      }
    }
    return this.pathCache!;
  }

  /** Attributes by local name, entity-decoded (a later attribute with the same local name wins). */
  get attrs(): Readonly<Record<string, string>> {
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    const a = this.rawAttrs ?? [];
    for (let i = 0; i < a.length; i += 3) {
      out[a[i] as string] = this.attrValue(i);
    }
    return out;
  }

  /** Value of the first attribute whose local name matches `name` case-insensitively, decoded. */
  attr(name: string): string | undefined {
    const a = this.rawAttrs;
    if (!a) {
      return undefined;
    }
    const lower = name.toLowerCase();
    for (let i = 0; i < a.length; i += 3) {
      if (sameName(a[i] as string, name, lower)) {
        return this.attrValue(i);
      }
    }
    return undefined;
  }

  private attrValue(i: number): string {
    const a = this.rawAttrs!;
    return decodeXmlText(normaliseNewlines(this.src.text(a[i + 1] as number, a[i + 2] as number)));
  }

  private gapText(a: number, b: number): string {
    if (!this.mixed) {
      return this.src.text(a, b);
    }
    const bytes = this.src.bytes;
    let out = "";
    let p = a;
    for (let lt = bytes.indexOf(60, p); lt !== -1 && lt < b; lt = bytes.indexOf(60, p)) {
      out += this.src.text(p, lt);
      if (startsWith(bytes, lt, "<![CDATA[")) {
        const close = bytes.indexOf("]]>", lt + 9);
        out += this.src.text(lt + 9, close);
        p = close + 3;
      } else if (startsWith(bytes, lt, "<!--")) {
        p = bytes.indexOf("-->", lt + 4) + 3;
      } else if (startsWith(bytes, lt, "<?")) {
        p = bytes.indexOf("?>", lt + 2) + 2;
      } else {
        p = doctypeEnd(bytes, lt) + 1;
      }
    }
    return out + this.src.text(p, b);
  }
}

/**
 * `name` equals `exact` ignoring case (`lower` is `exact` lower-cased). Readers ask with the schema's
 * spelling, so the exact comparison almost always decides; no lower-casing per element.
 */
function sameName(name: string, exact: string, lower: string): boolean {
  return (
    name === exact ||
    (name.length === lower.length &&
      (name.charCodeAt(0) | 32) === (lower.charCodeAt(0) | 32) &&
      name.toLowerCase() === lower)
  );
}

function normaliseNewlines(s: string): string {
  return s.includes("\r") ? s.replace(/\r\n?/g, "\n") : s;
}

/** True when bytes at `at` spell the ASCII string `lit`. */
function startsWith(bytes: Uint8Array, at: number, lit: string): boolean {
  if (at + lit.length > bytes.length) {
    return false;
  }
  for (let k = 0; k < lit.length; k++) {
    if (bytes[at + k] !== lit.charCodeAt(k)) {
      return false;
    }
  }
  return true;
}

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
export function assertSafeXml(bytes: Uint8Array, limits: XmlLimits = {}): void {
  const max = limits.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  if (bytes.length > max) {
    throw new RadFileError("radfile.too_large", `XML document is ${bytes.length} bytes, limit is ${max}`);
  }
  // Same as /<!ENTITY/i anywhere (comments and values included), without decoding the document.
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = b.indexOf("<!"); i !== -1; i = b.indexOf("<!", i + 2)) {
    if (b.toString("latin1", i + 2, i + 8).toUpperCase() === "ENTITY") {
      throw new RadFileError("radfile.unsafe_xml", "XML entity declarations are not allowed", { byteOffset: i });
    }
  }
}

// Character classes of the XML name production by byte: 1 = ASCII name character, 2 = part of a
// multi-byte character (the decoded name is then checked against NAME_RE, the previous validator's).
const NAME_START = new Uint8Array(256);
const NAME_CHAR = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const start = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58;
  NAME_START[c] = c >= 128 ? 2 : start ? 1 : 0;
  NAME_CHAR[c] = c >= 128 ? 2 : start || (c >= 48 && c <= 57) || c === 45 || c === 46 ? 1 : 0;
}
const NAME_START_RANGES =
  ":A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD";
// The combining-mark range is a range of allowed name characters, not a combined character.
const NAME_RE = new RegExp(
  // eslint-disable-next-line no-misleading-character-class
  `^[${NAME_START_RANGES}][${NAME_START_RANGES}\\-.\\d\\u00B7\\u0300-\\u036F\\u203F-\\u2040]*$`,
);

/**
 * Names met so far, by hash slot, with their local part: documents repeat a few dozen element and
 * attribute names thousands of times, and decoding each occurrence was much of the garbage. Shared
 * by all documents (the strings are fresh copies, so nothing here keeps a document alive).
 */
const NAME_SLOTS = 1024;
const internedNames = new Array<string>(NAME_SLOTS).fill("");
const internedLocals = new Array<string>(NAME_SLOTS).fill("");

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Index of the `>` closing a `<!DOCTYPE` at `lt` (nested `<…>` counted), or -1. */
function doctypeEnd(b: Uint8Array, lt: number): number {
  let depth = 1;
  for (let i = lt + 9; i < b.length; i++) {
    const c = b[i]!;
    if (c === 60) {
      depth++;
    } else if (c === 62 && --depth === 0) {
      return i;
    }
  }
  return -1;
}

/** One pass over the document's bytes: builds the element tree and checks well-formedness as it goes. */
class TreeBuilder {
  private readonly src: XmlSource;
  private readonly b: Buffer;
  private readonly len: number;
  private readonly bom: number;
  private readonly stack: XmlNode[] = [];
  private root: XmlNode | undefined;
  private rootClosed = false;
  private doctypeSeen = false;
  /** Next `&` at or after the text being checked (-1: none left), so text is never rescanned. */
  private nextAmp: number;
  /** Qualified attribute names of the element being read (first `seenCount`), to refuse duplicates. */
  private readonly seen: string[] = [];
  private seenCount = 0;
  /** Hash of the name nameEnd just read, and whether it had non-ASCII bytes. */
  private nameHash = 0;
  private nameWide = false;

  constructor(src: XmlSource) {
    this.src = src;
    this.b = src.bytes;
    this.len = this.b.length;
    this.bom = src.bom;
    this.nextAmp = this.b.indexOf(38);
  }

  /** 1-based line of byte `at` (lines end at `\n`, so `\r\n` counts once). */
  private lineOf(at: number): number {
    let line = 1;
    for (let i = this.b.indexOf(10); i !== -1 && i < at; i = this.b.indexOf(10, i + 1)) {
      line++;
    }
    return line;
  }

  private fail(message: string, at: number): never {
    throw new RadFileError("radfile.malformed", `XML is not well-formed: ${message}`, { line: this.lineOf(at) });
  }

  /** Index of byte `c` at or after `from`, or -1: short gaps in JS, long text (channel data) with memchr. */
  private find(c: number, from: number): number {
    const b = this.b;
    const stop = Math.min(from + 48, this.len);
    for (let i = from; i < stop; i++) {
      if (b[i] === c) {
        return i;
      }
    }
    return stop === this.len ? -1 : b.indexOf(c, stop);
  }

  build(): XmlNode {
    const b = this.b;
    let pos = this.bom;
    for (;;) {
      const lt = this.find(60, pos);
      const textEnd = lt === -1 ? this.len : lt;
      if (textEnd > pos) {
        this.text(pos, textEnd);
      }
      if (lt === -1) {
        break;
      }
      const c1 = b[lt + 1];
      if (c1 === 47) {
        pos = this.closeTag(lt);
      } else if (c1 === 63) {
        pos = this.processingInstruction(lt);
      } else if (c1 === 33) {
        pos = this.bang(lt);
      } else {
        pos = this.openTag(lt);
      }
    }
    const open = this.stack;
    if (open.length > 0) {
      const inner = open[open.length - 1]!;
      const names = open.map((n) => `'${n.qname}'`).join(", ");
      this.fail(
        open.length === 1 ? `Unclosed tag ${names}.` : `Unclosed tags ${names} (the document ends inside them).`,
        inner.start,
      );
    }
    if (!this.root) {
      throw new RadFileError("radfile.malformed", "XML is not well-formed: Start tag expected.", { line: 1 });
    }
    return this.root;
  }

  /** Character data in [a, end): only whitespace outside the root; inside, every `&` must start a reference. */
  private text(a: number, end: number): void {
    const b = this.b;
    if (this.stack.length === 0) {
      for (let i = a; i < end; i++) {
        if (!isSpace(b[i]!)) {
          const ch = this.src.text(i, Math.min(i + 4, end)).slice(0, 1);
          this.fail(this.rootClosed ? "Extra text at the end" : `char '${ch}' is not expected.`, i);
        }
      }
      return;
    }
    while (this.nextAmp !== -1 && this.nextAmp < end) {
      let after = this.nextAmp;
      if (this.nextAmp >= a) {
        after = this.reference(this.nextAmp);
        if (after === -1) {
          this.fail("char '&' is not expected.", this.nextAmp);
        }
      }
      this.nextAmp = b.indexOf(38, after + 1);
    }
  }

  /** End of the entity or character reference at `amp` (its `;`), or -1 if it is not one. */
  private reference(amp: number): number {
    const b = this.b;
    let i = amp + 1;
    if (b[i] === 59) {
      return -1;
    }
    if (b[i] === 35) {
      i++;
      const hex = b[i] === 120;
      if (hex) {
        i++;
      }
      for (; i < this.len; i++) {
        const c = b[i]!;
        if (c === 59) {
          return i;
        }
        const digit = c >= 48 && c <= 57;
        if (!digit && !(hex && ((c >= 65 && c <= 70) || (c >= 97 && c <= 102)))) {
          return -1;
        }
      }
      return -1;
    }
    for (let n = 0; i < this.len; i++, n++) {
      const c = b[i]!;
      if (n < 20 && isWordChar(c)) {
        continue;
      }
      return c === 59 ? i : -1;
    }
    return i;
  }

  /** Reports a bad name after `<` the way the previous validator did. */
  private badTagName(lt: number): never {
    const b = this.b;
    let i = lt + 1;
    while (i < this.len && b[i] !== 62 && !isSpace(b[i]!)) {
      i++;
    }
    let name = this.src.text(lt + 1, i).trim();
    if (name.endsWith("/")) {
      name = name.slice(0, -1);
    }
    this.fail(name === "" ? "Invalid space after '<'." : `Tag '${name}' is an invalid name.`, i);
  }

  /** Index just past an XML name starting at `i`, or -1 when no valid name starts there. Sets nameHash, nameWide. */
  private nameEnd(i: number): number {
    const b = this.b;
    if (i >= this.len || NAME_START[b[i]!] === 0) {
      return -1;
    }
    let hash = 0;
    let wide = false;
    let j = i;
    for (; j < this.len; j++) {
      const c = b[j]!;
      const k = NAME_CHAR[c]!;
      if (k === 0) {
        break;
      }
      wide ||= k === 2;
      hash = (hash * 31 + c) | 0;
    }
    this.nameHash = hash;
    this.nameWide = wide;
    return wide && !NAME_RE.test(this.src.text(i, j)) ? -1 : j;
  }

  /** The name in bytes [i, j) that nameEnd just read, shared with its earlier occurrences. */
  private name(i: number, j: number): string {
    if (this.nameWide) {
      return this.src.text(i, j);
    }
    const slot = this.nameHash & (NAME_SLOTS - 1);
    const cached = internedNames[slot]!;
    if (cached.length === j - i) {
      const b = this.b;
      let k = 0;
      while (k < cached.length && cached.charCodeAt(k) === b[i + k]) {
        k++;
      }
      if (k === cached.length) {
        return cached;
      }
    }
    const name = this.src.text(i, j);
    const colon = name.indexOf(":");
    internedNames[slot] = name;
    internedLocals[slot] = colon === -1 ? name : name.slice(colon + 1);
    return name;
  }

  /** Local part (after the first ':') of the qualified name name() just returned. */
  private localName(qname: string): string {
    const slot = this.nameHash & (NAME_SLOTS - 1);
    if (internedNames[slot] === qname) {
      return internedLocals[slot]!;
    }
    const colon = qname.indexOf(":");
    return colon === -1 ? qname : qname.slice(colon + 1);
  }

  private openTag(lt: number): number {
    const b = this.b;
    const nameEnd = this.nameEnd(lt + 1);
    if (nameEnd === this.len) {
      this.fail(`Unclosed tag '${this.src.text(lt + 1, this.len)}'.`, lt);
    }
    const after = nameEnd === -1 ? -1 : b[nameEnd]!;
    if (nameEnd === -1 || !(after === 62 || after === 47 || isSpace(after))) {
      this.badTagName(lt);
    }
    const qname = this.name(lt + 1, nameEnd);
    const parent = this.stack[this.stack.length - 1];
    if (!parent && (this.rootClosed || this.root)) {
      this.fail("Multiple possible root nodes found.", nameEnd);
    }
    const el = new XmlNode(this.src, lt, qname, this.localName(qname), parent);
    const gt = this.attributes(el, nameEnd);
    if (parent) {
      parent.appendChild(el);
    } else {
      this.root = el;
    }
    if (b[gt - 1] === 47) {
      el.contentStart = gt;
      el.contentEnd = gt;
      el.end = gt + 1;
      if (!parent) {
        this.rootClosed = true;
      }
    } else {
      if (this.stack.length >= MAX_DEPTH) {
        this.fail(`elements nested deeper than ${MAX_DEPTH} levels.`, lt);
      }
      el.contentStart = gt + 1;
      this.stack.push(el);
    }
    return gt + 1;
  }

  /** Reads the attributes of `el` from `i` (just after its name); returns the index of the tag's `>`. */
  private attributes(el: XmlNode, i: number): number {
    const b = this.b;
    let spaced = false;
    this.seenCount = 0;
    for (;;) {
      if (i >= this.len) {
        this.fail(`Unclosed tag '${el.qname}'.`, el.start);
      }
      const c = b[i]!;
      if (isSpace(c)) {
        spaced = true;
        i++;
        continue;
      }
      if (c === 62) {
        return i;
      }
      if (c === 47 && b[i + 1] === 62) {
        return i + 1;
      }
      const nameEnd = this.nameEnd(i);
      const next = nameEnd === -1 || nameEnd === this.len ? -1 : b[nameEnd]!;
      if (nameEnd === -1 || !(next === 61 || next === 62 || next === 47 || next === -1 || isSpace(next))) {
        let j = i;
        while (j < this.len && b[j] !== 62 && !isSpace(b[j]!)) {
          j++;
        }
        const bad = this.src.text(i, j);
        this.fail(
          spaced ? `Attribute '${bad}' is an invalid name.` : `Attribute '${bad}' has no space in starting.`,
          i,
        );
      }
      const raw = this.name(i, nameEnd);
      if (!spaced) {
        this.fail(`Attribute '${raw}' has no space in starting.`, i);
      }
      let j = nameEnd;
      while (j < this.len && isSpace(b[j]!)) {
        j++;
      }
      if (b[j] !== 61) {
        // A value-less (boolean) attribute: allowed, and dropped like before.
        this.checkDuplicate(raw, i);
        i = nameEnd;
        spaced = false;
        continue;
      }
      j++;
      while (j < this.len && isSpace(b[j]!)) {
        j++;
      }
      const q = b[j];
      if (q !== 34 && q !== 39) {
        this.fail(`Attribute '${raw}' is without value.`, i);
      }
      const close = this.find(q, j + 1);
      if (close === -1) {
        this.fail(`Attributes for '${el.qname}' have open quote.`, i);
      }
      this.checkDuplicate(raw, i);
      this.addAttribute(el, raw, j + 1, close);
      i = close + 1;
      spaced = false;
    }
  }

  private checkDuplicate(raw: string, at: number): void {
    for (let k = 0; k < this.seenCount; k++) {
      if (this.seen[k] === raw) {
        this.fail(`Attribute '${raw}' is repeated.`, at);
      }
    }
    this.seen[this.seenCount++] = raw;
  }

  /** Adds an attribute under its local name; `xmlns` and `xmlns:*` are dropped, as the previous parser did. */
  private addAttribute(el: XmlNode, raw: string, valueStart: number, valueEnd: number): void {
    let name = raw;
    if (raw.includes(":") || raw === "xmlns") {
      const parts = raw.split(":");
      if (parts[0] === "xmlns") {
        return;
      }
      name = parts.length === 2 ? parts[1]! : raw;
      if (name === "") {
        return;
      }
    }
    const list = (el.rawAttrs ??= []);
    for (let k = 0; k < list.length; k += 3) {
      if (list[k] === name) {
        list[k + 1] = valueStart;
        list[k + 2] = valueEnd;
        return;
      }
    }
    list.push(name, valueStart, valueEnd);
  }

  private closingName(a: number, end: number): string {
    const name = this.src.text(a, end);
    return name.endsWith("/") ? name.slice(0, -1) : name;
  }

  private closeTag(lt: number): number {
    const b = this.b;
    const nameStart = lt + 2;
    let i = nameStart;
    while (i < this.len && b[i] !== 62 && !isSpace(b[i]!)) {
      i++;
    }
    let gt = i;
    while (gt < this.len && isSpace(b[gt]!)) {
      gt++;
    }
    if (gt >= this.len) {
      this.fail(`Closing tag '${this.closingName(nameStart, i)}' doesn't have proper closing.`, gt);
    }
    if (b[gt] !== 62) {
      this.fail(`Closing tag '${this.closingName(nameStart, i)}' can't have attributes or invalid starting.`, lt);
    }
    const el = this.stack.pop();
    if (!el) {
      this.fail(`Closing tag '${this.closingName(nameStart, i)}' has not been opened.`, lt);
    }
    if (!this.spells(nameStart, i, el.qname)) {
      const line = this.lineOf(el.start);
      const lineStart = b.lastIndexOf(10, el.start - 1) + 1;
      const col = this.src.text(lineStart, el.start).length + 1;
      const found = this.closingName(nameStart, i);
      this.fail(
        `Expected closing tag '${el.qname}' (opened in line ${line}, col ${col}) instead of closing tag '${found}'.`,
        lt,
      );
    }
    el.contentEnd = lt;
    el.end = gt + 1;
    if (this.stack.length === 0) {
      this.rootClosed = true;
    }
    return gt + 1;
  }

  /** Bytes [a, end) spell exactly `qname`. */
  private spells(a: number, end: number, qname: string): boolean {
    const b = this.b;
    if (end - a === qname.length) {
      let k = 0;
      while (k < qname.length && b[a + k] === qname.charCodeAt(k)) {
        k++;
      }
      if (k === qname.length) {
        return true;
      }
    }
    // Names with non-ASCII characters differ in length between bytes and UTF-16: compare decoded.
    return !this.src.ascii && this.src.text(a, end) === qname;
  }

  private markMixed(): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent) {
      parent.mixed = true;
    }
  }

  private processingInstruction(lt: number): number {
    const b = this.b;
    const end = b.indexOf("?>", lt + 2);
    if (end === -1) {
      this.fail("Processing instruction is not closed.", lt);
    }
    if (this.stack.length === 0 && lt > this.bom) {
      let t = lt + 2;
      while (t < end && b[t] !== 32 && b[t] !== 63) {
        t++;
      }
      if (t - lt === 5 && startsWith(b, lt + 2, "xml")) {
        this.fail("XML declaration allowed only at the start of the document.", t);
      }
    }
    this.markMixed();
    return end + 2;
  }

  /** `<!--`, `<![CDATA[` or `<!DOCTYPE` at `lt`; anything else after `<!` is refused. */
  private bang(lt: number): number {
    const b = this.b;
    if (startsWith(b, lt, "<!--")) {
      const end = b.indexOf("-->", lt + 4);
      if (end === -1) {
        this.fail("Comment is not closed.", lt);
      }
      this.markMixed();
      return end + 3;
    }
    if (startsWith(b, lt, "<![CDATA[")) {
      const end = b.indexOf("]]>", lt + 9);
      if (end === -1) {
        this.fail("CDATA is not closed.", lt);
      }
      this.markMixed();
      return end + 3;
    }
    if (startsWith(b, lt, "<!DOCTYPE")) {
      if (this.doctypeSeen) {
        this.fail("Multiple DOCTYPE declarations found.", lt);
      }
      this.doctypeSeen = true;
      const end = doctypeEnd(b, lt);
      if (end === -1) {
        this.fail("DOCTYPE is not closed.", lt);
      }
      this.markMixed();
      return end + 1;
    }
    this.fail(`unexpected markup '${this.src.text(lt, Math.min(lt + 10, this.len))}'.`, lt);
  }
}

/**
 * Parses an XML document (UTF-8 bytes, optional BOM) into an XmlNode tree in one pass, checking
 * well-formedness as it goes; malformed or unsafe input gives a RadFileError (`radfile.malformed`
 * with the line, `radfile.unsafe_xml`, `radfile.too_large`). Namespace prefixes are dropped and need
 * not be declared.
 */
export function parseXmlTree(bytes: Uint8Array, limits: XmlLimits = {}): XmlNode {
  assertSafeXml(bytes, limits);
  return new TreeBuilder(new XmlSource(bytes)).build();
}

/** First child element with local name `name` (case-insensitive). */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  if (!node) {
    return undefined;
  }
  const lower = name.toLowerCase();
  for (const c of node.children) {
    if (sameName(c.name, name, lower)) {
      return c;
    }
  }
  return undefined;
}

/** All child elements with local name `name` (case-insensitive). */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  if (!node) {
    return [];
  }
  const lower = name.toLowerCase();
  const out: XmlNode[] = [];
  for (const c of node.children) {
    if (sameName(c.name, name, lower)) {
      out.push(c);
    }
  }
  return out;
}

/** All descendant elements (depth-first, document order) with local name `name`. */
export function descendants(node: XmlNode | undefined, name: string, out: XmlNode[] = []): XmlNode[] {
  if (node) {
    collect(node, name, name.toLowerCase(), out);
  }
  return out;
}

function collect(node: XmlNode, exact: string, lower: string, out: XmlNode[]): void {
  const kids = node.children;
  for (let i = 0; i < kids.length; i++) {
    const c = kids[i]!;
    if (sameName(c.name, exact, lower)) {
      out.push(c);
    }
    if (c.children.length > 0) {
      collect(c, exact, lower, out);
    }
  }
}

/** Trimmed, entity-decoded text of the first child `name` ("" when absent). */
export function childText(node: XmlNode | undefined, name: string): string {
  const c = child(node, name);
  return c ? decodeXmlText(c.text).trim() : "";
}

/** Attribute value by case-insensitive name (prefix already stripped). */
export function attr(node: XmlNode | undefined, name: string): string | undefined {
  return node?.attr(name);
}
