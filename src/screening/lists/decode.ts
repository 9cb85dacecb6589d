// Node's TextDecoder("windows-1252") decodes as ISO-8859-1 (0x80–0x9F become C1 controls), so map that range here.
// Undefined slots (0x81, 0x8D, 0x8F, 0x90, 0x9D) stay as their C1 code points.
const HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";

/** Decodes Windows-1252 bytes (0x80–0x9F are the CP1252 glyphs, not C1 controls) and drops the DOS EOF 0x1A. */
export function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  return stripEof(latin1.replace(/[\u0080-\u009f]/g, (c) => HIGH[c.charCodeAt(0) - 0x80] ?? c));
}

/** Decodes UTF-8 bytes, dropping a BOM and a trailing DOS EOF. */
export function decodeUtf8(bytes: Uint8Array): string {
  return stripEof(new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, ""));
}

const DOS_EOF = String.fromCharCode(0x1a);

function stripEof(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === DOS_EOF) {
    end--;
  }
  return text.slice(0, end);
}

/** FNV-1a 32-bit hash as 8 hex digits; used to give id-less list rows a stable id. */
export function stableId(prefix: string, key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${prefix}-${(h >>> 0).toString(16).padStart(8, "0")}`;
}
