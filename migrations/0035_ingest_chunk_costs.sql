-- Less work per chunk of an ingest, for the same rows (src/domain/ingest/store-rows.ts).
--
-- 1. A chunk that amends nothing (most of them) skips the amendment statements: the shipments'
-- update, the deletes of their goods, containers and listing rows each cost a scan of the stage
-- and, in a PL/pgSQL function, a plan per call, to find no rows.
--
-- 2. The listing row's container count is the number of distinct container numbers of the
-- snapshot, as before, counted over a DISTINCT ON subquery (a sort and a unique step, as the goods
-- codes beside it): count(distinct …) sets up a sort inside the aggregate for every shipment, and
-- a plain DISTINCT a hash table, either of which cost more than the rest of the row on the
-- embedded engine.
--
-- 3. The scoring queue kept two indexes that lead to the same rows: (agency_id, shipment_id) for
-- "is this shipment queued for this agency" (src/domain/targeting/scoring.ts) and (shipment_id)
-- for the cascade when a shipment is deleted. One index on (shipment_id, agency_id) serves both,
-- and every listing row an ingest writes queues a request: one index entry less for each.
create or replace function ingest_stage_write(p_stage uuid, p_agency uuid, p_batch uuid, p_now timestamptz)
  returns void
  language plpgsql
  set search_path = public
  as $$
  begin
    -- The work list is written once for the chunk, after all three tables (0018).
    perform set_config('reciprocity.listing_refresh', 'caller', true);

    insert into shipment (id, owner_agency_id, filed_at, bill_of_lading, carrier_scac, voyage_id, port_of_loading,
                          port_of_discharge, final_destination, shipper_name, shipper_address, shipper_country,
                          consignee_name, consignee_address, consignee_country, notify_name, etd, last_message_ref,
                          is_cancelled, search_text, shipper_name_native, consignee_name_native, notify_name_native)
    select id, p_agency, p_now, bill_of_lading, carrier_scac, voyage_id, port_of_loading,
           port_of_discharge, final_destination, shipper_name, shipper_address, shipper_country,
           consignee_name, consignee_address, consignee_country, notify_name, etd, last_message_ref,
           is_cancelled, search_text, shipper_name_native, consignee_name_native, notify_name_native
    from ingest_stage_shipment where stage_id = p_stage and action = 'insert';

    -- Amendments: the row rewritten with its next version, its goods and containers written again.
    -- Most chunks amend nothing; they skip these statements (and their planning) altogether.
    if exists (select 1 from ingest_stage where stage_id = p_stage and action = 'update') then
      update shipment s
        set bill_of_lading = st.bill_of_lading, carrier_scac = st.carrier_scac, voyage_id = st.voyage_id,
            port_of_loading = st.port_of_loading, port_of_discharge = st.port_of_discharge,
            final_destination = st.final_destination, shipper_name = st.shipper_name,
            shipper_address = st.shipper_address, shipper_country = st.shipper_country,
            consignee_name = st.consignee_name, consignee_address = st.consignee_address,
            consignee_country = st.consignee_country, notify_name = st.notify_name, etd = st.etd,
            last_message_ref = st.last_message_ref, is_cancelled = st.is_cancelled, search_text = st.search_text,
            shipper_name_native = st.shipper_name_native, consignee_name_native = st.consignee_name_native,
            notify_name_native = st.notify_name_native,
            filed_at = p_now, version = st.version
        from ingest_stage_shipment st
        where st.stage_id = p_stage and st.action = 'update' and s.id = st.id;
      delete from shipment_goods
        where shipment_id in (select shipment_id from ingest_stage where stage_id = p_stage and action = 'update');
      delete from shipment_container
        where shipment_id in (select shipment_id from ingest_stage where stage_id = p_stage and action = 'update');
    end if;

    -- A line number given twice keeps its first line; a container listed twice is stored once, as
    -- last listed.
    insert into shipment_goods (shipment_id, line_no, hs_code, description, packages, package_type, gross_weight_kg, container_no)
    select distinct on (st.shipment_id, g."lineNo")
      st.shipment_id, g."lineNo", g."hsCode", g.description, g.packages, g."packageType", g."grossWeightKg", g."containerNo"
    from ingest_stage st
    cross join rows from (jsonb_to_recordset(st.snapshot -> 'goods')
      as ("lineNo" int, "hsCode" text, description text, packages int, "packageType" text, "grossWeightKg" numeric, "containerNo" text))
      with ordinality as g("lineNo", "hsCode", description, packages, "packageType", "grossWeightKg", "containerNo", n)
    where st.stage_id = p_stage and st.action <> 'keep'
    order by st.shipment_id, g."lineNo", g.n;

    insert into shipment_container (shipment_id, container_no, size_type, seal_no, is_full)
    select distinct on (st.shipment_id, c.value ->> 'containerNo')
      st.shipment_id, c.value ->> 'containerNo', c.value ->> 'sizeType', c.value ->> 'sealNo', (c.value ->> 'isFull')::boolean
    from ingest_stage st
    cross join jsonb_array_elements(st.snapshot -> 'containers') with ordinality c(value, n)
    where st.stage_id = p_stage and st.action <> 'keep'
    order by st.shipment_id, c.value ->> 'containerNo', c.n desc;

    insert into shipment_version (shipment_id, version, function, message_ref, batch_id, snapshot, diff, recorded_at)
    select shipment_id, version, function, message_ref, p_batch, snapshot, diff, p_now
    from ingest_stage where stage_id = p_stage and action <> 'keep';

    -- Every message of the chunk, the unchanged ones too: the same message again changes nothing.
    insert into ingest_message (agency_id, message_key, content_sha256, batch_id, received_at)
    select p_agency, message_key, content_sha256, p_batch, p_now
    from ingest_stage where stage_id = p_stage
    on conflict (agency_id, message_key) do nothing;

    perform ingest_stage_listing(p_stage);
    perform set_config('reciprocity.listing_refresh', '', true);
    delete from ingest_stage where stage_id = p_stage;
  end
  $$;

create or replace function ingest_stage_listing(p_stage uuid) returns void
  language plpgsql security definer set search_path = public
  as $$
  begin
    if exists (select 1 from ingest_stage where stage_id = p_stage and action = 'update') then
      delete from shipment_listing l using ingest_stage st
        where st.stage_id = p_stage and st.action = 'update' and l.shipment_id = st.shipment_id;
    end if;
    insert into shipment_listing (agency_id, shipment_id, is_own, via_agreements, etd_key, filed_at, bill_of_lading,
                                  port_of_discharge, score_key, level, hit_count, container_count, hs_codes, search_text)
    select who.agency_id, s.id, who.is_own, who.via, coalesce(s.etd, '-infinity'::timestamptz), s.filed_at, s.bill_of_lading,
           s.port_of_discharge::text, coalesce(sc.score, -1), sc.level, coalesce(jsonb_array_length(sc.hits), 0),
           (select count(*)::int from (
             select distinct on (c.value ->> 'containerNo') 1
             from jsonb_array_elements(st.snapshot -> 'containers') c
             order by c.value ->> 'containerNo') d),
           array(select g.code from (
                   select distinct on (g."lineNo") g."lineNo", g."hsCode" as code
                   from rows from (jsonb_to_recordset(st.snapshot -> 'goods') as ("lineNo" int, "hsCode" text))
                     with ordinality as g("lineNo", "hsCode", n)
                   order by g."lineNo", g.n) g
                 order by g."lineNo"),
           s.search_text
    from ingest_stage st
    join shipment s on s.id = st.shipment_id and s.owner_agency_id = current_agency_id()
    cross join lateral (
      select s.owner_agency_id as agency_id, true as is_own, '{}'::uuid[] as via
      union all
      select a.recipient_agency_id, false, array_agg(a.id order by a.id)
      from agreement a
      where a.provider_agency_id = s.owner_agency_id
        and agreement_terms_cover(a, s.discharge_country, s.destination_country, coalesce(s.etd, s.filed_at))
      group by a.recipient_agency_id
    ) who
    left join shipment_score sc on sc.shipment_id = s.id and sc.agency_id = who.agency_id
    where st.stage_id = p_stage and st.action <> 'keep';
  end
  $$;

drop index if exists score_request_shipment;
drop index if exists score_request_of_shipment;
create index score_request_shipment on score_request (shipment_id, agency_id);
