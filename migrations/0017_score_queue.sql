-- Scoring work as a queue. Finding what to score by comparing every shipment with its scores (a
-- shipment without one, or scored for another version or rule set) reads the whole table: about a
-- minute of database work per pass at a million shipments, every thirty seconds, beside the users
-- reading their work lists. Instead, whatever makes a score stale says so when it happens:
--
--   * a shipment an agency may list is added or changes (a new filing, an amendment, an agreement
--     whose terms now cover it): one request per agency and shipment, from the listing's rows;
--   * a score is removed;
--   * an agency activates another rule set, or changes its watchlist: a sweep of that agency's
--     list, walked a thousand shipments at a time by the scorer (score_sweep below), so that the
--     change itself costs one row and not a million.
--
-- The scorer (src/domain/targeting/scoring.ts) reads requests oldest first, locks the shipments'
-- claims (score_claim, 0016) with SKIP LOCKED, scores them and deletes exactly the requests it read
-- under the lock; a request written while it scored stays for the next turn.
create table score_request (
  id bigint generated always as identity primary key,
  agency_id uuid not null references agency(id) on delete cascade,
  shipment_id uuid not null references shipment(id) on delete cascade
);
create index score_request_next on score_request(agency_id, id);
create index score_request_shipment on score_request(agency_id, shipment_id);
create index score_request_of_shipment on score_request(shipment_id);

alter table score_request enable row level security;
create policy score_request_own on score_request using (agency_id = current_agency_id()) with check (agency_id = current_agency_id());
grant select, insert, delete on score_request to reciprocity_app;

-- A walk over one agency's list that queues what needs scoring: only missing or stale scores
-- (every_row false: new rules, a periodic check for agreements that came into force by date), or
-- every row (a watchlist change can alter any score). after_shipment is where the walk stands.
create table score_sweep (
  agency_id uuid primary key references agency(id) on delete cascade,
  every_row boolean not null,
  after_shipment uuid,
  requested_at timestamptz not null default now()
);
alter table score_sweep enable row level security;
create policy score_sweep_own on score_sweep using (agency_id = current_agency_id()) with check (agency_id = current_agency_id());
grant select, insert, update, delete on score_sweep to reciprocity_app;

-- Starts (or restarts from the beginning) a sweep of an agency's list; a pending walk of every row
-- stays a walk of every row.
create or replace function score_sweep_request(p_agency uuid, p_every_row boolean) returns void
  language sql security definer set search_path = public
  as $$
    insert into score_sweep (agency_id, every_row) values (p_agency, p_every_row)
    on conflict (agency_id) do update
      set every_row = score_sweep.every_row or excluded.every_row, after_shipment = null, requested_at = now();
  $$;

create or replace function score_request_on_listing() returns trigger
  language plpgsql security definer set search_path = public
  as $$
  begin
    insert into score_request (agency_id, shipment_id) select agency_id, shipment_id from added;
    return null;
  end
  $$;
create trigger score_request_listing after insert on shipment_listing
  referencing new table as added for each statement execute function score_request_on_listing();

create or replace function score_request_on_unscored() returns trigger
  language plpgsql security definer set search_path = public
  as $$
  begin
    insert into score_request (agency_id, shipment_id)
      select r.agency_id, r.shipment_id from removed r where exists (select 1 from shipment s where s.id = r.shipment_id);
    return null;
  end
  $$;
create trigger score_request_unscored after delete on shipment_score
  referencing old table as removed for each statement execute function score_request_on_unscored();

create or replace function score_sweep_on_rules() returns trigger
  language plpgsql security definer set search_path = public
  as $$
  begin
    if new.status = 'active' and (tg_op = 'INSERT' or old.status is distinct from 'active') then
      perform score_sweep_request(new.agency_id, false);
    end if;
    return null;
  end
  $$;
create trigger score_sweep_rules after insert or update of status on rule_set
  for each row execute function score_sweep_on_rules();

create or replace function score_sweep_on_watchlist() returns trigger
  language plpgsql security definer set search_path = public
  as $$
  begin
    perform score_sweep_request(coalesce(new.agency_id, old.agency_id), true);
    return null;
  end
  $$;
create trigger score_sweep_watchlist after insert or update or delete on watchlist_entry
  for each row execute function score_sweep_on_watchlist();

-- What is there already: every agency's list is checked once.
select score_sweep_request(id, false) from agency;
