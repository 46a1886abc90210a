package org.appealdesk.donor;

import java.nio.ByteBuffer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.appealdesk.platform.ArrayInsert;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.platform.PhoneVault;
import org.appealdesk.platform.Sequences;

/**
 * Pseudonymous donor identity. A donor row is found by the keyed hash of the phone number; the
 * number itself is stored only encrypted. Everything else in the database refers to donor ids.
 */
public final class Donors {

    private final PhoneVault vault;

    public Donors(PhoneVault vault) {
        this.vault = vault;
    }

    /**
     * The donor id of every number, creating donors that are new, in one round trip or three.
     * Also locks the donors' rows for the rest of the transaction, so two batches on different
     * nodes cannot both spend the same donor's daily cap.
     */
    public Map<PhoneNumber, Long> resolveAndLock(Connection connection, List<PhoneNumber> numbers, Instant at) throws SQLException {
        Map<ByteBuffer, PhoneNumber> byHash = new LinkedHashMap<>();
        for (PhoneNumber number : numbers) {
            byHash.putIfAbsent(ByteBuffer.wrap(vault.hash(number)), number);
        }
        Map<ByteBuffer, Long> ids = select(connection, byHash.keySet());
        List<ByteBuffer> missing = byHash.keySet().stream().filter(hash -> !ids.containsKey(hash)).toList();
        if (!missing.isEmpty()) {
            insert(connection, missing, byHash, at);
            ids.putAll(select(connection, missing));
        }
        Map<PhoneNumber, Long> result = new HashMap<>();
        byHash.forEach((hash, number) -> result.put(number, ids.get(hash)));
        return result;
    }

    private static Map<ByteBuffer, Long> select(Connection connection, java.util.Collection<ByteBuffer> hashes) throws SQLException {
        Map<ByteBuffer, Long> ids = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select id, phone_hash from donor where phone_hash = any(?) order by id for update")) {
            select.setArray(1, byteaArray(connection, hashes));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.put(ByteBuffer.wrap(rows.getBytes(2)), rows.getLong(1));
                }
            }
        }
        return ids;
    }

    private void insert(Connection connection, List<ByteBuffer> hashes, Map<ByteBuffer, PhoneNumber> byHash, Instant at) throws SQLException {
        long[] ids = Sequences.reserve(connection, "donor_id_seq", hashes.size());
        int n = hashes.size();
        Long[] idColumn = new Long[n];
        byte[][] hashColumn = new byte[n][];
        byte[][] encrypted = new byte[n][];
        Timestamp[] createdAt = new Timestamp[n];
        for (int i = 0; i < n; i++) {
            ByteBuffer hash = hashes.get(i);
            idColumn[i] = ids[i];
            hashColumn[i] = hash.array();
            encrypted[i] = vault.encrypt(byHash.get(hash));
            createdAt[i] = Timestamp.from(at);
        }
        ArrayInsert.into("donor", n).column("id", "bigint", idColumn).column("phone_hash", "bytea", hashColumn)
                .column("phone_encrypted", "bytea", encrypted).column("created_at", "timestamptz", createdAt)
                .execute(connection, "on conflict (phone_hash) do nothing");
    }

    private static Array byteaArray(Connection connection, java.util.Collection<ByteBuffer> hashes) throws SQLException {
        List<byte[]> values = new ArrayList<>(hashes.size());
        hashes.forEach(hash -> values.add(hash.array()));
        return connection.createArrayOf("bytea", values.toArray(new byte[0][]));
    }

    /**
     * One statement a donor made about contact, for one organisation ("*" for all). Statements are
     * rows, never overwritten: the audit trail of consent.
     *
     * @param effect what it does to the donor: STOP ends all messages, NO_CONTACT ends fundraising
     *               contact, NONE records a yes without changing the donor row
     */
    public record ConsentStatement(long donorId, String organisation, boolean granted, String source, long inboundId, Effect effect) {
        public enum Effect { STOP, NO_CONTACT, NONE }
    }

    /** Records a batch's consent statements and applies their effects, in three statements at most. */
    public void record(Connection connection, List<ConsentStatement> statements, Instant at) throws SQLException {
        if (statements.isEmpty()) {
            return;
        }
        List<Long> stopped = new ArrayList<>();
        List<Long> noContact = new ArrayList<>();
        int n = statements.size();
        Long[] donorIds = new Long[n];
        String[] organisations = new String[n];
        Boolean[] granted = new Boolean[n];
        String[] sources = new String[n];
        Long[] inboundIds = new Long[n];
        Timestamp[] statedAt = new Timestamp[n];
        for (int i = 0; i < n; i++) {
            ConsentStatement statement = statements.get(i);
            donorIds[i] = statement.donorId();
            organisations[i] = statement.organisation();
            granted[i] = statement.granted();
            sources[i] = statement.source();
            inboundIds[i] = statement.inboundId();
            statedAt[i] = Timestamp.from(at);
            switch (statement.effect()) {
                case STOP -> stopped.add(statement.donorId());
                case NO_CONTACT -> noContact.add(statement.donorId());
                case NONE -> {
                }
            }
        }
        ArrayInsert.into("contact_consent", n).column("donor_id", "bigint", donorIds).column("organisation", "text", organisations)
                .column("granted", "boolean", granted).column("source", "text", sources).column("inbound_id", "bigint", inboundIds)
                .column("stated_at", "timestamptz", statedAt)
                .execute(connection);
        // STOP also ends fundraising contact; both keep the first moment they were said.
        Timestamp now = Timestamp.from(at);
        if (!stopped.isEmpty()) {
            try (PreparedStatement update = connection.prepareStatement(
                    "update donor set stopped_at = coalesce(stopped_at, ?), no_contact_at = coalesce(no_contact_at, ?) where id = any(?)")) {
                update.setTimestamp(1, now);
                update.setTimestamp(2, now);
                update.setArray(3, connection.createArrayOf("bigint", stopped.toArray(new Long[0])));
                update.executeUpdate();
            }
        }
        if (!noContact.isEmpty()) {
            try (PreparedStatement update = connection.prepareStatement(
                    "update donor set no_contact_at = coalesce(no_contact_at, ?) where id = any(?)")) {
                update.setTimestamp(1, now);
                update.setArray(2, connection.createArrayOf("bigint", noContact.toArray(new Long[0])));
                update.executeUpdate();
            }
        }
    }

    /** Opens an encrypted number for sending; only the outbox sender needs this. */
    public PhoneNumber open(byte[] encrypted) {
        return vault.decrypt(encrypted);
    }
}
