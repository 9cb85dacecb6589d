import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import {
  exportChainHead,
  verifyAgainstAnchors,
  verifyAnchors,
  verifyExportedHead,
  writeAnchor,
} from "./audit-anchor.ts";
import { exportAuditEventsCsv, listAuditEvents, verifyAuditChain } from "./audit.ts";
import { actorForSession, liveSessionTokens, login, logout } from "./auth.ts";
import { buildResultBundle } from "./bundles/build.ts";
import { agenciesWithSigningKeys, ensureSigningKeyOf } from "./bundles/keys.ts";
import type { Clock } from "./clock.ts";
import { createDevice, listDevices, listSites, updateDevice } from "./devices.ts";
import { changesSince, latestEventSeq, newestLogSeq } from "./events.ts";
import { bindAgreementToPeer } from "./federation/agreements.ts";
import { reapplyKept, receiveEnvelopes } from "./federation/inbox.ts";
import { addPeer, initNode, listPeers, nodeIdentity, rotateNodeKey, rotatePeerKey } from "./federation/node.ts";
import { listPortalOccupancies } from "./federation/portal.ts";
import { federationStatus, retryDeadMessage } from "./federation/status.ts";
import { openFile } from "./files.ts";
import {
  getBatchReport,
  listBatches,
  listQuarantine,
  listShipmentVersions,
  resubmitQuarantined,
} from "./ingest/batches.ts";
import { dryRunStream, ingestManifest } from "./ingest/pipeline.ts";
import {
  answerInformationRequest,
  assertMayRecordScan,
  closeInspectionRequest,
  createInspectionRequest,
  decideInspectionRequest,
  dispositionInspectionRequest,
  getInspectionRequest,
  liftHold,
  listInspectionRequests,
  recordScan,
  scheduleInspection,
  startScanning,
  withdrawInspectionRequest,
} from "./inspection-requests/index.ts";
import { setOwnLanguage } from "./language.ts";
import { unlockAccount } from "./login-throttle.ts";
import { metricsCsv, metricsPeriod, reciprocityMetrics } from "./metrics.ts";
import { dismissNotification, listNotifications } from "./notifications.ts";
import { scanPlotData } from "./scan-plots.ts";
import {
  actorForApiToken,
  commandLineActor,
  createApiToken,
  listAgencies,
  listApiTokens,
  revokeApiToken,
} from "./service-accounts.ts";
import { getShipment, listShipments } from "./shipments.ts";
import { backtestRuleSet } from "./targeting/backtest.ts";
import {
  activateRuleSetAndRescore,
  addWatchlistEntryAndRescore,
  removeWatchlistEntryAndRescore,
  updateWatchlistEntryAndRescore,
} from "./targeting/rescore.ts";
import { createRuleSet, listRuleSets } from "./targeting/rule-sets.ts";
import { listWatchlist } from "./targeting/watchlist.ts";
import { createUser, listAgreements, listUsers, resetPassword, setUserActive } from "./users.ts";
import { changeVoyageSchedule } from "./voyages.ts";

// The use cases bound once, at start-up, to what they run on: the server's routes and the command
// line call these verbs and never hold a database handle or a clock of their own.

/** What the services run on. */
export interface ServiceDeps {
  db: Kysely<DB>;
  clock: Clock;
  /** A read replica for reports; the main database when absent. */
  readDb?: Kysely<DB>;
}

/** A use case with its database bound. */
function onDb<A extends unknown[], R>(db: Kysely<DB>, useCase: (db: Kysely<DB>, ...args: A) => R): (...args: A) => R {
  return (...args) => useCase(db, ...args);
}

/** A use case with its database and clock bound. */
function onDbAt<A extends unknown[], R>(
  deps: ServiceDeps,
  useCase: (db: Kysely<DB>, clock: Clock, ...args: A) => R,
): (...args: A) => R {
  return (...args) => useCase(deps.db, deps.clock, ...args);
}

/** Binds every use case to its dependencies; one set per process. */
export function createServices(deps: ServiceDeps) {
  const { db, clock } = deps;
  const readDb = deps.readDb ?? db;
  return {
    clock,
    session: {
      login: onDbAt(deps, login),
      logout: onDb(db, logout),
      setLanguage: onDb(db, setOwnLanguage),
      notifications: onDb(db, listNotifications),
      dismissNotification: onDbAt(deps, dismissNotification),
      /** The actor of a session cookie's token; null when the session is unknown or expired. */
      actorForToken: onDbAt(deps, actorForSession),
      /** The service account of a bearer API token; 401 when unknown, expired or revoked. */
      actorForApiToken: onDbAt(deps, actorForApiToken),
    },
    users: {
      list: onDb(db, listUsers),
      create: onDbAt(deps, createUser),
      setActive: onDb(db, setUserActive),
      resetPassword: onDb(db, resetPassword),
      unlock: onDbAt(deps, unlockAccount),
      agreements: onDb(db, listAgreements),
    },
    agencies: {
      list: onDb(db, listAgencies),
      /** The command line acting for an agency. */
      commandLineActor: onDb(db, commandLineActor),
    },
    apiTokens: {
      create: onDbAt(deps, createApiToken),
      list: onDbAt(deps, listApiTokens),
      revoke: onDbAt(deps, revokeApiToken),
    },
    shipments: {
      list: onDb(db, listShipments),
      get: onDb(db, getShipment),
      versions: onDb(db, listShipmentVersions),
    },
    voyages: {
      changeSchedule: onDbAt(deps, changeVoyageSchedule),
    },
    inspectionRequests: {
      create: onDbAt(deps, createInspectionRequest),
      list: onDb(db, listInspectionRequests),
      get: onDb(db, getInspectionRequest),
      decide: onDbAt(deps, decideInspectionRequest),
      withdraw: onDbAt(deps, withdrawInspectionRequest),
      schedule: onDbAt(deps, scheduleInspection),
      startScanning: onDbAt(deps, startScanning),
      assertMayRecordScan: onDb(db, assertMayRecordScan),
      recordScan: onDbAt(deps, recordScan),
      answer: onDbAt(deps, answerInformationRequest),
      disposition: onDbAt(deps, dispositionInspectionRequest),
      liftHold: onDbAt(deps, liftHold),
      close: onDbAt(deps, closeInspectionRequest),
    },
    bundles: {
      build: onDbAt(deps, buildResultBundle),
      /** The agency's signing key, made on first use. */
      signingKey: (agencyCode: string) => ensureSigningKeyOf(db, agencyCode, clock.now()),
      keyedAgencies: onDb(db, agenciesWithSigningKeys),
    },
    files: {
      open: onDb(db, openFile),
    },
    scans: {
      plotData: onDb(db, scanPlotData),
    },
    audit: {
      list: onDb(db, listAuditEvents),
      exportCsv: onDb(db, exportAuditEventsCsv),
      verify: onDb(db, verifyAuditChain),
      head: onDb(db, exportChainHead),
      verifyHead: onDb(db, verifyExportedHead),
    },
    /** The audit chain's heads kept in an append-only file, for the operator's command line. */
    auditAnchors: {
      write: onDb(db, writeAnchor),
      verifyAgainstFile: onDb(db, verifyAgainstAnchors),
      verify: onDb(db, verifyAnchors),
    },
    manifests: {
      ingest: onDbAt(deps, ingestManifest),
      dryRun: dryRunStream,
      batches: onDb(db, listBatches),
      batch: onDb(db, getBatchReport),
      quarantine: onDb(db, listQuarantine),
      resubmit: onDbAt(deps, resubmitQuarantined),
    },
    metrics: {
      /** The period asked for, with today's defaults filled in. */
      period: (asked: { from?: Date; to?: Date }) => metricsPeriod(clock, asked),
      reciprocity: onDb(readDb, reciprocityMetrics),
      csv: metricsCsv,
    },
    targeting: {
      ruleSets: onDbAt(deps, listRuleSets),
      createRuleSet: onDbAt(deps, createRuleSet),
      backtest: onDbAt(deps, backtestRuleSet),
      activate: onDbAt(deps, activateRuleSetAndRescore),
      watchlist: onDb(db, listWatchlist),
      addWatch: onDbAt(deps, addWatchlistEntryAndRescore),
      updateWatch: onDbAt(deps, updateWatchlistEntryAndRescore),
      removeWatch: onDbAt(deps, removeWatchlistEntryAndRescore),
    },
    events: {
      latestSeq: onDb(db, latestEventSeq),
      since: onDb(db, changesSince),
      /** The whole log's newest seq, for the live-update feed's bookkeeping (never shown). */
      newestSeq: onDb(db, newestLogSeq),
      /** Which of these session tokens still stand: open event streams end with their session. */
      liveSessionTokens: onDbAt(deps, liveSessionTokens),
    },
    federation: {
      receive: onDbAt(deps, receiveEnvelopes),
      status: onDb(db, federationStatus),
      portalOccupancies: onDb(db, listPortalOccupancies),
      reapply: onDbAt(deps, reapplyKept),
      retryDead: onDb(db, retryDeadMessage),
    },
    /** This node's identity and its pinned peers, for the operator's command line. */
    federationNode: {
      init: onDb(db, initNode),
      identity: onDb(db, nodeIdentity),
      rotateKey: onDb(db, rotateNodeKey),
      addPeer: onDb(db, addPeer),
      peers: onDb(db, listPeers),
      rotatePeerKey: onDb(db, rotatePeerKey),
      shareAgreement: onDb(db, bindAgreementToPeer),
    },
    devices: {
      list: onDb(db, listDevices),
      sites: onDb(db, listSites),
      create: onDbAt(deps, createDevice),
      update: onDb(db, updateDevice),
    },
  };
}

/** The bound use cases, as routes and the command line see them. */
export type Services = ReturnType<typeof createServices>;
