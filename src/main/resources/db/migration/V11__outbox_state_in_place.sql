-- A message's last change (SENDING to SENT, REFUSED or UNKNOWN) can be a HOT update: the new row
-- version stays on its page and no index gains an entry. PostgreSQL allows that only when no index
-- key or index predicate reads a column the update changes, and both queue indexes were partial on
-- state. Measured before this change (BENCHMARKS.md, "Outbox state changes in place"): 0% of
-- outbox updates HOT, about 155,000 in a 40 s window at 2,000 texts/s, each writing a new primary
-- key entry; the SENT update was the costliest outbox statement after the inserts.
--
-- The queue's questions are now asked of claimed_at, which the last change leaves alone (the same
-- way out as V8 took for charge parts):
--  * due messages: claimed_at is null. A message is unclaimed exactly while it is PENDING: every
--    way back to PENDING (a retry, an abandoned free message, one no sender took) clears
--    claimed_at, and a message leaves PENDING only by being claimed. The claim still says
--    state = 'PENDING' too, so a finished row without a claim time is never sent again.
--  * abandoned claims: claimed_at alone, so the index holds every message ever claimed. The
--    janitor reads forward from where its previous look ended, with a full look now and then
--    (donation.Janitor), as it does for overdue reports.
-- Upgrade every node before this runs, and not during a peak. Once it has run, a node older than
-- this finds no index for its questions: its claim and its janitor read the whole outbox each
-- time. It also makes messages due again without clearing claimed_at; the janitor of this
-- version makes those claimable at its next full look (donation.Janitor, every ten minutes or so),
-- so they are sent late, not lost. Both indexes are built without CONCURRENTLY; on a large
-- outbox, migrate before the appeal's peak.
-- "if exists", "if not exists": MigrationsTest takes a database back to V5 and migrates it again.
-- Before the old index goes, so it finds the rows: a PENDING row claimed before keeps its old time.
update outbox set claimed_at = null where state = 'PENDING' and claimed_at is not null;
drop index if exists outbox_due;
drop index if exists outbox_sending;
create index if not exists outbox_due_at on outbox (due_at) where claimed_at is null;
create index if not exists outbox_claimed_at on outbox (claimed_at) where claimed_at is not null;
-- Room on each page for a message's next version: rows are written in batches that would otherwise
-- fill every page, and a HOT update needs free space on the same page. Applies to new pages.
alter table outbox set (fillfactor = 80);
