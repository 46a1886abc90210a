-- Room on each page for the next version of every row a batch wrote, not of one row in four.
--
-- The outbox, charge parts and donations are written in batches of a hundred rows or more, which
-- fill page after page, and each row is changed soon after: a message sent, a part accepted and
-- then charged, a donation charged. The change can be HOT, touching no index, only if the new
-- version fits on the row's own page. V8, V10 and V11 left a fifth of each page free (fillfactor
-- 80), room for the next versions of about one row in four. The bench counts the rest going to
-- another page (`n_tup_newpage_upd`; BENCHMARKS.md, "Room for each row's next version", has the
-- figures), each one a new entry in the table's indexes and more WAL.
--
-- A batch changed at once needs a little more than half of each page, as some next versions are
-- wider than the rows: a message sent gains its network message id (up to a UUID's 36
-- characters), a part's acceptance the message id and a time. A part changes twice (accepted,
-- then charged), hence the most room; its acceptance sets indexed columns and so is never HOT, but
-- staying on its page it leaves room for its receipt once the version before it is pruned.
-- RoomForNextVersionTest changes batches of 400 rows, as wide as the writers write them or
-- narrower, each in one statement, and finds none put on another page at these settings; at 50
-- for all three, 63 of the billed messages and 110 of the parts' acceptances were.
--
-- The price is space, and a little more work a row inserted (a batch spreads over more pages).
-- Fillfactor only limits how full inserts make a page from now on; nothing is rewritten, and rows
-- already written stay where they are. Each statement takes a SHARE UPDATE EXCLUSIVE lock, which
-- blocks neither reads nor writes, and returns at once.
alter table outbox set (fillfactor = 45);
alter table charge_part set (fillfactor = 40);
alter table donation set (fillfactor = 50);
