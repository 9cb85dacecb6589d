-- Bulk ingest: each chunk of shipments is COPYed into a staging table, then written to the
-- shipment tables with one INSERT … SELECT per table (src/domain/ingest/store-rows.ts).
--
-- The staging table is unlogged (a crash empties it, and nothing there outlives its transaction:
-- the chunk deletes its rows before it commits) and has no row-level security, so COPY can fill it
-- under the application's role. Row-level security applies where it matters, to the INSERTs from
-- it into the shipment tables. Rows of concurrent chunks are told apart by stage_id.
create unlogged table ingest_stage (
  stage_id uuid not null,
  shipment_id uuid not null,
  version int not null,
  -- insert: a new shipment; update: an amendment or cancellation; keep: the same content again
  -- under a new message (only its message key is recorded).
  action text not null check (action in ('insert', 'update', 'keep')),
  voyage_id uuid,
  message_key text not null,
  message_ref text,
  content_sha256 char(64) not null,
  function text not null,
  -- The shipment as stored in its version (src/domain/ingest/store.ts, snapshotOf); null for keep.
  snapshot jsonb,
  diff jsonb not null default '[]'
);
grant select, insert, delete on ingest_stage to reciprocity_app;

-- The shipment table's columns of each staged shipment, the derived ones computed here: ports and
-- parties from the snapshot, the cancellation flag, and the free-text column that the list's
-- search reads (the same text as src/domain/shipment-text.ts: B/L, parties, containers, goods).
create view ingest_stage_shipment as
  select
    st.stage_id,
    st.action,
    st.shipment_id as id,
    st.version,
    st.snapshot ->> 'billOfLading' as bill_of_lading,
    st.snapshot ->> 'carrierScac' as carrier_scac,
    st.voyage_id,
    st.snapshot ->> 'portOfLoading' as port_of_loading,
    st.snapshot ->> 'portOfDischarge' as port_of_discharge,
    st.snapshot ->> 'finalDestination' as final_destination,
    st.snapshot #>> '{shipper,name}' as shipper_name,
    st.snapshot #>> '{shipper,address}' as shipper_address,
    st.snapshot #>> '{shipper,country}' as shipper_country,
    st.snapshot #>> '{consignee,name}' as consignee_name,
    st.snapshot #>> '{consignee,address}' as consignee_address,
    st.snapshot #>> '{consignee,country}' as consignee_country,
    st.snapshot ->> 'notifyName' as notify_name,
    (st.snapshot ->> 'etd')::timestamptz as etd,
    st.message_ref as last_message_ref,
    st.function = 'cancel' as is_cancelled,
    lower(concat_ws(' ',
      st.snapshot ->> 'billOfLading',
      st.snapshot #>> '{shipper,name}',
      st.snapshot #>> '{consignee,name}',
      (select string_agg(c.value ->> 'containerNo', ' ' order by c.n)
         from jsonb_array_elements(st.snapshot -> 'containers') with ordinality c(value, n)),
      (select string_agg((g.value ->> 'hsCode') || ' ' || (g.value ->> 'description'), ' ' order by g.n)
         from jsonb_array_elements(st.snapshot -> 'goods') with ordinality g(value, n))
    )) as search_text
  from ingest_stage st
  where st.action <> 'keep';
grant select on ingest_stage_shipment to reciprocity_app;

-- The work list (0014) is refreshed by statement triggers on shipments, goods and containers: three
-- passes over the listing rows of every chunk, the last two rewriting rows the first just wrote. A
-- bulk writer that refreshes the listing itself, once, after writing all three tables, says so for
-- its transaction with `reciprocity.listing_refresh = 'caller'`; the triggers then leave the rows
-- to it. Everything else keeps the triggers as before.
create or replace function shipment_listing_on_shipments() returns trigger
  language plpgsql security definer set search_path = public
  as $$
  begin
    if current_setting('reciprocity.listing_refresh', true) = 'caller' then
      return null;
    end if;
    perform shipment_listing_refresh(array(select id from changed));
    return null;
  end
  $$;

create or replace function shipment_listing_on_lines() returns trigger
  language plpgsql security definer set search_path = public
  as $$
  begin
    if current_setting('reciprocity.listing_refresh', true) = 'caller' then
      return null;
    end if;
    update shipment_listing l
      set container_count = (select count(*)::int from shipment_container c where c.shipment_id = l.shipment_id),
          hs_codes = array(select g.hs_code from shipment_goods g where g.shipment_id = l.shipment_id order by g.line_no)
      where l.shipment_id in (select shipment_id from changed);
    return null;
  end
  $$;

-- The refresh a bulk writer calls for a staged chunk: the listing rows of the shipments it
-- inserted or amended, written once with their goods and containers in place.
create or replace function ingest_stage_refresh_listing(p_stage uuid) returns void
  language sql security definer set search_path = public
  as $$
    select shipment_listing_refresh(array(select shipment_id from ingest_stage where stage_id = p_stage and action <> 'keep'))
  $$;
revoke execute on function ingest_stage_refresh_listing(uuid) from public;
grant execute on function ingest_stage_refresh_listing(uuid) to reciprocity_app;
