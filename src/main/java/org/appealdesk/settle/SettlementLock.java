package org.appealdesk.settle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * One transaction-scoped advisory lock for everything that changes what a charge part's money has
 * become (settlement imports, refunds, staff decisions): each reads a part's state before its
 * appeal's ledger lock is taken, so two of them must not interleave. Taken before any ledger lock,
 * always, so lock order has no cycle. Charges and payouts do not take it, so an import (seconds for
 * a million lines) never holds up live donations or a payout.
 */
final class SettlementLock {

    /** Advisory-lock namespace (first key of the two-int form): "STLE". */
    private static final int NAMESPACE = 0x53544c45;
    /** How long a refund or decision waits for a running import before giving up with a clear error. */
    static final String WAIT_MAX = "120s";

    private SettlementLock() {
    }

    static void acquire(Connection connection) throws SQLException {
        try (PreparedStatement timeout = connection.prepareStatement("select set_config('lock_timeout', '" + WAIT_MAX + "', true)")) {
            timeout.execute();
        }
        try (PreparedStatement lock = connection.prepareStatement("select pg_advisory_xact_lock(?, 0)")) {
            lock.setInt(1, NAMESPACE);
            lock.execute();
        }
        try (PreparedStatement reset = connection.prepareStatement("select set_config('lock_timeout', '0', true)")) {
            reset.execute();
        }
    }
}
