-- References on the hot paths checked once per statement instead of once per row (issue 3).
--
-- Why: a text writes a donor, its text, a consent, a donation, a charge part and an outbox row in
-- one group-committed batch, and a charge adds a journal, its postings and a thank-you. A row-level
-- foreign key runs one look-up query and takes one row lock on the parent for every child row. In
-- the intake benchmark (`bench --mode intake --rate 10000 --window 256`) the six references of the
-- text path alone cost PostgreSQL 29 µs per text: 6,684 texts/s with them, 8,408 without.
--
-- The guarantee is kept by three rules that together are what the foreign key gave:
--   1. after each insert statement, one query over the inserted rows finds a missing parent
--      and fails the statement (and its batch) with SQLSTATE 23503, as a foreign key would;
--   2. the parent rows are never deleted and their ids never change (donors are erased in place,
--      money records keep their rows; the ledger was already append-only);
--   3. the child's reference column is never changed by an update.
-- A row-level lock is not needed for 2: nothing deletes the parents, so nothing can race the check.
-- `verify` checks the same references again from the stored rows (LedgerVerifier).

-- Static SQL in one function per child table: PL/pgSQL caches its plans. (A single generic function
-- with EXECUTE re-planned on every call and cost more than the foreign key at 12-row batches.) The
-- parent is looked up by a scalar subquery, one primary-key probe per inserted row, rather than
-- NOT EXISTS: a cached anti-join planned while the parent table was small could stay a hash join
-- over the whole table.
create function refuse_missing_parent(child_table text, child_column text, missing bigint, parent_table text)
    returns void language plpgsql as $$
begin
    if missing is not null then
        raise exception using errcode = 'foreign_key_violation',
            message = format('insert on %s: %s = %s has no row in %s', child_table, child_column, missing, parent_table);
    end if;
end $$;

create function contact_consent_references_exist() returns trigger language plpgsql as $$
begin
    perform refuse_missing_parent(tg_table_name, 'donor_id',
        (select i.donor_id from inserted i where (select p.id from donor p where p.id = i.donor_id) is null limit 1), 'donor');
    return null;
end $$;

create function inbound_message_references_exist() returns trigger language plpgsql as $$
begin
    perform refuse_missing_parent(tg_table_name, 'donor_id',
        (select i.donor_id from inserted i where (select p.id from donor p where p.id = i.donor_id) is null limit 1), 'donor');
    return null;
end $$;

create function donation_references_exist() returns trigger language plpgsql as $$
begin
    perform refuse_missing_parent(tg_table_name, 'donor_id',
        (select i.donor_id from inserted i where i.donor_id is not null
            and (select p.id from donor p where p.id = i.donor_id) is null limit 1), 'donor');
    perform refuse_missing_parent(tg_table_name, 'inbound_id',
        (select i.inbound_id from inserted i where i.inbound_id is not null
            and (select p.id from inbound_message p where p.id = i.inbound_id) is null limit 1), 'inbound_message');
    return null;
end $$;

create function charge_part_references_exist() returns trigger language plpgsql as $$
begin
    perform refuse_missing_parent(tg_table_name, 'donation_id',
        (select i.donation_id from inserted i where (select p.id from donation p where p.id = i.donation_id) is null limit 1), 'donation');
    return null;
end $$;

create function outbox_references_exist() returns trigger language plpgsql as $$
begin
    perform refuse_missing_parent(tg_table_name, 'donor_id',
        (select i.donor_id from inserted i where (select p.id from donor p where p.id = i.donor_id) is null limit 1), 'donor');
    return null;
end $$;

create function journal_references_exist() returns trigger language plpgsql as $$
begin
    perform refuse_missing_parent(tg_table_name, 'donation_id',
        (select i.donation_id from inserted i where i.donation_id is not null
            and (select p.id from donation p where p.id = i.donation_id) is null limit 1), 'donation');
    return null;
end $$;

create function posting_references_exist() returns trigger language plpgsql as $$
begin
    perform refuse_missing_parent(tg_table_name, 'journal_id',
        (select i.journal_id from inserted i where (select p.id from journal p where p.id = i.journal_id) is null limit 1), 'journal');
    perform refuse_missing_parent(tg_table_name, 'account_id',
        (select i.account_id from inserted i where (select p.id from account p where p.id = i.account_id) is null limit 1), 'account');
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

create trigger contact_consent_references_exist after insert on contact_consent referencing new table as inserted
    for each statement execute function contact_consent_references_exist();
create trigger inbound_message_references_exist after insert on inbound_message referencing new table as inserted
    for each statement execute function inbound_message_references_exist();
create trigger donation_references_exist after insert on donation referencing new table as inserted
    for each statement execute function donation_references_exist();
create trigger charge_part_references_exist after insert on charge_part referencing new table as inserted
    for each statement execute function charge_part_references_exist();
create trigger outbox_references_exist after insert on outbox referencing new table as inserted
    for each statement execute function outbox_references_exist();
create trigger journal_references_exist after insert on journal referencing new table as inserted
    for each statement execute function journal_references_exist();
create trigger posting_references_exist after insert on posting referencing new table as inserted
    for each statement execute function posting_references_exist();

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
