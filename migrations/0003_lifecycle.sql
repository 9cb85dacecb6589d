-- Inspection lifecycle: request types, the full state machine, the clock, analysis on scans,
-- notifications and signing keys for result bundles.

alter table inspection_request drop constraint inspection_request_status_check;
alter table inspection_request add constraint inspection_request_status_check check (status in
  ('requested', 'accepted', 'declined', 'withdrawn', 'scheduled', 'scanning', 'results_recorded', 'dispositioned', 'closed'));
alter table inspection_request add column request_type text not null default 'inspection'
  check (request_type in ('inspection', 'information', 'hold'));
alter table inspection_request add column reason_codes text[] not null default '{}';
alter table inspection_request add column legal_basis text;
alter table inspection_request add column decision_code text;
alter table inspection_request add column scheduled_for timestamptz;
alter table inspection_request add column hold_active boolean not null default false;
alter table inspection_request add column hold_lifted_at timestamptz;
alter table inspection_request add column escalated_at timestamptz;
alter table inspection_request add column missed_at timestamptz;
alter table inspection_request add column miss_reason text;
alter table inspection_request add column first_result_at timestamptz;
alter table inspection_request add column closed_at timestamptz;
alter table inspection_request add column information_response text;

-- Every state change of a request, in order.
create table request_transition (
  id bigint generated always as identity primary key,
  request_id uuid not null references inspection_request(id),
  from_status text,
  to_status text not null,
  action text not null,
  actor_user_id uuid references app_user(id),
  note text,
  at timestamptz not null
);
create index request_transition_request on request_transition(request_id, id);
alter table request_transition enable row level security;
create policy request_transition_visible on request_transition
  using (exists (select 1 from inspection_request r where r.id = request_id));

alter table scan add column device text;
alter table scan add column started_at timestamptz;
alter table scan add column analysis jsonb;
alter table scan add column verdict text;
alter table scan add column is_inconsistent boolean not null default false;
alter table scan add column inconsistency text;

-- In-app notifications: escalations of requests at risk, new requests, results.
create table notification (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null references agency(id),
  role text not null,
  kind text not null,
  request_id uuid references inspection_request(id),
  message text not null,
  created_at timestamptz not null,
  read_at timestamptz
);
create index notification_agency on notification(agency_id, created_at desc);
alter table notification enable row level security;
create policy notification_own on notification using (agency_id = current_agency_id()) with check (agency_id = current_agency_id());

-- Ed25519 keys that sign result bundles; the private half never leaves the owner role.
create table signing_key (
  key_id text primary key,
  agency_id uuid not null references agency(id),
  public_key_pem text not null,
  private_key_pem text not null,
  created_at timestamptz not null default now()
);

grant select, insert on request_transition to reciprocity_app;
grant select, insert, update on notification to reciprocity_app;
grant update (analysis, verdict, is_inconsistent, inconsistency) on scan to reciprocity_app;
grant select (key_id, agency_id, public_key_pem, created_at) on signing_key to reciprocity_app;
