-- Parents of the references V5 checks keep their rows through TRUNCATE too, which a foreign key
-- also refused and which delete triggers do not see (journal's append-only triggers, V1, included).
--
-- These triggers were first added by editing V5 after it had been applied (86b2be4), which changes
-- its checksum; V5 is back as it landed and they live here. "create or replace", because databases
-- migrated while V5 held them have them already (Database realigns that V5's recorded checksum).
create or replace trigger donor_not_truncated before truncate on donor
    for each statement execute function refuse_reference_change();
create or replace trigger inbound_message_not_truncated before truncate on inbound_message
    for each statement execute function refuse_reference_change();
create or replace trigger donation_not_truncated before truncate on donation
    for each statement execute function refuse_reference_change();
create or replace trigger account_not_truncated before truncate on account
    for each statement execute function refuse_reference_change();
create or replace trigger journal_not_truncated before truncate on journal
    for each statement execute function refuse_reference_change();
