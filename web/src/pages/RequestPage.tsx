import { useEffect, useState } from "react";
import { Link } from "wouter";
import { api, type InspectionRequest, type Me } from "../api.ts";
import { RequestActions } from "./RequestActions.tsx";
import { RequestCard } from "./RequestCard.tsx";

/** One request, with the actions the viewer's role allows. */
export function RequestPage({ id, me }: { id: string; me: Me }) {
  const [request, setRequest] = useState<InspectionRequest | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<InspectionRequest>(`/inspection-requests/${id}`).then(setRequest, (err: Error) => setError(err.message));
  }, [id]);

  if (error) {
    return <p className="error" role="alert">{error}</p>;
  }
  if (!request) {
    return <p className="loading">Loading…</p>;
  }
  return (
    <section>
      <p>
        <Link href="/requests">← Inspection requests</Link> · <Link href={`/shipments/${request.shipmentId}`}>Shipment</Link>
      </p>
      <RequestCard request={request} showEvidence>
        <RequestActions request={request} me={me} onChange={setRequest} />
      </RequestCard>
    </section>
  );
}
