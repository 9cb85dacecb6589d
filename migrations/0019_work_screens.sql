-- Work screens: notifications each user can dismiss, alarms that reach the host supervisor, and
-- the request queues' deadline order.

-- A user's dismissal of one notification; the notification stays for the others it concerns.
create table notification_dismissal (
  notification_id uuid not null references notification(id),
  user_id uuid not null references app_user(id),
  agency_id uuid not null references agency(id),
  dismissed_at timestamptz not null,
  primary key (notification_id, user_id)
);
alter table notification_dismissal enable row level security;
create policy notification_dismissal_own on notification_dismissal using (agency_id = current_agency_id()) with check (agency_id = current_agency_id());
grant select, insert on notification_dismissal to reciprocity_app;

-- A scan that alarms, or an image with an anomaly, tells the host's supervisors at once, whichever
-- way it was recorded (screen, API, federation inbox).
create or replace function scan_alarm_notify() returns trigger
  language plpgsql security definer set search_path = public
  as $$
  begin
    if new.outcome in ('alarm', 'anomaly') then
      insert into notification (agency_id, role, kind, request_id, message, created_at)
      select r.host_agency_id, 'supervisor', 'scan_alarm', r.id,
             r.reference || ' (' || r.container_no || '): ' || replace(new.scan_type, '_', ' ') || ' ' || new.outcome || ' recorded',
             new.recorded_at
      from inspection_request r where r.id = new.request_id;
    end if;
    return null;
  end
  $$;
create trigger scan_alarm_notify after insert on scan for each row execute function scan_alarm_notify();

-- Queues walk the agency's requests by deadline.
create index inspection_request_host_deadline on inspection_request (host_agency_id, deadline, id);
create index inspection_request_requester_deadline on inspection_request (requesting_agency_id, deadline, id);
