-- A file of which nothing could be used (nothing landed, nothing waits in quarantine) ends
-- "rejected", with the reason in its report (src/domain/ingest/report.ts, checkUsable).
alter table ingest_batch drop constraint ingest_batch_status_check;
alter table ingest_batch add constraint ingest_batch_status_check check (status in ('running', 'completed', 'rejected', 'failed'));

-- Scoring work is claimed row by row. A scorer locks the claims of the shipments it is about to
-- score with FOR UPDATE SKIP LOCKED and holds them until its scores commit, so two scorers (two
-- server processes, an upload and the background sweep) never score the same shipment twice. The
-- row carries no data: it exists so there is a row to lock for every shipment an agency can see,
-- scored or not (src/domain/targeting/scoring.ts).
create table score_claim (
  agency_id uuid not null references agency(id) on delete cascade,
  shipment_id uuid not null references shipment(id) on delete cascade,
  primary key (agency_id, shipment_id)
);
create index score_claim_shipment on score_claim(shipment_id);

alter table score_claim enable row level security;
-- An agency's claims are its own; which shipments it may score, the shipment's policy decides.
create policy score_claim_own on score_claim using (agency_id = current_agency_id()) with check (agency_id = current_agency_id());
-- Locking a row (FOR UPDATE) takes the update privilege.
grant select, insert, update on score_claim to reciprocity_app;

-- After an ingest, each agency scores the shipments that batch wrote a version of; the failed
-- batch recount (src/domain/ingest/recover.ts) reads them by batch too.
create index shipment_version_batch on shipment_version(batch_id);
