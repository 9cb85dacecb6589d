import { useState, type FormEvent } from "react";
import { api, ApiError, type Me } from "../api.ts";
import { useT } from "../i18n/index.tsx";

/** Username and password; on success the shell swaps in the app. */
export function LoginPage({ onLogin }: { onLogin: (me: Me) => void }) {
  const t = useT();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      onLogin(await api<Me>("/session", { method: "POST", body: { username, password } }));
    } catch (err) {
      // 401 on login means the credentials; the shared code also means "not logged in" elsewhere.
      setError(
        err instanceof ApiError && err.status === 401 && t.language !== "en"
          ? t("login.wrong")
          : err instanceof Error
            ? err.message
            : t("login.failed"),
      );
    }
  }

  return (
    <div className="login">
      <h1>{t("app.name")}</h1>
      <p className="muted">{t("app.tagline")}</p>
      <form onSubmit={(e) => void handleSubmit(e)}>
        <label>
          {t("login.username")}
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          {t("login.password")}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit">{t("login.submit")}</button>
      </form>
    </div>
  );
}
