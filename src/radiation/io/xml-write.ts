/** Escapes text for XML element content or a double-quoted attribute. */
export function escapeXml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .split("")
    .filter(isXmlChar)
    .join("");
}

/** False for the C0 control characters XML 1.0 cannot carry at all (tab, LF and CR are allowed). */
function isXmlChar(c: string): boolean {
  const code = c.charCodeAt(0);
  return code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Formats a number as an xs:double lexical value (NaN → "NaN", ±Infinity → "INF"/"-INF"). */
export function xsDouble(v: number): string {
  if (Number.isNaN(v)) {
    return "NaN";
  }
  if (!Number.isFinite(v)) {
    return v > 0 ? "INF" : "-INF";
  }
  return String(v);
}

/** `<name attrs>text</name>` with escaping; attributes with undefined values are omitted. */
export function el(name: string, text: string, attrs: Record<string, string | undefined> = {}): string {
  return `<${name}${attrString(attrs)}>${escapeXml(text)}</${name}>`;
}

/** `<name attrs>` + already-serialised children + `</name>`. */
export function wrap(name: string, inner: string[], attrs: Record<string, string | undefined> = {}): string {
  const kids = inner.filter((k) => k !== "");
  return `<${name}${attrString(attrs)}>\n${kids.join("\n")}\n</${name}>`;
}

function attrString(attrs: Record<string, string | undefined>): string {
  return Object.entries(attrs)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join("");
}

/** Hands out unique, schema-valid xs:ID values (NCName), keeping a wish when it is valid and unused. */
export class IdRegistry {
  private readonly used = new Set<string>();

  /** Returns a unique NCName derived from `wish` (or `fallback` when `wish` is empty). */
  take(wish: string, fallback: string): string {
    let base = wish.replace(/[^A-Za-z0-9_.-]/g, "_");
    if (base === "") {
      base = fallback;
    }
    if (!/^[A-Za-z_]/.test(base)) {
      base = `_${base}`;
    }
    let id = base;
    for (let i = 2; this.used.has(id); i++) {
      id = `${base}_${i}`;
    }
    this.used.add(id);
    return id;
  }
}
