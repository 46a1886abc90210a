-- Texts recorded and acknowledged but not yet acted on (their donation, charge parts, consents
-- and replies not yet written). The intake writes a row here in the statement that records the
-- text; the acting stage deletes it in the transaction that writes what the text caused, and
-- acts only on the rows its delete returned, so each text is acted on exactly once, across
-- restarts and nodes. A row left after a crash is found again by the acting stage's sweep.
--
-- No foreign key: the row is inserted by the same statement as its inbound_message row, and a
-- per-row check would cost the acknowledgement path what this table exists to save.
create table text_pending (
    inbound_id   bigint primary key,
    recorded_at  timestamptz not null default now()
);
