-- A donation's state changes (CHARGING to CHARGED or FAILED) become HOT updates: the new row
-- version stays on its page and no index is touched.
--
-- Why: every donation is updated once on the charge-events writer, the end-to-end bottleneck
-- (busy 85-93% at 1,600-2,000 texts/s). The index on (appeal_slug, state) made each of those
-- updates write a new entry in all five of donation's indexes (bench: 0% HOT, 48,357 updates in
-- a 30 s window). PostgreSQL can only update in place when no indexed column changes and the page
-- has room, hence both changes below.
--
-- The reports that read an appeal's CHARGED donations (settlement, Gift Aid claims and reminders)
-- find them by appeal; almost every donation of an appeal is CHARGED, so state in the index
-- narrowed nothing.
drop index donation_appeal_state;
create index donation_appeal on donation (appeal_slug);

-- Room for one new version of each row on its page: rows are written in bulk by the intake and
-- updated once soon after, so a full page would send every first update elsewhere.
alter table donation set (fillfactor = 80);
