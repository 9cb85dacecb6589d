-- Login throttling, shared by every server process through these two tables.
--
-- Policy (the numbers live in src/domain/login-throttle.ts, THROTTLE_POLICY):
--   * Per account, keyed by the normalised username (trimmed, NFKC, lower case), whether or not
--     such a user exists, so the answers do not tell which usernames are real.
--     - The first 5 consecutive failures cost nothing but count.
--     - After the n-th consecutive failure, n = 5..9, the next attempt must wait 2^(n-5) seconds
--       (1, 2, 4, 8, 16 s; capped at 15 minutes).
--     - The 10th consecutive failure, and every one after it, locks the account for 15 minutes.
--     - A successful login, or an admin's unlock, resets the count; an account quiet for 24 hours
--       is forgotten.
--     - One attempt per account at a time: a second one while the first is being checked is
--       refused, so parallel requests cannot squeeze extra guesses through the back-off.
--   * Per client address (IPv6 by /64): after 30 failures within 10 minutes, the address is
--     refused until the oldest of them is 10 minutes old. Successful logins do not count.
--   * Refused attempts get 429 with Retry-After, before any password is checked, and do not
--     count as failures.
--
-- Only the owner reads or writes these tables (login runs before there is an agency to scope
-- to), like user_session: reciprocity_app gets no grant, and row-level security without a policy
-- makes sure a grant added by mistake still shows nothing.

create table login_throttle (
  username_key text primary key,
  -- Consecutive failures since the last success or unlock.
  failures int not null default 0 check (failures >= 0),
  last_failed_at timestamptz,
  -- No attempt is checked before this moment (back-off or lockout).
  blocked_until timestamptz,
  -- Set while one attempt is being checked; a stale value (crashed process) expires.
  attempt_started_at timestamptz,
  updated_at timestamptz not null
);
create index login_throttle_updated on login_throttle(updated_at);

-- One row per attempt from an address, written when the attempt starts and deleted if it
-- succeeds: what remains are failures (and attempts still being checked).
create table login_address_failure (
  id bigint generated always as identity primary key,
  address text not null,
  attempted_at timestamptz not null
);
create index login_address_failure_address on login_address_failure(address, attempted_at);
create index login_address_failure_attempted on login_address_failure(attempted_at);

alter table login_throttle enable row level security;
alter table login_address_failure enable row level security;
revoke all on login_throttle, login_address_failure from public;
