-- Ingest batches that stop half-way: a batch whose ingest threw, or whose process died, ends
-- "failed" with the counts of what it stored (src/domain/ingest/recover.ts).

alter table ingest_batch drop constraint ingest_batch_status_check;
alter table ingest_batch add constraint ingest_batch_status_check check (status in ('running', 'completed', 'failed'));

-- The running process touches the batch in every chunk's transaction, on the database's clock so
-- processes on different hosts compare alike. A running batch whose heartbeat stopped belongs to
-- a process that died. Batches from before this migration count from when they were received.
alter table ingest_batch add column heartbeat_at timestamptz;
update ingest_batch set heartbeat_at = coalesce(completed_at, received_at);
alter table ingest_batch alter column heartbeat_at set default now();
alter table ingest_batch alter column heartbeat_at set not null;

-- Start-up recovery looks for these only.
create index ingest_batch_running on ingest_batch(heartbeat_at) where status = 'running';
