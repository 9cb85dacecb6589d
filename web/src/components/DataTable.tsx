import type { ReactNode } from "react";
import { useT } from "../i18n/index.tsx";

/** One column: its heading, how a row shows in it, and the API's sort key when it can be sorted. */
export interface Column<T> {
  key: string;
  title: ReactNode;
  render: (row: T) => ReactNode;
  /** The server's sort key; the heading becomes a sort button. */
  sortKey?: string;
  className?: (row: T) => string | undefined;
}

/** The sort a table shows. */
export interface SortState {
  key: string;
  order: "asc" | "desc";
}

/**
 * The one table of the app: sortable headings (server-side sort), a loading, an error and an empty
 * state, and rows keyed by id. Paging sits beside it (Pager).
 */
export function DataTable<T>({
  columns,
  rows,
  rowKey,
  sort,
  onSort,
  isLoading = false,
  error = null,
  empty,
  testId,
}: {
  columns: Column<T>[];
  rows: readonly T[] | undefined;
  rowKey: (row: T) => string;
  sort?: SortState;
  onSort?: (key: string) => void;
  isLoading?: boolean;
  error?: string | null;
  empty?: ReactNode;
  testId?: string;
}) {
  const t = useT();
  return (
    <>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <table className="grid" data-testid={testId} aria-busy={isLoading}>
        <thead>
          <tr>
            {columns.map((c) => {
              const isSorted = sort && c.sortKey === sort.key;
              return (
                <th key={c.key} aria-sort={isSorted ? (sort.order === "asc" ? "ascending" : "descending") : undefined}>
                  {c.sortKey && onSort ? (
                    <button
                      type="button"
                      className="sort"
                      onClick={() => onSort(c.sortKey as string)}
                      title={t("table.sort")}
                    >
                      {c.title} {isSorted ? (sort.order === "asc" ? "▲" : "▼") : "↕"}
                    </button>
                  ) : (
                    c.title
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows?.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.key} className={c.className?.(row)}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {!rows && isLoading && <p className="muted">{t("common.loading")}</p>}
      {rows && rows.length === 0 && !error && (
        <p className="muted" data-testid="empty">
          {empty ?? t("table.empty")}
        </p>
      )}
    </>
  );
}
