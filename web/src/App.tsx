import { useCallback, useEffect, useState } from "react";
import { Link, Route, Switch, useLocation } from "wouter";
import { api, type Me } from "./api.ts";
import { Notifications } from "./components/Notifications.tsx";
import { startLiveUpdates } from "./live.ts";
import { setViewerZone, zoneOfCountry } from "./time.ts";
import { AdminPage } from "./pages/AdminPage.tsx";
import { AuditPage } from "./pages/AuditPage.tsx";
import { DashboardPage } from "./pages/DashboardPage.tsx";
import { IngestPage } from "./pages/IngestPage.tsx";
import { LoginPage } from "./pages/LoginPage.tsx";
import { RequestPage } from "./pages/RequestPage.tsx";
import { RequestsPage } from "./pages/RequestsPage.tsx";
import { RulesPage } from "./pages/RulesPage.tsx";
import { ShipmentPage } from "./pages/ShipmentPage.tsx";
import { ShipmentsPage } from "./pages/ShipmentsPage.tsx";

/** The shell: who is logged in, the navigation their roles allow, and the pages. */
export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [, navigate] = useLocation();

  useEffect(() => {
    api<Me>("/me").then(setMe, () => setMe(null));
  }, []);
  useEffect(() => (me ? startLiveUpdates() : undefined), [me]);

  const handleLogout = useCallback(async () => {
    await api("/session", { method: "DELETE" }).catch(() => undefined);
    setMe(null);
    navigate("/");
  }, [navigate]);

  if (me === undefined) {
    return <p className="loading">Loading…</p>;
  }
  if (me === null) {
    return <LoginPage onLogin={setMe} />;
  }
  const can = (...roles: string[]) => roles.some((r) => me.roles.includes(r));
  const zone = zoneOfCountry(me.agency.country);
  setViewerZone(zone);
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Reciprocity</span>
        <nav>
          {can("targeter", "supervisor", "admin") && <Link href="/">Shipments</Link>}
          {can("targeter", "supervisor", "scan_officer", "admin") && <Link href="/requests">Inspection requests</Link>}
          {can("scan_officer") && <Link href="/work-queue">Work queue</Link>}
          {can("targeter", "supervisor") && <Link href="/rules">Rules</Link>}
          {can("admin", "ingest") && <Link href="/ingest">Manifest ingest</Link>}
          {can("admin") && <Link href="/admin">Administration</Link>}
          {can("auditor", "admin") && <Link href="/audit">Audit log</Link>}
          {can("supervisor", "auditor", "admin", "targeter") && <Link href="/dashboard">Reciprocity dashboard</Link>}
        </nav>
        <span className="who" data-testid="who">
          {me.displayName} · {me.agency.name} · {me.roles.join(", ")} ·{" "}
          <span data-testid="zone" title="Every time is shown in this zone; hover over a time for UTC">
            {zone.replace("_", " ")} time
          </span>
        </span>
        <Notifications />
        <button type="button" className="link" onClick={() => void handleLogout()}>
          Log out
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
          <Route path="/audit">
            <AuditPage />
          </Route>
          <Route>{can("scan_officer") ? <RequestsPage me={me} mode="work" /> : can("auditor") ? <AuditPage /> : <ShipmentsPage />}</Route>
        </Switch>
      </main>
    </div>
  );
}
