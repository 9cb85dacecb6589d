/**
 * The outcome of the last action on a screen: a confirmation read out politely, an error read out
 * at once. Either line is left out when empty; `testId` names the confirmation for browser tests.
 */
export function StatusLines({
  notice,
  error,
  testId,
}: {
  notice: string | null;
  error: string | null;
  testId: string;
}) {
  return (
    <>
      {notice && (
        <p className="ok" role="status" data-testid={testId}>
          {notice}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
