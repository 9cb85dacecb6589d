import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { z } from "zod";
import { withAgency } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { invalid } from "../../errors.ts";
import type { ScanEvidence } from "../../federation/messages.ts";
import { MAX_EVIDENCE_BYTES } from "../../federation/messages.ts";
import type { AnalysisReport } from "../../radiation/analyze-file.ts";
import type { Actor } from "../actor.ts";
import { assembleBundle } from "../bundles/assemble.ts";
import { loadBundleContents } from "../bundles/contents.ts";
import { CustodySchema, CUSTODY_PATH } from "../bundles/format.ts";
import { ensureSigningKey } from "../bundles/keys.ts";
import { sha256Hex } from "../bundles/signing.ts";
import { readTar } from "../bundles/tar.ts";
import { verifyBundle } from "../bundles/verify.ts";
import type { Clock } from "../clock.ts";

// A scan result crosses the border with its evidence: the instrument file, inside the signed result
// bundle the host gives for downloads (custody.json signed with the host agency's bundle key, the
// file listed in it by hash and size). The sender packs it when it signs the message, from the
// stored scan and file, which never change, so every retry carries the same file and the same
// scan record. A bundle larger than MAX_EVIDENCE_BYTES is not sent: the message then carries the
// file's name, type, size and hash only, and the partner's copy says where the file is kept.
//
// The receiver trusts the bytes because the pinned node key signed the whole message; it still
// checks the bundle as any verifier would (signature over custody.json, every entry's hash and
// size, nothing unlisted), that the host agency made it, and that it holds this scan and exactly
// the announced file. Anything else refuses the message, which is kept with the reason.

/** What the sender reads about a scan to describe its evidence. */
interface ScanFileRow {
  request_id: string;
  host_agency_id: string;
  file_sha256: string | null;
  file_name: string | null;
  media_type: string | null;
  size_bytes: number | null;
}

/** The host agency's view of a request, enough to load its bundle contents. */
async function hostActor(db: Kysely<DB>, agencyId: string): Promise<Actor> {
  const agency = await db
    .selectFrom("agency")
    .select(["id", "code", "name", "country"])
    .where("id", "=", agencyId)
    .executeTakeFirstOrThrow();
  return {
    userId: "",
    username: "federation",
    displayName: agency.name,
    agencyId: agency.id,
    agencyCode: agency.code,
    agencyName: agency.name,
    agencyCountry: agency.country,
    roles: [],
    siteId: null,
  };
}

/**
 * The evidence of a scan recorded on this node, for the scan result message to a peer: null for a
 * scan without a file. Reads through the owner connection (the bundle key's private half).
 */
export async function scanEvidence(db: Kysely<DB>, clock: Clock, scanId: string): Promise<ScanEvidence | null> {
  if (!/^[0-9a-f-]{36}$/i.test(scanId)) {
    return null;
  }
  const row: ScanFileRow | undefined = await db
    .selectFrom("scan as s")
    .innerJoin("inspection_request as r", "r.id", "s.request_id")
    .leftJoin("stored_file as f", "f.sha256", "s.file_sha256")
    .select(["s.request_id", "r.host_agency_id", "s.file_sha256", "s.file_name", "f.media_type", "f.size_bytes"])
    .where("s.id", "=", scanId)
    .executeTakeFirst();
  if (!row?.file_sha256 || row.media_type === null || row.size_bytes === null) {
    return null;
  }
  const described = {
    sha256: row.file_sha256,
    fileName: row.file_name,
    mediaType: row.media_type,
    size: row.size_bytes,
  };
  // Past the bound the file cannot fit, whatever else the bundle holds: not even read.
  if (row.size_bytes > MAX_EVIDENCE_BYTES) {
    return { ...described, bundle: null, withheld: "too_large" };
  }
  const key = await ensureSigningKey(db, row.host_agency_id, clock.now());
  const actor = await hostActor(db, row.host_agency_id);
  const fileSha256 = row.file_sha256;
  const packed = await withAgency(db, row.host_agency_id, async (tx) => {
    const { files, ...documents } = await loadBundleContents(tx, actor, row.request_id);
    const file = files.find((f) => f.sha256 === fileSha256);
    if (!file) {
      throw new Error(`the file of scan ${scanId} is not among its request's evidence`);
    }
    const content = await tx
      .selectFrom("stored_file")
      .select(sql<string>`encode(content, 'base64')`.as("content"))
      .where("sha256", "=", fileSha256)
      .executeTakeFirstOrThrow();
    // Only this scan's file: the message is evidence of this scan, and stays small.
    const bytes = Buffer.from(content.content, "base64");
    return assembleBundle({ ...documents, files: [{ path: file.path, bytes }] }, key, randomUUID(), clock.now());
  });
  if (packed.bytes.byteLength > MAX_EVIDENCE_BYTES) {
    return { ...described, bundle: null, withheld: "too_large" };
  }
  return { ...described, bundle: Buffer.from(packed.bytes).toString("base64"), withheld: null };
}

/** The scan as the bundle's scans.json records it: only what the partner's copy takes from it. */
const BundledScan = z.object({
  id: z.string(),
  file: z.object({ sha256: z.string(), path: z.string() }).nullable(),
  verdict: z.string().max(40).nullable(),
  declarationCheck: z.object({ isInconsistent: z.boolean(), inconsistency: z.string().max(2000).nullable() }),
  analysis: z.record(z.string(), z.unknown()).nullable(),
});

/** A received scan's evidence, checked: the file's bytes and the host's record of the scan. */
export interface CheckedEvidence {
  content: Buffer;
  fileName: string | null;
  mediaType: string;
  sha256: string;
  bundleId: string;
  keyId: string;
  verdict: string | null;
  isInconsistent: boolean;
  inconsistency: string | null;
  analysis: AnalysisReport | null;
}

function refuse(detail: string): never {
  throw invalid("federation.evidence_invalid", `The scan's evidence does not verify: ${detail}`.slice(0, 280));
}

/**
 * Checks a received bundle against the message that carries it; throws federation.evidence_invalid
 * on any fault. `hostAgency` is the sending peer's agency code, `scanId` the host's scan.
 */
export function checkEvidence(
  evidence: ScanEvidence & { bundle: string },
  hostAgency: string,
  scanId: string | undefined,
): CheckedEvidence {
  const bytes = Buffer.from(evidence.bundle, "base64");
  const verdict = verifyBundle(bytes);
  if (!verdict.ok) {
    refuse(verdict.problems[0] ?? "the bundle is not valid");
  }
  if (verdict.hostAgency !== hostAgency) {
    refuse(
      `the bundle was made by ${String(verdict.hostAgency).slice(0, 16)}, not by the sending agency ${hostAgency}`,
    );
  }
  const entries = new Map(readTar(bytes).entries.map((e) => [e.path, e.bytes]));
  const custody = CustodySchema.parse(JSON.parse(new TextDecoder().decode(entries.get(CUSTODY_PATH))));
  let scans: unknown;
  try {
    scans = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(entries.get("scans.json")));
  } catch {
    refuse("scans.json is missing or not JSON");
  }
  const listed = z.array(z.unknown()).safeParse(scans);
  const own = listed.success
    ? listed.data.map((s) => BundledScan.safeParse(s)).find((s) => s.success && s.data.id === scanId)
    : undefined;
  if (!own?.success) {
    refuse("the bundle does not record this scan");
  }
  const scan = own.data;
  if (scan.file?.sha256 !== evidence.sha256) {
    refuse("the bundle's record of the scan names another file");
  }
  const content = entries.get(scan.file.path);
  if (!content || sha256Hex(content) !== evidence.sha256 || content.byteLength !== evidence.size) {
    refuse("the file in the bundle is not the one the message announces");
  }
  return {
    content: Buffer.from(content),
    fileName: evidence.fileName,
    mediaType: evidence.mediaType,
    sha256: evidence.sha256,
    bundleId: custody.bundleId,
    keyId: custody.keyId,
    verdict: scan.verdict,
    isInconsistent: scan.declarationCheck.isInconsistent,
    inconsistency: scan.declarationCheck.inconsistency,
    analysis: scan.analysis as AnalysisReport | null,
  };
}

/** The line the partner's copy of a scan carries when the host kept its file back. */
export function withheldNote(evidence: ScanEvidence): string {
  return `Instrument file ${evidence.fileName ?? "(unnamed)"} (${evidence.size} bytes, sha256 ${evidence.sha256}) is kept by the host: larger than the ${MAX_EVIDENCE_BYTES} bytes a message carries. Ask the host for the result bundle.`;
}
