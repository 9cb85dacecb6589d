-- Each agency keeps its own voyage schedules and its own inspection request numbers.
--
-- Voyages: a voyage row was shared by every agency, so the first manifest to name a vessel, voyage
-- and port set the ETD and loading cut-off for all of them, and one agency's schedule moved
-- another's request deadlines and "filed after cut-off" findings. Now a voyage belongs to the
-- agency whose shipments sail on it; ingest and schedule changes (src/domain/voyages.ts,
-- src/domain/ingest/voyages.ts) only find, create and update the acting agency's own.
--
-- Request numbers: references came from one global sequence, so a partner could count the other
-- agencies' requests from the gaps in its own. Now each requesting agency numbers its own per year
-- (src/domain/inspection-requests.ts), and its code in the reference keeps references unique.

-- 1. Voyages get an owner: the agency of the shipments that sail on them. A voyage that shipments
--    of several agencies reference stays with the agency that filed first; every other agency
--    gets its own copy of the schedule and its shipments are moved onto it.
alter table voyage add column agency_id uuid references agency(id);
alter table voyage drop constraint voyage_vessel_imo_voyage_no_port_of_loading_key;

update voyage v set agency_id = earliest.owner_agency_id
from (
  select distinct on (voyage_id) voyage_id, owner_agency_id
  from shipment
  where voyage_id is not null
  order by voyage_id, created_at, id
) earliest
where earliest.voyage_id = v.id;

insert into voyage (agency_id, vessel_imo, voyage_no, carrier_scac, port_of_loading, etd, loading_cutoff, is_cutoff_estimated)
select distinct s.owner_agency_id, v.vessel_imo, v.voyage_no, v.carrier_scac, v.port_of_loading, v.etd, v.loading_cutoff, v.is_cutoff_estimated
from shipment s
join voyage v on v.id = s.voyage_id
where s.owner_agency_id <> v.agency_id;

update shipment s set voyage_id = own.id
from voyage shared, voyage own
where s.voyage_id = shared.id
  and s.owner_agency_id <> shared.agency_id
  and own.agency_id = s.owner_agency_id
  and own.vessel_imo = shared.vessel_imo
  and own.voyage_no = shared.voyage_no
  and own.port_of_loading = shared.port_of_loading;

-- Schedules no shipment sails on have no agency to belong to, and no agency could reach them.
delete from voyage where agency_id is null;

alter table voyage alter column agency_id set not null;
alter table voyage add constraint voyage_agency_key unique (agency_id, vessel_imo, voyage_no, port_of_loading);

-- A shipment sails on a voyage of its own agency, never on another's.
alter table voyage add constraint voyage_id_agency_key unique (id, agency_id);
alter table shipment add constraint shipment_voyage_same_agency
  foreign key (voyage_id, owner_agency_id) references voyage (id, agency_id);
create index shipment_voyage on shipment(voyage_id);

-- An agency reads its own voyages, and another agency's only through a shipment it may see (the
-- shipment policies of 0006_visibility.sql decide which); only the owner writes them.
alter table voyage enable row level security;
create policy voyage_visible on voyage for select using (
  agency_id = current_agency_id()
  or exists (select 1 from shipment s where s.voyage_id = voyage.id)
);
create policy voyage_create on voyage for insert with check (agency_id = current_agency_id());
create policy voyage_update on voyage for update
  using (agency_id = current_agency_id())
  with check (agency_id = current_agency_id());

-- A voyage's identity (agency, vessel, voyage number, port) is fixed once created; its schedule is not.
revoke all on voyage from reciprocity_app;
grant select, insert on voyage to reciprocity_app;
grant update (carrier_scac, etd, loading_cutoff, is_cutoff_estimated) on voyage to reciprocity_app;

-- 2. Request numbers per requesting agency and year. The counter row is incremented in the
--    transaction that inserts the request, so numbers are gap-free: a request that is not stored
--    takes its number back, and concurrent requests queue on the row lock.
create table inspection_request_counter (
  agency_id uuid not null references agency(id),
  year int not null,
  last_number int not null check (last_number > 0),
  primary key (agency_id, year)
);

-- Counting continues from the requests each agency has already made under the old numbering.
insert into inspection_request_counter (agency_id, year, last_number)
select requesting_agency_id, extract(year from requested_at at time zone 'UTC')::int, count(*)
from inspection_request
group by 1, 2;

alter table inspection_request_counter enable row level security;
create policy inspection_request_counter_own on inspection_request_counter
  using (agency_id = current_agency_id())
  with check (agency_id = current_agency_id());
grant select, insert on inspection_request_counter to reciprocity_app;
grant update (last_number) on inspection_request_counter to reciprocity_app;

-- References already issued keep their numbers; nothing draws from the global sequence any more.
revoke usage on sequence inspection_request_ref_seq from reciprocity_app;
drop sequence inspection_request_ref_seq;
