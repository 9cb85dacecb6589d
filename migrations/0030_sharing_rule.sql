-- The sharing rule, stated once. Row-level security (below) and the application's queries
-- (src/domain/access.ts) both call these functions, so the two cannot drift apart.
--
-- Each function is one SQL statement marked stable, with no security definer and no settings, so
-- the planner inlines it into the calling query: its conditions become ordinary conditions there,
-- and indexes and join orders serve them as they did when the policies spelled them out. A boolean
-- function whose body holds EXISTS is never inlined (PostgreSQL runs it row by row), which is why
-- the agreements that share a shipment are a set-returning function the callers test with EXISTS.

-- An agreement is in force today: switched on, begun and not ended.
create or replace function agreement_in_force(a agreement) returns boolean
  language sql stable
  as $$
    select a.is_active
      and a.valid_from <= current_date
      and (a.valid_until is null or a.valid_until >= current_date)
  $$;

-- An agreement covers a shipment when it is in force today and its terms (0014) cover the
-- shipment: it goes to one of the agreement's destination countries and departs within the term.
create or replace function agreement_covers(a agreement, discharge char(2), destination char(2), departs timestamptz)
  returns boolean
  language sql stable
  as $$ select agreement_in_force(a) and agreement_terms_cover(a, discharge, destination, departs) $$;

-- The agreements under which `owner` shares a shipment with `agency`: the agency is the
-- recipient, the owner the provider, and the agreement covers the shipment as it departs (its
-- ETD, else the time it was filed).
create or replace function agreements_sharing(agency uuid, owner uuid, discharge char(2), destination char(2), departs timestamptz)
  returns setof agreement
  language sql stable
  as $$
    select a.* from agreement a
    where a.provider_agency_id = owner
      and a.recipient_agency_id = agency
      and agreement_covers(a, discharge, destination, departs)
  $$;

-- Agreements sharing with the current agency that are in force today (the listing's policy).
create or replace function current_agreement_ids() returns uuid[]
  language sql stable
  as $$
    select coalesce(array_agg(a.id), '{}')
    from agreement a
    where a.recipient_agency_id = current_agency_id() and agreement_in_force(a)
  $$;

grant execute on function agreement_in_force(agreement) to reciprocity_app;
grant execute on function agreement_terms_cover(agreement, char, char, timestamptz) to reciprocity_app;
grant execute on function agreements_sharing(uuid, uuid, char, char, timestamptz) to reciprocity_app;

-- An agency sees its own shipments, and another agency's while an agreement shares them.
drop policy shipment_visible on shipment;
create policy shipment_visible on shipment for select using (
  owner_agency_id = current_agency_id()
  or exists (
    select 1
    from agreements_sharing(current_agency_id(), owner_agency_id, discharge_country, destination_country, coalesce(etd, filed_at))
  )
);
