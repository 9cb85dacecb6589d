import { useEffect, useState } from "react";
import { Link } from "wouter";
import { api, type InspectionRequest, type Me } from "../api.ts";
import { RequestActions } from "./RequestActions.tsx";
import { RequestCard } from "./RequestCard.tsx";
import { useT } from "../i18n/index.tsx";

/** One request, with the actions the viewer's role allows. */
export function RequestPage({ id, me }: { id: string; me: Me }) {
  const t = useT();
  const [request, setRequest] = useState<InspectionRequest | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<InspectionRequest>(`/inspection-requests/${id}`).then(setRequest, (err: Error) => setError(err.message));
  }, [id]);

  if (error) {
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  }
  if (!request) {
    return <p className="loading">{t("common.loading")}</p>;
  }
  return (
    <section>
      <p>
        <Link href="/requests">{t("request.back")}</Link> ·{" "}
        <Link href={`/shipments/${request.shipmentId}`}>{t("request.shipment")}</Link>
      </p>
      <RequestCard request={request} showEvidence>
        <RequestActions request={request} me={me} onChange={setRequest} />
      </RequestCard>
    </section>
  );
}
