-- Gift Aid links now carry their donation's id (platform.Tokens.keyed: the id in base 62, then 12
-- random characters), and a link is looked up by the primary key and then compared whole. The
-- unique index on the token goes: its keys were random, so each donation's insert and each of its
-- (non-HOT) updates wrote an entry on a random page, about 22 µs of PostgreSQL a donation
-- (BENCHMARKS.md, "Random keys out of the indexes"). A keyed token is unique because its id is.
--
-- Links already sent are 12 random characters with no id. They keep an index of their own, and
-- new tokens (13 characters or more) never enter it, so it costs new donations nothing. Its
-- predicate is repeated word for word by giftaid.GiftAid.LEGACY_TOKEN_WHERE.
--
-- Upgrade every node before this runs: older code looks links up by the token alone, which no
-- index serves any more (each Gift Aid page would read the whole donation table).
-- "if exists", "if not exists": MigrationsTest takes a database back to V5 and migrates it again.
alter table donation drop constraint if exists donation_gift_aid_token_key;
create unique index if not exists donation_gift_aid_token_legacy on donation (gift_aid_token) where length(gift_aid_token) = 12;
