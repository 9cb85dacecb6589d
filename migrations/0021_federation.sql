-- Federation: this node's agency and signing keys, the peers it exchanges with and their pinned
-- keys, the outbox of messages to send and the inbox of messages received. Node-level tables,
-- read and written by the owner role (administrators through the domain), never by request roles.

create table federation_node (
  is_single boolean primary key default true check (is_single),
  agency_id uuid not null references agency(id),
  created_at timestamptz not null default now()
);

-- The node's own Ed25519 keys; the newest unretired one signs. The private key is PKCS#8 PEM.
create table federation_node_key (
  kid text primary key,
  public_pem text not null,
  private_pem text not null,
  created_at timestamptz not null default now(),
  retired_at timestamptz
);

create table federation_peer (
  id uuid primary key default gen_random_uuid(),
  agency_code text not null unique,
  agency_id uuid references agency(id),
  url text not null,
  is_active boolean not null default true,
  created_at timestamptz not null default now()
);

-- Pinned keys of a peer. A rotation pins the new key and gives the old ones a valid_until at the
-- end of the overlap window, so messages signed before the peer switched still verify.
create table federation_peer_key (
  peer_id uuid not null references federation_peer(id),
  kid text not null,
  public_pem text not null,
  added_at timestamptz not null default now(),
  valid_until timestamptz,
  primary key (peer_id, kid)
);

-- The last sequence number given per peer and subject: one row lock orders a subject's messages.
create table federation_subject_seq (
  peer_id uuid not null references federation_peer(id),
  subject text not null,
  last_seq bigint not null,
  primary key (peer_id, subject)
);

create table federation_outbox (
  id bigint generated always as identity primary key,
  message_id uuid not null unique default gen_random_uuid(),
  peer_id uuid not null references federation_peer(id),
  kind text not null,
  subject text not null,
  subject_seq bigint not null,
  body jsonb not null,
  created_at timestamptz not null default clock_timestamp(),
  state text not null default 'pending' check (state in ('pending', 'delivered', 'dead')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default clock_timestamp(),
  locked_until timestamptz,
  last_error text,
  delivered_at timestamptz,
  receipt_status text,
  unique (peer_id, subject, subject_seq)
);
create index federation_outbox_due on federation_outbox (next_attempt_at, id) where state = 'pending';
create index federation_outbox_dead on federation_outbox (id) where state = 'dead';

create table federation_inbox (
  message_id uuid primary key,
  peer_id uuid not null references federation_peer(id),
  kind text not null,
  subject text not null,
  subject_seq bigint not null,
  body jsonb not null,
  created_at timestamptz not null,
  received_at timestamptz not null default clock_timestamp(),
  applied_at timestamptz,
  -- The order in which this node applied its messages, across subjects.
  applied_order bigint,
  envelope text not null,
  unique (peer_id, subject, subject_seq)
);
create sequence federation_applied_order;
create index federation_inbox_waiting on federation_inbox (peer_id, subject, subject_seq) where applied_at is null;

-- The last sequence number applied per peer and subject.
create table federation_inbox_cursor (
  peer_id uuid not null references federation_peer(id),
  subject text not null,
  applied_seq bigint not null default 0,
  primary key (peer_id, subject)
);

-- Refused envelopes, for the operator's view (each one is also in the audit log).
create table federation_rejection (
  id bigint generated always as identity primary key,
  at timestamptz not null default clock_timestamp(),
  sender text,
  message_id uuid,
  reason text not null,
  detail text
);
