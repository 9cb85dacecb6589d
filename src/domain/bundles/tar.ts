// A small POSIX ustar (IEEE Std 1003.1 "pax" interchange, ustar format) writer and reader for
// result bundles. The writer is deterministic: regular files only, entries sorted by path, mode
// 0644, uid/gid 0, no user or group names, one caller-given mtime, and exactly two zero blocks
// at the end (no record padding). writeTar packs entries held in memory; tarOrder, tarHeader,
// tarPadding and tarEnd write the same bytes piece by piece, for archives streamed from the file
// store. The reader is strict, because it reads untrusted bundles.

const BLOCK = 512;
const MAX_NAME = 100;
const MAX_SIZE = 0o77777777777; // 11 octal digits: just under 8 GiB

/** One regular file in an archive. */
export interface TarEntry {
  path: string;
  bytes: Uint8Array;
}

/** What a read archive holds, with every structural problem found on the way. */
export interface TarContents {
  entries: (TarEntry & { mtime: number })[];
  problems: string[];
}

/** Why a path cannot be written: absolute, `..`, empty segments, non-ASCII or too long. */
export function pathProblem(path: string): string | null {
  if (path.length === 0 || path.length > MAX_NAME) {
    return `path "${path}" must be 1 to ${MAX_NAME} characters`;
  }
  if (!/^[\x21-\x7e]+$/.test(path)) {
    return `path "${path}" must be printable ASCII without spaces`;
  }
  if (path.startsWith("/") || path.split("/").some((s) => s === "" || s === "." || s === "..")) {
    return `path "${path}" is absolute or has an empty, "." or ".." segment`;
  }
  return null;
}

function writeString(block: Uint8Array, offset: number, length: number, text: string): void {
  block.set(new TextEncoder().encode(text).subarray(0, length), offset);
}

/** Octal, zero-padded to `length - 1` digits, NUL-terminated. */
function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

function checksumOf(header: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) {
    // The checksum field itself counts as eight spaces.
    sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number);
  }
  return sum;
}

/** The 512-byte ustar header of a regular file. */
export function tarHeader(path: string, size: number, mtime: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  writeString(block, 0, 100, path);
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, mtime);
  block[156] = 0x30; // '0': regular file
  writeString(block, 257, 6, "ustar\0");
  writeString(block, 263, 2, "00");
  writeOctal(block, 329, 8, 0);
  writeOctal(block, 337, 8, 0);
  // Six octal digits, NUL, space: the historical layout every tar accepts.
  writeString(block, 148, 8, `${checksumOf(block).toString(8).padStart(6, "0")}\0 `);
  return block;
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** The zero bytes that follow `size` bytes of content up to the next block (none for a whole block). */
export function tarPadding(size: number): Uint8Array {
  return new Uint8Array(padded(size) - size);
}

/** The end-of-archive marker: two zero blocks. */
export function tarEnd(): Uint8Array {
  return new Uint8Array(2 * BLOCK);
}

/**
 * The entries in the order an archive holds them (by path), checked as writeTar checks them; throws
 * on an unsafe path, a duplicate or an entry too large for ustar. Only paths and sizes are needed,
 * so an archive can be planned before its contents are read.
 */
export function tarOrder<T extends { path: string; size: number }>(entries: readonly T[]): T[] {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const [i, entry] of sorted.entries()) {
    const problem = pathProblem(entry.path);
    if (problem) {
      throw new Error(problem);
    }
    if (i > 0 && sorted[i - 1]?.path === entry.path) {
      throw new Error(`duplicate path "${entry.path}"`);
    }
    if (entry.size > MAX_SIZE) {
      throw new Error(`"${entry.path}" is too large for ustar`);
    }
  }
  return sorted;
}

/** The length in bytes of the archive holding entries of these sizes. */
export function tarLength(entries: readonly { size: number }[]): number {
  return entries.reduce((total, e) => total + BLOCK + padded(e.size), 2 * BLOCK);
}

/** Writes the entries, sorted by path, as one ustar archive; `mtime` is whole seconds since 1970. */
export function writeTar(entries: TarEntry[], mtime: number): Uint8Array {
  const sorted = tarOrder(entries.map((e) => ({ ...e, size: e.bytes.byteLength })));
  const out = new Uint8Array(tarLength(sorted));
  let offset = 0;
  for (const entry of sorted) {
    out.set(tarHeader(entry.path, entry.size, mtime), offset);
    out.set(entry.bytes, offset + BLOCK);
    offset += BLOCK + padded(entry.size);
  }
  return out;
}

function readString(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return new TextDecoder("latin1").decode(end === -1 ? field : field.subarray(0, end));
}

/** Parses an octal field (digits, then NUL or spaces); null when malformed. */
function readOctal(block: Uint8Array, offset: number, length: number): number | null {
  const text = readString(block, offset, length).replace(/ +$/, "").replace(/^ +/, "");
  if (!/^[0-7]{1,12}$/.test(text)) {
    return null;
  }
  return parseInt(text, 8);
}

function isZero(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

/** Reads one header at `offset`; returns the entry or a problem that stops the reading. */
function readEntry(
  archive: Uint8Array,
  offset: number,
  problems: string[],
): { entry: TarEntry & { mtime: number }; regular: boolean; next: number } | string {
  const block = archive.subarray(offset, offset + BLOCK);
  const prefix = readString(block, 345, 155);
  const name = readString(block, 0, 100);
  const path = prefix ? `${prefix}/${name}` : name;
  const where = `tar header at byte ${offset} ("${path}")`;
  if (readString(block, 257, 6) !== "ustar" || readString(block, 263, 2) !== "00") {
    return `${where} is not a POSIX ustar header`;
  }
  const size = readOctal(block, 124, 12);
  if (size === null) {
    return `${where} has an unreadable size`;
  }
  if (readOctal(block, 148, 8) !== checksumOf(block)) {
    problems.push(`${where} fails its header checksum`);
  }
  const start = offset + BLOCK;
  if (start + size > archive.byteLength) {
    return `${where} says ${size} bytes but the archive ends first`;
  }
  const next = start + padded(size);
  if (!isZero(archive.subarray(start + size, next))) {
    problems.push(`padding after "${path}" is not zero`);
  }
  const type = String.fromCharCode(block[156] as number);
  const regular = type === "0" || type === "\0";
  if (!regular) {
    problems.push(`"${path}" is not a regular file (type "${type}")`);
  }
  const unsafe = regular ? pathProblem(path) : null;
  if (unsafe) {
    problems.push(unsafe);
  }
  return {
    entry: { path, bytes: archive.subarray(start, start + size), mtime: readOctal(block, 136, 12) ?? 0 },
    regular,
    next,
  };
}

/** Reads a ustar archive; only regular files are returned, every oddity is a problem. */
export function readTar(archive: Uint8Array): TarContents {
  const problems: string[] = [];
  const entries: TarContents["entries"] = [];
  const seen = new Set<string>();
  if (archive.byteLength % BLOCK !== 0) {
    problems.push(`archive length ${archive.byteLength} is not a multiple of ${BLOCK}`);
  }
  let offset = 0;
  while (offset + BLOCK <= archive.byteLength) {
    if (isZero(archive.subarray(offset, offset + BLOCK))) {
      if (!isZero(archive.subarray(offset + BLOCK))) {
        problems.push(`data follows the end-of-archive marker at byte ${offset}`);
      }
      return { entries, problems };
    }
    const read = readEntry(archive, offset, problems);
    if (typeof read === "string") {
      problems.push(read);
      return { entries, problems };
    }
    if (seen.has(read.entry.path)) {
      problems.push(`"${read.entry.path}" appears more than once`);
    }
    seen.add(read.entry.path);
    if (read.regular) {
      entries.push(read.entry);
    }
    offset = read.next;
  }
  problems.push("the archive has no end-of-archive marker (it may be truncated)");
  return { entries, problems };
}
