-- A donation's change of state (CHARGING to CHARGED, FAILED or UNKNOWN) can be a HOT update: the
-- new row version stays on its page and no index gains an entry. PostgreSQL allows that only when
-- no index reads a column the update changes, and the live totals' index on (appeal_slug, state)
-- read state. Measured before this change: 0% of donation updates HOT, and each wrote four index
-- entries (primary key, inbound_id, the daily cap's (donor_id, uk_day), and (appeal_slug, state)).
--
-- The totals' counts of donations by state (totals.TotalsService) are now kept as running counts
-- by statement-level triggers, one row per (appeal, state, shard): whatever inserts or updates
-- donations, the counts follow in the same transaction. The shard is the writing backend's process
-- id, so two transactions never add to the same row and never wait on each other's row lock (a
-- single count row per appeal would serialise every writer's commit). Reading a count is a sum over
-- its shards; a backend that has ended leaves rows that the janitor folds into shard 0
-- (donation.DonationStateCounts). Donations are never deleted or truncated (V5, V6), so insert and
-- update are the only changes to follow. `verify` compares the counts with the donations.
--
-- "if exists", "if not exists", "or replace": MigrationsTest takes a database back to V5 and
-- migrates it again, so the counts are rebuilt from the donations rather than added to.
--
-- Writers of donations wait from here to the end of this migration (its one transaction), so no
-- change falls between the triggers' creation and the count below. The table is read whole and
-- its new index built without CONCURRENTLY: on a large table, migrate before the appeal's peak.
lock table donation in share row exclusive mode;

create table if not exists donation_state_count (
    appeal_slug  text not null,
    state        text not null,
    shard        int not null,      -- pg_backend_pid() of the writer; 0 for folded counts
    donations    bigint not null,   -- may be negative in one shard: a backend that only resolves
    primary key (appeal_slug, state, shard)
);

-- Sorted by key, so a statement takes its count rows' locks in the same order as the fold does.
create or replace function donation_state_counted_insert() returns trigger language plpgsql as $$
begin
    insert into donation_state_count as c (appeal_slug, state, shard, donations)
    select appeal_slug, state, pg_backend_pid(), count(*) from inserted group by appeal_slug, state order by appeal_slug, state
    on conflict (appeal_slug, state, shard) do update set donations = c.donations + excluded.donations;
    return null;
end $$;

create or replace function donation_state_counted_update() returns trigger language plpgsql as $$
begin
    insert into donation_state_count as c (appeal_slug, state, shard, donations)
    select appeal_slug, state, pg_backend_pid(), sum(change)
    from (select appeal_slug, state, 1 as change from after_rows
          union all select appeal_slug, state, -1 from before_rows) as changes
    group by appeal_slug, state having sum(change) <> 0 order by appeal_slug, state
    on conflict (appeal_slug, state, shard) do update set donations = c.donations + excluded.donations;
    return null;
end $$;

drop trigger if exists donation_state_counted_insert on donation;
create trigger donation_state_counted_insert after insert on donation referencing new table as inserted
    for each statement execute function donation_state_counted_insert();
drop trigger if exists donation_state_counted_update on donation;
create trigger donation_state_counted_update after update on donation referencing old table as before_rows new table as after_rows
    for each statement execute function donation_state_counted_update();

-- Counted from the donations, with their writers held off since the lock above.
delete from donation_state_count;
insert into donation_state_count (appeal_slug, state, shard, donations)
select appeal_slug, state, 0, count(*) from donation group by appeal_slug, state;

-- Reports still find an appeal's donations by index; appeal_slug never changes, so this one does
-- not stand in the way of a HOT update.
create index if not exists donation_appeal on donation (appeal_slug);
drop index if exists donation_appeal_state;

-- Room on each page for the donation's next version (a HOT update needs free space on the same
-- page, and donations are written in batches that would otherwise fill every page). New pages.
alter table donation set (fillfactor = 80);
