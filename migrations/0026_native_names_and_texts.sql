-- Parties' names in their own script, and texts written as a code with parameters so that each
-- reader sees them in the language of their screens.

-- 1. A party's name in its own script (株式会社ヤマト) beside the name as filed (YAMATO K.K.), when
-- the manifest gives one (CUSCAR NAD name components in Japanese script, the CSV columns
-- `*_name_native`). The list's free-text search finds a shipment by either.
alter table shipment add column shipper_name_native text;
alter table shipment add column consignee_name_native text;
alter table shipment add column notify_name_native text;

-- The staged shipment's columns as in 0018, with the native names taken from the snapshot and
-- added to the search text after each party's name (the same text as src/domain/shipment-text.ts).
create or replace view ingest_stage_shipment as
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
      st.snapshot #>> '{shipper,nativeName}',
      st.snapshot #>> '{consignee,name}',
      st.snapshot #>> '{consignee,nativeName}',
      (select string_agg(c.value ->> 'containerNo', ' ' order by c.n)
         from jsonb_array_elements(st.snapshot -> 'containers') with ordinality c(value, n)),
      (select string_agg((g.value ->> 'hsCode') || ' ' || (g.value ->> 'description'), ' ' order by g.n)
         from jsonb_array_elements(st.snapshot -> 'goods') with ordinality g(value, n))
    )) as search_text,
    st.snapshot #>> '{shipper,nativeName}' as shipper_name_native,
    st.snapshot #>> '{consignee,nativeName}' as consignee_name_native,
    st.snapshot ->> 'notifyNameNative' as notify_name_native
  from ingest_stage st
  where st.action <> 'keep';

-- 2. Notifications carry their wording as a kind with parameters (`params`), which each reader's
-- screens render in their own language; `message` keeps the English sentence for API clients
-- and for notifications written before (those have no parameters and are shown as written).
alter table notification add column params jsonb;

-- Alarms notified by the database (0019, scan_alarm_notify, and any later writer of that kind)
-- get their parameters from the request and the scan that raised them, whoever inserts the row.
create or replace function notification_scan_alarm_params() returns trigger
  language plpgsql security definer set search_path = public
  as $$
  begin
    if new.kind = 'scan_alarm' and new.params is null and new.request_id is not null then
      select jsonb_build_object('reference', r.reference, 'containerNo', r.container_no, 'scanType', s.scan_type, 'outcome', s.outcome)
        into new.params
      from inspection_request r
      left join lateral (
        select sc.scan_type, sc.outcome from scan sc
        where sc.request_id = r.id and sc.outcome in ('alarm', 'anomaly')
        order by (sc.recorded_at = new.created_at) desc, sc.recorded_at desc
        limit 1
      ) s on true
      where r.id = new.request_id;
    end if;
    return new;
  end
  $$;
create trigger notification_scan_alarm_params before insert on notification
  for each row execute function notification_scan_alarm_params();
