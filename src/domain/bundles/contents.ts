import { sql } from "kysely";
import type { Tx } from "../../db/database.ts";
import type { Actor } from "../actor.ts";
import { loadRequest, type InspectionRequestView, type ScanView } from "../inspection-requests/index.ts";
import { loadManifestExtract, type ManifestExtract } from "./manifest.ts";

/** The bundle's JSON documents and whose they are: everything but the evidence files. */
export interface BundleDocuments {
  requestId: string;
  reference: string;
  hostAgency: string;
  requestingAgency: string;
  manifest: ManifestExtract;
  request: Omit<InspectionRequestView, "scans">;
  scans: BundleScan[];
}

/** An evidence file as the bundle lists it, checked against the store: where it goes, its sha256 and size. */
export interface BundleFile {
  path: string;
  sha256: string;
  size: number;
}

/** Everything a bundle holds, files in memory: for packing small bundles whole (tests, tools). */
export interface BundleContents extends BundleDocuments {
  files: { path: string; bytes: Uint8Array }[];
}

/** What the store says a bundle holds: the documents, and the files by hash and size, not yet read. */
export interface LoadedBundle extends BundleDocuments {
  files: BundleFile[];
}

/** scans.json: one scan with its analysis, verdict, declaration check and where its file sits. */
export interface BundleScan extends Omit<ScanView, "file" | "isInconsistent" | "inconsistency"> {
  declarationCheck: { isInconsistent: boolean; inconsistency: string | null };
  file: (NonNullable<ScanView["file"]> & { path: string }) | null;
}

/** `files/<sha256>-<name>`, the name cut to 29 characters to fit the 100-byte ustar name field and kept to safe characters. */
export function filePath(sha256: string, name: string | null): string {
  const safe = (name ?? "file").replace(/[^A-Za-z0-9._-]/g, "_").replace(/^[.-]+/, "") || "file";
  const dot = safe.lastIndexOf(".");
  const ext = dot > 0 && safe.length - dot <= 10 ? safe.slice(dot) : "";
  const stem = ext ? safe.slice(0, dot) : safe;
  return `files/${sha256}-${stem.slice(0, 29 - ext.length)}${ext}`;
}

function bundleScan(scan: ScanView): BundleScan {
  const { file, isInconsistent, inconsistency, ...rest } = scan;
  return {
    ...rest,
    declarationCheck: { isInconsistent, inconsistency },
    file: file ? { ...file, path: filePath(file.sha256, file.name) } : null,
  };
}

/**
 * Each distinct evidence file once, by hash and size; refuses a file that is missing, whose stored
 * length differs from its recorded size, or whose content fails its hash. The hash is recomputed by
 * the database, so no file's bytes come into this process before the bundle is signed.
 */
async function loadFiles(tx: Tx, scans: BundleScan[]): Promise<BundleFile[]> {
  const paths = new Map<string, string>();
  for (const scan of scans) {
    if (scan.file && !paths.has(scan.file.sha256)) {
      paths.set(scan.file.sha256, scan.file.path);
    }
  }
  if (paths.size === 0) {
    return [];
  }
  const rows = await tx
    .selectFrom("stored_file")
    .select([
      "sha256",
      "size_bytes",
      sql<number>`octet_length(content)`.as("stored_bytes"),
      sql<string>`encode(sha256(content), 'hex')`.as("content_sha256"),
    ])
    .where("sha256", "in", [...paths.keys()])
    .execute();
  if (rows.length !== paths.size) {
    throw new Error(`${paths.size - rows.length} evidence file(s) of the request could not be read`);
  }
  return rows.map((r) => {
    if (r.stored_bytes !== r.size_bytes) {
      throw new Error(
        `stored file ${r.sha256} holds ${r.stored_bytes} bytes, not the ${r.size_bytes} recorded; refusing to sign it`,
      );
    }
    if (r.content_sha256 !== r.sha256) {
      throw new Error(`stored file ${r.sha256} no longer matches its hash; refusing to sign it`);
    }
    return { path: paths.get(r.sha256) as string, sha256: r.sha256, size: r.size_bytes };
  });
}

/** Reads the request, its scans, its files' hashes and sizes and the manifest extract; 404 unless the actor is party to it. */
export async function loadBundleContents(tx: Tx, actor: Actor, requestId: string): Promise<LoadedBundle> {
  const view = await loadRequest(tx, actor, requestId);
  const { scans, ...request } = view;
  const bundleScans = scans.map(bundleScan);
  // Same path for the same content, whichever scan named it first.
  const firstPath = new Map<string, string>();
  for (const scan of bundleScans) {
    if (scan.file) {
      scan.file.path = firstPath.get(scan.file.sha256) ?? scan.file.path;
      firstPath.set(scan.file.sha256, scan.file.path);
    }
  }
  return {
    requestId: view.id,
    reference: view.reference,
    hostAgency: view.hostAgency,
    requestingAgency: view.requestingAgency,
    manifest: await loadManifestExtract(tx, actor, view.shipmentId, view.billOfLading, view.containerNo),
    request,
    scans: bundleScans,
    files: await loadFiles(tx, bundleScans),
  };
}
