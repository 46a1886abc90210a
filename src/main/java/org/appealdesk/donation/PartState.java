package org.appealdesk.donation;

/**
 * Where one charge part stands. SUBMITTED means the network accepted the billed message and the
 * report is awaited; UNKNOWN means no answer came in time: it is never counted as charged, never
 * sent again, and is resolved only by a late report or expiry.
 */
public enum PartState {
    PENDING, SUBMITTED, CHARGED, DECLINED, UNKNOWN;

    public boolean isFinal() {
        return this == CHARGED || this == DECLINED;
    }
}
