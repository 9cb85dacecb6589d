-- An agreement shares data only between its start and end dates.
drop policy shipment_visible on shipment;
create policy shipment_visible on shipment for select using (
  owner_agency_id = current_agency_id()
  or exists (
    select 1 from agreement a
    where a.provider_agency_id = shipment.owner_agency_id
      and a.recipient_agency_id = current_agency_id()
      and a.is_active
      and a.valid_from <= current_date
      and (a.valid_until is null or a.valid_until >= current_date)
      and (shipment.discharge_country = any(a.destination_countries)
           or shipment.destination_country = any(a.destination_countries))
  )
);
