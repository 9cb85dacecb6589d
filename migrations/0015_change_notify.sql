-- Live updates (src/server/change-feed.ts): every statement that appends to the audit log tells
-- the listening server processes the newest sequence number it wrote, on channel
-- `reciprocity_audit`. PostgreSQL delivers a notification only when its transaction commits, so a
-- listener that reads after hearing it finds the rows. The payload is one number and says nothing
-- that a listener could not read itself; each process then reads the events once per agency, with
-- row-level security.
--
-- One notification per statement, not per row: an ingest chunk that appends its events in one
-- statement wakes the listeners once. Audit appends are already serialised by the chain's advisory
-- lock (0001_core.sql), so the commit-time lock that NOTIFY takes adds no new contention.
create or replace function audit_event_notify() returns trigger
  language plpgsql
  set search_path = pg_catalog, public
  as $$
  declare
    newest bigint;
  begin
    select max(seq) into newest from appended;
    if newest is not null then
      perform pg_notify('reciprocity_audit', newest::text);
    end if;
    return null;
  end
  $$;

create trigger audit_event_notify after insert on audit_event
  referencing new table as appended
  for each statement execute function audit_event_notify();
