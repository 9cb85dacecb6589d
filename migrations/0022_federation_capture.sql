-- The sending side's hook: every change writes its audit event in its own transaction, and the
-- event already names the agencies that may read about it (the agreement's decision). An event
-- of a shareable kind, made by this node's agency, is copied into the outbox for each active peer
-- whose agency it names — in the same transaction as the change, so a change is never shared
-- without being made, nor made without being shared.

-- Gives the message the next number of its subject for the peer, and queues it.
create or replace function federation_enqueue(p_peer uuid, p_kind text, p_subject text, p_body jsonb, p_created timestamptz)
  returns uuid
  language plpgsql security definer set search_path = public
  as $$
declare
  next_seq bigint;
  new_id uuid;
begin
  insert into federation_subject_seq (peer_id, subject, last_seq) values (p_peer, p_subject, 1)
    on conflict (peer_id, subject) do update set last_seq = federation_subject_seq.last_seq + 1
    returning last_seq into next_seq;
  insert into federation_outbox (peer_id, kind, subject, subject_seq, body, created_at)
    values (p_peer, p_kind, p_subject, next_seq, p_body, coalesce(p_created, clock_timestamp()))
    returning message_id into new_id;
  return new_id;
end
$$;

create or replace function federation_capture() returns trigger
  language plpgsql security definer set search_path = public
  as $$
declare
  message_kind text;
  peer record;
  node_agency uuid;
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
  for peer in
    select id from federation_peer where is_active and agency_id = any(new.agency_ids) and agency_id <> node_agency
  loop
    perform federation_enqueue(
      peer.id,
      message_kind,
      new.entity_type || ':' || new.entity_id,
      jsonb_build_object('requestId', new.entity_id, 'occurredAt', to_char(new.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        || (new.payload - 'requestId' - 'occurredAt'),
      new.occurred_at
    );
  end loop;
  return null;
end
$$;

create trigger audit_event_federation after insert on audit_event
  for each row execute function federation_capture();

revoke execute on function federation_enqueue(uuid, text, text, jsonb, timestamptz), federation_capture() from public;
