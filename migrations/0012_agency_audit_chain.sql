-- Each agency's own audit chain. The whole chain numbers every event of every agency, so the gaps
-- between the numbers an auditor sees would count the other agencies' activity. Every event is
-- therefore also linked into a chain per agency concerned: numbered 1, 2, 3 … for that agency
-- alone and hashed over what that agency's auditors can read, so they can check their chain
-- without learning anything of the whole. The whole chain stays for the operator.

create table audit_agency_link (
  agency_id uuid not null references agency(id),
  seq bigint not null,
  event_seq bigint not null references audit_event(seq),
  prev_hash char(64),
  hash char(64) not null,
  primary key (agency_id, seq),
  unique (event_seq, agency_id)
);

-- The link's hash covers the event as the agency reads it, the agency's own position and the
-- previous link's hash; never the whole chain's numbers.
create or replace function audit_link_hash(link_agency uuid, link_seq bigint, link_prev char(64), e audit_event) returns char(64)
  language sql immutable
  as $$
    select encode(sha256(convert_to(
      coalesce(link_prev, '') || '|' || link_agency::text || '|' || link_seq::text || '|' ||
      to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '|' ||
      array_to_string(e.agency_ids, ',') || '|' || coalesce(e.actor_user_id::text, '') || '|' ||
      coalesce(e.actor_agency_id::text, '') || '|' || e.action || '|' || e.entity_type || '|' ||
      coalesce(e.entity_id, '') || '|' || e.payload::text, 'UTF8')), 'hex')
  $$;

-- Appends one event to the chain of every agency it concerns. The whole chain's advisory lock,
-- taken before the event was numbered, is held until commit, so links append in event order.
create or replace function audit_agency_link_add(e audit_event) returns void
  language plpgsql security definer
  set search_path = public, pg_temp
  as $$
  declare
    agency uuid;
    last_seq bigint;
    last_hash char(64);
  begin
    foreach agency in array coalesce((select array_agg(distinct a) from unnest(e.agency_ids) a), '{}'::uuid[]) loop
      last_seq := null;
      last_hash := null;
      select l.seq, l.hash into last_seq, last_hash
        from audit_agency_link l where l.agency_id = agency order by l.seq desc limit 1;
      insert into audit_agency_link (agency_id, seq, event_seq, prev_hash, hash)
        values (agency, coalesce(last_seq, 0) + 1, e.seq, last_hash,
                audit_link_hash(agency, coalesce(last_seq, 0) + 1, last_hash, e));
    end loop;
  end
  $$;

create or replace function audit_agency_link_trigger() returns trigger
  language plpgsql security definer
  set search_path = public, pg_temp
  as $$
  begin
    perform audit_agency_link_add(new);
    return null;
  end
  $$;

-- Events already in the log are linked in their order.
do $$
declare
  e audit_event;
begin
  for e in select * from audit_event order by seq loop
    perform audit_agency_link_add(e);
  end loop;
end
$$;

create trigger audit_event_agency_link after insert on audit_event
  for each row execute function audit_agency_link_trigger();

create trigger audit_agency_link_no_update before update or delete on audit_agency_link
  for each row execute function audit_event_immutable();
create trigger audit_agency_link_no_truncate before truncate on audit_agency_link
  for each statement execute function audit_event_immutable();

alter table audit_agency_link enable row level security;
create policy audit_agency_link_read on audit_agency_link for select using (agency_id = current_agency_id());

-- The calling agency's chain: these run as the caller, so row-level security limits them to the
-- agency's own links and the events it may read.

-- The newest link and how many links there are (no row when the agency's log is empty).
create or replace function audit_agency_chain_head()
  returns table (seq bigint, hash char(64), events bigint)
  language sql stable
  set search_path = public, pg_temp
  as $$
    select l.seq, l.hash, l.seq
    from audit_agency_link l
    where l.agency_id = current_agency_id()
    order by l.seq desc
    limit 1
  $$;

-- The first link whose event is gone or changed, whose hash or link to the one before does not
-- check out, or which does not follow the one before it by one.
create or replace function audit_agency_chain_verify()
  returns table (events bigint, first_broken_seq bigint)
  language sql stable
  set search_path = public, pg_temp
  as $$
    with ordered as (
      select l.seq, l.hash, l.prev_hash,
             case when e.seq is null then null else audit_link_hash(l.agency_id, l.seq, l.prev_hash, e) end as recomputed,
             lag(l.hash) over (order by l.seq) as previous,
             lag(l.seq) over (order by l.seq) as previous_seq
      from audit_agency_link l
      left join audit_event e on e.seq = l.event_seq
      where l.agency_id = current_agency_id()
    )
    select (select count(*) from ordered),
           (select min(seq) from ordered
             where recomputed is distinct from hash
                or prev_hash is distinct from previous
                or seq <> coalesce(previous_seq, 0) + 1)
  $$;

-- Anchors (seq, hash pairs) of the agency's chain that it no longer holds as given.
create or replace function audit_agency_anchors_check(anchor_seqs bigint[], anchor_hashes text[])
  returns table (anchor_index bigint, problem text)
  language sql stable
  set search_path = public, pg_temp
  as $$
    select a.n, case when l.seq is null then 'missing' else 'changed' end
    from unnest(anchor_seqs, anchor_hashes) with ordinality as a(seq, hash, n)
    left join audit_agency_link l on l.agency_id = current_agency_id() and l.seq = a.seq
    where l.seq is null or l.hash::text <> a.hash
    order by a.seq, a.n
  $$;

grant select on audit_agency_link to reciprocity_app;
revoke execute on function audit_agency_link_add(audit_event), audit_agency_link_trigger() from public;
grant execute on function audit_link_hash(uuid, bigint, char, audit_event), audit_agency_chain_head(),
  audit_agency_chain_verify(), audit_agency_anchors_check(bigint[], text[]) to reciprocity_app;
