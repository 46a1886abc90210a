package org.appealdesk.sms.smpp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.sms.TextCodec;
import org.jsmpp.bean.OptionalParameter;

/**
 * The fields of one submit_sm, worked out from an outbox message and the billing profile
 * (docs/SMPP.md, "Charges"), before any session is involved, so the signalling can be checked
 * without a network.
 *
 * @param registeredDelivery 1 (SMSC receipt wanted) for a billed message, 0 for a free one
 */
record SubmitRequest(String serviceType, String sourceAddr, String destinationAddr, byte registeredDelivery,
                     byte dataCoding, byte[] shortMessage, List<OptionalParameter> parameters) implements SubmitPlan {

    /** Longest short_message; a longer body travels in message_payload. */
    static final int SHORT_MESSAGE_LENGTH_MAX = 254;
    static final short TAG_MESSAGE_PAYLOAD = 0x0424;
    /** The SMSC's request id field is ASCII of at most 80 characters (DOMAIN.md, Fonix REQUESTID). */
    static final int REQUEST_ID_LENGTH_MAX = 80;

    static SubmitPlan plan(OutboundMessage message, SmppSettings settings) {
        if (message.destination() == null) {
            return new SubmitPlan.Unroutable("NO_DESTINATION", "no destination number");
        }
        if (message.shortcode() == null || message.shortcode().isBlank()) {
            return new SubmitPlan.Unroutable("NO_SOURCE_ADDRESS", "no shortcode to send from");
        }
        String serviceType = "";
        String sourceAddr = message.shortcode().strip();
        List<OptionalParameter> parameters = new ArrayList<>(3);
        if (message.isBilled()) {
            long pence = message.price().pence();
            if (pence <= 0) {
                return new SubmitPlan.Unroutable("INVALID_PRICE", "billed at " + message.price());
            }
            switch (settings.billing()) {
                case BillingProfile.ShortcodePerPrice profile -> {
                    var shortcode = profile.shortcodeFor(message.price());
                    if (shortcode.isEmpty()) {
                        return new SubmitPlan.Unroutable("NO_BILLING_ROUTE", "no billing shortcode for " + message.price());
                    }
                    sourceAddr = shortcode.get();
                }
                case BillingProfile.ServiceTypePerPrice profile -> {
                    var mapped = profile.serviceTypeFor(message.price());
                    if (mapped.isEmpty()) {
                        return new SubmitPlan.Unroutable("NO_BILLING_ROUTE", "no service_type for " + message.price());
                    }
                    serviceType = mapped.get();
                }
                case BillingProfile.PriceTlv profile -> parameters.add(asciiParameter(settings.priceTag(), Long.toString(pence)));
            }
            if (settings.requestIdTag() != 0) {
                String requestId = message.requestId();
                if (requestId == null || requestId.isEmpty() || requestId.length() > REQUEST_ID_LENGTH_MAX
                        || !requestId.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
                    return new SubmitPlan.Unroutable("INVALID_REQUEST_ID", "billed without a request id of 1-" + REQUEST_ID_LENGTH_MAX + " printable ASCII characters");
                }
                parameters.add(asciiParameter(settings.requestIdTag(), requestId));
            }
        }
        var encoded = TextCodec.encode(message.text());
        byte[] bytes = encoded.bytes();
        byte[] shortMessage = bytes;
        if (bytes.length > SHORT_MESSAGE_LENGTH_MAX) {
            shortMessage = new byte[0];
            parameters.add(new OptionalParameter.OctetString(TAG_MESSAGE_PAYLOAD, bytes));
        }
        return new SubmitRequest(serviceType, sourceAddr, message.destination().digits(),
                (byte) (message.isBilled() ? 1 : 0), (byte) encoded.dataCoding(), shortMessage, List.copyOf(parameters));
    }

    /** An ASCII vendor TLV without a terminating NUL; the adapter reads both forms (docs/SMPP.md). */
    static OptionalParameter.OctetString asciiParameter(int tag, String value) {
        return new OptionalParameter.OctetString((short) tag, value.getBytes(StandardCharsets.US_ASCII));
    }

    /** Never shows the destination digits. */
    @Override
    public String toString() {
        return "SubmitRequest[serviceType=" + serviceType + ", sourceAddr=" + sourceAddr + ", destinationAddr=(redacted)"
                + ", registeredDelivery=" + registeredDelivery + ", dataCoding=" + dataCoding
                + ", shortMessage=" + shortMessage.length + " bytes, parameters=" + parameters.size() + "]";
    }
}
