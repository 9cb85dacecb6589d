import { createHash, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

/** First 16 hex digits of the SHA-256 of the public key's SPKI DER encoding. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("hex").slice(0, 16);
}

/** The public key's canonical PEM (SPKI), as bundles carry it. */
export function publicKeyPemOf(publicKey: KeyObject): string {
  return publicKey.export({ type: "spki", format: "pem" }).toString();
}

/** Reads an Ed25519 public key from PEM, or says why it cannot. */
export function parsePublicKey(pem: string): KeyObject | string {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    return `not a public key PEM (${e instanceof Error ? e.message : String(e)})`;
  }
  if (key.asymmetricKeyType !== "ed25519") {
    return `the key is ${key.asymmetricKeyType ?? "of an unknown type"}, not Ed25519`;
  }
  return key;
}

/** Signs the exact bytes with an Ed25519 private key; base64. */
export function signBytes(bytes: Uint8Array, privateKey: KeyObject): string {
  return sign(null, bytes, privateKey).toString("base64");
}

/** Decodes base64 only in its canonical form, so no character of a signature can change unnoticed. */
export function strictBase64(text: string): Buffer | null {
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : null;
}

/** True when `signature` (raw bytes) is a valid Ed25519 signature of `bytes` by `publicKey`. */
export function verifyBytes(bytes: Uint8Array, signature: Uint8Array, publicKey: KeyObject): boolean {
  try {
    return verify(null, bytes, publicKey, signature);
  } catch {
    return false;
  }
}

/** SHA-256 of bytes, lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
