import { jsonBytes, BUNDLE_FORMAT, CUSTODY_PATH, SIGNATURE_PATH, type Custody, type SignatureDoc } from "./format.ts";
import type { BundleContents } from "./contents.ts";
import type { SigningKey } from "./keys.ts";
import { sha256Hex, signBytes } from "./signing.ts";
import { writeTar, type TarEntry } from "./tar.ts";

/** A packed, signed bundle and the hashes worth recording about it. */
export interface PackedBundle {
  bytes: Uint8Array;
  custodySha256: string;
  archiveSha256: string;
}

/** Packs the contents as a ustar archive with custody.json signed by the key. Pure: no I/O. */
export function assembleBundle(contents: BundleContents, key: SigningKey, bundleId: string, createdAt: Date): PackedBundle {
  const entries: TarEntry[] = [
    { path: "manifest.json", bytes: jsonBytes(contents.manifest) },
    { path: "request.json", bytes: jsonBytes(contents.request) },
    { path: "scans.json", bytes: jsonBytes(contents.scans) },
    ...contents.files,
  ];
  const custody: Custody = {
    format: BUNDLE_FORMAT,
    bundleId,
    requestId: contents.requestId,
    reference: contents.reference,
    hostAgency: contents.hostAgency,
    requestingAgency: contents.requestingAgency,
    createdAt: createdAt.toISOString(),
    keyId: key.keyId,
    entries: entries
      .map((e) => ({ path: e.path, sha256: sha256Hex(e.bytes), size: e.bytes.byteLength }))
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
  const bytes = writeTar(
    [...entries, { path: CUSTODY_PATH, bytes: custodyBytes }, { path: SIGNATURE_PATH, bytes: jsonBytes(signature) }],
    Math.floor(createdAt.getTime() / 1000),
  );
  return { bytes, custodySha256: sha256Hex(custodyBytes), archiveSha256: sha256Hex(bytes) };
}
