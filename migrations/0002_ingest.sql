-- Manifest ingest: batches, idempotent messages, shipment versions, container events, quarantine.

alter table shipment add column is_cancelled boolean not null default false;
alter table shipment add column last_message_ref text;
alter table voyage add column is_cutoff_estimated boolean not null default false;

-- Service accounts (ingest API tokens) are users that cannot log in with a password.
alter table app_user add column is_service boolean not null default false;

create table api_token (
  token_hash text primary key,
  user_id uuid not null references app_user(id),
  name text not null,
  created_by uuid references app_user(id),
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

create table ingest_batch (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null references agency(id),
  file_name text not null,
  format text not null,
  content_sha256 char(64) not null,
  size_bytes bigint not null,
  received_by uuid references app_user(id),
  received_at timestamptz not null,
  status text not null default 'running' check (status in ('running', 'completed')),
  messages int not null default 0,
  shipments int not null default 0,
  containers int not null default 0,
  events int not null default 0,
  errors int not null default 0,
  warnings int not null default 0,
  report jsonb not null default '{}'::jsonb,
  completed_at timestamptz
);
create index ingest_batch_agency on ingest_batch(agency_id, received_at desc);

-- One row per message (EDIFACT UNH, X12 ST, CSV B/L group) ever accepted: the same message twice
-- changes nothing.
create table ingest_message (
  agency_id uuid not null references agency(id),
  message_key text not null,
  content_sha256 char(64) not null,
  batch_id uuid not null references ingest_batch(id),
  received_at timestamptz not null,
  primary key (agency_id, message_key)
);

create table shipment_version (
  shipment_id uuid not null references shipment(id) on delete cascade,
  version int not null,
  function text not null check (function in ('original', 'replace', 'cancel')),
  message_ref text,
  batch_id uuid references ingest_batch(id),
  snapshot jsonb not null,
  diff jsonb not null default '[]'::jsonb,
  recorded_at timestamptz not null,
  primary key (shipment_id, version)
);

create table container_event (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null references agency(id),
  container_no text not null,
  event_type text not null,
  event_time timestamptz,
  place text,
  vessel_imo text,
  voyage_no text,
  bill_of_lading text,
  status_code text,
  is_planned boolean not null,
  batch_id uuid references ingest_batch(id),
  message_ref text,
  recorded_at timestamptz not null
);
create unique index container_event_once on container_event
  (agency_id, container_no, event_type, coalesce(event_time, 'epoch'::timestamptz), coalesce(place, ''), is_planned);
create index container_event_container on container_event(container_no, event_time);

create table quarantine_record (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null references agency(id),
  batch_id uuid not null references ingest_batch(id),
  format text not null,
  location text not null,
  reasons jsonb not null,
  raw_text text not null,
  record jsonb,
  status text not null default 'open' check (status in ('open', 'resubmitted', 'dismissed')),
  resolved_batch_id uuid references ingest_batch(id),
  resolved_by uuid references app_user(id),
  resolved_at timestamptz,
  created_at timestamptz not null
);
create index quarantine_open on quarantine_record(agency_id, status, created_at desc);

alter table ingest_batch enable row level security;
create policy ingest_batch_own on ingest_batch using (agency_id = current_agency_id()) with check (agency_id = current_agency_id());
alter table ingest_message enable row level security;
create policy ingest_message_own on ingest_message using (agency_id = current_agency_id()) with check (agency_id = current_agency_id());
alter table container_event enable row level security;
create policy container_event_own on container_event using (agency_id = current_agency_id()) with check (agency_id = current_agency_id());
alter table quarantine_record enable row level security;
create policy quarantine_own on quarantine_record using (agency_id = current_agency_id()) with check (agency_id = current_agency_id());
alter table shipment_version enable row level security;
create policy shipment_version_visible on shipment_version
  using (exists (select 1 from shipment s where s.id = shipment_id));

grant select, insert on ingest_message, shipment_version, container_event to reciprocity_app;
grant select, insert, update on ingest_batch to reciprocity_app;
grant delete on shipment_goods, shipment_container to reciprocity_app;
grant select, insert, update on quarantine_record to reciprocity_app;
grant select, insert on vessel to reciprocity_app;
grant select, insert, update on voyage to reciprocity_app;
grant select (is_service) on app_user to reciprocity_app;
