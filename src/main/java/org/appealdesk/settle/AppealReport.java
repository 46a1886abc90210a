package org.appealdesk.settle;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "100% reached the charity" report of one appeal: for each fund, every pound charged is
 * paid, reserved, outstanding or refunded, and the report says so, or shows the difference and the
 * journals that cause it.
 *
 * @param funds        the designated fund first, then the overflow fund
 * @param outstanding  money the networks still owe for the funds' charges, by network, month and age
 * @param suspense     money that is not the charity's: parts charged for failed donations, and
 *                     settlement money that matched no gift
 */
public record AppealReport(String appealSlug, Instant asOf, List<FundReport> funds, List<Outstanding> outstanding, Suspense suspense,
                           long cashPence, List<NetworkSettled> settledByNetwork) {

    public AppealReport {
        funds = List.copyOf(funds);
        outstanding = List.copyOf(outstanding);
        settledByNetwork = List.copyOf(settledByNetwork);
    }

    /**
     * One fund's money, from the ledger.
     *
     * @param chargedPence      CHARGE journals into the fund
     * @param refundedPence     REFUND journals out of it: refunds to donors and write-offs
     * @param refundedToDonorsPence / writtenOffPence the same, from the refund and settlement records
     * @param settledPence      what the networks paid (SETTLEMENT journals into the payable)
     * @param unsettledPence    charged, not refunded, not yet paid by a network (the fund account)
     * @param heldPence         settled, awaiting payout (the charity payable)
     * @param recoverablePence  refunded after the charity had it: kept back from the next payout
     * @param unsettledFromChargesPence the unsettled money recomputed from the charge parts, a cross-check
     * @param journalsCausingDifference journals that move money in or out of the fund's accounts
     *                          other than as charge, refund or payment (empty when the identity holds)
     */
    public record FundReport(String fund, boolean designated, long chargedPence, long refundedPence, long refundedToDonorsPence,
                             long writtenOffPence, long settledPence, long unsettledPence, long heldPence, long recoverablePence,
                             long reservedPence, long paidPence, long unsettledFromChargesPence, List<String> journalsCausingDifference) {
        public FundReport {
            journalsCausingDifference = List.copyOf(journalsCausingDifference);
        }

        /** Not yet paid or reserved for the charity and not refunded: owed by networks, or settled and held. */
        public long outstandingPence() {
            return unsettledPence + heldPence - recoverablePence;
        }

        /** charged − (paid + reserved + outstanding + refunded): zero when every pound is accounted for. */
        public long differencePence() {
            return chargedPence - (paidPence + reservedPence + outstandingPence() + refundedPence);
        }

        public boolean identityHolds() {
            return differencePence() == 0 && unsettledFromChargesPence == unsettledPence;
        }
    }

    /** Money a network still owes for one fund's charges made in one month. */
    public record Outstanding(String network, Period month, String fund, AgeBucket age, long charges, long pence) {
    }

    public record Suspense(long partialChargesPence, long partialChargesOutstandingPence, long unmatchedSettlementPence) {
    }

    public record NetworkSettled(String network, long parts, long settledPence, long writtenOffPence) {
    }

    public boolean identityHolds() {
        return funds.stream().allMatch(FundReport::identityHolds);
    }

    /** The JSON shape of the report API. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("appeal", appealSlug);
        json.put("asOf", asOf.toString());
        json.put("identity", "paid + reserved + outstanding + refunded == charged");
        json.put("identityHolds", identityHolds());
        json.put("funds", funds.stream().map(fund -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("fund", fund.fund());
            f.put("role", fund.designated() ? "designated" : "overflow");
            f.put("chargedPence", fund.chargedPence());
            f.put("refundedPence", fund.refundedPence());
            f.put("refundedToDonorsPence", fund.refundedToDonorsPence());
            f.put("writtenOffPence", fund.writtenOffPence());
            f.put("settledPence", fund.settledPence());
            f.put("outstandingPence", fund.outstandingPence());
            f.put("unsettledPence", fund.unsettledPence());
            f.put("heldPence", fund.heldPence());
            f.put("recoverablePence", fund.recoverablePence());
            f.put("reservedPence", fund.reservedPence());
            f.put("paidPence", fund.paidPence());
            f.put("differencePence", fund.differencePence());
            f.put("unsettledFromChargesPence", fund.unsettledFromChargesPence());
            f.put("identityHolds", fund.identityHolds());
            f.put("journalsCausingDifference", fund.journalsCausingDifference());
            return f;
        }).toList());
        json.put("outstandingByNetwork", outstanding.stream().map(o -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("network", o.network());
            row.put("month", o.month().toString());
            row.put("fund", o.fund());
            row.put("age", o.age().name());
            row.put("charges", o.charges());
            row.put("pence", o.pence());
            return row;
        }).toList());
        json.put("settledByNetwork", settledByNetwork.stream().map(n -> Map.of("network", n.network(), "parts", n.parts(),
                "settledPence", n.settledPence(), "writtenOffPence", n.writtenOffPence())).toList());
        json.put("suspense", Map.of("partialChargesPence", suspense.partialChargesPence(),
                "partialChargesOutstandingPence", suspense.partialChargesOutstandingPence(),
                "unmatchedSettlementPence", suspense.unmatchedSettlementPence()));
        json.put("cashPence", cashPence);
        return json;
    }
}
