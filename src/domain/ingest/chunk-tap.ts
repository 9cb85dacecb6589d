import { createHash, type Hash } from "node:crypto";
import type { ChunkSource } from "../../trade/index.ts";

type Chunk = string | Uint8Array;

async function* asAsync(source: ChunkSource): AsyncGenerator<Chunk, void, undefined> {
  yield* source;
}

const SUB = 0x1a;

function withoutNul(chunk: Chunk): Chunk {
  if (typeof chunk === "string") {
    return chunk.includes("\u0000") ? chunk.replaceAll("\u0000", "\u001a") : chunk;
  }
  if (!chunk.includes(0)) {
    return chunk;
  }
  const copy = Uint8Array.from(chunk);
  for (let i = copy.indexOf(0); i >= 0; i = copy.indexOf(0, i + 1)) {
    copy[i] = SUB;
  }
  return copy;
}

/**
 * Passes a chunk stream through once, hashing and counting it on the way, and lets the caller
 * look at the first bytes (to detect the format) before reading starts.
 */
export class ChunkTap {
  private readonly hash: Hash = createHash("sha256");
  private readonly iterator: AsyncIterator<Chunk>;
  private readonly head: Chunk[] = [];
  private sha256: string | undefined;
  private bytes = 0;

  constructor(source: ChunkSource) {
    this.iterator = asAsync(source)[Symbol.asyncIterator]();
  }

  /** The first `size` characters or so, read ahead and kept for chunks(). */
  async peek(size = 8192): Promise<string> {
    await this.readAhead(size);
    const decoder = new TextDecoder("utf-8");
    return this.head.map((c) => (typeof c === "string" ? c : decoder.decode(c, { stream: true }))).join("");
  }

  /** Whether the stream holds at least `size` characters (or bytes); what it reads to know is kept for chunks(). */
  async holdsAtLeast(size: number): Promise<boolean> {
    return (await this.readAhead(size)) >= size;
  }

  /** Reads ahead until `size` characters (or bytes) are kept, or the stream ends; how many are kept. */
  private async readAhead(size: number): Promise<number> {
    let seen = this.head.reduce((n, c) => n + c.length, 0);
    while (seen < size) {
      const next = await this.iterator.next();
      if (next.done) {
        break;
      }
      this.count(next.value);
      this.head.push(next.value);
      seen += next.value.length;
    }
    return seen;
  }

  /**
   * The whole stream, from the first chunk; can be read once. NUL bytes, which PostgreSQL cannot
   * keep in text, come out as SUB (U+001A): the record that holds one is quarantined for its
   * control character, and its raw text can still be stored and shown. The digest is of the
   * bytes as received.
   */
  async *chunks(): AsyncGenerator<Chunk, void, undefined> {
    for (const chunk of this.head.splice(0)) {
      yield withoutNul(chunk);
    }
    for (;;) {
      const next = await this.iterator.next();
      if (next.done) {
        return;
      }
      this.count(next.value);
      yield withoutNul(next.value);
    }
  }

  /** sha256 and size in bytes of everything read; ask after the stream has ended. */
  digest(): { sha256: string; sizeBytes: number } {
    this.sha256 ??= this.hash.digest("hex");
    return { sha256: this.sha256, sizeBytes: this.bytes };
  }

  private count(chunk: Chunk): void {
    this.hash.update(chunk);
    this.bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
  }
}
