/**
 * Minimal RFC 4180 reader for the code lists we ship (UN/LOCODE, HS): quoted fields with
 * commas, doubled quotes and line breaks; CRLF or LF line ends. Not a general CSV library.
 */

const SEPARATORS = ",\r\n";

function unquotedEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && !SEPARATORS.includes(text.charAt(end))) {
    end++;
  }
  return end;
}

/** Read one field starting at start; end is the index of the separator after it (or text.length). */
function readField(text: string, start: number): { value: string; end: number } {
  if (text.charAt(start) !== '"') {
    const end = unquotedEnd(text, start);
    return { value: text.slice(start, end), end };
  }
  let value = "";
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote === -1) {
      // Unterminated quote: keep the rest rather than fail.
      return { value: value + text.slice(i), end: text.length };
    }
    value += text.slice(i, quote);
    if (text.charAt(quote + 1) === '"') {
      value += '"';
      i = quote + 2;
      continue;
    }
    const end = unquotedEnd(text, quote + 1);
    return { value: value + text.slice(quote + 1, end), end };
  }
}

/** Split CSV text into rows of fields; a trailing line break does not add an empty row. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    const { value, end } = readField(text, i);
    row.push(value);
    const separator = text.charAt(end);
    if (separator === ",") {
      i = end + 1;
      continue;
    }
    rows.push(row);
    row = [];
    i = end + (separator === "\r" && text.charAt(end + 1) === "\n" ? 2 : 1);
  }
  if (text.endsWith(",")) {
    row.push("");
    rows.push(row);
  }
  return rows;
}

/** Remove a UTF-8 byte-order mark if present. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
