import { useState } from "react";
import { Link } from "wouter";
import { api, type Notification } from "../api.ts";
import { useT } from "../i18n/index.tsx";
import { noticeText } from "../i18n/reasons.ts";
import { Time } from "./Time.tsx";
import { useApi } from "./useApi.ts";

/** The header's notifications: a count, the list on click, live as changes arrive; each dismissable. */
export function Notifications() {
  const t = useT();
  const [isOpen, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const list = useApi<Notification[]>("/notifications", { live: true });
  const items = list.data ?? [];

  async function dismiss(id: string) {
    setError(null);
    try {
      await api(`/notifications/${id}/dismissal`, { method: "POST", body: {} });
      list.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : t("notifications.dismissFailed"));
    }
  }

  return (
    <div className="notifications">
      <button
        type="button"
        className="link"
        aria-expanded={isOpen}
        aria-label={t("notifications.count", { count: items.length })}
        data-testid="notifications-button"
        onClick={() => setOpen((o) => !o)}
      >
        {t("notifications.title")}
        <span className="count-badge" data-testid="notification-count">
          {items.length}
        </span>
      </button>
      {isOpen && (
        <div
          className="notifications-panel"
          role="region"
          aria-label={t("notifications.title")}
          data-testid="notifications-panel"
        >
          <p className="muted">{t("notifications.forRoles", { count: items.length })}</p>
          {list.error && <p className="error">{list.error}</p>}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <ul>
            {items.map((n) => {
              const text = noticeText(t, n);
              return (
                <li key={n.id} data-testid="notification" data-kind={n.kind}>
                  <div>
                    <strong>{t.code(`notification_${n.kind}`)}</strong> · <Time iso={n.createdAt} />
                    <div>{n.requestId ? <Link href={`/requests/${n.requestId}`}>{text}</Link> : text}</div>
                  </div>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={t("notifications.dismissOne", { message: text })}
                    onClick={() => void dismiss(n.id)}
                  >
                    {t("notifications.dismiss")}
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </div>
  );
}
