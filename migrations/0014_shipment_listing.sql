-- The work list, one row per agency and shipment it may see, with every sort key beside the agency.
--
-- Reading the list from `shipment` means testing each row against the sharing rule (its owner, or
-- an agreement that covers it) before the sort, and adding counts of goods and containers through
-- their own row-level security per row: seconds per page at a few thousand shipments, and no index
-- can serve an ORDER BY on a key that lives in another table (the agency's score). Here the part of
-- the rule that depends only on the shipment and the agreement's terms (destination countries,
-- departure within the term) is decided when either changes, and stored as the agreements that
-- cover the row; the part that depends on today (the agreement is active and in force) is one
-- small set computed once per query. Each sort the API offers is then an index range scan on
-- (agency, key, shipment).
create table shipment_listing (
  agency_id uuid not null references agency(id) on delete cascade,
  shipment_id uuid not null references shipment(id) on delete cascade,
  is_own boolean not null,
  -- Agreements whose terms cover the shipment for this agency (empty for the owner's row).
  via_agreements uuid[] not null default '{}',
  etd_key timestamptz not null,
  filed_at timestamptz not null,
  bill_of_lading text not null,
  port_of_discharge text not null,
  -- The agency's own score; -1 and no level until scored.
  score_key numeric(10, 2) not null default -1,
  level text,
  hit_count int not null default 0,
  container_count int not null default 0,
  hs_codes text[] not null default '{}',
  primary key (agency_id, shipment_id)
);
create index shipment_listing_etd on shipment_listing(agency_id, etd_key, shipment_id);
create index shipment_listing_filed on shipment_listing(agency_id, filed_at, shipment_id);
create index shipment_listing_score on shipment_listing(agency_id, score_key, shipment_id);
create index shipment_listing_level on shipment_listing(agency_id, level, score_key, shipment_id);
create index shipment_listing_bl on shipment_listing(agency_id, bill_of_lading, shipment_id);
create index shipment_listing_pod on shipment_listing(agency_id, port_of_discharge, shipment_id);
create index shipment_listing_shipment on shipment_listing(shipment_id);

-- The terms part of agreement_covers (0006): destination and departure within the term.
create or replace function agreement_terms_cover(a agreement, discharge char(2), destination char(2), departs timestamptz)
  returns boolean
  language sql stable
  as $$
    select departs >= a.valid_from::timestamptz
      and (a.valid_until is null or departs < (a.valid_until + 1)::timestamptz)
      and (discharge = any(a.destination_countries) or destination = any(a.destination_countries))
  $$;

-- The today part: agreements sharing with the current agency that are active and in force. The
-- list and the policy below call it in a scalar subquery, so it runs once per statement.
create or replace function current_agreement_ids() returns uuid[]
  language sql stable
  as $$
    select coalesce(array_agg(a.id), '{}')
    from agreement a
    where a.recipient_agency_id = current_agency_id()
      and a.is_active
      and a.valid_from <= current_date
      and (a.valid_until is null or a.valid_until >= current_date)
  $$;

-- Rows for the given shipments: the owner's, and one per other agency whose agreements' terms cover
-- it. Goods and container counts come along so that a page needs no per-row subquery.
create or replace function shipment_listing_refresh(p_shipments uuid[]) returns void
  language plpgsql security definer set search_path = public
  as $$
  begin
    delete from shipment_listing where shipment_id = any(p_shipments);
    insert into shipment_listing (agency_id, shipment_id, is_own, via_agreements, etd_key, filed_at, bill_of_lading,
                                  port_of_discharge, score_key, level, hit_count, container_count, hs_codes)
    select who.agency_id, s.id, who.is_own, who.via, coalesce(s.etd, '-infinity'::timestamptz), s.filed_at, s.bill_of_lading,
           s.port_of_discharge::text, coalesce(sc.score, -1), sc.level, coalesce(jsonb_array_length(sc.hits), 0),
           (select count(*)::int from shipment_container c where c.shipment_id = s.id),
           array(select g.hs_code from shipment_goods g where g.shipment_id = s.id order by g.line_no)
    from shipment s
    cross join lateral (
      select s.owner_agency_id as agency_id, true as is_own, '{}'::uuid[] as via
      union all
      select a.recipient_agency_id, false, array_agg(a.id order by a.id)
      from agreement a
      where a.provider_agency_id = s.owner_agency_id
        and agreement_terms_cover(a, s.discharge_country, s.destination_country, coalesce(s.etd, s.filed_at))
      group by a.recipient_agency_id
    ) who
    left join shipment_score sc on sc.shipment_id = s.id and sc.agency_id = who.agency_id
    where s.id = any(p_shipments);
  end
  $$;

-- Each statement that writes shipments refreshes their rows once, set-based over the statement's
-- transition table, so a chunk of ten thousand shipments costs one refresh and not ten thousand;
-- goods and container statements update the counts of the shipments they touched.
create or replace function shipment_listing_on_shipments() returns trigger
  language plpgsql security definer set search_path = public
  as $$
  begin
    perform shipment_listing_refresh(array(select id from changed));
    return null;
  end
  $$;

create or replace function shipment_listing_on_lines() returns trigger
  language plpgsql security definer set search_path = public
  as $$
  begin
    update shipment_listing l
      set container_count = (select count(*)::int from shipment_container c where c.shipment_id = l.shipment_id),
          hs_codes = array(select g.hs_code from shipment_goods g where g.shipment_id = l.shipment_id order by g.line_no)
      where l.shipment_id in (select shipment_id from changed);
    return null;
  end
  $$;

create trigger shipment_listing_shipment_insert after insert on shipment
  referencing new table as changed for each statement execute function shipment_listing_on_shipments();
create trigger shipment_listing_shipment_update after update on shipment
  referencing new table as changed for each statement execute function shipment_listing_on_shipments();
create trigger shipment_listing_goods_insert after insert on shipment_goods
  referencing new table as changed for each statement execute function shipment_listing_on_lines();
create trigger shipment_listing_goods_update after update on shipment_goods
  referencing new table as changed for each statement execute function shipment_listing_on_lines();
create trigger shipment_listing_goods_delete after delete on shipment_goods
  referencing old table as changed for each statement execute function shipment_listing_on_lines();
create trigger shipment_listing_container_insert after insert on shipment_container
  referencing new table as changed for each statement execute function shipment_listing_on_lines();
create trigger shipment_listing_container_update after update on shipment_container
  referencing new table as changed for each statement execute function shipment_listing_on_lines();
create trigger shipment_listing_container_delete after delete on shipment_container
  referencing old table as changed for each statement execute function shipment_listing_on_lines();

-- A score lands on the agency's row at once (a row not yet written picks it up when it is).
create or replace function shipment_listing_scored() returns trigger
  language plpgsql security definer set search_path = public
  as $$
  begin
    if tg_op = 'DELETE' then
      update shipment_listing set score_key = -1, level = null, hit_count = 0
        where agency_id = old.agency_id and shipment_id = old.shipment_id;
      return null;
    end if;
    update shipment_listing
      set score_key = new.score, level = new.level, hit_count = coalesce(jsonb_array_length(new.hits), 0)
      where agency_id = new.agency_id and shipment_id = new.shipment_id
        and (score_key, level, hit_count) is distinct from (new.score, new.level, coalesce(jsonb_array_length(new.hits), 0));
    return null;
  end
  $$;
create trigger shipment_listing_on_score after insert or update or delete on shipment_score
  for each row execute function shipment_listing_scored();

-- A new, changed or removed agreement re-decides which of its provider's shipments its recipient
-- lists (old and new parties, should an update move it).
create or replace function shipment_listing_rebuild_shared(p_provider uuid, p_recipient uuid) returns void
  language plpgsql security definer set search_path = public
  as $$
  begin
    delete from shipment_listing l using shipment s
      where l.shipment_id = s.id and s.owner_agency_id = p_provider and l.agency_id = p_recipient and not l.is_own;
    insert into shipment_listing (agency_id, shipment_id, is_own, via_agreements, etd_key, filed_at, bill_of_lading,
                                  port_of_discharge, score_key, level, hit_count, container_count, hs_codes)
    select p_recipient, s.id, false, array_agg(a.id order by a.id), coalesce(s.etd, '-infinity'::timestamptz), s.filed_at,
           s.bill_of_lading, s.port_of_discharge::text, coalesce(min(sc.score), -1), min(sc.level),
           coalesce(min(jsonb_array_length(sc.hits)), 0), min(own.container_count), min(own.hs_codes)
    from shipment s
    join agreement a on a.provider_agency_id = s.owner_agency_id and a.recipient_agency_id = p_recipient
      and agreement_terms_cover(a, s.discharge_country, s.destination_country, coalesce(s.etd, s.filed_at))
    join shipment_listing own on own.shipment_id = s.id and own.agency_id = s.owner_agency_id
    left join shipment_score sc on sc.shipment_id = s.id and sc.agency_id = p_recipient
    where s.owner_agency_id = p_provider
    group by s.id;
  end
  $$;

create or replace function shipment_listing_agreement_changed() returns trigger
  language plpgsql security definer set search_path = public
  as $$
  begin
    if tg_op in ('UPDATE', 'DELETE') then
      perform shipment_listing_rebuild_shared(old.provider_agency_id, old.recipient_agency_id);
    end if;
    if tg_op in ('INSERT', 'UPDATE')
       and (tg_op = 'INSERT' or (new.provider_agency_id, new.recipient_agency_id) is distinct from (old.provider_agency_id, old.recipient_agency_id)) then
      perform shipment_listing_rebuild_shared(new.provider_agency_id, new.recipient_agency_id);
    end if;
    return null;
  end
  $$;
create trigger shipment_listing_on_agreement after insert or update or delete on agreement
  for each row execute function shipment_listing_agreement_changed();

-- What is there already.
select shipment_listing_refresh(coalesce(array_agg(id), '{}')) from shipment;

-- Each agency reads its own rows, and a shared row only while one of its agreements is in force.
-- src/domain/access.ts (listingIsVisible) states the same for the application's queries.
alter table shipment_listing enable row level security;
create policy shipment_listing_visible on shipment_listing for select using (
  agency_id = current_agency_id()
  and (is_own or via_agreements && (select current_agreement_ids()))
);
grant select on shipment_listing to reciprocity_app;
grant execute on function current_agreement_ids() to reciprocity_app;

-- Free text over B/L, parties, containers and goods: a trigram index serves `like '%…%'`. Under
-- row-level security the planner may not use a LIKE (not leakproof) as an index condition, so the
-- search runs here as the owner and returns only shipments the current agency may list.
create extension if not exists pg_trgm;
create index shipment_search_trgm on shipment using gin (search_text gin_trgm_ops);

create or replace function shipment_search(pattern text) returns setof uuid
  language sql stable security definer set search_path = public
  as $$
    select s.id
    from shipment s
    join shipment_listing l on l.shipment_id = s.id and l.agency_id = current_agency_id()
    where s.search_text like pattern
      and (l.is_own or l.via_agreements && (select current_agreement_ids()))
  $$;
revoke execute on function shipment_search(text) from public;
grant execute on function shipment_search(text) to reciprocity_app;
