-- Clearing a container against its radiation results, and telling both agencies about possible
-- special nuclear material at once (src/domain/clearance-guard.ts, src/domain/snm-alert.ts).

-- 1. A host supervisor's override that let a request be cleared although its scans found SNM, an
--    industrial source, an unexplained alarm, a result that contradicts the declaration, or advised
--    reach-back. Kept with the disposition step it allowed: who, when, why, and the findings it
--    overrode as they stood. Seen by both parties of the request; never changed.
create table disposition_override (
  id uuid primary key default gen_random_uuid(),
  request_id uuid not null references inspection_request(id),
  transition_id bigint not null unique references request_transition(id),
  disposition text not null check (disposition = 'cleared'),
  reason text not null check (char_length(reason) between 1 and 2000),
  findings jsonb not null,
  overridden_by uuid not null references app_user(id),
  overridden_at timestamptz not null
);
create index disposition_override_request on disposition_override(request_id);

alter table disposition_override enable row level security;
create policy disposition_override_visible on disposition_override for select
  using (exists (select 1 from inspection_request r where r.id = request_id));
-- Only the host records one, and only in the name of one of its own supervisors.
create policy disposition_override_record on disposition_override for insert
  with check (
    exists (select 1 from inspection_request r where r.id = request_id and r.host_agency_id = current_agency_id())
    and exists (select 1 from app_user u where u.id = overridden_by and u.agency_id = current_agency_id() and 'supervisor' = any(u.roles))
  );
grant select, insert on disposition_override to reciprocity_app;

-- 2. A notification otherwise stays within its agency. The host that records a scan showing
--    possible SNM also notifies the requesting agency's supervisors, for that request only.
create policy notification_to_request_party on notification for insert
  with check (
    notification.request_id is not null
    and exists (
      select 1 from inspection_request r
      where r.id = notification.request_id
        and r.host_agency_id = current_agency_id()
        and notification.agency_id in (r.host_agency_id, r.requesting_agency_id)
    )
  );
