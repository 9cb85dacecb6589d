-- Who sees and who writes, stated per table for reads and writes separately.
--
-- An agreement covers a shipment when it is active and in force today, the shipment goes to one of
-- its destination countries, and the shipment departs (ETD, else filing time) within the
-- agreement's term: data from before an agreement began is not shared by it, and nothing is
-- shared after it ends. src/domain/access.ts states the same rule for the application's queries.
create or replace function agreement_covers(a agreement, discharge char(2), destination char(2), departs timestamptz)
  returns boolean
  language sql stable
  as $$
    select a.is_active
      and a.valid_from <= current_date
      and (a.valid_until is null or a.valid_until >= current_date)
      and departs >= a.valid_from::timestamptz
      and (a.valid_until is null or departs < (a.valid_until + 1)::timestamptz)
      and (discharge = any(a.destination_countries) or destination = any(a.destination_countries))
  $$;
grant execute on function agreement_covers(agreement, char, char, timestamptz) to reciprocity_app;

drop policy shipment_visible on shipment;
create policy shipment_visible on shipment for select using (
  owner_agency_id = current_agency_id()
  or exists (
    select 1 from agreement a
    where a.provider_agency_id = shipment.owner_agency_id
      and a.recipient_agency_id = current_agency_id()
      and agreement_covers(a, shipment.discharge_country, shipment.destination_country, coalesce(shipment.etd, shipment.filed_at))
  )
);

-- Goods, containers and versions: seen with their shipment, written only by its owner.
drop policy shipment_goods_visible on shipment_goods;
create policy shipment_goods_visible on shipment_goods for select
  using (exists (select 1 from shipment s where s.id = shipment_id));
create policy shipment_goods_write on shipment_goods for all
  using (exists (select 1 from shipment s where s.id = shipment_id and s.owner_agency_id = current_agency_id()))
  with check (exists (select 1 from shipment s where s.id = shipment_id and s.owner_agency_id = current_agency_id()));

drop policy shipment_container_visible on shipment_container;
create policy shipment_container_visible on shipment_container for select
  using (exists (select 1 from shipment s where s.id = shipment_id));
create policy shipment_container_write on shipment_container for all
  using (exists (select 1 from shipment s where s.id = shipment_id and s.owner_agency_id = current_agency_id()))
  with check (exists (select 1 from shipment s where s.id = shipment_id and s.owner_agency_id = current_agency_id()));

drop policy shipment_version_visible on shipment_version;
create policy shipment_version_visible on shipment_version for select
  using (exists (select 1 from shipment s where s.id = shipment_id));
create policy shipment_version_write on shipment_version for insert
  with check (exists (select 1 from shipment s where s.id = shipment_id and s.owner_agency_id = current_agency_id()));

-- Requests: the host always sees its own; the requester only while the shipment is shared with
-- it (an ended agreement takes the results with it). Only the requester creates a request.
drop policy inspection_request_party on inspection_request;
create policy inspection_request_visible on inspection_request for select using (
  host_agency_id = current_agency_id()
  or (requesting_agency_id = current_agency_id() and exists (select 1 from shipment s where s.id = shipment_id))
);
create policy inspection_request_create on inspection_request for insert with check (
  requesting_agency_id = current_agency_id() and exists (select 1 from shipment s where s.id = shipment_id)
);
create policy inspection_request_update on inspection_request for update
  using (
    host_agency_id = current_agency_id()
    or (requesting_agency_id = current_agency_id() and exists (select 1 from shipment s where s.id = shipment_id))
  )
  with check (current_agency_id() in (requesting_agency_id, host_agency_id));

-- Scans are recorded by the host and seen by whoever sees the request.
drop policy scan_visible on scan;
create policy scan_visible on scan for select
  using (exists (select 1 from inspection_request r where r.id = request_id));
create policy scan_record on scan for insert
  with check (exists (select 1 from inspection_request r where r.id = request_id and r.host_agency_id = current_agency_id()));
create policy scan_amend on scan for update
  using (exists (select 1 from inspection_request r where r.id = request_id and r.host_agency_id = current_agency_id()));

drop policy request_transition_visible on request_transition;
create policy request_transition_visible on request_transition for select
  using (exists (select 1 from inspection_request r where r.id = request_id));
create policy request_transition_write on request_transition for insert
  with check (exists (select 1 from inspection_request r where r.id = request_id));
