-- Ingest API tokens get an id to name them by, an expiry, the time of their last use and who
-- revoked them (src/domain/service-accounts.ts).
--
-- Like user_session, only the owner reads or writes api_token: a bearer token is resolved before
-- there is an agency to scope to, and the admin routes filter by the service account's agency
-- themselves. reciprocity_app gets no grant, and row-level security without a policy makes sure a
-- grant added by mistake still shows nothing. The owner is not subject to it, so the bearer lookup
-- is unchanged.

alter table api_token add column id uuid not null default gen_random_uuid() unique;

-- Tokens issued before expiry existed last 90 days from their issue, like new ones by default.
alter table api_token add column expires_at timestamptz;
update api_token set expires_at = created_at + interval '90 days';
alter table api_token alter column expires_at set not null;

-- Written at most once a minute per token, not on every request.
alter table api_token add column last_used_at timestamptz;

alter table api_token add column revoked_by uuid references app_user(id);
alter table api_token add constraint api_token_revoked_by_when_revoked check (revoked_by is null or revoked_at is not null);

create index api_token_user on api_token(user_id, created_at desc);

alter table api_token enable row level security;
revoke all on api_token from public;
