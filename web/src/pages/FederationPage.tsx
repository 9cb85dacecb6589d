import { useState } from "react";
import { api, type FederationStatus, type Reapplied } from "../api.ts";
import { DataTable, type Column } from "../components/DataTable.tsx";
import { StatusLines } from "../components/StatusLines.tsx";
import { Time } from "../components/Time.tsx";
import { useApi } from "../components/useApi.ts";
import { useT } from "../i18n/index.tsx";

type Peer = FederationStatus["peers"][number];
type Failing = FederationStatus["failures"][number];
type Dead = FederationStatus["deadLetters"][number];
type InboxFailure = FederationStatus["inboxFailures"][number];
type Rejection = FederationStatus["rejections"][number];
type AgreementPeer = FederationStatus["agreements"][number];

/** A key id is a 43-character thumbprint: its start is enough to tell keys apart on screen. */
function shortKid(kid: string): string {
  return kid.length > 12 ? `${kid.slice(0, 12)}…` : kid;
}

/**
 * The node's exchanges with its peer nodes, for the agency's administrators: who the node is, the
 * peers and their pinned keys, which agreements name them, how deep and how late the queues are,
 * and what went wrong — failing and dead deliveries (with a retry), received messages that could
 * not take effect here, and refused envelopes.
 */
export function FederationPage() {
  const t = useT();
  const status = useApi<FederationStatus>("/federation/status", { live: true });
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);

  async function retry(dead: Dead) {
    setError(null);
    setNotice(null);
    setRetrying(dead.id);
    try {
      await api("/federation/dead-letters/retry", { method: "POST", body: { id: dead.id } });
      setNotice(t("federation.retried", { kind: dead.kind }));
      status.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : t("error.unknown"));
    } finally {
      setRetrying(null);
    }
  }

  async function reapply(kept: InboxFailure) {
    setError(null);
    setNotice(null);
    setRetrying(kept.messageId);
    try {
      const outcome = await api<Reapplied>("/federation/inbox-failures/reapply", {
        method: "POST",
        body: { messageId: kept.messageId },
      });
      if (outcome.status === "applied") {
        setNotice(t("federation.reapplied", { kind: kept.kind }));
      } else {
        setError(t("federation.stillKept", { kind: kept.kind, reason: outcome.reason ?? "" }));
      }
      status.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : t("error.unknown"));
    } finally {
      setRetrying(null);
    }
  }

  const notFederated = status.error !== null && status.data === undefined;
  if (status.isLoading && !status.data) {
    return <p className="loading">{t("common.loading")}</p>;
  }
  if (notFederated || !status.data) {
    return (
      <section>
        <h1>{t("federation.title")}</h1>
        <p data-testid="federation-off">{t("federation.notFederated")}</p>
        {status.error && <p className="muted">{status.error}</p>}
      </section>
    );
  }
  const s = status.data;
  const duration = (seconds: number): string => {
    if (seconds < 120) {
      return t("federation.seconds", { n: seconds });
    }
    if (seconds < 2 * 3600) {
      return t("federation.minutes", { n: Math.round(seconds / 60) });
    }
    if (seconds < 2 * 86_400) {
      return t("federation.hours", { n: Math.round(seconds / 3600) });
    }
    return t("federation.days", { n: Math.round(seconds / 86_400) });
  };

  const peerColumns: Column<Peer>[] = [
    { key: "agency", title: t("federation.agency"), render: (p) => p.agencyCode },
    { key: "url", title: t("federation.url"), render: (p) => <code>{p.url}</code> },
    {
      key: "active",
      title: t("federation.state"),
      render: (p) => (p.isActive ? t("federation.active") : t("federation.inactive")),
    },
    {
      key: "keys",
      title: t("federation.keys"),
      render: (p) => (
        <ul className="plain">
          {p.keys.map((k) => (
            <li key={k.kid}>
              <code title={k.kid}>{shortKid(k.kid)}</code>{" "}
              {k.validUntil ? (
                <span className="muted">
                  {t("federation.validUntil")} <Time iso={k.validUntil} />
                </span>
              ) : (
                <span className="muted">{t("federation.current")}</span>
              )}
            </li>
          ))}
        </ul>
      ),
    },
  ];
  const agreementColumns: Column<AgreementPeer>[] = [
    { key: "agreement", title: t("federation.agreement"), render: (a) => a.agreement },
    { key: "peer", title: t("federation.agency"), render: (a) => a.peer },
    {
      key: "fields",
      title: t("federation.sharedFields"),
      render: (a) =>
        a.sharedFields.length === 0
          ? t("federation.coreOnly")
          : a.sharedFields.map((f) => t.code(f)).join(t("common.listSeparator")),
    },
  ];
  const failingColumns: Column<Failing>[] = [
    { key: "kind", title: t("federation.kind"), render: (f) => <code>{f.kind}</code> },
    { key: "subject", title: t("federation.subject"), render: (f) => <code>{f.subject}</code> },
    { key: "attempts", title: t("federation.attempts"), render: (f) => t.number(f.attempts) },
    { key: "error", title: t("federation.lastError"), render: (f) => f.lastError ?? "—" },
    { key: "next", title: t("federation.nextAttempt"), render: (f) => <Time iso={f.nextAttemptAt} seconds /> },
  ];
  const deadColumns: Column<Dead>[] = [
    { key: "kind", title: t("federation.kind"), render: (d) => <code>{d.kind}</code> },
    { key: "subject", title: t("federation.subject"), render: (d) => <code>{d.subject}</code> },
    { key: "attempts", title: t("federation.attempts"), render: (d) => t.number(d.attempts) },
    { key: "error", title: t("federation.lastError"), render: (d) => d.lastError ?? "—" },
    { key: "created", title: t("federation.queuedAt"), render: (d) => <Time iso={d.createdAt} seconds /> },
    {
      key: "retry",
      title: "",
      render: (d) => (
        <button
          type="button"
          className="secondary"
          disabled={retrying !== null}
          onClick={() => void retry(d)}
          data-testid="retry-dead-letter"
        >
          {t("federation.retry")}
        </button>
      ),
    },
  ];
  const inboxColumns: Column<InboxFailure>[] = [
    { key: "sender", title: t("federation.from"), render: (f) => f.sender },
    { key: "kind", title: t("federation.kind"), render: (f) => <code>{f.kind}</code> },
    { key: "subject", title: t("federation.subject"), render: (f) => <code>{`${f.subject} #${f.seq}`}</code> },
    { key: "reason", title: t("federation.reason"), render: (f) => f.failure },
    { key: "received", title: t("federation.receivedAt"), render: (f) => <Time iso={f.receivedAt} seconds /> },
    {
      key: "reapply",
      title: "",
      render: (f) => (
        <button
          type="button"
          className="secondary"
          disabled={retrying !== null}
          onClick={() => void reapply(f)}
          data-testid="reapply-kept"
        >
          {t("federation.reapply")}
        </button>
      ),
    },
  ];
  const rejectionColumns: Column<Rejection>[] = [
    { key: "at", title: t("federation.receivedAt"), render: (r) => <Time iso={r.at} seconds /> },
    { key: "sender", title: t("federation.from"), render: (r) => r.sender ?? "—" },
    { key: "reason", title: t("federation.reason"), render: (r) => <code>{r.reason}</code> },
    { key: "detail", title: t("federation.detail"), render: (r) => r.detail ?? "—" },
  ];

  return (
    <section data-testid="federation">
      <h1>{t("federation.title")}</h1>
      <p>
        {t("federation.node", { agency: s.node.agencyCode })} <code title={s.node.kid}>{shortKid(s.node.kid)}</code>
      </p>
      <StatusLines notice={notice} error={error} testId="federation-notice" />
      <div className="cards" data-testid="federation-queues">
        <dl className="panel">
          <dt>{t("federation.outbox")}</dt>
          <dd data-testid="outbox-pending">{t("federation.pending", { n: s.outbox.pending })}</dd>
          <dd>{t("federation.failing", { n: s.outbox.failing })}</dd>
          <dd data-testid="outbox-dead">{t("federation.dead", { n: s.outbox.dead })}</dd>
          <dd>{t("federation.delivered", { n: s.outbox.delivered })}</dd>
          <dd data-testid="outbox-lag">{t("federation.lag", { duration: duration(s.outbox.lagSeconds) })}</dd>
        </dl>
        <dl className="panel">
          <dt>{t("federation.inbox")}</dt>
          <dd>{t("federation.received", { n: s.inbox.received })}</dd>
          <dd>{t("federation.waiting", { n: s.inbox.waiting })}</dd>
          <dd data-testid="inbox-failed">{t("federation.notApplied", { n: s.inbox.failed })}</dd>
          <dd>{t("federation.rejected", { n: s.inbox.rejected })}</dd>
          <dd>
            {t("federation.lastReceived")} <Time iso={s.inbox.lastReceivedAt} seconds />
          </dd>
        </dl>
      </div>
      <h2>{t("federation.peers")}</h2>
      <DataTable
        columns={peerColumns}
        rows={s.peers}
        rowKey={(p) => p.id}
        empty={t("federation.noPeers")}
        testId="federation-peers"
      />
      <h2>{t("federation.agreements")}</h2>
      <DataTable
        columns={agreementColumns}
        rows={s.agreements}
        rowKey={(a) => a.agreement}
        empty={t("federation.noAgreements")}
        testId="federation-agreements"
      />
      <h2>{t("federation.deadLetters")}</h2>
      <DataTable
        columns={deadColumns}
        rows={s.deadLetters}
        rowKey={(d) => d.id}
        empty={t("federation.noDeadLetters")}
        testId="federation-dead"
      />
      <h2>{t("federation.failures")}</h2>
      <DataTable
        columns={failingColumns}
        rows={s.failures}
        rowKey={(f) => f.id}
        empty={t("federation.noFailures")}
        testId="federation-failing"
      />
      <h2>{t("federation.inboxFailures")}</h2>
      <DataTable
        columns={inboxColumns}
        rows={s.inboxFailures}
        rowKey={(f) => f.messageId}
        empty={t("federation.noInboxFailures")}
        testId="federation-inbox-failures"
      />
      <h2>{t("federation.rejections")}</h2>
      <DataTable
        columns={rejectionColumns}
        rows={s.rejections}
        rowKey={(r) => `${r.at}-${r.messageId ?? ""}-${r.reason}`}
        empty={t("federation.noRejections")}
        testId="federation-rejections"
      />
    </section>
  );
}
