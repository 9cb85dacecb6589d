-- The sharing rule reads the recipient's agreements once per statement instead of once per row.
--
-- agreements_sharing (0030) scanned the agreement table inside the EXISTS that row-level security
-- evaluates for every row of another agency's shipment. A partner's page of 50 shipments ran that
-- scan about 130 times (the shipment, its voyage's policy and the request probe each ask), and on
-- the embedded engine every scan also asks the file system for the table's length. Now the
-- agency's agreements in force are read into an array by a subquery that does not depend on the
-- row, which PostgreSQL evaluates once per statement (an InitPlan), and each row is tested
-- against that array in memory. The rule itself is unchanged: the recipient, in force today, the
-- provider is the owner, and the terms (0014) cover the shipment as it departs.

-- The agreements `agency` receives that are in force today, as one value.
create or replace function agreements_received(agency uuid) returns agreement[]
  language sql stable
  as $$
    select coalesce(array_agg(a order by a.id), '{}')
    from agreement a
    where a.recipient_agency_id = agency and agreement_in_force(a)
  $$;
grant execute on function agreements_received(uuid) to reciprocity_app;

-- Still one SQL statement, stable, without security definer or settings, so that callers inline
-- it (0030); the scalar subquery over agreements_received is what runs once per statement.
create or replace function agreements_sharing(agency uuid, owner uuid, discharge char(2), destination char(2), departs timestamptz)
  returns setof agreement
  language sql stable
  as $$
    select a.*
    from unnest((select agreements_received(agency))) as a
    where a.provider_agency_id = owner
      and agreement_terms_cover(a, discharge, destination, departs)
  $$;
