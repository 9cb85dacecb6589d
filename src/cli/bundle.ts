// `reciprocity bundle verify FILE [--key PEM] [--json]`: checks a signed result bundle (exit 0 valid,
// 1 invalid, 2 bad usage). `reciprocity bundle key [--agency CODE]` prints the public key to pin.
import { readFileSync } from "node:fs";
import { InvalidArgumentError, type Command } from "commander";
import { parsePublicKey } from "../domain/bundles/signing.ts";
import { verifyBundle, type BundleVerdict } from "../domain/bundles/verify.ts";
import type { Services } from "../domain/services.ts";
import { AppError } from "../errors.ts";
import { withServices } from "./database.ts";

/** Reads a file named on the command line; an unreadable one is a usage error (exit 2). */
function readArgument(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new InvalidArgumentError(`cannot read ${what} ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A readable summary of a verdict. */
export function formatVerdict(file: string, v: BundleVerdict): string {
  const lines = [`${file}: ${v.ok ? "VALID" : "INVALID"}`];
  if (v.reference) {
    lines.push(
      `  bundle ${v.bundleId ?? "?"} for ${v.reference}, host ${v.hostAgency ?? "?"}, created ${v.createdAt ?? "?"}`,
    );
  }
  if (v.keyId) {
    lines.push(
      `  signed with key ${v.keyId} (${v.isKeyPinned ? "pinned" : "taken from the bundle itself, not pinned"}); ${v.filesChecked} entries checked`,
    );
  }
  lines.push(...v.problems.map((p) => `  problem: ${p}`), ...v.warnings.map((w) => `  warning: ${w}`));
  return lines.join("\n");
}

function verifyCommand(file: string, opts: { key?: string; json?: boolean }): void {
  const bytes = readArgument(file, "bundle");
  const trustedPublicKeyPem = opts.key === undefined ? undefined : readArgument(opts.key, "key file").toString("utf8");
  if (trustedPublicKeyPem !== undefined) {
    const key = parsePublicKey(trustedPublicKeyPem);
    if (typeof key === "string") {
      throw new InvalidArgumentError(`--key ${opts.key}: ${key}`);
    }
  }
  const verdict = verifyBundle(bytes, { trustedPublicKeyPem });
  console.log(opts.json ? JSON.stringify(verdict) : formatVerdict(file, verdict));
  if (!verdict.ok) {
    process.exitCode = 1;
  }
}

/** Without --agency: the one agency that already has a key. */
async function defaultAgency(services: Services): Promise<string> {
  const keyed = await services.bundles.keyedAgencies();
  if (keyed.length !== 1 || !keyed[0]) {
    const all = await services.agencies.list();
    throw new InvalidArgumentError(
      `name the agency with --agency (agencies: ${all.map((a) => a.code).join(", ") || "none"})`,
    );
  }
  return keyed[0];
}

async function keyCommand(opts: { agency?: string; dataDir?: string }): Promise<void> {
  await withServices(opts.dataDir, async (services) => {
    const code = opts.agency ?? (await defaultAgency(services));
    const key = await services.bundles.signingKey(code).catch((err: unknown) => {
      throw err instanceof AppError && err.statusCode === 404 ? new InvalidArgumentError(`no agency ${code}`) : err;
    });
    process.stdout.write(key.publicKeyPem);
    console.error(`key ${key.keyId} of ${key.agency}, created ${key.createdAt}`);
  });
}

/** Registers `reciprocity bundle verify` and `reciprocity bundle key`. */
export function registerBundleCommand(program: Command): void {
  const bundle = program.command("bundle").description("signed result bundles: verify one, or print the key to pin");
  bundle
    .command("verify")
    .description("check a result bundle's signature and every file's hash (exit 0 valid, 1 invalid, 2 bad usage)")
    .argument("<file>", "the bundle (.tar, or .tar.gz)")
    .option("--key <file>", "the host's public key PEM to pin (from `reciprocity bundle key`)")
    .option("--json", "print the verdict as JSON")
    .action(verifyCommand);
  bundle
    .command("key")
    .description("print an agency's bundle-signing public key (PEM; created on first use) so partners can pin it")
    .option("--agency <code>", "agency code, e.g. USCBP (default: the one agency with a key)")
    .option("--data-dir <dir>", "embedded database folder")
    .action(keyCommand);
}
