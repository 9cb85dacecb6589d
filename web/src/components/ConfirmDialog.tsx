import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useT } from "../i18n/index.tsx";

/** What an irreversible action asks before it is taken. */
export interface Confirmation {
  title: string;
  /** What will happen, in the words of the people it happens to. */
  consequence: string;
  confirmLabel: string;
  /** Reason codes the API takes for this action; one must be chosen when given. */
  reasonCodes?: readonly string[];
  /** Label of the free-text reason; no text box when absent. */
  reasonLabel?: string;
  /** Shortest acceptable reason (0: optional). */
  reasonMinLength?: number;
  reasonMaxLength?: number;
}

/** The answer to a confirmation: the chosen code and the reason text. */
export interface ConfirmedReason {
  reasonCode: string | undefined;
  reason: string;
}

/**
 * A modal dialog that names the consequence of an action and asks for its reason before it is
 * taken; Escape or "Cancel" leaves everything as it was. The server's refusal shows in the dialog.
 */
export function ConfirmDialog({
  confirmation,
  onConfirm,
  onCancel,
}: {
  confirmation: Confirmation;
  onConfirm: (answer: ConfirmedReason) => Promise<void>;
  onCancel: () => void;
}) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [reasonCode, setReasonCode] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const min = confirmation.reasonMinLength ?? 0;
  const codes = confirmation.reasonCodes ?? [];

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) {
      dialog.showModal();
    }
  }, []);

  const isComplete =
    (codes.length === 0 || reasonCode !== "") && (!confirmation.reasonLabel || reason.trim().length >= min);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (!isComplete) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onConfirm({ reasonCode: reasonCode || undefined, reason: reason.trim() });
    } catch (err) {
      setError(err instanceof Error ? err.message : t("action.failed"));
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={ref}
      className="confirm"
      aria-labelledby={titleId}
      data-testid="confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <form method="dialog" onSubmit={(e) => void handleSubmit(e)}>
        <h2 id={titleId}>{confirmation.title}</h2>
        <p data-testid="consequence">{confirmation.consequence}</p>
        {codes.length > 0 && (
          <label>
            {t("confirm.reasonCode")}
            <select
              name="confirmReasonCode"
              value={reasonCode}
              required
              onChange={(e) => setReasonCode(e.target.value)}
            >
              <option value="">{t("confirm.choose")}</option>
              {codes.map((c) => (
                <option key={c} value={c}>
                  {t.code(c)}
                </option>
              ))}
            </select>
          </label>
        )}
        {confirmation.reasonLabel && (
          <label>
            {confirmation.reasonLabel}
            {min > 0 ? t("confirm.atLeast", { min }) : t("confirm.optional")}
            <textarea
              name="confirmReason"
              value={reason}
              rows={3}
              maxLength={confirmation.reasonMaxLength ?? 2000}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="danger" disabled={!isComplete || isBusy}>
            {confirmation.confirmLabel}
          </button>
          <button type="button" onClick={onCancel}>
            {t("common.cancel")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
