import { useState, type FormEvent } from "react";
import type { ApiTokenView as Token, IssuedApiToken } from "../../../src/contract/api-tokens.ts";
import type { AgreementView, UserView } from "../../../src/contract/session.ts";
import { ASSIGNABLE_ROLES, type Role } from "../../../src/domain/vocabulary.ts";
import { api, type Page } from "../api.ts";
import { ConfirmDialog, type Confirmation } from "../components/ConfirmDialog.tsx";
import { DataTable, type Column } from "../components/DataTable.tsx";
import { Time } from "../components/Time.tsx";
import { useApi } from "../components/useApi.ts";
import { useT } from "../i18n/index.tsx";
import { DevicesSection } from "./DevicesSection.tsx";

type Pending = { confirmation: Confirmation; run: (reason: string) => Promise<void> };

/** Administration of the agency: its people and their roles, its agreements, its feeds' API tokens. */
export function AdminPage() {
  const t = useT();
  const users = useApi<UserView[]>("/users");
  const agreements = useApi<AgreementView[]>("/agreements");
  const tokens = useApi<Page<Token>>("/api-tokens?limit=200");
  const [pending, setPending] = useState<Pending | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const userColumns: Column<UserView>[] = [
    { key: "username", title: t("login.username"), render: (u) => u.username },
    { key: "name", title: t("admin.name"), render: (u) => u.displayName },
    { key: "roles", title: t("admin.roles"), render: (u) => u.roles.map((r) => t.code(r)).join(", ") },
    {
      key: "state",
      title: t("admin.state"),
      render: (u) => <span data-testid="user-state">{u.isActive ? t("admin.active") : t("admin.disabled")}</span>,
    },
    {
      key: "actions",
      title: "",
      render: (u) => (
        <div className="actions">
          <button
            type="button"
            className={u.isActive ? "danger-outline" : "secondary"}
            onClick={() =>
              setPending({
                confirmation: {
                  title: t(u.isActive ? "admin.disableTitle" : "admin.enableTitle", { user: u.username }),
                  consequence: t(u.isActive ? "admin.disableConsequence" : "admin.enableConsequence", {
                    name: u.displayName,
                  }),
                  confirmLabel: t(u.isActive ? "admin.disableConfirm" : "admin.enableConfirm"),
                },
                run: async () => {
                  await api(`/users/${u.id}/activation`, { method: "POST", body: { isActive: !u.isActive } });
                  setNotice(t(u.isActive ? "admin.disabledNotice" : "admin.enabledNotice", { user: u.username }));
                  users.reload();
                },
              })
            }
          >
            {u.isActive ? t("admin.disable") : t("admin.enable")}
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() =>
              setPending({
                confirmation: {
                  title: t("admin.resetTitle", { user: u.username }),
                  consequence: t("admin.resetConsequence", { name: u.displayName }),
                  confirmLabel: t("admin.resetConfirm"),
                  reasonLabel: t("admin.newPassword"),
                  reasonMinLength: 12,
                  reasonMaxLength: 200,
                },
                run: async (password) => {
                  await api(`/users/${u.id}/password`, { method: "POST", body: { password } });
                  setNotice(t("admin.resetNotice", { user: u.username }));
                },
              })
            }
          >
            {t("admin.reset")}
          </button>
        </div>
      ),
    },
  ];

  const agreementColumns: Column<AgreementView>[] = [
    { key: "code", title: t("admin.agreement"), render: (a) => a.code },
    { key: "direction", title: t("admin.shares"), render: (a) => `${a.provider} → ${a.recipient}` },
    { key: "countries", title: t("admin.destinations"), render: (a) => a.destinationCountries.join(", ") },
    {
      key: "term",
      title: t("admin.inForce"),
      render: (a) => `${a.validFrom} – ${a.validUntil ?? t("admin.openEnded")}`,
    },
    { key: "state", title: t("admin.state"), render: (a) => (a.isActive ? t("admin.active") : t("admin.switchedOff")) },
    { key: "basis", title: t("admin.basis"), render: (a) => a.legalBasis },
  ];

  const tokenColumns: Column<Token>[] = [
    { key: "name", title: t("admin.feed"), render: (tk) => `${tk.name} (${tk.username})` },
    {
      key: "state",
      title: t("admin.state"),
      render: (tk) => <span data-testid="token-state">{t.code(`token_${tk.state}`)}</span>,
    },
    { key: "created", title: t("admin.issued"), render: (tk) => <Time iso={tk.createdAt} /> },
    { key: "expires", title: t("admin.expires"), render: (tk) => <Time iso={tk.expiresAt} /> },
    {
      key: "used",
      title: t("admin.lastUsed"),
      render: (tk) => (tk.lastUsedAt ? <Time iso={tk.lastUsedAt} /> : t("admin.never")),
    },
    {
      key: "actions",
      title: "",
      render: (tk) =>
        tk.state === "active" ? (
          <button
            type="button"
            className="danger-outline"
            onClick={() =>
              setPending({
                confirmation: {
                  title: t("admin.revokeTitle", { name: tk.name }),
                  consequence: t("admin.revokeConsequence"),
                  confirmLabel: t("admin.revokeConfirm"),
                },
                run: async () => {
                  await api(`/api-tokens/${tk.id}/revoke`, { method: "POST", body: {} });
                  tokens.reload();
                },
              })
            }
          >
            {t("admin.revoke")}
          </button>
        ) : null,
    },
  ];

  return (
    <section>
      <h1>{t("nav.admin")}</h1>
      {notice && (
        <p className="ok" role="status" data-testid="admin-notice">
          {notice}
        </p>
      )}
      <h2>{t("admin.people")}</h2>
      <DataTable
        columns={userColumns}
        rows={users.data}
        rowKey={(u) => u.id}
        isLoading={users.isLoading}
        error={users.error}
        empty={t("admin.noAccounts")}
        testId="users"
      />
      <NewUserForm
        onCreated={(u) => {
          setNotice(t("admin.created", { user: u.username }));
          users.reload();
        }}
      />
      <h2>{t("admin.agreements")}</h2>
      <DataTable
        columns={agreementColumns}
        rows={agreements.data}
        rowKey={(a) => a.id}
        isLoading={agreements.isLoading}
        error={agreements.error}
        empty={t("dashboard.noAgreement")}
        testId="agreements"
      />
      <h2>{t("admin.tokens")}</h2>
      <DataTable
        columns={tokenColumns}
        rows={tokens.data?.items}
        rowKey={(tk) => tk.id}
        isLoading={tokens.isLoading}
        error={tokens.error}
        empty={t("admin.noTokens")}
        testId="tokens"
      />
      <NewTokenForm onIssued={() => tokens.reload()} />
      <DevicesSection />
      {pending && (
        <ConfirmDialog
          confirmation={pending.confirmation}
          onCancel={() => setPending(null)}
          onConfirm={async (answer) => {
            await pending.run(answer.reason);
            setPending(null);
          }}
        />
      )}
    </section>
  );
}

function NewUserForm({ onCreated }: { onCreated: (u: UserView) => void }) {
  const t = useT();
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [roles, setRoles] = useState<Role[]>([]);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      onCreated(await api<UserView>("/users", { method: "POST", body: { username, displayName, roles, password } }));
      setUsername("");
      setDisplayName("");
      setRoles([]);
      setPassword("");
    } catch (err) {
      setError(err instanceof Error ? err.message : t("admin.createFailed"));
    }
  }

  return (
    <form className="panel" aria-label={t("admin.newAccount")} onSubmit={(e) => void handleSubmit(e)}>
      <h3>{t("admin.newAccount")}</h3>
      <label>
        {t("login.username")}
        <input
          name="newUsername"
          value={username}
          maxLength={50}
          pattern="[a-z0-9][a-z0-9._\-]{2,49}"
          required
          onChange={(e) => setUsername(e.target.value)}
        />
      </label>
      <label>
        {t("admin.name")}
        <input
          name="newDisplayName"
          value={displayName}
          maxLength={100}
          required
          onChange={(e) => setDisplayName(e.target.value)}
        />
      </label>
      <fieldset>
        <legend>{t("admin.roles")}</legend>
        {ASSIGNABLE_ROLES.map((r) => (
          <label key={r} className="inline">
            <input
              type="checkbox"
              name={`role-${r}`}
              checked={roles.includes(r)}
              onChange={(e) => setRoles(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))}
            />{" "}
            {t.code(r)}
          </label>
        ))}
      </fieldset>
      <label>
        {t("admin.firstPassword")}
        <input
          name="newPassword"
          type="password"
          value={password}
          minLength={12}
          maxLength={200}
          required
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={roles.length === 0}>
        {t("admin.create")}
      </button>
    </form>
  );
}

function NewTokenForm({ onIssued }: { onIssued: () => void }) {
  const t = useT();
  const [name, setName] = useState("");
  const [days, setDays] = useState(90);
  const [issued, setIssued] = useState<IssuedApiToken | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const result = await api<IssuedApiToken>("/api-tokens", {
        method: "POST",
        body: { name, expiresInDays: days },
      });
      setIssued(result);
      setName("");
      onIssued();
    } catch (err) {
      setError(err instanceof Error ? err.message : t("admin.issueFailed"));
    }
  }

  return (
    <form className="panel" aria-label={t("admin.newToken")} onSubmit={(e) => void handleSubmit(e)}>
      <h3>{t("admin.issueTitle")}</h3>
      <label>
        {t("admin.feedName")}
        <input name="tokenName" value={name} maxLength={40} required onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t("admin.lasts")}
        <input
          name="tokenDays"
          type="number"
          min={1}
          max={365}
          value={days}
          onChange={(e) => setDays(Number(e.target.value))}
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">{t("admin.issue")}</button>
      {issued && (
        <p data-testid="issued-token">
          {t("admin.copyNow")} <code>{issued.token}</code> ({t("admin.expiresAt")} <Time iso={issued.expiresAt} />)
        </p>
      )}
    </form>
  );
}
