package org.appealdesk.sim;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Configuration of a {@link SimulatedSmsc}, frozen at start. Every setting is checked here and a
 * bad one refuses to start the simulator (unlike a real SMSC, a simulator that quietly "fixes" a
 * setting would make a test prove something else).
 *
 * @param host                        the address to listen on; must be a loopback address
 * @param port                        the TCP port; 0 takes a free port (see {@link SimulatedSmsc#port()})
 * @param systemId                    the system_id an ESME must bind with (SMPP allows 15 characters)
 * @param password                    the password an ESME must bind with (SMPP allows 8 characters)
 * @param seed                        one seed gives the same donors, texts and outcomes
 * @param idSalt                      salts MO ids and message ids (never texts or outcomes);
 *                                    {@link #ID_SALT_FRESH} (0) takes a fresh salt at every start, so
 *                                    ids never repeat when a database outlives the simulator (the
 *                                    demo's data directory, one test database per JVM); any other
 *                                    value repeats the ids exactly for the same seed
 * @param failureMix                  what happens to billed submits
 * @param duplicateMoProbability      chance that an acknowledged MO is delivered again with the same moId
 * @param duplicateReceiptProbability chance that an acknowledged receipt is delivered again
 * @param lateReceiptProbability      chance that a receipt waits between receiptDelayMsMax and lateReceiptDelayMsMax
 * @param lateReceiptDelayMsMax       upper bound of a late receipt's delay
 * @param receiptDelayMsMax           upper bound of a normal receipt's delay (uniform from 0)
 * @param messageIdStyle              hex or decimal message ids in submit_sm_resp
 * @param receiptIdStyle              how receipts print that id; must fit messageIdStyle
 * @param throttleProbability         chance that a submit_sm is answered ESME_RTHROTTLED (0x58) unread
 * @param moIdTag                     vendor TLV tag carrying the MO id (0 = never send it)
 * @param networkTag                  vendor TLV tag carrying the donor's network (0 = never send it)
 * @param requestIdTag                vendor TLV tag the ESME uses for the charge request id (0 = ignore)
 * @param priceTag                    vendor TLV tag the ESME uses for the price in pence (0 = ignore)
 * @param billing                     the other two ways a submit signals its price
 * @param windowSize                  deliver_sm (MOs and receipts) in flight per bound session
 * @param sendMoIds                   whether MOs carry the moId TLV (false shows why it is needed)
 * @param deliverResponseTimeoutMs    how long the SMSC waits for a deliver_sm_resp before redelivering
 * @param redeliveryDelayMs           first wait before a refused or unanswered deliver_sm is sent
 *                                    again; doubles per attempt up to {@link #REDELIVERY_DELAY_MS_MAX}
 * @param deliveriesTogether          whether deliveries due together leave in one socket write per
 *                                    session: a traffic run's texts due in the same millisecond,
 *                                    receipts due in the same millisecond, what the dispatcher
 *                                    finds queued (the default); false writes each deliver_sm on
 *                                    its own the moment it is due, with a timer task for each
 *                                    receipt, as the simulator did before 2026-11-27 (for comparing
 *                                    with figures measured so)
 */
public record SimSettings(
        String host,
        int port,
        String systemId,
        String password,
        long seed,
        long idSalt,
        FailureMix failureMix,
        double duplicateMoProbability,
        double duplicateReceiptProbability,
        double lateReceiptProbability,
        long lateReceiptDelayMsMax,
        long receiptDelayMsMax,
        MessageIdStyle messageIdStyle,
        ReceiptIdStyle receiptIdStyle,
        double throttleProbability,
        int moIdTag,
        int networkTag,
        int requestIdTag,
        int priceTag,
        BillingRules billing,
        int windowSize,
        boolean sendMoIds,
        long deliverResponseTimeoutMs,
        long redeliveryDelayMs,
        boolean deliveriesTogether) {

    public static final String HOST_DEFAULT = "127.0.0.1";
    /** idSalt meaning "a fresh salt at every start". */
    public static final long ID_SALT_FRESH = 0;
    public static final int SYSTEM_ID_LENGTH_MAX = 15;
    public static final int PASSWORD_LENGTH_MAX = 8;
    public static final int WINDOW_SIZE_MAX = 256;
    /** Receipts later than an hour would outlive any test or demo that waits for them. */
    public static final long RECEIPT_DELAY_MS_MAX = 3_600_000;
    public static final long DELIVER_RESPONSE_TIMEOUT_MS_MIN = 50;
    public static final long DELIVER_RESPONSE_TIMEOUT_MS_MAX = 120_000;
    public static final long REDELIVERY_DELAY_MS_MIN = 10;
    public static final long REDELIVERY_DELAY_MS_MAX = 60_000;
    /** The legal ceiling per transaction (PSR 2017) is £40; a price above it is a bug. */
    public static final long PRICE_PENCE_MAX = 4_000;

    /** Vendor TLV defaults from docs/SMPP.md. */
    public static final int MO_ID_TAG_DEFAULT = 0x1501;
    public static final int NETWORK_TAG_DEFAULT = 0x1502;
    public static final int REQUEST_ID_TAG_DEFAULT = 0x1503;
    public static final int PRICE_TAG_DEFAULT = 0x1504;

    public SimSettings {
        if (host == null || !isLoopback(host)) {
            throw new IllegalArgumentException("the simulator listens on loopback only, got host '" + host + "'");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0-65535 (0 = free port), got " + port);
        }
        if (systemId == null || systemId.isEmpty() || systemId.length() > SYSTEM_ID_LENGTH_MAX) {
            throw new IllegalArgumentException("systemId must be 1-" + SYSTEM_ID_LENGTH_MAX + " characters, got '" + systemId + "'");
        }
        if (password == null || password.isEmpty() || password.length() > PASSWORD_LENGTH_MAX) {
            throw new IllegalArgumentException("password must be 1-" + PASSWORD_LENGTH_MAX + " characters (SMPP 3.4), got " + (password == null ? "none" : password.length() + " characters"));
        }
        if (failureMix == null || messageIdStyle == null || receiptIdStyle == null || billing == null) {
            throw new IllegalArgumentException("failureMix, messageIdStyle, receiptIdStyle and billing are required");
        }
        probability("duplicateMoProbability", duplicateMoProbability);
        probability("duplicateReceiptProbability", duplicateReceiptProbability);
        probability("lateReceiptProbability", lateReceiptProbability);
        probability("throttleProbability", throttleProbability);
        if (receiptDelayMsMax < 0 || receiptDelayMsMax > RECEIPT_DELAY_MS_MAX) {
            throw new IllegalArgumentException("receiptDelayMsMax must be 0-" + RECEIPT_DELAY_MS_MAX + ", got " + receiptDelayMsMax);
        }
        if (lateReceiptDelayMsMax < receiptDelayMsMax || lateReceiptDelayMsMax > RECEIPT_DELAY_MS_MAX) {
            throw new IllegalArgumentException("lateReceiptDelayMsMax must be " + receiptDelayMsMax + "-" + RECEIPT_DELAY_MS_MAX + ", got " + lateReceiptDelayMsMax);
        }
        if (!receiptIdStyle.fits(messageIdStyle)) {
            throw new IllegalArgumentException("receiptIdStyle " + receiptIdStyle + " cannot describe " + messageIdStyle + " message ids");
        }
        tag("moIdTag", moIdTag);
        tag("networkTag", networkTag);
        tag("requestIdTag", requestIdTag);
        tag("priceTag", priceTag);
        int[] tags = {moIdTag, networkTag, requestIdTag, priceTag};
        for (int i = 0; i < tags.length; i++) {
            for (int j = i + 1; j < tags.length; j++) {
                if (tags[i] != 0 && tags[i] == tags[j]) {
                    throw new IllegalArgumentException("vendor TLV tags must differ, 0x" + Integer.toHexString(tags[i]) + " is used twice");
                }
            }
        }
        if (windowSize < 1 || windowSize > WINDOW_SIZE_MAX) {
            throw new IllegalArgumentException("windowSize must be 1-" + WINDOW_SIZE_MAX + ", got " + windowSize);
        }
        if (deliverResponseTimeoutMs < DELIVER_RESPONSE_TIMEOUT_MS_MIN || deliverResponseTimeoutMs > DELIVER_RESPONSE_TIMEOUT_MS_MAX) {
            throw new IllegalArgumentException("deliverResponseTimeoutMs must be " + DELIVER_RESPONSE_TIMEOUT_MS_MIN + "-" + DELIVER_RESPONSE_TIMEOUT_MS_MAX + ", got " + deliverResponseTimeoutMs);
        }
        if (redeliveryDelayMs < REDELIVERY_DELAY_MS_MIN || redeliveryDelayMs > REDELIVERY_DELAY_MS_MAX) {
            throw new IllegalArgumentException("redeliveryDelayMs must be " + REDELIVERY_DELAY_MS_MIN + "-" + REDELIVERY_DELAY_MS_MAX + ", got " + redeliveryDelayMs);
        }
    }

    /**
     * A realistic operator: 85% of charges delivered, a few % each decline, 1% never receipted,
     * 1% of MOs delivered twice, 3% of receipts late (up to 30 s), 2% of receipts twice, half a
     * percent of submits throttled; hex message ids with receipts in the same form.
     */
    public static SimSettings defaults(long seed) {
        return new SimSettings(HOST_DEFAULT, 0, "appealdesk", "sunpass", seed, ID_SALT_FRESH, FailureMix.realistic(),
                0.01, 0.02, 0.03, 30_000, 2_000,
                MessageIdStyle.HEX, ReceiptIdStyle.SAME, 0.005,
                MO_ID_TAG_DEFAULT, NETWORK_TAG_DEFAULT, REQUEST_ID_TAG_DEFAULT, PRICE_TAG_DEFAULT,
                BillingRules.defaults(), 32, true, 5_000, 250, true);
    }

    /** A well-behaved operator for tests that check one thing: everything delivered once, promptly. */
    public static SimSettings perfect(long seed) {
        return defaults(seed).toBuilder()
                .failureMix(FailureMix.allDelivered())
                .duplicateMoProbability(0).duplicateReceiptProbability(0)
                .lateReceiptProbability(0).receiptDelayMsMax(50).lateReceiptDelayMsMax(50)
                .throttleProbability(0)
                .build();
    }

    public SimSettings withPort(int newPort) {
        return toBuilder().port(newPort).build();
    }

    public SimSettings withSeed(long newSeed) {
        return toBuilder().seed(newSeed).build();
    }

    public SimSettings withFailureMix(FailureMix mix) {
        return toBuilder().failureMix(mix).build();
    }

    public SimSettings withIdStyles(MessageIdStyle messageIds, ReceiptIdStyle receiptIds) {
        return toBuilder().messageIdStyle(messageIds).receiptIdStyle(receiptIds).build();
    }

    public SimSettings withThrottleProbability(double probability) {
        return toBuilder().throttleProbability(probability).build();
    }

    public SimSettings withWindowSize(int size) {
        return toBuilder().windowSize(size).build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    private static boolean isLoopback(String host) {
        try {
            // Literal addresses only resolve without DNS; "localhost" resolves through the hosts file.
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void probability(String name, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
        }
    }

    private static void tag(String name, int tag) {
        if (tag < 0 || tag > 0xFFFF) {
            throw new IllegalArgumentException(name + " must be 0 (off) or a 16-bit tag, got " + tag);
        }
    }

    /** Changes a few settings of a valid record; {@link #build()} checks the result again. */
    public static final class Builder {
        private String host;
        private int port;
        private String systemId;
        private String password;
        private long seed;
        private long idSalt;
        private FailureMix failureMix;
        private double duplicateMoProbability;
        private double duplicateReceiptProbability;
        private double lateReceiptProbability;
        private long lateReceiptDelayMsMax;
        private long receiptDelayMsMax;
        private MessageIdStyle messageIdStyle;
        private ReceiptIdStyle receiptIdStyle;
        private double throttleProbability;
        private int moIdTag;
        private int networkTag;
        private int requestIdTag;
        private int priceTag;
        private BillingRules billing;
        private int windowSize;
        private boolean sendMoIds;
        private long deliverResponseTimeoutMs;
        private long redeliveryDelayMs;
        private boolean deliveriesTogether;

        private Builder(SimSettings s) {
            host = s.host;
            port = s.port;
            systemId = s.systemId;
            password = s.password;
            seed = s.seed;
            idSalt = s.idSalt;
            failureMix = s.failureMix;
            duplicateMoProbability = s.duplicateMoProbability;
            duplicateReceiptProbability = s.duplicateReceiptProbability;
            lateReceiptProbability = s.lateReceiptProbability;
            lateReceiptDelayMsMax = s.lateReceiptDelayMsMax;
            receiptDelayMsMax = s.receiptDelayMsMax;
            messageIdStyle = s.messageIdStyle;
            receiptIdStyle = s.receiptIdStyle;
            throttleProbability = s.throttleProbability;
            moIdTag = s.moIdTag;
            networkTag = s.networkTag;
            requestIdTag = s.requestIdTag;
            priceTag = s.priceTag;
            billing = s.billing;
            windowSize = s.windowSize;
            sendMoIds = s.sendMoIds;
            deliverResponseTimeoutMs = s.deliverResponseTimeoutMs;
            redeliveryDelayMs = s.redeliveryDelayMs;
            deliveriesTogether = s.deliveriesTogether;
        }

        public Builder host(String value) { host = value; return this; }
        public Builder port(int value) { port = value; return this; }
        public Builder credentials(String newSystemId, String newPassword) { systemId = newSystemId; password = newPassword; return this; }
        public Builder seed(long value) { seed = value; return this; }
        public Builder idSalt(long value) { idSalt = value; return this; }
        public Builder failureMix(FailureMix value) { failureMix = value; return this; }
        public Builder duplicateMoProbability(double value) { duplicateMoProbability = value; return this; }
        public Builder duplicateReceiptProbability(double value) { duplicateReceiptProbability = value; return this; }
        public Builder lateReceiptProbability(double value) { lateReceiptProbability = value; return this; }
        public Builder lateReceiptDelayMsMax(long value) { lateReceiptDelayMsMax = value; return this; }
        public Builder receiptDelayMsMax(long value) { receiptDelayMsMax = value; return this; }
        public Builder messageIdStyle(MessageIdStyle value) { messageIdStyle = value; return this; }
        public Builder receiptIdStyle(ReceiptIdStyle value) { receiptIdStyle = value; return this; }
        public Builder throttleProbability(double value) { throttleProbability = value; return this; }
        public Builder moIdTag(int value) { moIdTag = value; return this; }
        public Builder networkTag(int value) { networkTag = value; return this; }
        public Builder requestIdTag(int value) { requestIdTag = value; return this; }
        public Builder priceTag(int value) { priceTag = value; return this; }
        public Builder billing(BillingRules value) { billing = value; return this; }
        public Builder windowSize(int value) { windowSize = value; return this; }
        public Builder sendMoIds(boolean value) { sendMoIds = value; return this; }
        public Builder deliverResponseTimeoutMs(long value) { deliverResponseTimeoutMs = value; return this; }
        public Builder redeliveryDelayMs(long value) { redeliveryDelayMs = value; return this; }
        public Builder deliveriesTogether(boolean value) { deliveriesTogether = value; return this; }

        public SimSettings build() {
            return new SimSettings(host, port, systemId, password, seed, idSalt, failureMix,
                    duplicateMoProbability, duplicateReceiptProbability, lateReceiptProbability,
                    lateReceiptDelayMsMax, receiptDelayMsMax, messageIdStyle, receiptIdStyle,
                    throttleProbability, moIdTag, networkTag, requestIdTag, priceTag, billing,
                    windowSize, sendMoIds, deliverResponseTimeoutMs, redeliveryDelayMs, deliveriesTogether);
        }
    }
}
