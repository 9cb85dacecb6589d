/** C0 control characters and DEL, except tab, line feed and carriage return. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

// Half of a UTF-16 surrogate pair on its own: not a character, and PostgreSQL refuses it in JSON.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the text holds a control character or a lone surrogate: nothing a name or a note means. */
export function isBadText(text: string): boolean {
  return CONTROL_CHARACTERS.test(text) || LONE_SURROGATE.test(text);
}

/** Deepest nesting looked through; inputs here are shallow. */
const MAX_DEPTH = 32;

/**
 * The path (`a/b/0`) of the first string, or object key, in `value` that is bad text, or null.
 * `skip` leaves out keys (and what is under them); streams are not looked into.
 */
export function findBadText(
  value: unknown,
  path: string,
  skip: (key: string) => boolean = () => false,
  depth = 0,
): string | null {
  if (typeof value === "string") {
    return isBadText(value) ? path : null;
  }
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) {
    return null;
  }
  if (typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function") {
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    if (skip(key)) {
      continue;
    }
    const found = isBadText(key) ? `${path}/${key}` : findBadText(item, `${path}/${key}`, skip, depth + 1);
    if (found) {
      return found;
    }
  }
  return null;
}
