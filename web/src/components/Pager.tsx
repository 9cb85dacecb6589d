import { useT } from "../i18n/index.tsx";

/** Previous / next for a keyset-paged list. */
export function Pager({
  pageNumber,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
}: {
  pageNumber: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
}) {
  const t = useT();
  if (!hasPrevious && !hasNext) {
    return null;
  }
  return (
    <nav className="pager" aria-label={t("pager.label")}>
      <button type="button" disabled={!hasPrevious} onClick={onPrevious}>
        {t("pager.previous")}
      </button>
      <span data-testid="page-number">{t("pager.page", { page: pageNumber })}</span>
      <button type="button" disabled={!hasNext} onClick={onNext}>
        {t("pager.next")}
      </button>
    </nav>
  );
}
