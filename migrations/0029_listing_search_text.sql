-- The work list's free-text filter reads the text from the listing row itself.
--
-- A filtered page walks the sort order of the agency's listing (0014) and tests each row's text:
-- with the text on the shipment, every row walked cost a read of its shipment row, most of them
-- cold, even when the word turned out not to be there. Carried on the listing row, the text is on
-- the page the walk reads anyway, and a common word fills a page after a few hundred rows. A rare
-- word still goes to the trigram index on shipment.search_text (shipment_search, 0014), which
-- finds its few shipments without walking the order.
alter table shipment_listing add column search_text text not null default '';

update shipment_listing l
  set search_text = s.search_text
  from shipment s
  where s.id = l.shipment_id and s.search_text <> '';

-- Every writer of listing rows copies the shipment's text with the rest of the row: the refresh
-- run by the shipment triggers (0014), the rebuild when an agreement changes (0014), and the
-- bulk ingest's rows of a staged chunk (0027). Each is as before but for the one column.
create or replace function shipment_listing_refresh(p_shipments uuid[]) returns void
  language plpgsql security definer set search_path = public
  as $$
  begin
    delete from shipment_listing where shipment_id = any(p_shipments);
    insert into shipment_listing (agency_id, shipment_id, is_own, via_agreements, etd_key, filed_at, bill_of_lading,
                                  port_of_discharge, score_key, level, hit_count, container_count, hs_codes, search_text)
    select who.agency_id, s.id, who.is_own, who.via, coalesce(s.etd, '-infinity'::timestamptz), s.filed_at, s.bill_of_lading,
           s.port_of_discharge::text, coalesce(sc.score, -1), sc.level, coalesce(jsonb_array_length(sc.hits), 0),
           (select count(*)::int from shipment_container c where c.shipment_id = s.id),
           array(select g.hs_code from shipment_goods g where g.shipment_id = s.id order by g.line_no),
           s.search_text
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
                                  port_of_discharge, score_key, level, hit_count, container_count, hs_codes, search_text)
    select p_recipient, s.id, false, array_agg(a.id order by a.id), coalesce(s.etd, '-infinity'::timestamptz), s.filed_at,
           s.bill_of_lading, s.port_of_discharge::text, coalesce(min(sc.score), -1), min(sc.level),
           coalesce(min(jsonb_array_length(sc.hits)), 0), min(own.container_count), min(own.hs_codes), s.search_text
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
    delete from shipment_listing l using ingest_stage st
      where st.stage_id = p_stage and st.action = 'update' and l.shipment_id = st.shipment_id;
    insert into shipment_listing (agency_id, shipment_id, is_own, via_agreements, etd_key, filed_at, bill_of_lading,
                                  port_of_discharge, score_key, level, hit_count, container_count, hs_codes, search_text)
    select who.agency_id, s.id, who.is_own, who.via, coalesce(s.etd, '-infinity'::timestamptz), s.filed_at, s.bill_of_lading,
           s.port_of_discharge::text, coalesce(sc.score, -1), sc.level, coalesce(jsonb_array_length(sc.hits), 0),
           (select count(distinct c.value ->> 'containerNo')::int from jsonb_array_elements(st.snapshot -> 'containers') c),
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
