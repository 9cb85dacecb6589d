-- Received messages take effect on this node, and agreements name the peer node they share with.
--
-- * federation_id_map: a peer's id of a shipment or request, and the id of this node's copy. A
--   message speaks of a record by the receiver's id where the sender knows it (from this map),
--   otherwise by the sender's own id, which the receiver maps when it makes its copy.
-- * federation_inbox.failure: why a received message could not take effect (an unknown subject,
--   a domain rule that refused it). Such a message is settled, kept, audited and shown to the
--   operator; later messages of its subject and other subjects go on.
-- * federation_agreement_peer: the peer node an agreement applies to, and which optional groups
--   of shipment fields it shares. Without a row the agreement shares within this database only
--   (the single-node mode).
-- * portal_occupancy: a partner port's radiation portal occupancies, streamed to the host.

create table federation_id_map (
  peer_id uuid not null references federation_peer(id),
  kind text not null check (kind in ('shipment', 'inspection_request')),
  peer_entity_id text not null,
  local_id uuid not null,
  created_at timestamptz not null default clock_timestamp(),
  primary key (peer_id, kind, peer_entity_id),
  unique (peer_id, kind, local_id)
);
create index federation_id_map_local on federation_id_map (kind, local_id);

alter table federation_inbox add column failure text;
create index federation_inbox_failed on federation_inbox (applied_order) where failure is not null;

create table federation_agreement_peer (
  agreement_id uuid primary key references agreement(id),
  peer_id uuid not null references federation_peer(id),
  -- Optional groups of a shipment's fields: parties (shipper, consignee, notify), carrier (SCAC,
  -- vessel IMO), route (final destination). Bill, ports, vessel, voyage, departure, containers
  -- and goods are always part of a shared shipment.
  shared_fields text[] not null default array['parties', 'carrier', 'route']
    check (shared_fields <@ array['parties', 'carrier', 'route']),
  created_at timestamptz not null default clock_timestamp()
);
create index federation_agreement_peer_peer on federation_agreement_peer (peer_id);

create table portal_occupancy (
  id uuid primary key default gen_random_uuid(),
  -- The agency whose node received it (the host) and the agency whose port measured it.
  agency_id uuid not null references agency(id),
  reporting_agency_id uuid not null references agency(id),
  occupancy_ref text not null,
  portal text not null,
  locode text not null,
  container_no text,
  started_at timestamptz not null,
  ended_at timestamptz not null,
  gross_gamma integer[] not null,
  gross_neutron integer[] not null,
  alarms jsonb not null,
  analysis jsonb,
  n42_sha256 char(64) references stored_file(sha256),
  received_at timestamptz not null,
  unique (reporting_agency_id, occupancy_ref)
);
create index portal_occupancy_container on portal_occupancy (container_no, started_at desc);
create index portal_occupancy_recent on portal_occupancy (agency_id, received_at desc);
alter table portal_occupancy enable row level security;
create policy portal_occupancy_visible on portal_occupancy for select
  using (agency_id = current_agency_id() or reporting_agency_id = current_agency_id());
create policy portal_occupancy_report on portal_occupancy for insert
  with check (reporting_agency_id = current_agency_id());
grant select, insert on portal_occupancy to reciprocity_app;

-- The peer's id of a local record, where the record is a copy of one the peer made.
create or replace function federation_peer_id_of(p_peer uuid, p_kind text, p_local uuid) returns text
  language sql stable security definer set search_path = public
  as $$
    select peer_entity_id from federation_id_map where peer_id = p_peer and kind = p_kind and local_id = p_local
  $$;

-- Requests and their steps, as in 0022, now speaking of records by the peer's ids where it has
-- them, and carrying what the receiver needs to make the same change: the shipment and scans of
-- a new request, the notes of a scan.
create or replace function federation_capture() returns trigger
  language plpgsql security definer set search_path = public
  as $$
declare
  message_kind text;
  peer record;
  node_agency uuid;
  req_shipment uuid;
  req_scans text[];
  extra jsonb := '{}'::jsonb;
  entity_uuid uuid;
begin
  message_kind := case new.action
    when 'inspection_request.created' then 'inspection_request.created'
    when 'inspection_request.withdrawn' then 'inspection_request.withdrawn'
    when 'inspection_request.accepted' then 'inspection_request.decided'
    when 'inspection_request.declined' then 'inspection_request.decided'
    when 'scan.recorded' then 'scan.result'
    when 'inspection_request.dispositioned' then 'inspection_request.dispositioned'
    when 'inspection_request.hold_lifted' then 'inspection_request.hold_released'
  end;
  if message_kind is null or new.entity_id is null then
    return null;
  end if;
  -- Only this node's own changes leave it: what a peer sent and this node applied goes nowhere.
  select agency_id into node_agency from federation_node;
  if node_agency is null or new.actor_agency_id is distinct from node_agency then
    return null;
  end if;
  if new.entity_id ~ '^[0-9a-fA-F-]{36}$' then
    entity_uuid := new.entity_id::uuid;
    select r.shipment_id, r.scans_requested::text[] into req_shipment, req_scans from inspection_request r where r.id = entity_uuid;
  end if;
  if message_kind = 'scan.result' and new.payload ? 'scanId' then
    extra := jsonb_build_object('notes', (select nullif(s.notes, '') from scan s where s.id::text = new.payload ->> 'scanId'));
  end if;
  for peer in
    select id from federation_peer where is_active and agency_id = any(new.agency_ids) and agency_id <> node_agency
  loop
    if message_kind = 'inspection_request.created' and req_shipment is not null then
      extra := jsonb_build_object(
        'shipmentId', coalesce(federation_peer_id_of(peer.id, 'shipment', req_shipment), req_shipment::text),
        'scansRequested', to_jsonb(req_scans));
    end if;
    perform federation_enqueue(
      peer.id,
      message_kind,
      new.entity_type || ':' || new.entity_id,
      jsonb_build_object(
        'requestId', coalesce(case when entity_uuid is null then null else federation_peer_id_of(peer.id, 'inspection_request', entity_uuid) end, new.entity_id),
        'occurredAt', to_char(new.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        || (new.payload - 'requestId' - 'occurredAt')
        || extra,
      new.occurred_at
    );
  end loop;
  return null;
end
$$;

-- A shipment's version (new, amended, cancelled) goes to each peer whose agreement with this node
-- covers it: shared the first time, amended after, withdrawn when cancelled or when it no longer
-- falls under the agreement. Only this node's own shipments leave it, in the transaction that
-- stored them; the body is the version's snapshot cut to the fields the agreement shares.
create or replace function federation_share_version(ver shipment_version, only_peer uuid) returns integer
  language plpgsql security definer set search_path = public
  as $$
declare
  queued integer := 0;
  node_agency uuid;
  s record;
  link record;
  snap jsonb := ver.snapshot;
  v_subject text := 'shipment:' || ver.shipment_id;
  was_shared boolean;
  is_covered boolean;
  body jsonb;
begin
  select agency_id into node_agency from federation_node;
  if node_agency is null then
    return 0;
  end if;
  select sh.owner_agency_id, sh.discharge_country, sh.destination_country, coalesce(sh.etd, sh.filed_at) as departs, sh.is_cancelled
    into s from shipment sh where sh.id = ver.shipment_id;
  if s.owner_agency_id is distinct from node_agency then
    return 0;
  end if;
  for link in
    select distinct on (p.id) p.id as peer_id, ap.shared_fields, ag.code,
           agreement_covers(ag, s.discharge_country, s.destination_country, s.departs) as covers
      from federation_agreement_peer ap
      join agreement ag on ag.id = ap.agreement_id
      join federation_peer p on p.id = ap.peer_id
     where p.is_active and ag.provider_agency_id = node_agency and ag.recipient_agency_id = p.agency_id
       and (only_peer is null or p.id = only_peer)
     order by p.id, agreement_covers(ag, s.discharge_country, s.destination_country, s.departs) desc, ag.code
  loop
    was_shared := exists (select 1 from federation_subject_seq q where q.peer_id = link.peer_id and q.subject = v_subject);
    is_covered := link.covers and not s.is_cancelled and ver.function <> 'cancel';
    if not is_covered then
      if was_shared then
        perform federation_enqueue(link.peer_id, 'shipment.withdrawn', v_subject,
          jsonb_build_object('shipmentId', ver.shipment_id::text,
                             'reason', case when s.is_cancelled or ver.function = 'cancel' then 'cancelled' else 'outside_agreement' end),
          case when only_peer is null then ver.recorded_at else clock_timestamp() end);
        queued := queued + 1;
      end if;
      continue;
    end if;
    body := jsonb_build_object(
      'shipmentId', ver.shipment_id::text,
      'version', ver.version,
      'billOfLading', snap ->> 'billOfLading',
      'containers', coalesce((select jsonb_agg(c ->> 'containerNo') from jsonb_array_elements(snap -> 'containers') c), '[]'::jsonb),
      'portOfLoading', snap ->> 'portOfLoading',
      'portOfDischarge', snap ->> 'portOfDischarge',
      'vesselName', left(snap ->> 'vesselName', 70),
      'voyageNumber', left(snap ->> 'voyageNo', 17),
      'departureAt', case when snap ->> 'etd' is null then null
                          else to_char((snap ->> 'etd')::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') end,
      'goods', coalesce((select jsonb_agg(jsonb_build_object(
                  'hsCode', case when length(regexp_replace(coalesce(g ->> 'hsCode', ''), '\D', '', 'g')) between 4 and 10
                                 then regexp_replace(g ->> 'hsCode', '\D', '', 'g') end,
                  'description', left(coalesce(g ->> 'description', ''), 512)))
                from jsonb_array_elements(snap -> 'goods') g), '[]'::jsonb));
    if 'parties' = any(link.shared_fields) then
      body := body || jsonb_build_object(
        'shipper', jsonb_build_object('name', left(snap -> 'shipper' ->> 'name', 200), 'country', snap -> 'shipper' -> 'country'),
        'consignee', jsonb_build_object('name', left(snap -> 'consignee' ->> 'name', 200), 'country', snap -> 'consignee' -> 'country'),
        'notifyName', left(snap ->> 'notifyName', 200));
    end if;
    if 'carrier' = any(link.shared_fields) then
      body := body || jsonb_build_object('carrierScac', nullif(snap ->> 'carrierScac', ''), 'vesselImo', snap -> 'vesselImo');
    end if;
    if 'route' = any(link.shared_fields) then
      body := body || jsonb_build_object('finalDestination', snap -> 'finalDestination');
    end if;
    perform federation_enqueue(link.peer_id, case when was_shared then 'shipment.amended' else 'shipment.shared' end,
      v_subject, body || jsonb_build_object('agreement', link.code),
      -- A version shared when its agreement is bound to the peer enters the queue now.
      case when only_peer is null then ver.recorded_at else clock_timestamp() end);
    queued := queued + 1;
  end loop;
  return queued;
end
$$;

create or replace function federation_capture_shipment() returns trigger
  language plpgsql security definer set search_path = public
  as $$
begin
  perform federation_share_version(new, null);
  return null;
end
$$;

-- When an agreement is bound to a peer, the shipments it already covers are shared with it once
-- (their current version); returns how many messages were queued.
create or replace function federation_share_existing(p_peer uuid) returns integer
  language sql security definer set search_path = public
  as $$
    select coalesce(sum(federation_share_version(v, p_peer)), 0)::integer
      from shipment s
      join shipment_version v on v.shipment_id = s.id and v.version = s.version
     where s.owner_agency_id = (select agency_id from federation_node)
       and not s.is_cancelled
       and not exists (select 1 from federation_subject_seq q where q.peer_id = p_peer and q.subject = 'shipment:' || s.id)
  $$;

create trigger shipment_version_federation after insert on shipment_version
  for each row execute function federation_capture_shipment();

revoke execute on function federation_capture_shipment(), federation_peer_id_of(uuid, text, uuid), federation_share_version(shipment_version, uuid), federation_share_existing(uuid) from public;
