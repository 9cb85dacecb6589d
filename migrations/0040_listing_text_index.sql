-- The work list's text index moves from the shipment onto the agency's listing row.
--
-- A text filter first walks the sort order (0029); where the walk finds too few matches it asks an
-- index for the agency's matches and sorts those. That index was the trigram index on
-- shipment.search_text (0014): it finds the word in every agency's shipments, and each candidate
-- then cost a read of its shipment and a look-up of the agency's listing row to see whether the
-- agency may list it. At 1,000,000 shipments a common word absent from the top of the partner's
-- list ("almond" by port of discharge) found 92,182 shipments over 44,771 shipment pages, looked up
-- 92,182 listing rows to keep the partner's 36,587, and looked each of those up again for the page:
-- 1.27 s.
--
-- The listing row already carries the text, the agency and every sort key. Indexed on (agency, text)
-- (btree_gin lets the agency sit in the trigram index), the agency's matches come out of the index
-- alone and each costs one read of its listing row, which holds its sort keys.
--
-- Row-level security keeps the text test out of the index: under a policy only leakproof operators
-- become index conditions, and LIKE is not one. listing_text_matches reads the listing as its owner,
-- with the policy's own test (agency, own or shared by a current agreement) written out, and returns
-- the narrow columns a page sorts and filters on; the page takes its top rows and reads those
-- through the policy.
create extension if not exists btree_gin;

create index shipment_listing_text on shipment_listing using gin (agency_id, search_text gin_trgm_ops);

create or replace function listing_text_matches(pattern text)
  returns table (
    agency_id uuid,
    shipment_id uuid,
    etd_key timestamptz,
    filed_at timestamptz,
    bill_of_lading text,
    port_of_discharge text,
    port_of_loading character(5),
    final_destination character(5),
    score_key double precision,
    level text,
    hs_codes text[]
  )
  language sql stable security definer set search_path = public
  as $$
    select l.agency_id, l.shipment_id, l.etd_key, l.filed_at, l.bill_of_lading, l.port_of_discharge,
           l.port_of_loading, l.final_destination, l.score_key, l.level, l.hs_codes
    from shipment_listing l
    where l.agency_id = current_agency_id()
      and l.search_text like pattern
      and (l.is_own or l.via_agreements && (select current_agreement_ids()))
  $$;
revoke execute on function listing_text_matches(text) from public;
grant execute on function listing_text_matches(text) to reciprocity_app;

-- How many listing rows the agency has, by the planner's statistics (null before the table was
-- first analysed): a text filter weighs walking on against fetching every match from the index,
-- whose count is about the share of matches walked so far times this. The application's role may
-- not read pg_stats for a table under row-level security.
create or replace function listing_rows_estimate() returns double precision
  language sql stable security definer set search_path = public
  as $$
    select c.reltuples * coalesce(
             s.most_common_freqs[array_position(s.most_common_vals::text::uuid[], current_agency_id())],
             1.0 / greatest(s.n_distinct, 1))
    from pg_class c
    join pg_stats s on s.schemaname = 'public' and s.tablename = c.relname and s.attname = 'agency_id' and not s.inherited
    where c.oid = 'shipment_listing'::regclass and c.reltuples >= 0
  $$;
revoke execute on function listing_rows_estimate() from public;
grant execute on function listing_rows_estimate() to reciprocity_app;

-- Nothing else reads the shipment's trigram index or its search function.
drop function shipment_search(text);
drop index shipment_search_trgm;
