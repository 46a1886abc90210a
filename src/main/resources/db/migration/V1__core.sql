-- Appealdesk core schema: donors, texts, donations and their charge parts, the outbox, the
-- network's reports, and an append-only double-entry ledger in integer pence.
-- Ids are bigint from sequences; the application reserves ids in batches (nextval over
-- generate_series) so group-committed inserts need no RETURNING round trip per row.

-- The appeals as configured, written at start-up so SQL checks (verify, reports) know each
-- appeal's designated fund and cap without the Java code.
create table appeal (
    slug                  text primary key,
    title                 text not null,
    charity_name          text not null,
    designated_fund       text not null,
    designated_cap_pence  bigint,
    overflow_fund         text not null,
    updated_at            timestamptz not null
);

-- A donor is pseudonymous: found by a keyed hash of the phone number; the number itself is only
-- in phone_encrypted (AES-GCM). Money records keep donor_id, so erasure can drop the number and
-- keep the accounts.
create table donor (
    id              bigint primary key,
    phone_hash      bytea not null unique,
    phone_encrypted bytea,
    created_at      timestamptz not null,
    stopped_at      timestamptz,   -- STOP / STOP ALL: no further messages of any kind
    no_contact_at   timestamptz    -- END / NOINFO / NOCALL or a KEYWORDNOINFO gift: no marketing
);
create sequence donor_id_seq;

-- Consent is per organisation (DOMAIN.md): a donor's yes to the charity is not a yes to the
-- publisher running the appeal. One row per statement, never updated: the audit trail.
create table contact_consent (
    donor_id     bigint not null references donor (id),
    organisation text not null,
    granted      boolean not null,
    source       text not null,     -- e.g. 'keyword SUN', 'STOP', 'NOINFO'
    inbound_id   bigint,
    stated_at    timestamptz not null
);
create index contact_consent_donor on contact_consent (donor_id);

-- Every text received. (channel, donor, external_id) is the de-duplication key: a redelivery
-- with the same aggregator id changes nothing. Texts without an id (plain SMPP 3.4) are each new.
create table inbound_message (
    id           bigint primary key,
    channel      text not null,
    external_id  text,
    donor_id     bigint not null references donor (id),
    destination  text not null,
    body         text not null,
    network      text,
    command      text not null,     -- what the parser made of it: DONATE, STOP, HELP, ...
    received_at  timestamptz not null,
    unique (channel, donor_id, external_id)
);
create sequence inbound_message_id_seq;

create table donation (
    id              bigint primary key,
    appeal_slug     text not null,
    donor_id        bigint not null references donor (id),
    inbound_id      bigint unique references inbound_message (id),
    channel         text not null,
    amount_pence    bigint not null check (amount_pence > 0),
    no_contact      boolean not null,
    network         text,
    state           text not null check (state in ('REJECTED', 'CHARGING', 'CHARGED', 'FAILED', 'UNKNOWN')),
    reason          text,
    permanent       boolean,
    uk_day          date not null,  -- the Europe/London day, for the per-number daily cap
    created_at      timestamptz not null,
    resolved_at     timestamptz,
    gift_aid_token  text unique
);
create sequence donation_id_seq;
create index donation_cap on donation (donor_id, uk_day);
create index donation_appeal_state on donation (appeal_slug, state);

-- One donation, one or more charge parts (some networks split £20 into 2 x £10). Each part has a
-- request id generated and stored before it is sent, unique forever.
create table charge_part (
    id                  bigint primary key,
    donation_id         bigint not null references donation (id),
    part_no             int not null check (part_no >= 1),
    amount_pence        bigint not null check (amount_pence > 0),
    request_id          text not null unique check (length(request_id) <= 80),
    outbox_id           bigint not null unique,
    network_message_id  text unique,
    state               text not null check (state in ('PENDING', 'SUBMITTED', 'CHARGED', 'DECLINED', 'UNKNOWN')),
    reason              text,
    permanent           boolean,
    submitted_at        timestamptz,
    unknown_at          timestamptz,
    resolved_at         timestamptz,
    unique (donation_id, part_no)
);
create sequence charge_part_id_seq;
-- The janitor's two questions: which reports are overdue, which unknowns have expired.
create index charge_part_submitted on charge_part (submitted_at) where state = 'SUBMITTED';
create index charge_part_unknown on charge_part (unknown_at) where state = 'UNKNOWN';

-- Messages to send, written in the same transaction as their cause. The phone number is not
-- copied here: the sender decrypts it from donor when it claims the row.
create table outbox (
    id                  bigint primary key,
    donor_id            bigint not null references donor (id),
    kind                text not null check (kind in ('CHARGE', 'THANK_YOU', 'REPLY')),
    shortcode           text not null,
    body                text not null,
    price_pence         bigint check (price_pence > 0),
    request_id          text,
    network             text,
    state               text not null check (state in ('PENDING', 'SENDING', 'SENT', 'REFUSED', 'UNKNOWN')),
    due_at              timestamptz not null,
    claimed_at          timestamptz,
    attempts            int not null default 0,
    network_message_id  text,
    error               text,
    created_at          timestamptz not null,
    check ((kind = 'CHARGE') = (price_pence is not null and request_id is not null))
);
create sequence outbox_id_seq;
create index outbox_due on outbox (due_at) where state = 'PENDING';
create index outbox_sending on outbox (claimed_at) where state = 'SENDING';

-- The network's reports, stored once by message id whatever order they arrive in. A report that
-- overtakes the acceptance of its message waits here (applied_at null) until the part is known.
create table charge_report (
    network_message_id  text primary key,
    delivered           boolean not null,
    reason              text,
    permanent           boolean,
    reported_at         timestamptz not null,
    received_at         timestamptz not null,
    applied_at          timestamptz,
    repeats             int not null default 0
);
create index charge_report_unapplied on charge_report (received_at) where applied_at is null;

-- Ledger: accounts, journals and postings. Postings are signed pence (debit +, credit -) and
-- every journal's postings sum to zero (checked in Java before writing, and from SQL by verify).
create table account (
    id           bigint generated always as identity primary key,
    code         text not null unique,
    kind         text not null check (kind in ('RECEIVABLE', 'FUND', 'SUSPENSE', 'CASH', 'PAYABLE')),
    appeal_slug  text
);

create table journal (
    id               bigint primary key,
    appeal_slug      text not null,
    kind             text not null check (kind in ('CHARGE', 'PARTIAL_CHARGE', 'REFUND', 'ADJUSTMENT')),
    idempotency_key  text not null unique,
    donation_id      bigint references donation (id),
    created_at       timestamptz not null,
    memo             text
);
create sequence journal_id_seq;
create index journal_appeal on journal (appeal_slug, id);

create table posting (
    journal_id    bigint not null references journal (id),
    account_id    bigint not null references account (id),
    amount_pence  bigint not null check (amount_pence <> 0),
    primary key (journal_id, account_id)
);
create index posting_account on posting (account_id) include (amount_pence);

-- Per appeal, maintained once per ledger batch under the appeal's advisory lock: how much the
-- designated fund has taken so far (for the overflow rule), so allocation never sums the ledger.
-- verify checks it against the postings.
create table ledger_head (
    appeal_slug                 text primary key,
    designated_allocated_pence  bigint not null default 0,
    last_journal_id             bigint not null default 0
);

-- Ledger rows are never updated or deleted: corrections are new journals.
create function refuse_ledger_change() returns trigger language plpgsql as $$
begin
    raise exception 'the ledger is append-only: % on % refused', tg_op, tg_table_name;
end $$;
create trigger journal_append_only before update or delete on journal
    for each statement execute function refuse_ledger_change();
create trigger posting_append_only before update or delete on posting
    for each statement execute function refuse_ledger_change();
