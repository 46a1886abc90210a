package org.appealdesk.sms;

import java.time.Instant;
import org.appealdesk.platform.PhoneNumber;

/**
 * A text from a donor's phone, decoded, as an adapter hands it to {@link TextIntake}.
 *
 * @param channel     which door it came through ("smpp", "http"); part of the de-duplication key
 * @param externalId  the aggregator's id for this message when it supplies one (an SMPP vendor TLV,
 *                    the HTTP guid), else null; with an id, a redelivery is recognised and changes
 *                    nothing; without one, SMPP 3.4 cannot tell a resend from a second text
 * @param network     the donor's network when the aggregator says ("o2", "ee"), else null
 */
public record InboundText(String channel, String externalId, PhoneNumber source, String destination, String body, String network, Instant receivedAt) {

    public static final int EXTERNAL_ID_LENGTH_MAX = 80;
    public static final int BODY_LENGTH_MAX = 2_000;

    public InboundText {
        if (channel == null || !channel.matches("[a-z][a-z0-9-]{0,15}")) {
            throw new IllegalArgumentException("channel must be a short lower-case name, got '" + channel + "'");
        }
        if (externalId != null && (externalId.isEmpty() || externalId.length() > EXTERNAL_ID_LENGTH_MAX)) {
            throw new IllegalArgumentException("externalId must be 1-" + EXTERNAL_ID_LENGTH_MAX + " characters when given");
        }
        if (source == null || destination == null || receivedAt == null) {
            throw new IllegalArgumentException("source, destination and receivedAt are required");
        }
        if (body == null) {
            body = "";
        }
        if (body.length() > BODY_LENGTH_MAX) {
            // Longer bodies are never keywords; keep what a person could read in the record.
            body = body.substring(0, BODY_LENGTH_MAX);
        }
        if (network != null && network.length() > 32) {
            network = network.substring(0, 32);
        }
    }
}
