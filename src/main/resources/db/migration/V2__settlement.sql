-- Settlement, refunds and payouts (issue 4). The networks' settlement reports line by line and the
-- class each line was put in; which charge parts are settled or written off; refunds; payouts to
-- the charity; staff decisions with who and why. The ledger carries the money and these tables
-- say why: `./appealdesk verify` checks one against the other from SQL.
--
-- Bulk tables (settlement_line, part_settlement) carry no foreign keys to charge_part: a million
-- per-row checks would cost more than the import itself, and verify checks the same from SQL.

alter table journal drop constraint journal_kind_check;
alter table journal add constraint journal_kind_check check (kind in ('CHARGE', 'PARTIAL_CHARGE', 'REFUND', 'ADJUSTMENT',
    'SETTLEMENT', 'SETTLEMENT_REVERSAL', 'PAYOUT_RESERVE', 'PAYOUT_PAID', 'PAYOUT_RELEASE'));

-- One imported settlement report. The SHA-256 of its bytes is unique: importing the same file again
-- changes nothing.
create table settlement_import (
    id               bigint primary key,
    network          text not null check (length(network) between 1 and 40),
    period           date not null check (extract(day from period) = 1),
    file_name        text not null,
    file_sha256      bytea not null unique check (length(file_sha256) = 32),
    file_bytes       bigint not null,
    lines_read       bigint not null default 0,
    lines_malformed  bigint not null default 0,
    imported_by      text not null,
    imported_at      timestamptz not null
);
create sequence settlement_import_id_seq;
create index settlement_import_network_period on settlement_import (network, period);

-- Every well-formed line, with the one class it was put in when imported. The phone number is kept
-- only as our keyed hash or as the masked form the network sent: never the number itself.
create table settlement_line (
    import_id       bigint not null,
    line_no         bigint not null,
    request_id      text,
    message_id      text,
    phone_hash      bytea,
    phone_masked    text,
    amount_pence    bigint not null check (amount_pence > 0),
    charged_at      timestamptz not null,
    status          text not null check (status in ('CHARGED', 'REFUNDED')),
    class           text not null check (class in ('MATCHED', 'UNKNOWN_HERE', 'AMOUNT_MISMATCH', 'REFUNDED')),
    part_id         bigint,
    expected_pence  bigint,
    note            text,
    primary key (import_id, line_no),
    check (request_id is not null or message_id is not null),
    check (phone_hash is null or phone_masked is null),
    check (class not in ('MATCHED', 'REFUNDED') or part_id is not null)
);
create index settlement_line_part on settlement_line (part_id) where part_id is not null;

-- Lines that could not be read: the line number and why, never the text (it may hold a number).
create table settlement_malformed (
    import_id  bigint not null references settlement_import (id),
    line_no    bigint not null,
    reason     text not null,
    primary key (import_id, line_no)
);

-- What the network paid for one charge part (settled) and what it will never pay (written off by
-- a staff decision), with the split over the appeal's funds (and suspense, for a part charged for a
-- failed donation). One row per part: a part is settled once. Its journal is the import's
-- SETTLEMENT journal for the appeal and network ('settlement:import:ID:APPEAL:NETWORK') or the
-- decision's ('resolution:ID:settle' and ':write-off'). Kept narrow: an import writes a million.
create table part_settlement (
    part_id                   bigint primary key,
    appeal_slug               text not null,
    network                   text not null,
    settled_pence             bigint not null check (settled_pence >= 0),
    designated_pence          bigint not null check (designated_pence >= 0),
    overflow_pence            bigint not null check (overflow_pence >= 0),
    suspense_pence            bigint not null check (suspense_pence >= 0),
    written_off_pence         bigint not null check (written_off_pence >= 0),
    written_off_designated    bigint not null check (written_off_designated >= 0),
    written_off_overflow      bigint not null check (written_off_overflow >= 0),
    written_off_suspense      bigint not null check (written_off_suspense >= 0),
    import_id                 bigint,
    line_no                   bigint,
    resolution_id             bigint,
    settled_at                timestamptz not null,
    check (settled_pence + written_off_pence > 0),
    check (designated_pence + overflow_pence + suspense_pence = settled_pence),
    check (written_off_designated + written_off_overflow + written_off_suspense = written_off_pence),
    check ((import_id is not null and line_no is not null) or resolution_id is not null)
);

-- Money given back to a donor (by the network, or by staff through the aggregator): the whole of
-- what the part still held, once per part. from_settled_pence was already paid to us (taken back
-- from cash); the rest was still owed by the network. recovered_* is the part of the settled money
-- that had already been reserved or paid to the charity, to recover from its next payout.
create table refund (
    id                       bigint primary key,
    part_id                  bigint not null unique,
    donation_id              bigint not null references donation (id),
    appeal_slug              text not null,
    network                  text not null,
    source                   text not null check (source in ('NETWORK', 'STAFF')),
    amount_pence             bigint not null check (amount_pence > 0),
    designated_pence         bigint not null check (designated_pence >= 0),
    overflow_pence           bigint not null check (overflow_pence >= 0),
    suspense_pence           bigint not null check (suspense_pence >= 0),
    from_settled_pence       bigint not null check (from_settled_pence >= 0 and from_settled_pence <= amount_pence),
    recovered_designated     bigint not null default 0 check (recovered_designated >= 0),
    recovered_overflow       bigint not null default 0 check (recovered_overflow >= 0),
    import_id                bigint,
    line_no                  bigint,
    requested_by             text not null,
    reason                   text not null,
    journal_key              text not null unique,
    created_at               timestamptz not null,
    check (designated_pence + overflow_pence + suspense_pence = amount_pence),
    check ((source = 'NETWORK') = (import_id is not null))
);
create sequence refund_id_seq;
create index refund_donation on refund (donation_id);

-- A payout of one fund to the charity: reserved when prepared, then paid (with the bank's
-- reference) or void. netted_pence is money recoverable from the charity kept back from it.
create table payout (
    id              bigint primary key,
    appeal_slug     text not null,
    fund_slug       text not null,
    amount_pence    bigint not null check (amount_pence > 0),
    netted_pence    bigint not null default 0 check (netted_pence >= 0),
    state           text not null check (state in ('RESERVED', 'PAID', 'VOID')),
    prepared_by     text not null,
    prepared_at     timestamptz not null,
    bank_reference  text unique,
    confirmed_by    text,
    confirmed_at    timestamptz,
    voided_by       text,
    voided_at       timestamptz,
    void_reason     text,
    check ((state = 'PAID') = (bank_reference is not null and confirmed_at is not null)),
    check ((state = 'VOID') = (voided_at is not null))
);
create sequence payout_id_seq;
-- One open payout per fund: a second prepare while one waits for the bank reserves nothing.
create unique index payout_one_open_per_fund on payout (appeal_slug, fund_slug) where state = 'RESERVED';

-- A staff decision on a difference: a report line (unknown here, amount mismatch) or a charge part
-- missing from the reports. Recorded with who and why; the money it moved is in its journals.
create table settlement_resolution (
    id                 bigint primary key,
    import_id          bigint,
    line_no            bigint,
    part_id            bigint,
    action             text not null check (action in ('SETTLE', 'WRITE_OFF', 'DISMISS')),
    appeal_slug        text,
    settled_pence      bigint not null default 0 check (settled_pence >= 0),
    written_off_pence  bigint not null default 0 check (written_off_pence >= 0),
    suspense_pence     bigint not null default 0 check (suspense_pence >= 0),
    resolved_by        text not null,
    reason             text not null,
    resolved_at        timestamptz not null,
    unique (import_id, line_no),
    check ((import_id is not null and line_no is not null) or part_id is not null)
);
create sequence settlement_resolution_id_seq;
