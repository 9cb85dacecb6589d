-- Less work per row written by an ingest, for the same rows and the same checks.
--
-- 1. Indexes that no query reads any more. The work list sorts and filters the listing rows
-- (0014: etd, filed, port of discharge, score, level, B/L each have an index there) and the HS
-- chapter filter reads the listing's hs_codes; nothing looks shipments up by ETD, port of
-- discharge or destination, or goods lines by HS code. Each was an index entry more for every
-- shipment or goods line stored. shipment_filed stays (the backtest reads shipments filed since
-- a date), as does the trigram index on the search text (the list's rare-word search, 0029).
drop index if exists shipment_etd;
drop index if exists shipment_pod;
drop index if exists shipment_dest;
drop index if exists shipment_goods_hs;

-- 2. A new shipment version is offered to the federation's peers (0023) once per statement
-- instead of once per row: a node that is no federation node (most of them) now pays one lookup
-- per chunk, not two function calls per version. A federation node shares each version as
-- before, in the order the statement inserted them.
create or replace function federation_capture_versions() returns trigger
  language plpgsql security definer set search_path = public
  as $$
declare
  v shipment_version;
begin
  if not exists (select 1 from federation_node) then
    return null;
  end if;
  for v in select * from added loop
    perform federation_share_version(v, null);
  end loop;
  return null;
end
$$;
revoke execute on function federation_capture_versions() from public;

drop trigger shipment_version_federation on shipment_version;
create trigger shipment_version_federation after insert on shipment_version
  referencing new table as added
  for each statement execute function federation_capture_versions();
drop function federation_capture_shipment();
