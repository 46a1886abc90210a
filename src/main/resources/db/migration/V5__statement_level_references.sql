-- References on the hot paths checked once per statement instead of once per row (issue 3).
--
-- Why: a text writes a donor, its text, a consent, a donation, a charge part and an outbox row in
-- one group-committed batch, and a charge adds a journal, its postings and a thank-you. A row-level
-- foreign key runs one look-up query and takes one row lock on the parent for every child row. In
-- the intake benchmark (`bench --mode intake --rate 10000 --window 256`) the six references of the
-- text path alone cost PostgreSQL 29 µs per text: 6,684 texts/s with them, 8,408 without.
--
-- The guarantee is kept by three rules that together are what the foreign key gave:
--   1. after each insert statement, one anti-join over the inserted rows finds a missing parent
--      and fails the statement (and its batch) with SQLSTATE 23503, as a foreign key would;
--   2. the parent rows are never deleted and their ids never change (donors are erased in place,
--      money records keep their rows; the ledger was already append-only);
--   3. the child's reference column is never changed by an update.
-- A row-level lock is not needed for 2: nothing deletes the parents, so nothing can race the check.
-- `verify` checks the same references again from the stored rows (LedgerVerifier).

create function refuse_missing_parent() returns trigger language plpgsql as $$
declare
    child_column text := tg_argv[0];
    parent_table text := tg_argv[1];
    missing      bigint;
begin
    execute format('select i.%1$I from inserted i where i.%1$I is not null'
                   || ' and not exists (select 1 from %2$I p where p.id = i.%1$I) limit 1', child_column, parent_table)
        into missing;
    if missing is not null then
        raise exception using errcode = 'foreign_key_violation',
            message = format('insert on %s: %s = %s has no row in %s', tg_table_name, child_column, missing, parent_table);
    end if;
    return null;
end $$;

create function refuse_reference_change() returns trigger language plpgsql as $$
begin
    raise exception using errcode = 'foreign_key_violation',
        message = format('%s on %s refused: other records refer to these rows by id, so ids are never changed and rows never deleted',
                         tg_op, tg_table_name);
end $$;

create function refuse_reference_update() returns trigger language plpgsql as $$
begin
    raise exception using errcode = 'foreign_key_violation',
        message = format('update of %s.%s refused: a reference is set once, when the row is written', tg_table_name, tg_argv[0]);
end $$;

-- The text path.
alter table contact_consent drop constraint contact_consent_donor_id_fkey;
alter table inbound_message drop constraint inbound_message_donor_id_fkey;
alter table donation drop constraint donation_donor_id_fkey;
alter table donation drop constraint donation_inbound_id_fkey;
alter table charge_part drop constraint charge_part_donation_id_fkey;
alter table outbox drop constraint outbox_donor_id_fkey;
-- The charge path's ledger rows.
alter table journal drop constraint journal_donation_id_fkey;
alter table posting drop constraint posting_journal_id_fkey;
alter table posting drop constraint posting_account_id_fkey;

create trigger contact_consent_donor_exists after insert on contact_consent referencing new table as inserted
    for each statement execute function refuse_missing_parent('donor_id', 'donor');
create trigger inbound_message_donor_exists after insert on inbound_message referencing new table as inserted
    for each statement execute function refuse_missing_parent('donor_id', 'donor');
create trigger donation_donor_exists after insert on donation referencing new table as inserted
    for each statement execute function refuse_missing_parent('donor_id', 'donor');
create trigger donation_inbound_exists after insert on donation referencing new table as inserted
    for each statement execute function refuse_missing_parent('inbound_id', 'inbound_message');
create trigger charge_part_donation_exists after insert on charge_part referencing new table as inserted
    for each statement execute function refuse_missing_parent('donation_id', 'donation');
create trigger outbox_donor_exists after insert on outbox referencing new table as inserted
    for each statement execute function refuse_missing_parent('donor_id', 'donor');
create trigger journal_donation_exists after insert on journal referencing new table as inserted
    for each statement execute function refuse_missing_parent('donation_id', 'donation');
create trigger posting_journal_exists after insert on posting referencing new table as inserted
    for each statement execute function refuse_missing_parent('journal_id', 'journal');
create trigger posting_account_exists after insert on posting referencing new table as inserted
    for each statement execute function refuse_missing_parent('account_id', 'account');

-- Parents keep their rows and ids (journal and posting are append-only already, V1).
create trigger donor_rows_kept before delete or update of id on donor
    for each statement execute function refuse_reference_change();
create trigger inbound_message_rows_kept before delete or update of id on inbound_message
    for each statement execute function refuse_reference_change();
create trigger donation_rows_kept before delete or update of id on donation
    for each statement execute function refuse_reference_change();
create trigger account_rows_kept before delete or update of id on account
    for each statement execute function refuse_reference_change();

-- Children keep their references.
create trigger contact_consent_donor_kept before update of donor_id on contact_consent
    for each statement execute function refuse_reference_update('donor_id');
create trigger inbound_message_donor_kept before update of donor_id on inbound_message
    for each statement execute function refuse_reference_update('donor_id');
create trigger donation_references_kept before update of donor_id, inbound_id on donation
    for each statement execute function refuse_reference_update('donor_id or inbound_id');
create trigger charge_part_donation_kept before update of donation_id on charge_part
    for each statement execute function refuse_reference_update('donation_id');
create trigger outbox_donor_kept before update of donor_id on outbox
    for each statement execute function refuse_reference_update('donor_id');
