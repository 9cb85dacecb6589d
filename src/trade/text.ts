/** How many line feeds the text holds: the line count a lexer adds after consuming it. */
export function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) {
    count++;
  }
  return count;
}

/**
 * Characters of streamed text a reader takes at a time. What a piece completes is used before the
 * next piece is read, so parsed segments and records live for a few messages, not for a whole
 * read of the stream (hundreds of kilobytes): they die young, cheaply, instead of being carried
 * into the old generation of the heap and collected there.
 */
export const READ_PIECE = 16 * 1024;

/** A text in pieces of about `size` characters, never cutting a surrogate pair in two. */
export function* piecesOf(text: string, size = READ_PIECE): Generator<string, void, undefined> {
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) {
      end++;
    }
    yield text.slice(at, end);
    at = end;
  }
}

// Kanji, hiragana and katakana (full and half width); the long-vowel mark and the middle dot are
// common to both kana and count only beside them.
const JAPANESE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** Whether the text holds Japanese script (kanji or kana). */
export function hasJapaneseScript(text: string): boolean {
  return JAPANESE_SCRIPT.test(text);
}

/**
 * A party's name given in parts (EDIFACT C080 components, X12 N1/N2 elements), split by script:
 * the parts in Japanese script are its native name, the others its name as filed (romanised).
 * A name given only in Japanese script stays the name, with no native name beside it. Parts of a
 * native name join without a space, since Japanese writes none between words.
 */
export function splitNameScripts(parts: readonly (string | undefined)[]): { name?: string; nativeName?: string } {
  const latin: string[] = [];
  const native: string[] = [];
  for (const raw of parts) {
    const part = raw?.trim();
    if (part) {
      (hasJapaneseScript(part) ? native : latin).push(part);
    }
  }
  if (latin.length === 0) {
    return native.length > 0 ? { name: native.join("") } : {};
  }
  return native.length > 0 ? { name: latin.join(" "), nativeName: native.join("") } : { name: latin.join(" ") };
}
