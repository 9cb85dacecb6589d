import type { KeyObject } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { z } from "zod";
import { CUSTODY_PATH, CustodySchema, SIGNATURE_PATH, SignatureSchema, type Custody } from "./format.ts";
import { keyIdOf, parsePublicKey, publicKeyPemOf, sha256Hex, strictBase64, verifyBytes } from "./signing.ts";
import { readTar, writeTar, type TarContents } from "./tar.ts";

/** Largest archive a verifier unpacks from gzip, so a small file cannot exhaust memory. */
const MAX_UNPACKED_BYTES = 1024 * 1024 * 1024;

/** The verdict on one bundle: valid only when `problems` is empty. */
export interface BundleVerdict {
  ok: boolean;
  keyId: string | null;
  reference: string | null;
  bundleId: string | null;
  hostAgency: string | null;
  createdAt: string | null;
  /** True when the signature was checked against a key the verifier supplied, not the bundle's own. */
  isKeyPinned: boolean;
  /** Entries whose hash and size were checked against custody.json. */
  filesChecked: number;
  problems: string[];
  warnings: string[];
}

/** What a verifier may bring: the host's public key, obtained out of band. */
export interface VerifyOptions {
  trustedPublicKeyPem?: string;
}

function unwrap(bytes: Uint8Array, verdict: BundleVerdict): Uint8Array | null {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    return bytes;
  }
  try {
    const tar = gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES });
    verdict.warnings.push("the bundle was gzip-compressed after signing; the tar inside it was verified");
    return tar;
  } catch (e) {
    verdict.problems.push(
      `the file looks gzip-compressed but cannot be unpacked: ${e instanceof Error ? e.message : String(e)}`,
    );
    return null;
  }
}

/** Any byte outside the entries' contents (headers, padding, order, end marker) must be as written. */
function checkCanonical(tar: Uint8Array, contents: TarContents, verdict: BundleVerdict): void {
  let canonical: Uint8Array;
  try {
    canonical = writeTar(contents.entries, contents.entries[0]?.mtime ?? 0);
  } catch (e) {
    verdict.problems.push(`the archive cannot be a result bundle: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const length = Math.min(canonical.byteLength, tar.byteLength);
  let at = 0;
  while (at < length && canonical[at] === tar[at]) {
    at++;
  }
  if (at < length || canonical.byteLength !== tar.byteLength) {
    verdict.problems.push(
      `the archive differs from its canonical layout at byte ${at} (a tar header, padding, entry order or trailing data was changed)`,
    );
  }
}

function parseJson<T>(
  bytes: Uint8Array | undefined,
  path: string,
  schema: z.ZodType<T>,
  verdict: BundleVerdict,
): T | null {
  if (!bytes) {
    verdict.problems.push(`${path} is missing`);
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    verdict.problems.push(`${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    verdict.problems.push(`${path} is malformed: ${issues}`);
    return null;
  }
  return parsed.data;
}

/** Chooses the key to check with: the pinned one, else the bundle's own (with a warning). */
function chooseKey(
  signature: z.infer<typeof SignatureSchema>,
  options: VerifyOptions,
  verdict: BundleVerdict,
): KeyObject | null {
  const own = parsePublicKey(signature.publicKeyPem);
  if (typeof own === "string") {
    verdict.problems.push(`signature.json: publicKeyPem is ${own}`);
  } else if (publicKeyPemOf(own) !== signature.publicKeyPem) {
    verdict.problems.push("signature.json: publicKeyPem is not in canonical SPKI PEM form (it was edited)");
  } else if (keyIdOf(own) !== signature.keyId) {
    verdict.problems.push(`signature.json: keyId ${signature.keyId} is not the id of its public key (${keyIdOf(own)})`);
  }
  if (options.trustedPublicKeyPem === undefined) {
    verdict.warnings.push(
      "the public key was taken from the bundle itself (not pinned): this shows the bundle is intact, not who signed it; pin the host's key to check that",
    );
    return typeof own === "string" ? null : own;
  }
  const pinned = parsePublicKey(options.trustedPublicKeyPem);
  if (typeof pinned === "string") {
    verdict.problems.push(`the pinned key is ${pinned}`);
    return null;
  }
  verdict.isKeyPinned = true;
  if (keyIdOf(pinned) !== signature.keyId) {
    verdict.problems.push(`the bundle was signed with key ${signature.keyId}, not the pinned key ${keyIdOf(pinned)}`);
  }
  return pinned;
}

function checkSignature(
  custodyBytes: Uint8Array | undefined,
  signatureBytes: Uint8Array | undefined,
  options: VerifyOptions,
  verdict: BundleVerdict,
): void {
  const signature = parseJson(signatureBytes, SIGNATURE_PATH, SignatureSchema, verdict);
  if (!signature) {
    return;
  }
  verdict.keyId = signature.keyId;
  const key = chooseKey(signature, options, verdict);
  const raw = strictBase64(signature.signature);
  if (!raw || raw.byteLength !== 64) {
    verdict.problems.push("signature.json: signature is not 64 bytes of canonical base64");
    return;
  }
  if (!key || !custodyBytes) {
    return;
  }
  if (!verifyBytes(custodyBytes, raw, key)) {
    verdict.problems.push(
      `the signature over custody.json does not verify with key ${keyIdOf(key)}: custody.json or signature.json was changed, or another key signed it`,
    );
  }
}

function checkEntries(custody: Custody, entries: Map<string, Uint8Array>, verdict: BundleVerdict): void {
  const listed = new Set<string>();
  for (const item of custody.entries) {
    if (listed.has(item.path) || item.path === CUSTODY_PATH || item.path === SIGNATURE_PATH) {
      verdict.problems.push(`custody.json lists ${item.path} more than once or lists itself or the signature`);
      continue;
    }
    listed.add(item.path);
    const bytes = entries.get(item.path);
    if (!bytes) {
      verdict.problems.push(`${item.path} is listed in custody.json but missing from the archive`);
      continue;
    }
    verdict.filesChecked++;
    if (bytes.byteLength !== item.size) {
      verdict.problems.push(`${item.path} is ${bytes.byteLength} bytes; custody.json says ${item.size}`);
    }
    const actual = sha256Hex(bytes);
    if (actual !== item.sha256) {
      verdict.problems.push(`${item.path} was changed: its sha256 is ${actual}, custody.json says ${item.sha256}`);
    }
  }
  for (const path of entries.keys()) {
    if (!listed.has(path)) {
      verdict.problems.push(`${path} is in the archive but not listed in custody.json`);
    }
  }
}

/** Checks a result bundle: the signature over custody.json, then every entry's hash and size, then that nothing else is in it. */
export function verifyBundle(bytes: Uint8Array, options: VerifyOptions = {}): BundleVerdict {
  const verdict: BundleVerdict = {
    ok: false,
    keyId: null,
    reference: null,
    bundleId: null,
    hostAgency: null,
    createdAt: null,
    isKeyPinned: false,
    filesChecked: 0,
    problems: [],
    warnings: [],
  };
  const tar = unwrap(bytes, verdict);
  if (!tar) {
    return verdict;
  }
  const contents = readTar(tar);
  verdict.problems.push(...contents.problems.map((p) => `archive: ${p}`));
  if (contents.problems.length === 0) {
    checkCanonical(tar, contents, verdict);
  }
  const entries = new Map(contents.entries.map((e) => [e.path, e.bytes]));
  const custodyBytes = entries.get(CUSTODY_PATH);
  checkSignature(custodyBytes, entries.get(SIGNATURE_PATH), options, verdict);
  const custody = parseJson(custodyBytes, CUSTODY_PATH, CustodySchema, verdict);
  entries.delete(CUSTODY_PATH);
  entries.delete(SIGNATURE_PATH);
  if (custody) {
    Object.assign(verdict, {
      reference: custody.reference,
      bundleId: custody.bundleId,
      hostAgency: custody.hostAgency,
      createdAt: custody.createdAt,
    });
    if (verdict.keyId !== null && custody.keyId !== verdict.keyId) {
      verdict.problems.push(`custody.json names key ${custody.keyId} but signature.json key ${verdict.keyId}`);
    }
    checkEntries(custody, entries, verdict);
  }
  verdict.ok = verdict.problems.length === 0;
  return verdict;
}
