package org.appealdesk.sms.smpp;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the SMPP adapter needs to know about one aggregator's SMSC, validated once, before
 * anything connects; a bad value refuses to start with a message naming the setting.
 *
 * <p>JSON (Jackson) goes through {@link Builder}: every setting has a default except the four that
 * identify the SMSC and the billing profile, and an unknown property is an error, so a typo never
 * silently falls back to a default.
 *
 * @param host                       the SMSC's host name or address (any host; tests use 127.0.0.1)
 * @param binds                      transceiver sessions to keep open at once
 * @param windowSize                 submit_sm in flight per bind, waiting for submit_sm_resp
 * @param submitsPerSecondMax        submit_sm sent per second per bind, at most
 * @param enquireLinkMs              idle time after which an enquire_link checks the link
 * @param responseTimeoutMs          wait for any response (bind, submit, enquire_link); a submit
 *                                   unanswered by then is UNKNOWN and never re-sent; also the
 *                                   TCP connect timeout
 * @param reconnectDelayMsMax        cap of the exponential backoff between reconnect attempts
 * @param throttleBackoffMsMax       cap of the exponential pause of a bind after ESME_RTHROTTLED
 * @param commitWaitMsMax            how long a deliver_sm waits for its commit before it is refused
 *                                   with ESME_RX_T_APPN; keep it well under the SMSC's response
 *                                   timeout, or the SMSC resends while the first copy commits
 * @param receiveConcurrencyPerBind  0 (the default): each received PDU is processed on its bind's
 *                                   reader thread, with no thread hand-off per PDU
 *                                   ({@link org.appealdesk.platform.SmppReaderThread}); a deliver_sm
 *                                   never holds a thread while it waits for its commit
 *                                   (DeferredReplies), so one thread is enough. 1 or more: jSMPP's
 *                                   own pool of that many threads per bind (the behaviour before)
 * @param receiveQueuePerBind        with jSMPP's pool only: received PDUs queued per bind when all
 *                                   its threads are busy; beyond it deliver_sm is answered
 *                                   ESME_RTHROTTLED. On the reader thread the queue is TCP's, and
 *                                   a full intake refuses texts with a temporary error
 * @param moIdTag                    vendor TLV with the aggregator's MO id (0 disables)
 * @param networkTag                 vendor TLV with the donor's network name (0 disables)
 * @param requestIdTag               vendor TLV carrying a charge's request id (0 disables)
 * @param priceTag                   vendor TLV carrying the price for PRICE_TLV billing (0 disables)
 * @param messageIdWidth             zero padding of the SMSC's message ids, for receipt id
 *                                   conversion (0 = none); see {@link ReceiptIdFormat}
 * @param messageIdUpperCase         whether the SMSC's hex message ids use A-F
 * @param temporarySubmitErrorCodes  submit_sm_resp command_status values reported as temporary
 *                                   refusals; every other error is permanent (the throttle codes
 *                                   0x14 and 0x58 always mean "send again later")
 * @param outboxClaimBatchSize       messages claimed from the outbox at once, at most
 * @param outboxPollMs               sleep between outbox claims when nothing is due
 * @param windowWaitMsMax            how long a claimed message waits for a window slot on a bound
 *                                   session before it is handed back with retryLater
 */
@JsonDeserialize(builder = SmppSettings.Builder.class)
public record SmppSettings(
        String host,
        int port,
        String systemId,
        String password,
        String systemType,
        int binds,
        int windowSize,
        int submitsPerSecondMax,
        int enquireLinkMs,
        int responseTimeoutMs,
        int reconnectDelayMsMax,
        int throttleBackoffMsMax,
        int commitWaitMsMax,
        int receiveConcurrencyPerBind,
        int receiveQueuePerBind,
        int moIdTag,
        int networkTag,
        int requestIdTag,
        int priceTag,
        BillingProfile billing,
        ReceiptIdFormat receiptIdFormat,
        int messageIdWidth,
        boolean messageIdUpperCase,
        ErrorCodeMap errorCodes,
        Set<Integer> temporarySubmitErrorCodes,
        int outboxClaimBatchSize,
        int outboxPollMs,
        int windowWaitMsMax) {

    /** The prefix of every setting in messages, as the settings sit in the application's configuration. */
    static final String PREFIX = "smsc.";
    public static final int BINDS_MAX = 16;
    public static final int WINDOW_SIZE_MAX = 1_000;
    static final int TEMPORARY_CODES_MAX = 100;

    public SmppSettings {
        if (host == null || host.isBlank() || host.length() > 253 || !host.equals(host.strip()) || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(PREFIX + "host must be a host name or address, got '" + host + "'");
        }
        range("port", port, 1, 65_535);
        // SMPP 3.4 field sizes (C-octet strings, NUL included): system_id 16, password 9, system_type 13.
        text("systemId", systemId, 1, 15);
        text("password", password, 0, 8);
        systemType = systemType == null ? "" : systemType;
        text("systemType", systemType, 0, 12);
        range("binds", binds, 1, BINDS_MAX);
        range("windowSize", windowSize, 1, WINDOW_SIZE_MAX);
        range("submitsPerSecondMax", submitsPerSecondMax, 1, 10_000);
        range("enquireLinkMs", enquireLinkMs, 100, 600_000);
        range("responseTimeoutMs", responseTimeoutMs, 100, 300_000);
        range("reconnectDelayMsMax", reconnectDelayMsMax, 100, 600_000);
        range("throttleBackoffMsMax", throttleBackoffMsMax, 100, 600_000);
        range("commitWaitMsMax", commitWaitMsMax, 100, 120_000);
        range("receiveConcurrencyPerBind", receiveConcurrencyPerBind, 0, 1_000);
        range("receiveQueuePerBind", receiveQueuePerBind, 1, 100_000);
        tag("moIdTag", moIdTag);
        tag("networkTag", networkTag);
        tag("requestIdTag", requestIdTag);
        tag("priceTag", priceTag);
        distinctTags(moIdTag, networkTag, requestIdTag, priceTag);
        if (billing == null) {
            throw new IllegalArgumentException(PREFIX + "billing is required: SHORTCODE_PER_PRICE, SERVICE_TYPE or PRICE_TLV");
        }
        if (billing instanceof BillingProfile.PriceTlv && priceTag == 0) {
            throw new IllegalArgumentException(PREFIX + "priceTag must be set (not 0) when billing is PRICE_TLV");
        }
        if (receiptIdFormat == null) {
            throw new IllegalArgumentException(PREFIX + "receiptIdFormat must be SAME, DECIMAL_OF_HEX or HEX_OF_DECIMAL");
        }
        range("messageIdWidth", messageIdWidth, 0, ReceiptIdFormat.ID_LENGTH_MAX);
        errorCodes = errorCodes == null ? ErrorCodeMap.defaults() : errorCodes;
        temporarySubmitErrorCodes = temporaryCodes(temporarySubmitErrorCodes);
        range("outboxClaimBatchSize", outboxClaimBatchSize, 1, 10_000);
        range("outboxPollMs", outboxPollMs, 1, 60_000);
        range("windowWaitMsMax", windowWaitMsMax, 1, 600_000);
    }

    /** Settings with every default, for an SMSC at {@code host:port}. */
    public static SmppSettings defaults(String host, int port, String systemId, String password, BillingProfile billing) {
        return builder(host, port, systemId, password).billing(billing).build();
    }

    /** A builder holding every default, for an SMSC at {@code host:port}; billing must still be set. */
    public static Builder builder(String host, int port, String systemId, String password) {
        return new Builder().host(host).port(port).systemId(systemId).password(password);
    }

    /** A builder holding these settings, to change a few. */
    public Builder toBuilder() {
        return new Builder().host(host).port(port).systemId(systemId).password(password).systemType(systemType)
                .binds(binds).windowSize(windowSize).submitsPerSecondMax(submitsPerSecondMax)
                .enquireLinkMs(enquireLinkMs).responseTimeoutMs(responseTimeoutMs)
                .reconnectDelayMsMax(reconnectDelayMsMax).throttleBackoffMsMax(throttleBackoffMsMax)
                .commitWaitMsMax(commitWaitMsMax).receiveConcurrencyPerBind(receiveConcurrencyPerBind)
                .receiveQueuePerBind(receiveQueuePerBind).moIdTag(moIdTag).networkTag(networkTag)
                .requestIdTag(requestIdTag).priceTag(priceTag).billing(billing).receiptIdFormat(receiptIdFormat)
                .messageIdWidth(messageIdWidth).messageIdUpperCase(messageIdUpperCase).errorCodes(errorCodes)
                .temporarySubmitErrorCodeValues(temporarySubmitErrorCodes)
                .outboxClaimBatchSize(outboxClaimBatchSize).outboxPollMs(outboxPollMs).windowWaitMsMax(windowWaitMsMax);
    }

    /** Like the record's own, without the password. */
    @Override
    public String toString() {
        return "SmppSettings[host=" + host + ", port=" + port + ", systemId=" + systemId + ", password=(" + password.length()
                + " characters), systemType=" + systemType + ", binds=" + binds + ", windowSize=" + windowSize
                + ", submitsPerSecondMax=" + submitsPerSecondMax + ", enquireLinkMs=" + enquireLinkMs
                + ", responseTimeoutMs=" + responseTimeoutMs + ", reconnectDelayMsMax=" + reconnectDelayMsMax
                + ", throttleBackoffMsMax=" + throttleBackoffMsMax + ", commitWaitMsMax=" + commitWaitMsMax
                + ", receiveConcurrencyPerBind=" + receiveConcurrencyPerBind + ", receiveQueuePerBind=" + receiveQueuePerBind
                + ", moIdTag=0x" + Integer.toHexString(moIdTag) + ", networkTag=0x" + Integer.toHexString(networkTag)
                + ", requestIdTag=0x" + Integer.toHexString(requestIdTag) + ", priceTag=0x" + Integer.toHexString(priceTag)
                + ", billing=" + billing + ", receiptIdFormat=" + receiptIdFormat + ", messageIdWidth=" + messageIdWidth
                + ", messageIdUpperCase=" + messageIdUpperCase + ", errorCodes=" + errorCodes.byCode().size() + " codes"
                + ", temporarySubmitErrorCodes=" + temporarySubmitErrorCodes.stream().sorted().map(SmppSettings::formatCommandStatus).toList()
                + ", outboxClaimBatchSize=" + outboxClaimBatchSize + ", outboxPollMs=" + outboxPollMs
                + ", windowWaitMsMax=" + windowWaitMsMax + "]";
    }

    /** A command_status as the adapter reports it to the outbox: "0x" and eight upper-case hex digits. */
    public static String formatCommandStatus(int commandStatus) {
        return String.format(Locale.ROOT, "0x%08X", commandStatus);
    }

    /** "0x58", "0x00000058" or "88" → 88. */
    static int parseCommandStatus(String text) {
        String trimmed = text == null ? "" : text.strip();
        try {
            if (trimmed.regionMatches(true, 0, "0x", 0, 2) && trimmed.length() > 2 && trimmed.length() <= 10) {
                return Integer.parseUnsignedInt(trimmed.substring(2), 16);
            }
            if (trimmed.matches("[0-9]{1,10}")) {
                return Integer.parseUnsignedInt(trimmed);
            }
        } catch (NumberFormatException e) {
            // Reported below with the setting's name.
        }
        throw new IllegalArgumentException(PREFIX + "temporarySubmitErrorCodes entries must be command_status values such as \"0x08\", got '" + text + "'");
    }

    private static void range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(PREFIX + name + " must be " + min + "-" + max + ", got " + value);
        }
    }

    private static void text(String name, String value, int lengthMin, int lengthMax) {
        if (value == null || value.length() < lengthMin || value.length() > lengthMax || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException(PREFIX + name + " must be " + lengthMin + "-" + lengthMax + " printable ASCII characters, got "
                    + (value == null ? "none" : value.length() + " characters"));
        }
    }

    private static void tag(String name, int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(PREFIX + name + " must be 0 (disabled) or a TLV tag 1-65535 (0x0001-0xFFFF), got " + value);
        }
    }

    private static void distinctTags(int... tags) {
        Set<Integer> seen = new HashSet<>();
        for (int tag : tags) {
            if (tag != 0 && !seen.add(tag)) {
                throw new IllegalArgumentException(PREFIX + "moIdTag, networkTag, requestIdTag and priceTag must differ, got 0x"
                        + Integer.toHexString(tag) + " twice");
            }
        }
    }

    private static Set<Integer> temporaryCodes(Set<Integer> codes) {
        if (codes == null) {
            return Builder.TEMPORARY_SUBMIT_ERROR_CODES_DEFAULT;
        }
        if (codes.size() > TEMPORARY_CODES_MAX) {
            throw new IllegalArgumentException(PREFIX + "temporarySubmitErrorCodes must hold at most " + TEMPORARY_CODES_MAX + " codes, got " + codes.size());
        }
        for (Integer code : codes) {
            if (code == null || code == 0) {
                throw new IllegalArgumentException(PREFIX + "temporarySubmitErrorCodes entries must be error command_status values, got " + code);
            }
        }
        return Set.copyOf(codes);
    }

    /** Builds settings from defaults; the JSON view of {@link SmppSettings}. */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {

        /** ESME_RSYSERR (the SMSC failed, not the message) and ESME_RX_T_APPN. */
        static final Set<Integer> TEMPORARY_SUBMIT_ERROR_CODES_DEFAULT = Set.of(0x08, 0x64);

        private String host;
        private int port;
        private String systemId;
        private String password;
        private String systemType = "";
        private int binds = 2;
        private int windowSize = 50;
        private int submitsPerSecondMax = 100;
        private int enquireLinkMs = 30_000;
        private int responseTimeoutMs = 10_000;
        private int reconnectDelayMsMax = 30_000;
        private int throttleBackoffMsMax = 5_000;
        private int commitWaitMsMax = 2_000;
        // 0, the reader thread: no wake-up per PDU at all (8 threads before, 64 before that; each
        // step down measured in BENCHMARKS.md).
        private int receiveConcurrencyPerBind = 0;
        private int receiveQueuePerBind = 1_000;
        private int moIdTag = 0x1501;
        private int networkTag = 0x1502;
        private int requestIdTag = 0x1503;
        private int priceTag = 0x1504;
        private BillingProfile billing;
        private ReceiptIdFormat receiptIdFormat = ReceiptIdFormat.SAME;
        private int messageIdWidth;
        private boolean messageIdUpperCase;
        private ErrorCodeMap errorCodes = ErrorCodeMap.defaults();
        private Set<Integer> temporarySubmitErrorCodes = TEMPORARY_SUBMIT_ERROR_CODES_DEFAULT;
        private int outboxClaimBatchSize = 100;
        private int outboxPollMs = 50;
        private int windowWaitMsMax = 10_000;

        public Builder() {
        }

        public Builder host(String host) { this.host = host; return this; }
        public Builder port(int port) { this.port = port; return this; }
        public Builder systemId(String systemId) { this.systemId = systemId; return this; }
        public Builder password(String password) { this.password = password; return this; }
        public Builder systemType(String systemType) { this.systemType = systemType; return this; }
        public Builder binds(int binds) { this.binds = binds; return this; }
        public Builder windowSize(int windowSize) { this.windowSize = windowSize; return this; }
        public Builder submitsPerSecondMax(int submitsPerSecondMax) { this.submitsPerSecondMax = submitsPerSecondMax; return this; }
        public Builder enquireLinkMs(int enquireLinkMs) { this.enquireLinkMs = enquireLinkMs; return this; }
        public Builder responseTimeoutMs(int responseTimeoutMs) { this.responseTimeoutMs = responseTimeoutMs; return this; }
        public Builder reconnectDelayMsMax(int reconnectDelayMsMax) { this.reconnectDelayMsMax = reconnectDelayMsMax; return this; }
        public Builder throttleBackoffMsMax(int throttleBackoffMsMax) { this.throttleBackoffMsMax = throttleBackoffMsMax; return this; }
        public Builder commitWaitMsMax(int commitWaitMsMax) { this.commitWaitMsMax = commitWaitMsMax; return this; }
        public Builder receiveConcurrencyPerBind(int value) { this.receiveConcurrencyPerBind = value; return this; }
        public Builder receiveQueuePerBind(int value) { this.receiveQueuePerBind = value; return this; }
        public Builder moIdTag(int moIdTag) { this.moIdTag = moIdTag; return this; }
        public Builder networkTag(int networkTag) { this.networkTag = networkTag; return this; }
        public Builder requestIdTag(int requestIdTag) { this.requestIdTag = requestIdTag; return this; }
        public Builder priceTag(int priceTag) { this.priceTag = priceTag; return this; }
        public Builder billing(BillingProfile billing) { this.billing = billing; return this; }
        public Builder receiptIdFormat(ReceiptIdFormat format) { this.receiptIdFormat = format; return this; }
        public Builder messageIdWidth(int messageIdWidth) { this.messageIdWidth = messageIdWidth; return this; }
        public Builder messageIdUpperCase(boolean upperCase) { this.messageIdUpperCase = upperCase; return this; }
        public Builder errorCodes(ErrorCodeMap errorCodes) { this.errorCodes = errorCodes; return this; }
        public Builder outboxClaimBatchSize(int size) { this.outboxClaimBatchSize = size; return this; }
        public Builder outboxPollMs(int outboxPollMs) { this.outboxPollMs = outboxPollMs; return this; }
        public Builder windowWaitMsMax(int windowWaitMsMax) { this.windowWaitMsMax = windowWaitMsMax; return this; }

        /** Codes as configuration writes them: "0x08", "0x00000064" or decimal "100". */
        public Builder temporarySubmitErrorCodes(Collection<String> codes) {
            if (codes == null) {
                this.temporarySubmitErrorCodes = null;
                return this;
            }
            Set<Integer> parsed = new TreeSet<>();
            for (String code : codes) {
                parsed.add(parseCommandStatus(code));
            }
            this.temporarySubmitErrorCodes = parsed;
            return this;
        }

        @JsonIgnore
        public Builder temporarySubmitErrorCodeValues(Set<Integer> codes) {
            this.temporarySubmitErrorCodes = codes;
            return this;
        }

        public SmppSettings build() {
            return new SmppSettings(host, port, systemId, password, systemType, binds, windowSize, submitsPerSecondMax,
                    enquireLinkMs, responseTimeoutMs, reconnectDelayMsMax, throttleBackoffMsMax, commitWaitMsMax,
                    receiveConcurrencyPerBind, receiveQueuePerBind, moIdTag, networkTag, requestIdTag, priceTag, billing,
                    receiptIdFormat, messageIdWidth, messageIdUpperCase, errorCodes, temporarySubmitErrorCodes,
                    outboxClaimBatchSize, outboxPollMs, windowWaitMsMax);
        }
    }
}
