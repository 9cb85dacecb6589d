import { useCallback, useEffect, useState } from "react";
import { Link, Route, Switch, useLocation } from "wouter";
import { api, type Me } from "./api.ts";
import { Notifications } from "./components/Notifications.tsx";
import { asLanguage, I18nProvider, LANGUAGE_NAMES, LANGUAGES, useT, type Language } from "./i18n/index.tsx";
import { startLiveUpdates } from "./live.ts";
import { setViewerZone, zoneOfCountry } from "./time.ts";
import { AdminPage } from "./pages/AdminPage.tsx";
import { AuditPage } from "./pages/AuditPage.tsx";
import { DashboardPage } from "./pages/DashboardPage.tsx";
import { FederationPage } from "./pages/FederationPage.tsx";
import { IngestPage } from "./pages/IngestPage.tsx";
import { LoginPage } from "./pages/LoginPage.tsx";
import { RequestPage } from "./pages/RequestPage.tsx";
import { RequestsPage } from "./pages/RequestsPage.tsx";
import { RulesPage } from "./pages/RulesPage.tsx";
import { ShipmentPage } from "./pages/ShipmentPage.tsx";
import { ShipmentsPage } from "./pages/ShipmentsPage.tsx";

/** Before login: the browser's language when the screens have it. */
function browserLanguage(): Language {
  return navigator.language.toLowerCase().startsWith("ja") ? "ja" : "en";
}

/** The shell in the signed-in user's language (the browser's before login). */
export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  return (
    <I18nProvider language={me ? asLanguage(me.language) : browserLanguage()}>
      <Shell me={me} setMe={setMe} />
    </I18nProvider>
  );
}

/** The header's language switch: stored with the account (audited), then the screens follow. */
function LanguageSwitch({ me, setMe }: { me: Me; setMe: (me: Me) => void }) {
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  async function choose(language: Language) {
    setError(null);
    try {
      await api("/me/language", { method: "PUT", body: { language } });
      setMe({ ...me, language });
    } catch (err) {
      setError(err instanceof Error ? err.message : t("error.unknown"));
    }
  }
  return (
    <label className="language">
      <span className="sr-only">{t("header.language")}</span>
      <select
        name="language"
        aria-label={t("header.language")}
        value={me.language}
        onChange={(e) => void choose(asLanguage(e.target.value))}
        data-testid="language"
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
      {error && <span role="alert">{error}</span>}
    </label>
  );
}

/** Who is logged in, the navigation their roles allow, and the pages. */
function Shell({ me, setMe }: { me: Me | null | undefined; setMe: (me: Me | null) => void }) {
  const t = useT();
  const [, navigate] = useLocation();

  useEffect(() => {
    api<Me>("/me").then(setMe, () => setMe(null));
  }, [setMe]);
  const isSignedIn = Boolean(me);
  useEffect(() => (isSignedIn ? startLiveUpdates() : undefined), [isSignedIn]);

  const handleLogout = useCallback(async () => {
    await api("/session", { method: "DELETE" }).catch(() => undefined);
    setMe(null);
    navigate("/");
  }, [navigate, setMe]);

  if (me === undefined) {
    return <p className="loading">{t("common.loading")}</p>;
  }
  if (me === null) {
    return <LoginPage onLogin={setMe} />;
  }
  const can = (...roles: Me["roles"]) => roles.some((r) => me.roles.includes(r));
  const zone = zoneOfCountry(me.agency.country);
  setViewerZone(zone);
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">{t("app.name")}</span>
        <nav>
          {can("targeter", "supervisor", "admin") && <Link href="/">{t("nav.shipments")}</Link>}
          {can("targeter", "supervisor", "scan_officer", "admin") && <Link href="/requests">{t("nav.requests")}</Link>}
          {can("scan_officer") && <Link href="/work-queue">{t("nav.workQueue")}</Link>}
          {can("targeter", "supervisor") && <Link href="/rules">{t("nav.rules")}</Link>}
          {can("admin", "ingest") && <Link href="/ingest">{t("nav.ingest")}</Link>}
          {can("admin") && <Link href="/admin">{t("nav.admin")}</Link>}
          {can("admin") && <Link href="/federation">{t("nav.federation")}</Link>}
          {can("auditor", "admin") && <Link href="/audit">{t("nav.audit")}</Link>}
          {can("supervisor", "auditor", "admin", "targeter") && <Link href="/dashboard">{t("nav.dashboard")}</Link>}
        </nav>
        <span className="who" data-testid="who">
          {me.displayName} · {me.agency.name} · {me.roles.map((r) => t.code(r)).join(", ")} ·{" "}
          <span data-testid="zone" title={t("header.zoneHint")}>
            {t("header.zone", { zone: zone.replace("_", " ") })}
          </span>
        </span>
        <LanguageSwitch me={me} setMe={setMe} />
        <Notifications />
        <button type="button" className="link" onClick={() => void handleLogout()}>
          {t("header.logout")}
        </button>
      </header>
      <main>
        <Switch>
          <Route path="/shipments/:id">{(params) => <ShipmentPage id={params.id} me={me} />}</Route>
          <Route path="/requests/:id">{(params) => <RequestPage id={params.id} me={me} />}</Route>
          <Route path="/requests">
            <RequestsPage me={me} mode="all" />
          </Route>
          <Route path="/work-queue">
            <RequestsPage me={me} mode="work" />
          </Route>
          <Route path="/rules">
            <RulesPage me={me} />
          </Route>
          <Route path="/ingest">
            <IngestPage />
          </Route>
          <Route path="/dashboard">
            <DashboardPage />
          </Route>
          <Route path="/admin">
            <AdminPage />
          </Route>
          <Route path="/federation">
            <FederationPage />
          </Route>
          <Route path="/audit">
            <AuditPage />
          </Route>
          <Route>
            {can("scan_officer") ? (
              <RequestsPage me={me} mode="work" />
            ) : can("auditor") ? (
              <AuditPage />
            ) : (
              <ShipmentsPage />
            )}
          </Route>
        </Switch>
      </main>
    </div>
  );
}
