import assert from "node:assert/strict";
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { buffer } from "node:stream/consumers";
import { describe, it } from "node:test";
import { assembleBundle, streamBundle, type BundleFileSource } from "../../src/domain/bundles/assemble.ts";
import type { BundleDocuments } from "../../src/domain/bundles/contents.ts";
import type { SigningKey } from "../../src/domain/bundles/keys.ts";
import { keyIdOf, publicKeyPemOf } from "../../src/domain/bundles/signing.ts";
import { readTar } from "../../src/domain/bundles/tar.ts";
import { verifyBundle } from "../../src/domain/bundles/verify.ts";

// A fixed Ed25519 key (signatures are deterministic), so the same inputs give the same bytes.
const PEM =
  "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIFitNTGaM8xwNk0tVZcfzmmbvkWAVy2NS147UDH73ck3\n-----END PRIVATE KEY-----\n";

/**
 * sha256 of the bundle below as the in-memory writer made it before bundles were streamed
 * (commit 104586b): any change of layout, order, padding, JSON or signature shows here.
 */
const GOLDEN_SHA256 = "e98b089a052b840f5427585bec34aabdda8fa5827c0512e2366ced466e7b8ad9";
const GOLDEN_LENGTH = 82_944;

function fixedKey(): SigningKey {
  const privateKey = createPrivateKey(PEM);
  const publicKey = createPublicKey(privateKey);
  return { keyId: keyIdOf(publicKey), publicKeyPem: publicKeyPemOf(publicKey), privateKey };
}

/** Deterministic bytes that do not compress. */
function pseudoRandom(size: number, seed: string): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0, block = 0; i < size; block++) {
    i += createHash("sha256").update(`${seed}:${block}`).digest().copy(out, i);
  }
  return out;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

// Sizes around the 512-byte block: one byte, one short, exact, one over, and many blocks plus one.
const files = [1, 511, 512, 513, 70_001].map((size, i) => {
  const bytes = pseudoRandom(size, `file-${i}`);
  return { path: `files/${sha256(bytes)}-evidence-${size}.bin`, bytes };
});

const documents: BundleDocuments = {
  requestId: "9b0e3f1e-7d1c-4c55-9f59-3f3c4e2a0001",
  reference: "IR-2026-000042",
  hostAgency: "USCBP",
  requestingAgency: "JPCUS",
  manifest: { isAvailable: false, billOfLading: "ONEYLAX000001", containerNo: "CSQU3054383", shipment: null },
  request: {
    reason: "Radiological targeting hit — Cs-137 at 東京",
    timeline: [{ action: "request" }],
  } as unknown as BundleDocuments["request"],
  scans: [{ scanType: "isotope_id", notes: "Handheld ☢ on hot spot" }] as unknown as BundleDocuments["scans"],
};
const createdAt = new Date("2026-11-27T08:00:00.123Z");

/** A source that hands out the bytes in pieces of `piece` bytes, as the file store does. */
function source(
  file: { path: string; bytes: Uint8Array },
  piece = 1000,
  bytes: Uint8Array = file.bytes,
): BundleFileSource {
  return {
    path: file.path,
    sha256: sha256(file.bytes),
    size: file.bytes.byteLength,
    read: async function* () {
      for (let at = 0; at < bytes.byteLength; at += piece) {
        await Promise.resolve();
        yield bytes.subarray(at, at + piece);
      }
    },
  };
}

/** Reads a stream to its end or its error; what came out before either. */
async function drain(stream: NodeJS.ReadableStream): Promise<{ bytes: Buffer; error: Error | null }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) {
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    return { bytes: Buffer.concat(chunks), error: null };
  } catch (e) {
    return { bytes: Buffer.concat(chunks), error: e as Error };
  }
}

describe("streamed result bundles", () => {
  const key = fixedKey();

  it("are byte for byte the bundle the in-memory writer made before streaming", async () => {
    const streamed = streamBundle(
      documents,
      files.map((f) => source(f)),
      key,
      "golden-1",
      createdAt,
    );
    const bytes = await buffer(streamed.stream);
    assert.equal(bytes.byteLength, GOLDEN_LENGTH);
    assert.equal(streamed.byteLength, GOLDEN_LENGTH, "the announced length is the real one");
    assert.equal(sha256(bytes), GOLDEN_SHA256);
    const packed = assembleBundle({ ...documents, files }, key, "golden-1", createdAt);
    assert.deepEqual(bytes, Buffer.from(packed.bytes), "the in-memory writer still makes the same bytes");
    assert.equal(streamed.custodySha256, packed.custodySha256);
    const verdict = verifyBundle(bytes, { trustedPublicKeyPem: key.publicKeyPem });
    assert.deepEqual(verdict.problems, []);
    assert.equal(verdict.filesChecked, files.length + 3);
  });

  it("do not depend on how the store cuts a file into pieces", async () => {
    for (const piece of [1, 511, 512, 4096, 1 << 20]) {
      const bytes = await buffer(
        streamBundle(
          documents,
          files.map((f) => source(f, piece)),
          key,
          "golden-1",
          createdAt,
        ).stream,
      );
      assert.equal(sha256(bytes), GOLDEN_SHA256, `pieces of ${piece} bytes`);
    }
  });

  it("read no file before the stream is read, and each file once", async () => {
    const reads: string[] = [];
    const sources = files.map((f) => {
      const s = source(f);
      return {
        ...s,
        read: () => {
          reads.push(f.path);
          return s.read();
        },
      };
    });
    const { stream } = streamBundle(documents, sources, key, "golden-1", createdAt);
    assert.deepEqual(reads, [], "signing needs only the listed hashes and sizes");
    assert.equal(sha256(await buffer(stream)), GOLDEN_SHA256);
    assert.deepEqual([...reads].sort(), files.map((f) => f.path).sort());
  });

  it("fail, never end short but complete, when a file reads back other than listed", async () => {
    const target = files[4] as (typeof files)[number];
    const changed = Buffer.from(target.bytes);
    changed[changed.byteLength - 1] = (changed[changed.byteLength - 1] as number) ^ 0x01;
    const cases: [string, Uint8Array, RegExp][] = [
      ["a changed byte", changed, /read back with sha256 [0-9a-f]{64}, not the/],
      ["a short read", target.bytes.subarray(0, 70_000), /read 70000 bytes, not the 70001/],
      ["a long read", Buffer.concat([target.bytes, Buffer.from("x")]), /reads longer than the 70001 bytes/],
    ];
    for (const [what, bytes, message] of cases) {
      const sources = files.map((f) => (f === target ? source(f, 1000, bytes) : source(f)));
      const streamed = streamBundle(documents, sources, key, "golden-1", createdAt);
      const { bytes: out, error } = await drain(streamed.stream);
      assert.match(error?.message ?? "no error", message, what);
      assert.ok(out.byteLength < streamed.byteLength, `${what}: the stream stopped short`);
      assert.equal(verifyBundle(out).ok, false, `${what}: what came out does not verify`);
      // The last piece (which holds the changed byte) is held back until the hash is checked.
      assert.equal(
        out.includes(Buffer.from(bytes.subarray(-600))),
        false,
        `${what}: the file's last piece was not sent`,
      );
    }
  });

  it("refuse an entry the archive cannot hold before anything is signed or read", () => {
    const [first] = files;
    assert.ok(first);
    assert.throws(() => streamBundle(documents, [source(first), source(first)], key, "b", createdAt), /duplicate path/);
    assert.throws(
      () => streamBundle(documents, [{ ...source(first), path: "../escape" }], key, "b", createdAt),
      /absolute or has an empty/,
    );
  });

  it("keep each file's bytes intact inside the archive", async () => {
    const bytes = await buffer(
      streamBundle(
        documents,
        files.map((f) => source(f, 777)),
        key,
        "b",
        createdAt,
      ).stream,
    );
    const entries = new Map(readTar(bytes).entries.map((e) => [e.path, e.bytes]));
    for (const f of files) {
      assert.deepEqual(Buffer.from(entries.get(f.path) ?? []), f.bytes, f.path);
    }
  });
});
