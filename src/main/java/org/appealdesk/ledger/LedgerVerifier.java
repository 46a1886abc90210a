package org.appealdesk.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.appealdesk.platform.Database;

/**
 * The second, independent check of the money: plain SQL over the tables, sharing no code with the
 * Java that wrote them. Each check is a query that returns the rows that break a rule; a sound
 * database returns none. `./appealdesk verify` prints the result and exits non-zero on any breach.
 */
public final class LedgerVerifier {

    /** Offending rows shown per failed check; the count is always exact. */
    public static final int EXAMPLES_MAX = 10;

    /** One rule and the SQL that finds its breaches. */
    public record Rule(String name, String sql) {
    }

    public record CheckResult(String name, long breaches, List<String> examples) {
        public boolean passed() {
            return breaches == 0;
        }
    }

    public record Report(List<CheckResult> checks) {
        public boolean passed() {
            return checks.stream().allMatch(CheckResult::passed);
        }
    }

    public static final List<Rule> RULES = List.of(
            // V5 checks these references once per insert statement instead of with row-level foreign keys: checked again here.
            new Rule("every text, consent, donation, charge part, outbox row, journal and posting refers to rows that exist",
                    "select 'inbound_message' as row_of, m.id from inbound_message m where not exists (select 1 from donor d where d.id = m.donor_id)"
                            + " union all select 'contact_consent', c.donor_id from contact_consent c where not exists (select 1 from donor d where d.id = c.donor_id)"
                            + " union all select 'donation', x.id from donation x where (x.donor_id is not null and not exists (select 1 from donor d where d.id = x.donor_id))"
                            + " or (x.inbound_id is not null and not exists (select 1 from inbound_message m where m.id = x.inbound_id))"
                            + " union all select 'charge_part', p.id from charge_part p where not exists (select 1 from donation x where x.id = p.donation_id)"
                            + " union all select 'outbox', o.id from outbox o where not exists (select 1 from donor d where d.id = o.donor_id)"
                            + " union all select 'journal', j.id from journal j"
                            + " where j.donation_id is not null and not exists (select 1 from donation x where x.id = j.donation_id)"
                            + " union all select 'posting', p.journal_id from posting p where not exists (select 1 from journal j where j.id = p.journal_id)"
                            + " or not exists (select 1 from account a where a.id = p.account_id)"),
            // V10 keeps these counts by trigger for the live totals: checked against the donations themselves.
            new Rule("the running counts of donations by state equal the donations (if not: verify --recount-states)",
                    "select coalesce(d.appeal_slug, c.appeal_slug) as appeal, coalesce(d.state, c.state) as state,"
                            + " coalesce(d.donations, 0) as donations, coalesce(c.donations, 0) as counted"
                            + " from (select appeal_slug, state, count(*) as donations from donation group by appeal_slug, state) d"
                            + " full join (select appeal_slug, state, sum(donations) as donations from donation_state_count"
                            + " group by appeal_slug, state) c on c.appeal_slug = d.appeal_slug and c.state = d.state"
                            + " where coalesce(d.donations, 0) <> coalesce(c.donations, 0)"),
            new Rule("every journal's postings sum to zero",
                    "select journal_id, sum(amount_pence) as total from posting group by journal_id having sum(amount_pence) <> 0"),
            new Rule("every journal has at least two postings",
                    "select j.id, count(p.journal_id) as postings from journal j left join posting p on p.journal_id = j.id group by j.id having count(p.journal_id) < 2"),
            new Rule("every charged donation is booked exactly once, for its amount",
                    "select d.id, d.amount_pence, count(j.id) as journals, coalesce(sum(r.amount_pence), 0) as booked from donation d"
                            + " left join journal j on j.donation_id = d.id and j.kind = 'CHARGE'"
                            + " left join posting r on r.journal_id = j.id and r.account_id in (select id from account where kind = 'RECEIVABLE')"
                            + " where d.state = 'CHARGED' group by d.id, d.amount_pence"
                            + " having count(j.id) <> 1 or coalesce(sum(r.amount_pence), 0) <> d.amount_pence"),
            new Rule("no donation that is not charged has a charge journal",
                    "select d.id, d.state from donation d join journal j on j.donation_id = d.id and j.kind = 'CHARGE' where d.state <> 'CHARGED'"),
            new Rule("a donation is charged exactly when all its parts are",
                    "select d.id, d.state, count(*) filter (where p.state = 'CHARGED') as charged_parts, count(p.id) as parts,"
                            + " coalesce(sum(p.amount_pence), 0) as parts_pence, d.amount_pence from donation d left join charge_part p on p.donation_id = d.id"
                            + " where d.state <> 'REJECTED' group by d.id having (d.state = 'CHARGED') <> (count(*) filter (where p.state = 'CHARGED') = count(p.id) and count(p.id) > 0)"
                            + " or coalesce(sum(p.amount_pence), 0) <> d.amount_pence"),
            new Rule("every part charged for a failed donation is booked to suspense once",
                    "select p.id, p.donation_id, count(j.id) as journals from charge_part p join donation d on d.id = p.donation_id"
                            + " left join journal j on j.idempotency_key = 'partial:donation:' || p.donation_id || ':part:' || p.part_no"
                            + " where d.state = 'FAILED' and p.state = 'CHARGED' group by p.id having count(j.id) <> 1"),
            new Rule("the designated fund never exceeds its cap",
                    "select a.slug, -sum(p.amount_pence) as fund_pence, a.designated_cap_pence from appeal a"
                            + " join account acc on acc.code = 'appeal:' || a.slug || ':fund:' || a.designated_fund"
                            + " join posting p on p.account_id = acc.id"
                            + " join journal j on j.id = p.journal_id and j.kind in ('CHARGE', 'REFUND')" // settlement moves money on, it does not unallocate it
                            + " where a.designated_cap_pence is not null"
                            + " group by a.slug, a.designated_cap_pence having -sum(p.amount_pence) > a.designated_cap_pence"),
            new Rule("the overflow rule's running allocation equals the designated fund's postings",
                    "select h.appeal_slug, h.designated_allocated_pence, coalesce(f.pence, 0) as fund_pence from ledger_head h"
                            + " join appeal a on a.slug = h.appeal_slug left join lateral (select -sum(p.amount_pence) as pence from posting p"
                            + " join account acc on acc.id = p.account_id join journal j on j.id = p.journal_id and j.kind in ('CHARGE', 'REFUND')"
                            + " where acc.code = 'appeal:' || a.slug || ':fund:' || a.designated_fund) f on true"
                            + " where h.designated_allocated_pence <> coalesce(f.pence, 0)"),
            new Rule("totals equal the ledger: fund money per appeal equals its charged donations less refunds and write-offs",
                    "with ledger as (select j.appeal_slug, -sum(p.amount_pence) as pence from journal j join posting p on p.journal_id = j.id"
                            + " join account acc on acc.id = p.account_id where acc.kind = 'FUND' and j.kind in ('CHARGE', 'REFUND') group by j.appeal_slug),"
                            + " gifts as (select appeal_slug, sum(pence) as pence from (select appeal_slug, amount_pence as pence from donation where state = 'CHARGED'"
                            + " union all select appeal_slug, -(designated_pence + overflow_pence) from refund"
                            + " union all select appeal_slug, -(written_off_designated + written_off_overflow) from part_settlement) g group by appeal_slug)"
                            + " select coalesce(l.appeal_slug, g.appeal_slug) as appeal, l.pence as ledger_pence, g.pence as donations_pence"
                            + " from ledger l full join gifts g on g.appeal_slug = l.appeal_slug where coalesce(l.pence, 0) <> coalesce(g.pence, 0)"),
            new Rule("every journal posts only to its own appeal's accounts",
                    "select j.id, j.appeal_slug, acc.code from journal j join posting p on p.journal_id = j.id join account acc on acc.id = p.account_id"
                            + " where acc.appeal_slug is distinct from j.appeal_slug"),
            new Rule("no charge request id is used by two parts, and no network message id by two parts",
                    "select request_id, count(*) from charge_part group by request_id having count(*) > 1"
                            + " union all select network_message_id, count(*) from charge_part where network_message_id is not null"
                            + " group by network_message_id having count(*) > 1"),
            // Settlement, refunds and payouts (issue 4): the settle tables and the ledger checked against each other.
            new Rule("settlement, refund, payout and decision journals equal their records, account by account",
                    "with ap as (select slug, designated_fund as d, overflow_fund as o, 'appeal:' || slug || ':' as pre from appeal),"
                            + " ps as (select appeal_slug, network, sum(settled_pence) as settled, sum(designated_pence) as sd, sum(overflow_pence) as so,"
                            + " sum(written_off_pence) as w, sum(written_off_designated) as wd, sum(written_off_overflow) as wo, sum(written_off_suspense) as ws"
                            + " from part_settlement group by appeal_slug, network),"
                            + " rf as (select r.appeal_slug, r.network, sum(r.designated_pence) as d, sum(r.overflow_pence) as o, sum(r.suspense_pence) as s,"
                            + " sum(r.amount_pence - r.from_settled_pence) as unsettled, sum(r.from_settled_pence) as settled, sum(coalesce(x.designated_pence, 0)) as sd,"
                            + " sum(coalesce(x.overflow_pence, 0)) as so, sum(r.recovered_designated) as rd, sum(r.recovered_overflow) as ro"
                            + " from refund r left join part_settlement x on x.part_id = r.part_id group by r.appeal_slug, r.network),"
                            + " po as (select appeal_slug, fund_slug, state, sum(amount_pence) as amount, sum(netted_pence) as netted from payout group by 1, 2, 3),"
                            + " sr as (select appeal_slug, sum(suspense_pence) as suspense from settlement_resolution where appeal_slug is not null group by 1),"
                            + " expected (kind, code, pence) as ("
                            + " select v.kind, v.code, v.pence from ps join ap on ap.slug = ps.appeal_slug cross join lateral (values"
                            + " ('SETTLEMENT', ap.pre || 'cash', ps.settled), ('SETTLEMENT', ap.pre || 'receivable:' || ps.network, -ps.settled),"
                            + " ('SETTLEMENT', ap.pre || 'fund:' || ap.d, ps.sd), ('SETTLEMENT', ap.pre || 'payable:' || ap.d, -ps.sd),"
                            + " ('SETTLEMENT', ap.pre || 'fund:' || ap.o, ps.so), ('SETTLEMENT', ap.pre || 'payable:' || ap.o, -ps.so),"
                            + " ('REFUND', ap.pre || 'fund:' || ap.d, ps.wd), ('REFUND', ap.pre || 'fund:' || ap.o, ps.wo),"
                            + " ('REFUND', ap.pre || 'suspense:partial-charges', ps.ws), ('REFUND', ap.pre || 'receivable:' || ps.network, -ps.w)) v(kind, code, pence)"
                            + " union all select v.kind, v.code, v.pence from rf join ap on ap.slug = rf.appeal_slug cross join lateral (values"
                            + " ('REFUND', ap.pre || 'fund:' || ap.d, rf.d), ('REFUND', ap.pre || 'fund:' || ap.o, rf.o),"
                            + " ('REFUND', ap.pre || 'suspense:partial-charges', rf.s), ('REFUND', ap.pre || 'receivable:' || rf.network, -rf.unsettled),"
                            + " ('REFUND', ap.pre || 'cash', -rf.settled),"
                            + " ('SETTLEMENT_REVERSAL', ap.pre || 'fund:' || ap.d, -rf.sd), ('SETTLEMENT_REVERSAL', ap.pre || 'payable:' || ap.d, rf.sd - rf.rd),"
                            + " ('SETTLEMENT_REVERSAL', ap.pre || 'recoverable:' || ap.d, rf.rd), ('SETTLEMENT_REVERSAL', ap.pre || 'fund:' || ap.o, -rf.so),"
                            + " ('SETTLEMENT_REVERSAL', ap.pre || 'payable:' || ap.o, rf.so - rf.ro), ('SETTLEMENT_REVERSAL', ap.pre || 'recoverable:' || ap.o, rf.ro)) v(kind, code, pence)"
                            + " union all select v.kind, v.code, v.pence from po join ap on ap.slug = po.appeal_slug cross join lateral (values"
                            + " ('PAYOUT_RESERVE', ap.pre || 'payable:' || po.fund_slug, po.amount + po.netted),"
                            + " ('PAYOUT_RESERVE', ap.pre || 'payout-reserved:' || po.fund_slug, -po.amount), ('PAYOUT_RESERVE', ap.pre || 'recoverable:' || po.fund_slug, -po.netted),"
                            + " ('PAYOUT_PAID', ap.pre || 'payout-reserved:' || po.fund_slug, case when po.state = 'PAID' then po.amount else 0 end),"
                            + " ('PAYOUT_PAID', ap.pre || 'cash', case when po.state = 'PAID' then -po.amount else 0 end),"
                            + " ('PAYOUT_RELEASE', ap.pre || 'payout-reserved:' || po.fund_slug, case when po.state = 'VOID' then po.amount else 0 end),"
                            + " ('PAYOUT_RELEASE', ap.pre || 'recoverable:' || po.fund_slug, case when po.state = 'VOID' then po.netted else 0 end),"
                            + " ('PAYOUT_RELEASE', ap.pre || 'payable:' || po.fund_slug, case when po.state = 'VOID' then -(po.amount + po.netted) else 0 end)) v(kind, code, pence)"
                            + " union all select v.kind, v.code, v.pence from sr join ap on ap.slug = sr.appeal_slug cross join lateral (values"
                            + " ('ADJUSTMENT', ap.pre || 'cash', sr.suspense), ('ADJUSTMENT', ap.pre || 'suspense:unmatched-settlement', -sr.suspense)) v(kind, code, pence)),"
                            + " e as (select kind, code, sum(pence) as pence from expected group by kind, code),"
                            + " a as (select j.kind, acc.code, sum(p.amount_pence) as pence from journal j join posting p on p.journal_id = j.id join account acc on acc.id = p.account_id"
                            + " where j.kind in ('SETTLEMENT', 'SETTLEMENT_REVERSAL', 'REFUND', 'PAYOUT_RESERVE', 'PAYOUT_PAID', 'PAYOUT_RELEASE')"
                            + " or (j.kind = 'ADJUSTMENT' and j.idempotency_key like 'resolution:%') group by j.kind, acc.code)"
                            + " select coalesce(e.kind, a.kind) as kind, coalesce(e.code, a.code) as account, e.pence as records_pence, a.pence as ledger_pence"
                            + " from e full join a on a.kind = e.kind and a.code = e.code where coalesce(e.pence, 0) <> coalesce(a.pence, 0)"),
            new Rule("only booked charge parts are settled, written off or refunded, never beyond what was charged",
                    "select p.id as part, p.amount_pence, p.state, d.state as donation_state, ps.settled_pence, ps.written_off_pence, r.amount_pence as refunded,"
                            + " r.from_settled_pence from charge_part p join donation d on d.id = p.donation_id"
                            + " left join part_settlement ps on ps.part_id = p.id left join refund r on r.part_id = p.id"
                            + " where (ps.part_id is not null or r.part_id is not null) and (p.state <> 'CHARGED' or d.state not in ('CHARGED', 'FAILED')"
                            + " or coalesce(ps.settled_pence, 0) + coalesce(ps.written_off_pence, 0) > p.amount_pence"
                            + " or (r.part_id is not null and (r.amount_pence + coalesce(ps.written_off_pence, 0) <> p.amount_pence"
                            + " or r.from_settled_pence <> coalesce(ps.settled_pence, 0) or r.donation_id <> p.donation_id)))"
                            + " union all select ps.part_id, null, 'no such charge part', null, ps.settled_pence, ps.written_off_pence, null, null from part_settlement ps"
                            + " where not exists (select 1 from charge_part p where p.id = ps.part_id)"),
            new Rule("every settled, written-off or refunded part is split over the funds as its donation's charge was, designated money first",
                    "with dz as (select j.donation_id, -pd.amount_pence as designated from appeal a join account ad on ad.code = 'appeal:' || a.slug || ':fund:' || a.designated_fund"
                            + " join posting pd on pd.account_id = ad.id join journal j on j.id = pd.journal_id and j.kind = 'CHARGE'),"
                            + " touched as (select part_id from part_settlement union select part_id from refund),"
                            + " s as (select p.id, case when d.state = 'FAILED' then 0 else greatest(0, least(p.amount_pence, coalesce(dz.designated, 0)"
                            + " - case when p.part_no = 1 then 0 else (select coalesce(sum(q.amount_pence), 0) from charge_part q where q.donation_id = p.donation_id"
                            + " and q.part_no < p.part_no) end)) end as d, case when d.state = 'FAILED' then p.amount_pence else 0 end as s"
                            + " from touched t join charge_part p on p.id = t.part_id join donation d on d.id = p.donation_id"
                            + " left join dz on dz.donation_id = p.donation_id and d.state = 'CHARGED')"
                            + " select s.id as part, s.d as designated, s.s as suspense, ps.designated_pence, ps.written_off_designated, ps.suspense_pence,"
                            + " r.designated_pence as refunded_designated, r.suspense_pence as refunded_suspense from s"
                            + " left join part_settlement ps on ps.part_id = s.id left join refund r on r.part_id = s.id"
                            + " where (ps.part_id is not null and (ps.designated_pence <> least(ps.settled_pence, s.d)"
                            + " or ps.written_off_designated <> least(ps.written_off_pence, s.d - ps.designated_pence)"
                            + " or ps.suspense_pence + ps.written_off_suspense <> case when s.s > 0 then ps.settled_pence + ps.written_off_pence else 0 end))"
                            + " or (r.part_id is not null and (r.designated_pence <> s.d - coalesce(ps.written_off_designated, 0)"
                            + " or r.suspense_pence <> s.s - coalesce(ps.written_off_suspense, 0)))"),
            new Rule("unsettled fund money and receivables equal the booked charges not yet settled, written off or refunded",
                    "with dz as (select j.donation_id, -pd.amount_pence as designated from appeal a join account ad on ad.code = 'appeal:' || a.slug || ':fund:' || a.designated_fund"
                            + " join posting pd on pd.account_id = ad.id join journal j on j.id = pd.journal_id and j.kind = 'CHARGE'),"
                            + " open_parts as (select d.appeal_slug, coalesce(d.network, 'unknown') as network, d.state, p.amount_pence,"
                            + " case when d.state = 'FAILED' then 0 else greatest(0, least(p.amount_pence, coalesce(dz.designated, 0)"
                            + " - case when p.part_no = 1 then 0 else (select coalesce(sum(q.amount_pence), 0) from charge_part q where q.donation_id = p.donation_id"
                            + " and q.part_no < p.part_no) end)) end as designated"
                            + " from charge_part p join donation d on d.id = p.donation_id left join dz on dz.donation_id = p.donation_id and d.state = 'CHARGED'"
                            + " where p.state = 'CHARGED' and d.state in ('CHARGED', 'FAILED')"
                            + " and not exists (select 1 from part_settlement ps where ps.part_id = p.id) and not exists (select 1 from refund r where r.part_id = p.id)),"
                            + " expected (code, pence) as (select 'appeal:' || o.appeal_slug || ':receivable:' || o.network, o.amount_pence from open_parts o"
                            + " union all select 'appeal:' || o.appeal_slug || ':fund:' || a.designated_fund, -o.designated from open_parts o join appeal a on a.slug = o.appeal_slug"
                            + " where o.state = 'CHARGED'"
                            + " union all select 'appeal:' || o.appeal_slug || ':fund:' || a.overflow_fund, o.designated - o.amount_pence from open_parts o join appeal a on a.slug = o.appeal_slug"
                            + " where o.state = 'CHARGED'),"
                            + " e as (select code, sum(pence) as pence from expected group by code),"
                            + " l as (select acc.code, sum(p.amount_pence) as pence from account acc join posting p on p.account_id = acc.id"
                            + " where acc.kind in ('RECEIVABLE', 'FUND') and acc.code not like '%:recoverable:%' group by acc.code)"
                            + " select coalesce(e.code, l.code) as account, e.pence as charges_pence, l.pence as ledger_pence from e full join l on l.code = e.code"
                            + " where coalesce(e.pence, 0) <> coalesce(l.pence, 0)"),
            new Rule("the charity payable never went negative, nothing was paid beyond its reservation, and recoverable money never went negative",
                    "select code, journal_id, running from (select acc.code, p.journal_id, sum(p.amount_pence) over (partition by acc.id order by p.journal_id) as running"
                            + " from account acc join posting p on p.account_id = acc.id where acc.code ~ '^appeal:[^:]+:(payable|payout-reserved|recoverable):') x"
                            + " where (code ~ ':(payable|payout-reserved):' and running > 0) or (code ~ ':recoverable:' and running < 0)"),
            new Rule("every payout has one reservation, and is paid or released exactly when its state says so",
                    "select po.id, po.state, j.reserved, j.paid, j.released from payout po cross join lateral (select"
                            + " count(*) filter (where idempotency_key = 'payout:' || po.id || ':reserve' and kind = 'PAYOUT_RESERVE') as reserved,"
                            + " count(*) filter (where idempotency_key = 'payout:' || po.id || ':paid' and kind = 'PAYOUT_PAID') as paid,"
                            + " count(*) filter (where idempotency_key = 'payout:' || po.id || ':release' and kind = 'PAYOUT_RELEASE') as released"
                            + " from journal where idempotency_key like 'payout:' || po.id || ':%') j"
                            + " where j.reserved <> 1 or (j.paid = 1) <> (po.state = 'PAID') or (j.released = 1) <> (po.state = 'VOID') or j.paid > 1 or j.released > 1"),
            new Rule("matched report lines are exactly the settled parts, and refunded lines have their refund",
                    "select l.import_id, l.line_no, l.class, l.part_id, ps.part_id as settled_part from settlement_line l"
                            + " left join part_settlement ps on ps.import_id = l.import_id and ps.line_no = l.line_no"
                            + " where (l.class = 'MATCHED') <> (ps.part_id is not null) or (l.class = 'MATCHED' and ps.part_id <> l.part_id)"
                            + " or (l.class = 'REFUNDED' and not exists (select 1 from refund r where r.part_id = l.part_id))"));

    private final Database database;

    public LedgerVerifier(Database database) {
        this.database = database;
    }

    /** Runs every rule in one repeatable-read snapshot, so the rules see one consistent state. */
    public Report verify() {
        return database.inReadOnlySnapshot(connection -> {
            List<CheckResult> results = new ArrayList<>();
            for (Rule rule : RULES) {
                results.add(check(connection, rule));
            }
            return new Report(results);
        });
    }

    private static CheckResult check(Connection connection, Rule rule) throws SQLException {
        long breaches = 0;
        List<String> examples = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(rule.sql()); ResultSet rows = select.executeQuery()) {
            ResultSetMetaData meta = rows.getMetaData();
            while (rows.next()) {
                breaches++;
                if (examples.size() < EXAMPLES_MAX) {
                    StringBuilder row = new StringBuilder();
                    for (int column = 1; column <= meta.getColumnCount(); column++) {
                        row.append(column > 1 ? ", " : "").append(meta.getColumnLabel(column)).append('=').append(rows.getString(column));
                    }
                    examples.add(row.toString());
                }
            }
        }
        return new CheckResult(rule.name(), breaches, examples);
    }
}
