-- The registry of inspection equipment (type, model, serial, site) that scans name instead of free
-- text, and alarms that reach the requesting agency's targeters as well as the host's supervisors.

create table device (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null references agency(id),
  -- The kind of scan the device makes.
  device_type text not null check (device_type in ('radiation_portal', 'isotope_id', 'xray_image')),
  model text not null check (length(model) between 1 and 200),
  serial text not null check (length(serial) between 1 and 100),
  site_id uuid references site(id),
  is_active boolean not null default true,
  created_at timestamptz not null,
  unique (agency_id, serial)
);
alter table scan add column device_id uuid references device(id);
create index scan_device on scan(device_id) where device_id is not null;

alter table device enable row level security;
-- The owner manages its equipment; an agency that asked for a scan sees the device that made it.
create policy device_own on device using (agency_id = current_agency_id()) with check (agency_id = current_agency_id());
create policy device_of_visible_scan on device for select
  using (exists (select 1 from scan s where s.device_id = device.id));
grant select, insert, update on device to reciprocity_app;


-- Scans recorded before the registry: each distinct device text becomes a device of the host that
-- used it, typed by the scan it made first, so equipment figures keep their history.
insert into device (agency_id, device_type, model, serial, created_at)
select distinct on (r.host_agency_id, s.device) r.host_agency_id, s.scan_type, s.device, left(s.device, 100), s.recorded_at
from scan s join inspection_request r on r.id = s.request_id
where s.device is not null and s.scan_type in ('radiation_portal', 'isotope_id', 'xray_image')
order by r.host_agency_id, s.device, s.recorded_at
on conflict (agency_id, serial) do nothing;
update scan s set device_id = d.id
from inspection_request r, device d
where r.id = s.request_id and d.agency_id = r.host_agency_id and d.serial = left(s.device, 100) and s.device is not null;

-- An alarm or anomaly tells the host's supervisors, and the requesting agency's targeters when the
-- request is another agency's, whichever way the scan was recorded (screen, API, federation inbox).
create or replace function scan_alarm_notify() returns trigger
  language plpgsql security definer set search_path = public
  as $$
  begin
    if new.outcome in ('alarm', 'anomaly') then
      insert into notification (agency_id, role, kind, request_id, message, created_at)
      select a.agency_id, a.role, 'scan_alarm', r.id,
             r.reference || ' (' || r.container_no || '): ' || replace(new.scan_type, '_', ' ') || ' ' || new.outcome || ' recorded',
             new.recorded_at
      from inspection_request r
      cross join lateral (
        values (r.host_agency_id, 'supervisor'), (r.requesting_agency_id, 'targeter')
      ) as a(agency_id, role)
      where r.id = new.request_id
        and (a.role = 'supervisor' or r.requesting_agency_id <> r.host_agency_id);
    end if;
    return null;
  end
  $$;
