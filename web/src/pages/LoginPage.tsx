import { useState, type FormEvent } from "react";
import { api, type Me } from "../api.ts";

/** Username and password; on success the shell swaps in the app. */
export function LoginPage({ onLogin }: { onLogin: (me: Me) => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      onLogin(await api<Me>("/session", { method: "POST", body: { username, password } }));
    } catch (err) {
      setError(err instanceof Error ? err.message : "Login failed");
    }
  }

  return (
    <div className="login">
      <h1>Reciprocity</h1>
      <p className="muted">Container-security exchange</p>
      <form onSubmit={(e) => void handleSubmit(e)}>
        <label>
          Username
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit">Log in</button>
      </form>
    </div>
  );
}
