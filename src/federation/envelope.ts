import {
  CompactSign,
  calculateJwkThumbprint,
  compactVerify,
  decodeProtectedHeader,
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importPKCS8,
  importSPKI,
} from "jose";
import type { KeyObject } from "node:crypto";
import { Message, Receipt } from "./messages.ts";

// A signed envelope is a compact JWS (RFC 7515) with EdDSA over Ed25519: the payload is the exact
// bytes of the message's JSON, so what the receiver verifies is what it parses. The protected
// header names the signing key (kid) and the sending agency (snd), which is all a receiver needs
// to pick the pinned key before it trusts a byte of the payload.

/** The JWS type of a message and of a receipt; a receipt cannot pass for a message. */
export const MESSAGE_TYP = "reciprocity-message+jws";
export const RECEIPT_TYP = "reciprocity-receipt+jws";

/** The most one post to a peer's inbox carries, in characters of envelope (its body limit is 8 MiB). */
export const MAX_DELIVERY_CHARS = 7_500_000;

/** A node's own signing key: the private half stays on the node. */
export interface SigningKey {
  kid: string;
  agency: string;
  privateKey: KeyObject | CryptoKey;
}

/** A new Ed25519 key pair as PEM text, named by its RFC 7638 thumbprint. */
export async function generateNodeKey(): Promise<{ kid: string; publicPem: string; privatePem: string }> {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  return {
    kid: await keyId(publicKey),
    publicPem: await exportSPKI(publicKey),
    privatePem: await exportPKCS8(privateKey),
  };
}

/** The key id a public key is known by: its JWK thumbprint, the same on both nodes. */
export async function keyId(publicKey: KeyObject | CryptoKey): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(publicKey), "sha256");
}

/** Reads a pinned public key; throws on anything but an Ed25519 SPKI PEM. */
export async function importPublicKey(pem: string): Promise<KeyObject | CryptoKey> {
  return importSPKI(pem.trim(), "EdDSA");
}

/** Reads a node's private key (PKCS#8 PEM). */
export async function importPrivateKey(pem: string): Promise<KeyObject | CryptoKey> {
  return importPKCS8(pem.trim(), "EdDSA");
}

/** Signs the message's exact JSON bytes. */
export async function signMessage(message: Message, key: SigningKey): Promise<string> {
  return sign(new TextEncoder().encode(JSON.stringify(message)), key, MESSAGE_TYP);
}

/** Signs a receipt the same way. */
export async function signReceipt(receipt: Receipt, key: SigningKey): Promise<string> {
  return sign(new TextEncoder().encode(JSON.stringify(receipt)), key, RECEIPT_TYP);
}

function sign(bytes: Uint8Array, key: SigningKey, typ: string): Promise<string> {
  return new CompactSign(bytes)
    .setProtectedHeader({ alg: "EdDSA", typ, kid: key.kid, snd: key.agency })
    .sign(key.privateKey);
}

/** The unverified header: which key and which agency claim to have signed. Null when unreadable. */
export function envelopeHeader(jws: string): { kid: string; sender: string; typ: string } | null {
  try {
    const header = decodeProtectedHeader(jws);
    const { kid, snd, typ, alg } = header as { kid?: unknown; snd?: unknown; typ?: unknown; alg?: unknown };
    if (
      alg !== "EdDSA" ||
      typeof kid !== "string" ||
      typeof snd !== "string" ||
      typeof typ !== "string" ||
      kid.length > 100 ||
      snd.length > 16
    ) {
      return null;
    }
    return { kid, sender: snd, typ };
  } catch {
    return null;
  }
}

/** Why an envelope was refused, in words both sides log and audit. */
export type Refusal =
  | "unreadable"
  | "unknown_key"
  | "bad_signature"
  | "schema_violation"
  | "wrong_recipient"
  | "sender_mismatch"
  | "replay_outside_window"
  | "unsupported_version";

export type Verified<T> = { isValid: true; value: T } | { isValid: false; refusal: Refusal; detail: string };

/** Verifies the signature with the given key, then parses the signed bytes as a message. */
export async function verifyMessage(jws: string, publicKey: KeyObject | CryptoKey): Promise<Verified<Message>> {
  return verify(jws, publicKey, MESSAGE_TYP, (value) => Message.safeParse(value));
}

/** Verifies a receipt with the receiver's pinned key. */
export async function verifyReceipt(jws: string, publicKey: KeyObject | CryptoKey): Promise<Verified<Receipt>> {
  return verify(jws, publicKey, RECEIPT_TYP, (value) => Receipt.safeParse(value));
}

async function verify<T>(
  jws: string,
  publicKey: KeyObject | CryptoKey,
  typ: string,
  parse: (
    value: unknown,
  ) => { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } },
): Promise<Verified<T>> {
  let bytes: Uint8Array;
  try {
    const result = await compactVerify(jws, publicKey, { algorithms: ["EdDSA"] });
    if (result.protectedHeader.typ !== typ) {
      return { isValid: false, refusal: "unreadable", detail: `expected typ ${typ}` };
    }
    bytes = result.payload;
  } catch (err) {
    return {
      isValid: false,
      refusal: "bad_signature",
      detail: err instanceof Error ? err.message.slice(0, 120) : "invalid",
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return { isValid: false, refusal: "schema_violation", detail: "payload is not JSON" };
  }
  if (typeof value === "object" && value !== null && "v" in value && value.v !== 1) {
    return { isValid: false, refusal: "unsupported_version", detail: `version ${String(value.v).slice(0, 10)}` };
  }
  const parsed = parse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      isValid: false,
      refusal: "schema_violation",
      detail: `${first?.path.join(".") || "message"}: ${first?.message ?? "invalid"}`.slice(0, 160),
    };
  }
  return { isValid: true, value: parsed.data };
}
