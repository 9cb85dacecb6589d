-- Forgetting remembered sessions in every server process (src/domain/session-memory.ts,
-- src/server/session-feed.ts). Each process answers a session from memory for a moment; when a
-- session ends (logout, an account disabled) or what its actor carries changes (roles, language,
-- the account switched off with the demo accounts), the change tells every listening process on
-- channel `reciprocity_session` as it commits, whichever process or command made it:
--   `session:<token hash>`  that session ended;
--   `user:<user id>`        every session of that account must be read again.
-- PostgreSQL delivers a notification only when its transaction commits, so a process that hears
-- one and reads again finds the change. The payload names a hash of a session that no longer
-- exists, or an account id: nothing a listener could use to act as the user.

create or replace function user_session_ended_notify() returns trigger
  language plpgsql
  set search_path = pg_catalog, public
  as $$
  declare
    hash text;
  begin
    for hash in select e.token_hash from ended e loop
      perform pg_notify('reciprocity_session', 'session:' || hash);
    end loop;
    return null;
  end
  $$;

create trigger user_session_ended_notify after delete on user_session
  referencing old table as ended
  for each statement execute function user_session_ended_notify();

create or replace function app_user_actor_changed_notify() returns trigger
  language plpgsql
  set search_path = pg_catalog, public
  as $$
  begin
    perform pg_notify('reciprocity_session', 'user:' || new.id::text);
    return null;
  end
  $$;

-- The columns an actor is built from (src/domain/auth.ts actorRows); a password change is not
-- among them: sessions already open stay open after a reset (src/domain/users.ts resetPassword).
create trigger app_user_actor_changed_notify
  after update of is_active, roles, language, site_id, display_name, username, agency_id on app_user
  for each row
  when (
    (old.is_active, old.roles, old.language, old.site_id, old.display_name, old.username, old.agency_id)
    is distinct from
    (new.is_active, new.roles, new.language, new.site_id, new.display_name, new.username, new.agency_id)
  )
  execute function app_user_actor_changed_notify();
