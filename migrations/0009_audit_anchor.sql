-- Anchors of the audit chain's head, kept outside the database (src/domain/audit-anchor.ts), reveal
-- a truncated tail: the chain alone still verifies when its newest events are deleted.
-- Like audit_chain_verify(), these answer over the whole chain whoever asks, so they run as the
-- owner; they return positions and verdicts only, never another agency's events. The search path
-- is pinned so a session's temporary tables cannot stand in for audit_event.

-- The newest event and how many events there are (no row when the log is empty).
create or replace function audit_chain_head()
  returns table (seq bigint, hash char(64), events bigint)
  language sql stable security definer
  set search_path = public, pg_temp
  as $$
    select h.seq, h.hash, (select count(*) from audit_event)
    from (select e.seq, e.hash from audit_event e order by e.seq desc limit 1) h
  $$;

-- The anchors (seq, hash pairs) the log no longer holds as given: 'missing' when no event has the
-- seq, 'changed' when its hash differs. `anchor_index` is the anchor's 1-based position in the
-- arrays; rows come in seq order.
create or replace function audit_anchors_check(anchor_seqs bigint[], anchor_hashes text[])
  returns table (anchor_index bigint, problem text)
  language sql stable security definer
  set search_path = public, pg_temp
  as $$
    select a.n, case when e.seq is null then 'missing' else 'changed' end
    from unnest(anchor_seqs, anchor_hashes) with ordinality as a(seq, hash, n)
    left join audit_event e on e.seq = a.seq
    where e.seq is null or e.hash::text <> a.hash
    order by a.seq, a.n
  $$;

revoke execute on function audit_chain_head(), audit_anchors_check(bigint[], text[]) from public;
grant execute on function audit_chain_head(), audit_anchors_check(bigint[], text[]) to reciprocity_app;
