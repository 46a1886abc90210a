-- Room on each page for the next version of every row a batch wrote, not of one row in four.
--
-- The outbox, charge parts and donations are written in batches of a hundred rows or more, which
-- fill page after page, and each row is changed soon after: a message sent, a part accepted and
-- then charged, a donation charged. The change can be HOT, touching no index, only if the new
-- version fits on the row's own page. V8, V10 and V11 left a fifth of each page free (fillfactor
-- 80), room for about one row in four. The bench counted the rest going to another page
-- (`n_tup_newpage_upd`; BENCHMARKS.md, "Room for each row's next version"): at 2,000 texts/s,
-- 57% of the outbox's updates, 40% of charge_part's and 22% of donation's, each one a new entry
-- in every index of its table and more WAL.
--
-- A row's next version is wider than the row (a network message id, up to a UUID's 36
-- characters, and a time are added), so a whole batch changed at once needs a little more than
-- half of each page: RoomForNextVersionTest changes 400 rows of each table in one statement, with
-- rows as wide as the writers write them, and finds none put on another page at these settings
-- (at 50, 22 of the outbox's and 110 of the parts' acceptances were). A part changes twice
-- (accepted, then charged), hence the most room; its acceptance sets indexed columns and so is
-- never HOT, but staying on its page it leaves the room its receipt needs once it is pruned.
--
-- The price is space, and a little more work a row inserted (a batch spreads over more pages). In
-- the bench at 2,000 texts/s the three heaps took 1.5-1.6 times the pages they took at 80; with
-- their indexes, which fewer non-HOT updates keep smaller, 1.2-1.5 times. WAL fell about 10% a
-- text. Applies to pages written from now on; pages already written stay as they are.
alter table outbox set (fillfactor = 45);
alter table charge_part set (fillfactor = 40);
alter table donation set (fillfactor = 50);
