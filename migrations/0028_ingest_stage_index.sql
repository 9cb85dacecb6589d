-- Each chunk of an ingest finds its staged rows by stage_id, in some ten statements (0027). The
-- staging table keeps the dead rows of earlier chunks until it is vacuumed (every few chunks by
-- the ingest, src/domain/ingest/run.ts, or by autovacuum), and without an index every one of those
-- statements read them all again: the cost of a chunk grew with the chunks before it. With the
-- index a chunk reads its own rows only.
create index ingest_stage_stage on ingest_stage (stage_id);
