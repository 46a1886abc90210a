-- A charge part's network message id is indexed only once the network has given it.
--
-- The id is empty from the part's insert until the network accepts its billed message, and a
-- unique index takes an entry for an empty key too: one B-tree entry a gift that no look-up can
-- ever use. The bench's count of the WAL (BENCHMARKS.md, "The database's work in counts") found a
-- gift writing 33.5 index entries at 2,000 texts/s, 11.2 of them the charge part's, this one among
-- them.
--
-- A unique index on the parts that have an id keeps every id unique, as the constraint did, and
-- serves every look-up by id: the receipts' (network_message_id = any(...)) and the settlement
-- import's (network_message_id = lower(...)) both imply the id is not null, which PostgreSQL
-- proves when it plans them, generic plans included. No statement names the constraint
-- (no ON CONFLICT on this column).
--
-- Building the index takes a lock that holds up writes to charge_part while it reads every part,
-- and dropping the constraint then holds up reads too, for a moment; run it outside an appeal's
-- peak. "if not exists" and "if exists": MigrationsTest takes a database back to V5 and migrates
-- it again.
create unique index if not exists charge_part_network_message_id_given on charge_part (network_message_id)
    where network_message_id is not null;
alter table charge_part drop constraint if exists charge_part_network_message_id_key;
