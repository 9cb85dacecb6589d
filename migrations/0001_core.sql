-- Core schema: agencies, people, agreements, manifests, inspection requests, scans, audit log.
-- Runs unchanged on PostgreSQL 15 and on embedded PGlite.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'reciprocity_app') then
    create role reciprocity_app nologin;
  end if;
end
$$;

-- The owner switches to reciprocity_app for every request transaction; a non-superuser owner
-- needs membership to do so.
do $$
begin
  if not (select rolsuper from pg_roles where rolname = current_user) then
    execute format('grant reciprocity_app to %I', current_user);
  end if;
end
$$;

create or replace function current_agency_id() returns uuid
  language sql stable
  as $$ select nullif(current_setting('app.agency_id', true), '')::uuid $$;

create table agency (
  id uuid primary key default gen_random_uuid(),
  code text not null unique,
  name text not null,
  country char(2) not null
);

create table site (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null references agency(id),
  locode char(5) not null,
  name text not null,
  unique (agency_id, locode)
);

create table app_user (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null references agency(id),
  username text not null unique,
  display_name text not null,
  password_hash text not null,
  roles text[] not null,
  site_id uuid references site(id),
  is_demo boolean not null default false,
  is_active boolean not null default true,
  created_at timestamptz not null default now()
);

create table user_session (
  token_hash text primary key,
  user_id uuid not null references app_user(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index user_session_user on user_session(user_id);

-- What one agency shares with another: shipments it holds whose port of discharge or final
-- destination lies in one of destination_countries.
create table agreement (
  id uuid primary key default gen_random_uuid(),
  code text not null unique,
  provider_agency_id uuid not null references agency(id),
  recipient_agency_id uuid not null references agency(id),
  destination_countries char(2)[] not null,
  legal_basis text not null,
  valid_from date not null,
  valid_until date,
  is_active boolean not null default true,
  check (provider_agency_id <> recipient_agency_id)
);

create table vessel (
  imo char(7) primary key,
  name text not null,
  flag char(2)
);

create table voyage (
  id uuid primary key default gen_random_uuid(),
  vessel_imo char(7) not null references vessel(imo),
  voyage_no text not null,
  carrier_scac text not null,
  port_of_loading char(5) not null,
  etd timestamptz not null,
  loading_cutoff timestamptz not null,
  unique (vessel_imo, voyage_no, port_of_loading)
);

create table shipment (
  id uuid primary key default gen_random_uuid(),
  owner_agency_id uuid not null references agency(id),
  bill_of_lading text not null,
  carrier_scac text not null,
  voyage_id uuid references voyage(id),
  port_of_loading char(5) not null,
  port_of_discharge char(5) not null,
  final_destination char(5),
  discharge_country char(2) generated always as (substr(port_of_discharge, 1, 2)) stored,
  destination_country char(2) generated always as (substr(coalesce(final_destination, port_of_discharge), 1, 2)) stored,
  shipper_name text not null,
  shipper_address text,
  shipper_country char(2),
  consignee_name text not null,
  consignee_address text,
  consignee_country char(2),
  notify_name text,
  etd timestamptz,
  filed_at timestamptz not null,
  version int not null default 1,
  search_text text not null default '',
  created_at timestamptz not null default now(),
  unique (owner_agency_id, bill_of_lading)
);
create index shipment_etd on shipment(etd, id);
create index shipment_filed on shipment(filed_at, id);
create index shipment_pod on shipment(port_of_discharge);
create index shipment_dest on shipment(destination_country, discharge_country);

create table shipment_goods (
  id uuid primary key default gen_random_uuid(),
  shipment_id uuid not null references shipment(id) on delete cascade,
  line_no int not null,
  hs_code text not null,
  description text not null,
  packages int,
  package_type text,
  gross_weight_kg numeric(12, 1),
  container_no text,
  unique (shipment_id, line_no)
);
create index shipment_goods_hs on shipment_goods(hs_code);
create index shipment_goods_shipment on shipment_goods(shipment_id);

create table shipment_container (
  id uuid primary key default gen_random_uuid(),
  shipment_id uuid not null references shipment(id) on delete cascade,
  container_no char(11) not null,
  size_type text not null,
  seal_no text,
  is_full boolean not null default true,
  unique (shipment_id, container_no)
);
create index shipment_container_no on shipment_container(container_no);

create table inspection_request (
  id uuid primary key default gen_random_uuid(),
  reference text not null unique,
  shipment_id uuid not null references shipment(id),
  container_no char(11) not null,
  agreement_id uuid not null references agreement(id),
  requesting_agency_id uuid not null references agency(id),
  host_agency_id uuid not null references agency(id),
  status text not null check (status in
    ('requested', 'accepted', 'declined', 'withdrawn', 'results_recorded', 'dispositioned')),
  priority text not null check (priority in ('routine', 'high', 'urgent')),
  reason text not null,
  scans_requested text[] not null,
  requested_by uuid not null references app_user(id),
  requested_at timestamptz not null,
  deadline timestamptz,
  decided_by uuid references app_user(id),
  decided_at timestamptz,
  decision_reason text,
  disposition text check (disposition in ('cleared', 'hold', 'do_not_load', 'referred')),
  dispositioned_by uuid references app_user(id),
  dispositioned_at timestamptz,
  updated_at timestamptz not null
);
create sequence inspection_request_ref_seq;
create index inspection_request_status on inspection_request(host_agency_id, status, requested_at);
create index inspection_request_requester on inspection_request(requesting_agency_id, requested_at);
create index inspection_request_shipment on inspection_request(shipment_id);

-- Instrument files and images, content-addressed and never modified.
create table stored_file (
  sha256 char(64) primary key,
  size_bytes int not null,
  media_type text not null,
  content bytea not null,
  created_at timestamptz not null default now()
);

create table scan (
  id uuid primary key default gen_random_uuid(),
  request_id uuid not null references inspection_request(id),
  container_no char(11) not null,
  scan_type text not null check (scan_type in ('radiation_portal', 'isotope_id', 'xray_image', 'physical_exam')),
  outcome text not null check (outcome in ('no_alarm', 'alarm', 'anomaly', 'no_anomaly', 'inconclusive')),
  notes text not null default '',
  officer_id uuid not null references app_user(id),
  site_id uuid references site(id),
  scanned_at timestamptz not null,
  file_sha256 char(64) references stored_file(sha256),
  file_name text,
  recorded_at timestamptz not null
);
create index scan_request on scan(request_id);

-- Append-only audit log. The chain is computed here, in the database, never by the app.
create table audit_event (
  seq bigint primary key,
  occurred_at timestamptz not null default now(),
  agency_ids uuid[] not null,
  actor_user_id uuid,
  actor_agency_id uuid,
  action text not null,
  entity_type text not null,
  entity_id text,
  payload jsonb not null default '{}'::jsonb,
  prev_hash char(64),
  hash char(64) not null
);
create sequence audit_event_seq;
create index audit_event_entity on audit_event(entity_type, entity_id);

create or replace function audit_event_hash(e audit_event) returns char(64)
  language sql immutable
  as $$
    select encode(sha256(convert_to(
      coalesce(e.prev_hash, '') || '|' || e.seq::text || '|' ||
      to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '|' ||
      array_to_string(e.agency_ids, ',') || '|' || coalesce(e.actor_user_id::text, '') || '|' ||
      coalesce(e.actor_agency_id::text, '') || '|' || e.action || '|' || e.entity_type || '|' ||
      coalesce(e.entity_id, '') || '|' || e.payload::text, 'UTF8')), 'hex')
  $$;

create or replace function audit_event_chain() returns trigger
  language plpgsql security definer
  as $$
  declare
    last_hash char(64);
  begin
    -- One writer at a time extends the chain; the lock is held until commit, so sequence order
    -- and chain order agree.
    perform pg_advisory_xact_lock(7212448019);
    new.seq := nextval('audit_event_seq');
    select hash into last_hash from audit_event order by seq desc limit 1;
    new.prev_hash := last_hash;
    new.hash := audit_event_hash(new);
    return new;
  end
  $$;

create trigger audit_event_chain before insert on audit_event
  for each row execute function audit_event_chain();

create or replace function audit_event_immutable() returns trigger
  language plpgsql
  as $$
  begin
    raise exception 'audit_event is append-only' using errcode = '42501';
  end
  $$;

create trigger audit_event_no_update before update or delete on audit_event
  for each row execute function audit_event_immutable();
create trigger audit_event_no_truncate before truncate on audit_event
  for each statement execute function audit_event_immutable();

-- Verifies the whole chain regardless of who may read which rows; returns only a verdict.
create or replace function audit_chain_verify()
  returns table (events bigint, first_broken_seq bigint)
  language sql stable security definer
  as $$
    with ordered as (
      select e.seq, e.hash, e.prev_hash, audit_event_hash(e) as recomputed,
             lag(e.hash) over (order by e.seq) as previous
      from audit_event e
    )
    select (select count(*) from audit_event),
           (select min(seq) from ordered
             where hash <> recomputed or prev_hash is distinct from previous)
  $$;

-- Stores evidence bytes under the hash the database computes itself. Runs as the owner because
-- the bytes may already be stored (and invisible to this agency) from another scan.
create or replace function store_file(data bytea, data_media_type text) returns char(64)
  language plpgsql security definer
  as $$
  declare
    digest char(64) := encode(sha256(data), 'hex');
  begin
    if current_agency_id() is null then
      raise exception 'store_file needs an agency' using errcode = '42501';
    end if;
    insert into stored_file (sha256, size_bytes, media_type, content)
      values (digest, octet_length(data), data_media_type, data)
      on conflict (sha256) do nothing;
    return digest;
  end
  $$;

-- Row-level security: the second line of defence behind src/domain/access.ts.
alter table shipment enable row level security;
create policy shipment_visible on shipment for select using (
  owner_agency_id = current_agency_id()
  or exists (
    select 1 from agreement a
    where a.provider_agency_id = shipment.owner_agency_id
      and a.recipient_agency_id = current_agency_id()
      and a.is_active
      and (shipment.discharge_country = any(a.destination_countries)
           or shipment.destination_country = any(a.destination_countries))
  )
);
create policy shipment_write on shipment for all
  using (owner_agency_id = current_agency_id())
  with check (owner_agency_id = current_agency_id());

alter table shipment_goods enable row level security;
create policy shipment_goods_visible on shipment_goods
  using (exists (select 1 from shipment s where s.id = shipment_id));

alter table shipment_container enable row level security;
create policy shipment_container_visible on shipment_container
  using (exists (select 1 from shipment s where s.id = shipment_id));

alter table inspection_request enable row level security;
create policy inspection_request_party on inspection_request
  using (current_agency_id() in (requesting_agency_id, host_agency_id))
  with check (current_agency_id() in (requesting_agency_id, host_agency_id));

alter table scan enable row level security;
create policy scan_visible on scan
  using (exists (select 1 from inspection_request r where r.id = request_id));

alter table stored_file enable row level security;
create policy stored_file_visible on stored_file for select
  using (exists (select 1 from scan s where s.file_sha256 = stored_file.sha256));

alter table audit_event enable row level security;
create policy audit_event_read on audit_event for select using (current_agency_id() = any(agency_ids));
create policy audit_event_append on audit_event for insert with check (current_agency_id() = any(agency_ids));

grant usage on schema public to reciprocity_app;
grant select on agency, site, agreement, vessel, voyage to reciprocity_app;
grant select (id, agency_id, username, display_name, roles, site_id, is_active) on app_user to reciprocity_app;
grant select, insert, update on shipment, shipment_goods, shipment_container to reciprocity_app;
grant select, insert, update on inspection_request to reciprocity_app;
grant select, insert on scan, audit_event to reciprocity_app;
grant select on stored_file to reciprocity_app;
grant usage on sequence audit_event_seq, inspection_request_ref_seq to reciprocity_app;
grant execute on function current_agency_id(), audit_chain_verify(), store_file(bytea, text) to reciprocity_app;
