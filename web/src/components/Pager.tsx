/** Previous / next for a keyset-paged list. */
export function Pager({ pageNumber, hasPrevious, hasNext, onPrevious, onNext }: { pageNumber: number; hasPrevious: boolean; hasNext: boolean; onPrevious: () => void; onNext: () => void }) {
  if (!hasPrevious && !hasNext) {
    return null;
  }
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={!hasPrevious} onClick={onPrevious}>
        Previous
      </button>
      <span data-testid="page-number">Page {pageNumber}</span>
      <button type="button" disabled={!hasNext} onClick={onNext}>
        Next
      </button>
    </nav>
  );
}
