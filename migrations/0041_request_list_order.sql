-- The list of inspection requests walks an index in the order it shows, and stops at its page.
--
-- Requests are listed newest first or by deadline (requests without one last), for whichever of
-- its two parties asks: row-level security lets an agency see the requests it hosts or made
-- (0006). No index served either order for that "or", so every page read each request the agency
-- may see, with its shipment, and sorted them: at 23,000 requests (a year of a busy port), 400 to
-- 450 ms for any page of the officer's queue without a status filter, the same for the closed
-- ones. An index on each order, across agencies, lets the page walk from its cursor and test the
-- policy on the rows it passes; the two parties of a request pair see most of each other's, so the
-- walk passes few rows it cannot show.
create index inspection_request_by_requested on inspection_request (requested_at, id);

-- The deadline order's key is a column of its own: under row-level security a page's cursor can
-- start the walk only if its comparison is leakproof, and a comparison of a coalesce() is not
-- taken for one, so a later page would test every request from the top of the list down to its
-- place. The constant is the list's (NO_DEADLINE in src/domain/inspection-requests/list.ts).
alter table inspection_request add column deadline_key timestamptz
  generated always as (coalesce(deadline, '9999-12-31T00:00:00.000Z'::timestamptz)) stored;
create index inspection_request_by_deadline on inspection_request (deadline_key, id);
