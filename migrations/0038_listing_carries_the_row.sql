-- The listing row (0014) carries every column the work list shows, so that a page reads the
-- listing alone.
--
-- A page joined each of its listing rows to the shipment, its voyage and the vessel. For another
-- agency's page each of those joins went through row-level security: the shipment's policy per
-- row, and the voyage's policy (a voyage is visible through a visible shipment on it) for every
-- voyage of the host, each walking the voyage's shipments until it met a visible one. On the demo
-- world that was most of a partner's page. The listing has its own policy (0014) with the same
-- rule, so reading the shown columns from it changes nothing in who sees what.
--
-- Every writer of listing rows copies them with the rest of the row: the refresh run by the
-- shipment triggers, the rebuild when an agreement changes, and the bulk ingest's rows of a staged
-- chunk (0029, 0035). A voyage's schedule and a vessel's name change apart from their shipments;
-- the triggers below carry those changes to the listing rows that show them.
alter table shipment_listing
  add column owner_agency_id uuid,
  add column carrier_scac text,
  add column port_of_loading char(5),
  add column final_destination char(5),
  add column shipper_name text,
  add column shipper_name_native text,
  add column consignee_name text,
  add column consignee_name_native text,
  add column vessel_name text,
  add column voyage_no text,
  add column loading_cutoff timestamptz;

update shipment_listing l
  set owner_agency_id = s.owner_agency_id, carrier_scac = s.carrier_scac, port_of_loading = s.port_of_loading,
      final_destination = s.final_destination, shipper_name = s.shipper_name, shipper_name_native = s.shipper_name_native,
      consignee_name = s.consignee_name, consignee_name_native = s.consignee_name_native,
      vessel_name = vs.name, voyage_no = v.voyage_no, loading_cutoff = v.loading_cutoff
  from shipment s
  left join voyage v on v.id = s.voyage_id
  left join vessel vs on vs.imo = v.vessel_imo
  where s.id = l.shipment_id;

alter table shipment_listing
  alter column owner_agency_id set not null,
  alter column carrier_scac set not null,
  alter column port_of_loading set not null,
  alter column shipper_name set not null,
  alter column consignee_name set not null;

create or replace function shipment_listing_refresh(p_shipments uuid[]) returns void
  language plpgsql security definer set search_path = public
  as $$
  begin
    delete from shipment_listing where shipment_id = any(p_shipments);
    insert into shipment_listing (agency_id, shipment_id, is_own, via_agreements, etd_key, filed_at, bill_of_lading,
                                  port_of_discharge, score_key, level, hit_count, container_count, hs_codes, search_text,
                                  owner_agency_id, carrier_scac, port_of_loading, final_destination, shipper_name,
                                  shipper_name_native, consignee_name, consignee_name_native, vessel_name, voyage_no,
                                  loading_cutoff)
    select who.agency_id, s.id, who.is_own, who.via, coalesce(s.etd, '-infinity'::timestamptz), s.filed_at, s.bill_of_lading,
           s.port_of_discharge::text, coalesce(sc.score, -1), sc.level, coalesce(jsonb_array_length(sc.hits), 0),
           (select count(*)::int from shipment_container c where c.shipment_id = s.id),
           array(select g.hs_code from shipment_goods g where g.shipment_id = s.id order by g.line_no),
           s.search_text,
           s.owner_agency_id, s.carrier_scac, s.port_of_loading, s.final_destination, s.shipper_name,
           s.shipper_name_native, s.consignee_name, s.consignee_name_native, vs.name, v.voyage_no, v.loading_cutoff
    from shipment s
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
    left join voyage v on v.id = s.voyage_id
    left join vessel vs on vs.imo = v.vessel_imo
    where s.id = any(p_shipments);
  end
  $$;

create or replace function shipment_listing_rebuild_shared(p_provider uuid, p_recipient uuid) returns void
  language plpgsql security definer set search_path = public
  as $$
  begin
    delete from shipment_listing l using shipment s
      where l.shipment_id = s.id and s.owner_agency_id = p_provider and l.agency_id = p_recipient and not l.is_own;
    insert into shipment_listing (agency_id, shipment_id, is_own, via_agreements, etd_key, filed_at, bill_of_lading,
                                  port_of_discharge, score_key, level, hit_count, container_count, hs_codes, search_text,
                                  owner_agency_id, carrier_scac, port_of_loading, final_destination, shipper_name,
                                  shipper_name_native, consignee_name, consignee_name_native, vessel_name, voyage_no,
                                  loading_cutoff)
    select p_recipient, s.id, false, array_agg(a.id order by a.id), coalesce(s.etd, '-infinity'::timestamptz), s.filed_at,
           s.bill_of_lading, s.port_of_discharge::text, coalesce(min(sc.score), -1), min(sc.level),
           coalesce(min(jsonb_array_length(sc.hits)), 0), min(own.container_count), min(own.hs_codes), s.search_text,
           s.owner_agency_id, s.carrier_scac, s.port_of_loading, s.final_destination, s.shipper_name,
           s.shipper_name_native, s.consignee_name, s.consignee_name_native, min(own.vessel_name), min(own.voyage_no),
           min(own.loading_cutoff)
    from shipment s
    join agreement a on a.provider_agency_id = s.owner_agency_id and a.recipient_agency_id = p_recipient
      and agreement_terms_cover(a, s.discharge_country, s.destination_country, coalesce(s.etd, s.filed_at))
    join shipment_listing own on own.shipment_id = s.id and own.agency_id = s.owner_agency_id
    left join shipment_score sc on sc.shipment_id = s.id and sc.agency_id = p_recipient
    where s.owner_agency_id = p_provider
    group by s.id;
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
                                  port_of_discharge, score_key, level, hit_count, container_count, hs_codes, search_text,
                                  owner_agency_id, carrier_scac, port_of_loading, final_destination, shipper_name,
                                  shipper_name_native, consignee_name, consignee_name_native, vessel_name, voyage_no,
                                  loading_cutoff)
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
           s.search_text,
           s.owner_agency_id, s.carrier_scac, s.port_of_loading, s.final_destination, s.shipper_name,
           s.shipper_name_native, s.consignee_name, s.consignee_name_native, vs.name, v.voyage_no, v.loading_cutoff
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
    left join voyage v on v.id = s.voyage_id
    left join vessel vs on vs.imo = v.vessel_imo
    where st.stage_id = p_stage and st.action <> 'keep';
  end
  $$;

-- A voyage's number, vessel or cut-off, and a vessel's name, as the listing rows of its shipments show them.
create or replace function shipment_listing_on_voyage() returns trigger
  language plpgsql security definer set search_path = public
  as $$
  begin
    update shipment_listing l
      set vessel_name = vs.name, voyage_no = new.voyage_no, loading_cutoff = new.loading_cutoff
      from shipment s
      left join vessel vs on vs.imo = new.vessel_imo
      where s.voyage_id = new.id and l.shipment_id = s.id;
    return null;
  end
  $$;

create trigger shipment_listing_voyage_update after update on voyage
  for each row
  when (old.voyage_no is distinct from new.voyage_no or old.vessel_imo is distinct from new.vessel_imo
        or old.loading_cutoff is distinct from new.loading_cutoff)
  execute function shipment_listing_on_voyage();

create or replace function shipment_listing_on_vessel() returns trigger
  language plpgsql security definer set search_path = public
  as $$
  begin
    update shipment_listing l
      set vessel_name = new.name
      from shipment s
      join voyage v on v.id = s.voyage_id
      where v.vessel_imo = new.imo and l.shipment_id = s.id;
    return null;
  end
  $$;

create trigger shipment_listing_vessel_update after update on vessel
  for each row
  when (old.name is distinct from new.name)
  execute function shipment_listing_on_vessel();
