-- Gifts made by card on the web enter the same donations, parts, lifecycle and ledger as texts.
-- A card gift may have no phone number (so no donor row), and its single charge part is settled
-- by the payment provider's webhook, not by a message in the outbox.
alter table donation alter column donor_id drop not null;
alter table charge_part alter column outbox_id drop not null;
alter table donation add constraint donation_text_has_donor check (channel = 'web' or donor_id is not null);
