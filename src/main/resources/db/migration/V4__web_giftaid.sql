-- Web giving and Gift Aid (issue 5): declarations with their audit trail, reminders, HMRC claim
-- batches, and the payment provider's webhook events.

-- A Gift Aid declaration, made through the personal link of one donation. A text donor's
-- declaration (donor_id set, scope ENDURING) also covers that donor's other gifts to the same
-- charity; a card donor's (no donor) covers its own donation only. wording is exactly what the
-- donor agreed to. Cancelling sets cancelled_at once; a new declaration is a new row.
create table gift_aid_declaration (
    id            bigint primary key,
    donation_id   bigint not null references donation (id),
    donor_id      bigint references donor (id),
    charity_name  text not null,
    scope         text not null check (scope in ('SINGLE', 'ENDURING')),
    title         text not null check (length(title) <= 4),
    first_name    text not null check (length(first_name) between 1 and 35),
    last_name     text not null check (length(last_name) between 1 and 35),
    house         text not null check (length(house) between 1 and 40),
    postcode      text not null check (length(postcode) between 6 and 8),
    wording       text not null,
    made_at       timestamptz not null,
    cancelled_at  timestamptz,
    check ((scope = 'ENDURING') = (donor_id is not null))
);
create sequence gift_aid_declaration_id_seq;
-- At most one live declaration per donation: a double-clicked form stores one.
create unique index gift_aid_declaration_live on gift_aid_declaration (donation_id) where cancelled_at is null;
create index gift_aid_declaration_donor on gift_aid_declaration (donor_id) where cancelled_at is null and donor_id is not null;

-- One row per HMRC claim schedule produced by `giftaid export`, with the file's text, so a lost
-- file can be produced again without claiming anything twice.
create table gift_aid_claim_batch (
    id            bigint primary key,
    appeal_slug   text not null,
    created_at    timestamptz not null,
    row_count     int not null check (row_count > 0),
    total_pence   bigint not null check (total_pence > 0),
    schedule_csv  text not null
);
create sequence gift_aid_claim_batch_id_seq;

-- A donation claimed from HMRC, under the declaration that covered it. The primary key is the
-- rule "never claimed twice".
create table gift_aid_claim (
    donation_id     bigint primary key references donation (id),
    declaration_id  bigint not null references gift_aid_declaration (id),
    batch_id        bigint not null references gift_aid_claim_batch (id),
    claimed_at      timestamptz not null
);

-- The one free reminder per text donor per appeal after it closes; the key makes it one.
create table gift_aid_reminder (
    appeal_slug   text not null,
    donor_id      bigint not null references donor (id),
    donation_id   bigint not null references donation (id),
    outbox_id     bigint not null,
    sent_at       timestamptz not null,
    primary key (appeal_slug, donor_id)
);

-- The audit trail from each donation to its declaration: every declaration, cancellation,
-- reminder and claim, appended and never changed.
create table gift_aid_event (
    id              bigint generated always as identity primary key,
    donation_id     bigint not null references donation (id),
    declaration_id  bigint references gift_aid_declaration (id),
    kind            text not null check (kind in ('DECLARED', 'CANCELLED', 'REMINDED', 'CLAIMED')),
    detail          text not null,
    at              timestamptz not null
);
create index gift_aid_event_donation on gift_aid_event (donation_id, id);

-- Webhook events from the card payment provider, stored after their outcome was applied, by the
-- provider's event id: a redelivery is recognised, counted and changes nothing.
create table card_webhook_event (
    event_id     text primary key check (length(event_id) <= 255),
    type         text not null,
    request_id   text,
    outcome      text not null,
    received_at  timestamptz not null,
    repeats      int not null default 0
);
