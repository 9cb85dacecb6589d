import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { jsonBytes, BUNDLE_FORMAT, CUSTODY_PATH, SIGNATURE_PATH, type Custody, type SignatureDoc } from "./format.ts";
import type { BundleContents, BundleDocuments, BundleFile } from "./contents.ts";
import type { SigningKey } from "./keys.ts";
import { sha256Hex, signBytes } from "./signing.ts";
import { tarEnd, tarHeader, tarLength, tarOrder, tarPadding, writeTar, type TarEntry } from "./tar.ts";

/** A packed, signed bundle and the hashes worth recording about it. */
export interface PackedBundle {
  bytes: Uint8Array;
  custodySha256: string;
  archiveSha256: string;
}

/** An evidence file to stream into a bundle: hash and size known up front, bytes read when they are sent. */
export interface BundleFileSource extends BundleFile {
  /** The file's bytes in order, in pieces of any size. */
  read(): AsyncIterable<Uint8Array>;
}

/** A signed bundle whose archive is produced as it is read. */
export interface StreamedBundle {
  custodySha256: string;
  /** The archive's exact length, known before its first byte. */
  byteLength: number;
  /**
   * The archive. It fails (it never ends short but "complete") if an evidence file does not read
   * back as custody.json lists it, and it holds back each file's last piece until the file's hash
   * has been checked.
   */
  stream: Readable;
}

function documentEntries(docs: BundleDocuments): TarEntry[] {
  return [
    { path: "manifest.json", bytes: jsonBytes(docs.manifest) },
    { path: "request.json", bytes: jsonBytes(docs.request) },
    { path: "scans.json", bytes: jsonBytes(docs.scans) },
  ];
}

/** custody.json and signature.json for entries of known hash and size. */
function seal(
  docs: BundleDocuments,
  entries: readonly BundleFile[],
  key: SigningKey,
  bundleId: string,
  createdAt: Date,
): { custody: TarEntry; signature: TarEntry } {
  const custody: Custody = {
    format: BUNDLE_FORMAT,
    bundleId,
    requestId: docs.requestId,
    reference: docs.reference,
    hostAgency: docs.hostAgency,
    requestingAgency: docs.requestingAgency,
    createdAt: createdAt.toISOString(),
    keyId: key.keyId,
    entries: entries
      .map((e) => ({ path: e.path, sha256: e.sha256, size: e.size }))
      .sort((a, b) => (a.path < b.path ? -1 : 1)),
  };
  const custodyBytes = jsonBytes(custody);
  const signature: SignatureDoc = {
    alg: "Ed25519",
    keyId: key.keyId,
    publicKeyPem: key.publicKeyPem,
    signedFile: CUSTODY_PATH,
    signature: signBytes(custodyBytes, key.privateKey),
  };
  return {
    custody: { path: CUSTODY_PATH, bytes: custodyBytes },
    signature: { path: SIGNATURE_PATH, bytes: jsonBytes(signature) },
  };
}

function described(entry: TarEntry): BundleFile & TarEntry {
  return { ...entry, sha256: sha256Hex(entry.bytes), size: entry.bytes.byteLength };
}

function mtimeOf(createdAt: Date): number {
  return Math.floor(createdAt.getTime() / 1000);
}

/** Packs the contents, all in memory, as a ustar archive with custody.json signed by the key. Pure: no I/O. */
export function assembleBundle(
  contents: BundleContents,
  key: SigningKey,
  bundleId: string,
  createdAt: Date,
): PackedBundle {
  const entries = [...documentEntries(contents), ...contents.files].map(described);
  const { custody, signature } = seal(contents, entries, key, bundleId, createdAt);
  const bytes = writeTar([...entries, custody, signature], mtimeOf(createdAt));
  return { bytes, custodySha256: sha256Hex(custody.bytes), archiveSha256: sha256Hex(bytes) };
}

/** A file's bytes checked against its listed size and hash as they pass; the last piece waits for the verdict. */
async function* checked(file: BundleFileSource): AsyncGenerator<Uint8Array> {
  const hash = createHash("sha256");
  let size = 0;
  let held: Uint8Array | null = null;
  for await (const piece of file.read()) {
    size += piece.byteLength;
    if (size > file.size) {
      throw new Error(`${file.path} reads longer than the ${file.size} bytes custody.json lists`);
    }
    hash.update(piece);
    if (held) {
      yield held;
    }
    held = piece;
  }
  if (size !== file.size) {
    throw new Error(`${file.path} read ${size} bytes, not the ${file.size} custody.json lists`);
  }
  const actual = hash.digest("hex");
  if (actual !== file.sha256) {
    throw new Error(`${file.path} read back with sha256 ${actual}, not the ${file.sha256} custody.json lists`);
  }
  if (held) {
    yield held;
  }
}

async function* archive(entries: readonly (TarEntry | BundleFileSource)[], mtime: number): AsyncGenerator<Uint8Array> {
  for (const entry of entries) {
    const size = "bytes" in entry ? entry.bytes.byteLength : entry.size;
    yield tarHeader(entry.path, size, mtime);
    if ("bytes" in entry) {
      yield entry.bytes;
    } else {
      yield* checked(entry);
    }
    const padding = tarPadding(size);
    if (padding.byteLength > 0) {
      yield padding;
    }
  }
  yield tarEnd();
}

/**
 * Signs custody.json from the files' listed hashes and sizes, then returns the archive as a stream
 * that reads each file only when the reader gets to it: the same bytes assembleBundle packs, in
 * memory no larger than a piece of a file.
 */
export function streamBundle(
  docs: BundleDocuments,
  files: readonly BundleFileSource[],
  key: SigningKey,
  bundleId: string,
  createdAt: Date,
): StreamedBundle {
  const documents = documentEntries(docs).map(described);
  const { custody, signature } = seal(docs, [...documents, ...files], key, bundleId, createdAt);
  const entries = tarOrder([...documents, ...files, described(custody), described(signature)]);
  return {
    custodySha256: sha256Hex(custody.bytes),
    byteLength: tarLength(entries),
    stream: Readable.from(archive(entries, mtimeOf(createdAt)), { objectMode: false }),
  };
}
