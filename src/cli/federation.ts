// `reciprocity node init --agency CODE | node show | node rotate-key`: this node's agency and signing key.
// `reciprocity peer add --agency CODE --url URL --key PEM | peer list | peer rotate-key --agency CODE --key PEM`:
// the peer nodes this node exchanges signed messages with, and their pinned Ed25519 keys.
// `reciprocity peer share --agency CODE --agreement CODE [--fields parties,carrier,route]`: the
// agreement names the peer node it applies to; the shipments it covers go to that node.
import { readFileSync } from "node:fs";
import { InvalidArgumentError, type Command } from "commander";
import { SHARED_FIELD_GROUPS } from "../domain/federation/agreements.ts";
import { DEFAULT_OVERLAP_HOURS } from "../domain/federation/node.ts";
import { withServices } from "./database.ts";

/** A PEM given inline, or the file holding it. */
function pemArgument(value: string): string {
  if (value.trimStart().startsWith("-----BEGIN")) {
    return value;
  }
  try {
    return readFileSync(value, "utf8");
  } catch {
    throw new InvalidArgumentError("give the PEM text or a file holding it");
  }
}

function hours(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 2160) {
    throw new InvalidArgumentError("between 0 and 2160 hours");
  }
  return n;
}

export function registerFederationCommands(program: Command): void {
  const node = program
    .command("node")
    .description("this node's agency and signing key, for exchanging signed messages with peer nodes");
  node
    .command("init")
    .description(
      "make this node the node of an agency and give it an Ed25519 signing key; prints the public key for peers to pin",
    )
    .requiredOption("--agency <code>", "this node's agency code")
    .option("--data-dir <dir>", "embedded database folder")
    .action(async (opts: { agency: string; dataDir?: string }) => {
      const result = await withServices(opts.dataDir, ({ federationNode }) => federationNode.init(opts.agency));
      console.log(
        `${result.isNew ? "Node initialised" : "Node already initialised"} for ${result.agencyCode}; key ${result.kid}`,
      );
      process.stdout.write(result.publicPem.endsWith("\n") ? result.publicPem : `${result.publicPem}\n`);
    });
  node
    .command("show")
    .description("print this node's agency, key id and public key")
    .option("--data-dir <dir>", "embedded database folder")
    .action(async (opts: { dataDir?: string }) => {
      const identity = await withServices(opts.dataDir, ({ federationNode }) => federationNode.identity());
      if (!identity) {
        console.error("This node has no agency yet: run `reciprocity node init --agency CODE`.");
        process.exitCode = 1;
        return;
      }
      console.log(`${identity.agencyCode}; key ${identity.key.kid}`);
      process.stdout.write(identity.publicPem.endsWith("\n") ? identity.publicPem : `${identity.publicPem}\n`);
    });
  node
    .command("rotate-key")
    .description("give this node a new signing key (peers pin it with `peer rotate-key`)")
    .option("--data-dir <dir>", "embedded database folder")
    .action(async (opts: { dataDir?: string }) => {
      const key = await withServices(opts.dataDir, ({ federationNode }) => federationNode.rotateKey());
      console.log(`New key ${key.kid}`);
      process.stdout.write(key.publicPem.endsWith("\n") ? key.publicPem : `${key.publicPem}\n`);
    });

  const peer = program.command("peer").description("peer nodes and their pinned public keys");
  peer
    .command("add")
    .description("pin a peer node: its agency, base URL and Ed25519 public key")
    .requiredOption("--agency <code>", "the peer's agency code")
    .requiredOption("--url <url>", "the peer's base URL, e.g. https://reciprocity.customs.go.jp")
    .requiredOption("--key <pem>", "the peer's public key: PEM text or a file", pemArgument)
    .option("--data-dir <dir>", "embedded database folder")
    .action(async (opts: { agency: string; url: string; key: string; dataDir?: string }) => {
      const added = await withServices(opts.dataDir, ({ federationNode }) =>
        federationNode.addPeer({ agencyCode: opts.agency, url: opts.url, publicPem: opts.key }),
      );
      console.log(`Peer ${opts.agency} added; key ${added.kid} pinned`);
    });
  peer
    .command("list")
    .description("list peers and their keys")
    .option("--data-dir <dir>", "embedded database folder")
    .option("--json", "print as JSON")
    .action(async (opts: { dataDir?: string; json?: boolean }) => {
      const peers = await withServices(opts.dataDir, ({ federationNode }) => federationNode.peers());
      if (opts.json) {
        console.log(JSON.stringify(peers, null, 2));
        return;
      }
      if (peers.length === 0) {
        console.log("No peers.");
      }
      for (const p of peers) {
        console.log(`${p.agencyCode}  ${p.url}${p.isActive ? "" : "  (inactive)"}`);
        for (const k of p.keys) {
          console.log(`  key ${k.kid}  pinned ${k.addedAt}${k.validUntil ? `  valid until ${k.validUntil}` : ""}`);
        }
      }
    });
  peer
    .command("share")
    .description(
      "name the peer node a sharing agreement applies to: the shipments it covers (those stored so far, and every new version) go to that node",
    )
    .requiredOption("--agency <code>", "the peer's agency code (the agreement's recipient)")
    .requiredOption("--agreement <code>", "the agreement's code")
    .option(
      "--fields <groups>",
      `optional field groups it shares, comma-separated (default ${SHARED_FIELD_GROUPS.join(",")}; "none" for the core only)`,
    )
    .option("--data-dir <dir>", "embedded database folder")
    .action(async (opts: { agency: string; agreement: string; fields?: string; dataDir?: string }) => {
      const fields =
        opts.fields === undefined
          ? undefined
          : opts.fields === "none"
            ? []
            : opts.fields
                .split(",")
                .map((f) => f.trim())
                .filter(Boolean);
      const bound = await withServices(opts.dataDir, ({ federationNode }) =>
        federationNode.shareAgreement({ agreementCode: opts.agreement, peerAgency: opts.agency, sharedFields: fields }),
      );
      console.log(
        `Agreement ${opts.agreement} applies to the ${opts.agency} node; ${bound.queued} shipments it covers queued for it`,
      );
    });
  peer
    .command("rotate-key")
    .description("pin a peer's new key; its older keys keep verifying for the overlap window")
    .requiredOption("--agency <code>", "the peer's agency code")
    .requiredOption("--key <pem>", "the peer's new public key: PEM text or a file", pemArgument)
    .option("--overlap-hours <h>", `how long the old keys stay valid (default ${DEFAULT_OVERLAP_HOURS})`, hours)
    .option("--data-dir <dir>", "embedded database folder")
    .action(async (opts: { agency: string; key: string; overlapHours?: number; dataDir?: string }) => {
      const rotated = await withServices(opts.dataDir, ({ federationNode }) =>
        federationNode.rotatePeerKey({ agencyCode: opts.agency, publicPem: opts.key, overlapHours: opts.overlapHours }),
      );
      console.log(`Key ${rotated.kid} pinned for ${opts.agency}; older keys valid until ${rotated.oldKeysValidUntil}`);
    });
}
