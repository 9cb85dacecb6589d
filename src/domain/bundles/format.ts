// The result bundle format, version 1: a ustar archive (see tar.ts) holding
//   custody.json      every other entry's path, sha256 and size, plus who made the bundle and when
//   files/<sha256>-<name>  each instrument file and image, byte for byte as stored
//   manifest.json     the shipment extract; request.json the request and its history;
//   scans.json        each scan with its analysis; signature.json the host's Ed25519 signature
//                     over the exact bytes of custody.json (the one entry custody.json omits).
import { z } from "zod";

/** Identifies the layout below; a verifier refuses others. */
export const BUNDLE_FORMAT = "reciprocity-result-bundle/1";
/** The signed entry. */
export const CUSTODY_PATH = "custody.json";
/** The signature over custody.json. */
export const SIGNATURE_PATH = "signature.json";

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** custody.json: the chain-of-custody record the signature covers. */
export const CustodySchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  bundleId: z.string().min(1),
  requestId: z.string().min(1),
  reference: z.string().min(1),
  hostAgency: z.string().min(1),
  requestingAgency: z.string().min(1),
  createdAt: z.string().min(1),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  entries: z.array(z.strictObject({ path: z.string().min(1), sha256: Sha256, size: z.number().int().nonnegative() })),
});
export type Custody = z.infer<typeof CustodySchema>;

/** signature.json: algorithm, key and the base64 signature over custody.json's bytes. */
export const SignatureSchema = z.strictObject({
  alg: z.literal("Ed25519"),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  publicKeyPem: z.string().min(1),
  signedFile: z.literal(CUSTODY_PATH),
  signature: z.string().min(1),
});
export type SignatureDoc = z.infer<typeof SignatureSchema>;

/** JSON as it is written into a bundle: two-space indented, with a final newline. */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}
