package org.appealdesk.sim;

/**
 * What the simulated operator does with one billed submit_sm attempt. The receipted outcomes use
 * the error codes of the default table in docs/SMPP.md, so an ESME built to that contract maps
 * each one back to the same Fonix-style reason.
 *
 * <p>Four kinds, deliberately distinct because the ESME must treat them differently:
 * <ul>
 *   <li>{@link Kind#RECEIPTED}: submit_sm_resp OK, a receipt follows ({@code stat}, {@code err});
 *       only {@link #DELIVERED} bills the donor.</li>
 *   <li>{@link Kind#NO_RECEIPT}: submit_sm_resp OK, then silence. The ledger records an unknown
 *       outcome and does <em>not</em> bill, so tests stay decidable.</li>
 *   <li>{@link Kind#REFUSED}: submit_sm_resp with ESME_RSUBMITFAIL (0x45), permanent, not billed.</li>
 *   <li>{@link Kind#NO_RESPONSE}: the submit_sm is never answered; the ESME times out and must
 *       record UNKNOWN. Not billed.</li>
 * </ul>
 */
public enum ChargeOutcome {
    DELIVERED(Kind.RECEIPTED, "DELIVRD", 0, State.DELIVERED),
    INSUFFICIENT_FUNDS(Kind.RECEIPTED, "UNDELIV", 1, State.UNDELIVERABLE),
    INVALID_MSISDN(Kind.RECEIPTED, "UNDELIV", 2, State.UNDELIVERABLE),
    PERMANENTLY_BARRED(Kind.RECEIPTED, "REJECTD", 3, State.REJECTED),
    TEMPORARY_BARRED(Kind.RECEIPTED, "UNDELIV", 4, State.UNDELIVERABLE),
    MAX_SPEND_MSISDN(Kind.RECEIPTED, "REJECTD", 5, State.REJECTED),
    OPERATOR_REJECTED(Kind.RECEIPTED, "REJECTD", 6, State.REJECTED),
    OPERATOR_TIMEOUT(Kind.RECEIPTED, "EXPIRED", 7, State.EXPIRED),
    SECTOR_NOT_ALLOWED(Kind.RECEIPTED, "REJECTD", 8, State.REJECTED),
    UNKNOWN_MSISDN(Kind.RECEIPTED, "UNDELIV", 9, State.UNDELIVERABLE),
    UNREACHABLE_MSISDN(Kind.RECEIPTED, "UNDELIV", 10, State.UNDELIVERABLE),
    NO_RECEIPT(Kind.NO_RECEIPT, null, 0, null),
    SUBMIT_REFUSED(Kind.REFUSED, null, 0, null),
    NO_SUBMIT_RESPONSE(Kind.NO_RESPONSE, null, 0, null);

    /** How the outcome shows on the wire. */
    public enum Kind { RECEIPTED, NO_RECEIPT, REFUSED, NO_RESPONSE }

    /** SMPP 3.4 message_state values (section 5.2.28) used in the message_state TLV. */
    private enum State {
        DELIVERED(2), EXPIRED(3), UNDELIVERABLE(5), REJECTED(8);

        final int value;

        State(int value) {
            this.value = value;
        }
    }

    /** The command_status of the submit_sm_resp for {@link #SUBMIT_REFUSED}: ESME_RSUBMITFAIL. */
    public static final int REFUSED_COMMAND_STATUS = 0x45;

    private final Kind kind;
    private final String stat;
    private final int errorCode;
    private final State state;

    ChargeOutcome(Kind kind, String stat, int errorCode, State state) {
        this.kind = kind;
        this.stat = stat;
        this.errorCode = errorCode;
        this.state = state;
    }

    public Kind kind() {
        return kind;
    }

    /** The receipt's {@code stat:} value (DELIVRD, UNDELIV, REJECTD, EXPIRED); null without a receipt. */
    public String stat() {
        return stat;
    }

    /** The receipt's {@code err:} value, 0 for DELIVRD; printed as three digits. */
    public int errorCode() {
        return errorCode;
    }

    /** The message_state TLV value; -1 without a receipt. */
    public int messageState() {
        return state == null ? -1 : state.value;
    }

    /** Only a delivered charge takes money from the donor. */
    public boolean bills() {
        return this == DELIVERED;
    }

    /** True when the SMSC answered the submit_sm with a message id (the charge is settled from then on). */
    public boolean isAccepted() {
        return kind == Kind.RECEIPTED || kind == Kind.NO_RECEIPT;
    }
}
