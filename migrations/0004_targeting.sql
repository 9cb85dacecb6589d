-- Targeting: versioned rule sets per agency, scores with their hits, and watchlists.

create table rule_set (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null references agency(id),
  version int not null,
  name text not null,
  definition jsonb not null,
  status text not null default 'draft' check (status in ('draft', 'active', 'retired')),
  created_by uuid references app_user(id),
  created_at timestamptz not null,
  activated_at timestamptz,
  activated_by uuid references app_user(id),
  unique (agency_id, version)
);
create unique index rule_set_one_active on rule_set(agency_id) where status = 'active';

create table shipment_score (
  shipment_id uuid not null references shipment(id) on delete cascade,
  agency_id uuid not null references agency(id),
  rule_set_id uuid not null references rule_set(id),
  shipment_version int not null,
  score numeric(10, 2) not null,
  level text not null check (level in ('low', 'medium', 'high')),
  hits jsonb not null,
  is_random_selected boolean not null default false,
  scored_at timestamptz not null,
  primary key (shipment_id, agency_id)
);
create index shipment_score_rank on shipment_score(agency_id, score desc);

create table watchlist_entry (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null references agency(id),
  kind text not null check (kind in ('party', 'vessel', 'container')),
  value text not null,
  country char(2),
  reason text not null,
  created_by uuid references app_user(id),
  created_at timestamptz not null,
  is_active boolean not null default true
);
create index watchlist_agency on watchlist_entry(agency_id, kind) where is_active;

alter table rule_set enable row level security;
create policy rule_set_own on rule_set using (agency_id = current_agency_id()) with check (agency_id = current_agency_id());
alter table watchlist_entry enable row level security;
create policy watchlist_own on watchlist_entry using (agency_id = current_agency_id()) with check (agency_id = current_agency_id());
alter table shipment_score enable row level security;
create policy shipment_score_own on shipment_score
  using (agency_id = current_agency_id() and exists (select 1 from shipment s where s.id = shipment_id))
  with check (agency_id = current_agency_id() and exists (select 1 from shipment s where s.id = shipment_id));

grant select, insert, update on rule_set, watchlist_entry, shipment_score to reciprocity_app;
