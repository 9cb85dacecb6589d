// `reciprocity audit verify [--anchors FILE]`: recomputes the audit chain and checks it against the
// anchor file (exit 0 intact, 1 with the first discrepancy, 2 bad usage).
// `reciprocity audit anchor [--anchors FILE]`: appends the current head to the anchor file (for cron).
import { existsSync } from "node:fs";
import path from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { readConfig } from "../config.ts";
import { anchorFileFor, type AnchorVerdict } from "../domain/audit-anchor.ts";
import { targetFor, withServices } from "./database.ts";

interface AuditOptions {
  anchors?: string;
  dataDir?: string;
  json?: boolean;
}

/** The anchor file named on the command line, else the configured or default one. */
function anchorFile(opts: AuditOptions): string {
  if (opts.anchors) {
    return path.resolve(opts.anchors);
  }
  const file = anchorFileFor(targetFor(readConfig(), opts.dataDir));
  if (!file) {
    throw new InvalidArgumentError("name the anchor file with --anchors");
  }
  return file;
}

/** A readable summary of a verdict. */
export function formatAnchorVerdict(file: string | null, v: AnchorVerdict): string {
  const head = v.head
    ? `${v.events} events, newest event ${v.head.seq} (hash ${v.head.hash.slice(0, 16)}…)`
    : "no events";
  const anchors =
    file === null
      ? "no anchors checked"
      : `${v.anchorsChecked} anchor${v.anchorsChecked === 1 ? "" : "s"} from ${file} checked`;
  if (v.isIntact) {
    return `audit log intact: ${head}; ${anchors}`;
  }
  const more = v.anchorsFailed > 1 ? `\n  ${v.anchorsFailed} anchors in all no longer match` : "";
  return `audit log NOT intact: ${v.discrepancy?.message ?? "unknown discrepancy"}\n  ${head}; ${anchors}${more}`;
}

async function verifyCommand(opts: AuditOptions): Promise<void> {
  const file = anchorFile(opts);
  // A file someone named must be there; only the unconfigured default may be absent (not anchored yet).
  const isNamed = Boolean(opts.anchors || process.env.RECIPROCITY_AUDIT_ANCHOR_FILE);
  if (isNamed && !existsSync(file)) {
    throw new InvalidArgumentError(`cannot read anchor file ${file}`);
  }
  const hasAnchors = existsSync(file);
  const verdict = await withServices(opts.dataDir, ({ auditAnchors }) =>
    hasAnchors ? auditAnchors.verifyAgainstFile(file) : auditAnchors.verify([]),
  );
  if (!hasAnchors) {
    verdict.warnings.push(
      `no anchor file at ${file}: only the chain's links were checked, a truncated tail would not show`,
    );
  }
  for (const warning of verdict.warnings) {
    console.error(`warning: ${warning}`);
  }
  console.log(
    opts.json
      ? JSON.stringify({ anchorFile: hasAnchors ? file : null, ...verdict })
      : formatAnchorVerdict(hasAnchors ? file : null, verdict),
  );
  process.exitCode = verdict.isIntact ? 0 : 1;
}

async function anchorCommand(opts: AuditOptions): Promise<void> {
  const file = anchorFile(opts);
  const head = await withServices(opts.dataDir, ({ auditAnchors }) => auditAnchors.write(file));
  console.log(
    head ? `anchored event ${head.seq} (${head.count} events) in ${file}` : "the audit log is empty; nothing anchored",
  );
}

/** Registers `reciprocity audit verify` and `reciprocity audit anchor`. */
export function registerAuditCommand(program: Command): void {
  const audit = program
    .command("audit")
    .description("the hash-chained audit log: verify it against its anchors, or anchor its head");
  audit
    .command("verify")
    .description(
      "recompute the chain and check every anchor is still there (exit 0 intact, 1 with the first discrepancy)",
    )
    .option(
      "--anchors <file>",
      "anchor file (default RECIPROCITY_AUDIT_ANCHOR_FILE, else <data-dir>/audit-anchors.jsonl or ./audit-anchors.jsonl)",
    )
    .option("--data-dir <dir>", "embedded database folder")
    .option("--json", "print the verdict as JSON")
    .action(verifyCommand);
  audit
    .command("anchor")
    .description("append the chain's current head to the anchor file")
    .option("--anchors <file>", "anchor file (default as for verify)")
    .option("--data-dir <dir>", "embedded database folder")
    .action(anchorCommand);
}
