import { useState, type FormEvent } from "react";
import type { AgreementView, UserView } from "../../../src/domain/users.ts";
import { api, label, type Page } from "../api.ts";
import { ConfirmDialog, type Confirmation } from "../components/ConfirmDialog.tsx";
import { DataTable, type Column } from "../components/DataTable.tsx";
import { Time } from "../components/Time.tsx";
import { useApi } from "../components/useApi.ts";

const ROLES = ["targeter", "supervisor", "scan_officer", "admin", "auditor"];

interface Token {
  id: string;
  name: string;
  username: string;
  createdAt: string;
  createdBy: string | null;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  state: "active" | "expired" | "revoked";
}

type Pending = { confirmation: Confirmation; run: (reason: string) => Promise<void> };

/** Administration of the agency: its people and their roles, its agreements, its feeds' API tokens. */
export function AdminPage() {
  const users = useApi<UserView[]>("/users");
  const agreements = useApi<AgreementView[]>("/agreements");
  const tokens = useApi<Page<Token>>("/api-tokens?limit=200");
  const [pending, setPending] = useState<Pending | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const userColumns: Column<UserView>[] = [
    { key: "username", title: "Username", render: (u) => u.username },
    { key: "name", title: "Name", render: (u) => u.displayName },
    { key: "roles", title: "Roles", render: (u) => u.roles.map(label).join(", ") },
    { key: "state", title: "State", render: (u) => <span data-testid="user-state">{u.isActive ? "active" : "disabled"}</span> },
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
                  title: `${u.isActive ? "Disable" : "Enable"} ${u.username}?`,
                  consequence: u.isActive ? `${u.displayName} is signed out at once and cannot sign in until the account is enabled again.` : `${u.displayName} can sign in again with the current password.`,
                  confirmLabel: u.isActive ? "Disable account" : "Enable account",
                },
                run: async () => {
                  await api(`/users/${u.id}/activation`, { method: "POST", body: { isActive: !u.isActive } });
                  setNotice(`${u.username} ${u.isActive ? "disabled" : "enabled"}.`);
                  users.reload();
                },
              })
            }
          >
            {u.isActive ? "Disable…" : "Enable…"}
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() =>
              setPending({
                confirmation: {
                  title: `Reset the password of ${u.username}?`,
                  consequence: `The new password works from the next sign-in; tell ${u.displayName} through a channel of your agency. Sessions already open stay until they end (disable the account to end them now).`,
                  confirmLabel: "Set new password",
                  reasonLabel: "New password",
                  reasonMinLength: 12,
                  reasonMaxLength: 200,
                },
                run: async (password) => {
                  await api(`/users/${u.id}/password`, { method: "POST", body: { password } });
                  setNotice(`The password of ${u.username} was reset.`);
                },
              })
            }
          >
            Reset password…
          </button>
        </div>
      ),
    },
  ];

  const agreementColumns: Column<AgreementView>[] = [
    { key: "code", title: "Agreement", render: (a) => a.code },
    { key: "direction", title: "Shares", render: (a) => `${a.provider} → ${a.recipient}` },
    { key: "countries", title: "Destinations", render: (a) => a.destinationCountries.join(", ") },
    { key: "term", title: "In force", render: (a) => `${a.validFrom} – ${a.validUntil ?? "open-ended"}` },
    { key: "state", title: "State", render: (a) => (a.isActive ? "active" : "switched off") },
    { key: "basis", title: "Legal basis", render: (a) => a.legalBasis },
  ];

  const tokenColumns: Column<Token>[] = [
    { key: "name", title: "Feed", render: (t) => `${t.name} (${t.username})` },
    { key: "state", title: "State", render: (t) => <span data-testid="token-state">{t.state}</span> },
    { key: "created", title: "Issued", render: (t) => <Time iso={t.createdAt} /> },
    { key: "expires", title: "Expires", render: (t) => <Time iso={t.expiresAt} /> },
    { key: "used", title: "Last used", render: (t) => (t.lastUsedAt ? <Time iso={t.lastUsedAt} /> : "never") },
    {
      key: "actions",
      title: "",
      render: (t) =>
        t.state === "active" ? (
          <button
            type="button"
            className="danger-outline"
            onClick={() =>
              setPending({
                confirmation: { title: `Revoke the token of ${t.name}?`, consequence: "The feed's next upload with this token is refused. A revoked token cannot be restored; issue a new one.", confirmLabel: "Revoke token" },
                run: async () => {
                  await api(`/api-tokens/${t.id}/revoke`, { method: "POST", body: {} });
                  tokens.reload();
                },
              })
            }
          >
            Revoke…
          </button>
        ) : null,
    },
  ];

  return (
    <section>
      <h1>Administration</h1>
      {notice && (
        <p className="ok" role="status" data-testid="admin-notice">
          {notice}
        </p>
      )}
      <h2>People and roles</h2>
      <DataTable columns={userColumns} rows={users.data} rowKey={(u) => u.id} isLoading={users.isLoading} error={users.error} empty="No accounts." testId="users" />
      <NewUserForm
        onCreated={(u) => {
          setNotice(`${u.username} created.`);
          users.reload();
        }}
      />
      <h2>Sharing agreements</h2>
      <DataTable columns={agreementColumns} rows={agreements.data} rowKey={(a) => a.id} isLoading={agreements.isLoading} error={agreements.error} empty="Your agency is in no agreement." testId="agreements" />
      <h2>API tokens of ingest feeds</h2>
      <DataTable columns={tokenColumns} rows={tokens.data?.items} rowKey={(t) => t.id} isLoading={tokens.isLoading} error={tokens.error} empty="No tokens issued." testId="tokens" />
      <NewTokenForm onIssued={() => tokens.reload()} />
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
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [roles, setRoles] = useState<string[]>([]);
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
      setError(err instanceof Error ? err.message : "Creating the account failed");
    }
  }

  return (
    <form className="panel" aria-label="New account" onSubmit={(e) => void handleSubmit(e)}>
      <h3>New account</h3>
      <label>
        Username
        <input name="newUsername" value={username} maxLength={50} pattern="[a-z0-9][a-z0-9._\-]{2,49}" required onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label>
        Name
        <input name="newDisplayName" value={displayName} maxLength={100} required onChange={(e) => setDisplayName(e.target.value)} />
      </label>
      <fieldset>
        <legend>Roles</legend>
        {ROLES.map((r) => (
          <label key={r} className="inline">
            <input type="checkbox" name={`role-${r}`} checked={roles.includes(r)} onChange={(e) => setRoles(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))} /> {label(r)}
          </label>
        ))}
      </fieldset>
      <label>
        First password (at least 12 characters)
        <input name="newPassword" type="password" value={password} minLength={12} maxLength={200} required onChange={(e) => setPassword(e.target.value)} />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={roles.length === 0}>
        Create account
      </button>
    </form>
  );
}

function NewTokenForm({ onIssued }: { onIssued: () => void }) {
  const [name, setName] = useState("");
  const [days, setDays] = useState(90);
  const [issued, setIssued] = useState<{ token: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const result = await api<{ token: string; expiresAt: string }>("/api-tokens", { method: "POST", body: { name, expiresInDays: days } });
      setIssued(result);
      setName("");
      onIssued();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Issuing the token failed");
    }
  }

  return (
    <form className="panel" aria-label="New API token" onSubmit={(e) => void handleSubmit(e)}>
      <h3>Issue a token</h3>
      <label>
        Feed name
        <input name="tokenName" value={name} maxLength={40} required onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Lasts (days, 1–365)
        <input name="tokenDays" type="number" min={1} max={365} value={days} onChange={(e) => setDays(Number(e.target.value))} />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">Issue token</button>
      {issued && (
        <p data-testid="issued-token">
          Copy it now, it is shown once: <code>{issued.token}</code> (expires <Time iso={issued.expiresAt} />)
        </p>
      )}
    </form>
  );
}
