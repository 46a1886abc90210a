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
import org.appealdesk.platform.Pipeline;

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
     * The donor id of every number, creating donors that are new, in one round trip (two when
     * another node created one of them at the same moment). Does not lock them: see {@link #lock}.
     */
    public Map<PhoneNumber, Long> resolve(Connection connection, List<PhoneNumber> numbers, Instant at) throws SQLException {
        Pipeline pipeline = new Pipeline(connection);
        Resolution resolution = resolve(pipeline, numbers, at);
        pipeline.run();
        return resolution.ids(connection);
    }

    /**
     * Adds the statement that locks the donors' rows for the rest of the transaction, in id order
     * (as every other locker does, so two transactions never wait on each other in a cycle): whoever
     * spends a donor's daily cap holds it, so two batches on different nodes cannot both spend it.
     */
    public void lock(Pipeline pipeline, java.util.Collection<Long> donorIds) throws SQLException {
        if (donorIds.isEmpty()) {
            return;
        }
        pipeline.query("select id from donor where id = any(?) order by id for update", rows -> {
        }, pipeline.connection().createArrayOf("bigint", donorIds.toArray(new Long[0])));
    }

    /**
     * Adds to {@code pipeline} the one statement that finds the numbers' donors and creates the
     * missing ones; after the pipeline runs, {@link Resolution#ids} gives every id. Every number is
     * encrypted for it, though only a new donor's is stored: the statement decides which are new,
     * and a second round trip to send the new ones would cost more. The donors are not locked: a
     * text's acknowledgement must not wait for the lock another transaction holds while it spends
     * the same donor's cap ({@link #lock} does that, in the acting stage).
     */
    public Resolution resolve(Pipeline pipeline, List<PhoneNumber> numbers, Instant at) throws SQLException {
        Map<ByteBuffer, PhoneNumber> byHash = new LinkedHashMap<>();
        for (PhoneNumber number : numbers) {
            byHash.putIfAbsent(ByteBuffer.wrap(vault.hash(number)), number);
        }
        List<byte[]> hashes = new ArrayList<>(byHash.size());
        List<byte[]> encrypted = new ArrayList<>(byHash.size());
        byHash.forEach((hash, number) -> {
            hashes.add(hash.array());
            encrypted.add(vault.encrypt(number));
        });
        Connection connection = pipeline.connection();
        Array hashArray = connection.createArrayOf("bytea", hashes.toArray(new byte[0][]));
        Resolution resolution = new Resolution(byHash);
        // A donor another node inserts after this statement's snapshot is neither found nor created
        // here (on conflict): Resolution.ids selects it afterwards.
        pipeline.query("with found as materialized (select id, phone_hash from donor where phone_hash = any(?::bytea[])),"
                        + " created as (insert into donor (id, phone_hash, phone_encrypted, created_at)"
                        + " select nextval('donor_id_seq'), g.phone_hash, g.phone_encrypted, ?::timestamptz"
                        + " from unnest(?::bytea[], ?::bytea[]) as g(phone_hash, phone_encrypted)"
                        + " where not exists (select 1 from found f where f.phone_hash = g.phone_hash)"
                        + " on conflict (phone_hash) do nothing returning id, phone_hash)"
                        + " select id, phone_hash from found union all select id, phone_hash from created",
                resolution::read,
                hashArray, at.toString(), hashArray, connection.createArrayOf("bytea", encrypted.toArray(new byte[0][])));
        return resolution;
    }

    /** The donors of a batch's numbers, as {@link #resolve(Pipeline, List, Instant)} found them. */
    public static final class Resolution {
        private final Map<ByteBuffer, PhoneNumber> byHash;
        private final Map<ByteBuffer, Long> found = new HashMap<>();

        private Resolution(Map<ByteBuffer, PhoneNumber> byHash) {
            this.byHash = byHash;
        }

        private void read(ResultSet rows) throws SQLException {
            while (rows.next()) {
                found.put(ByteBuffer.wrap(rows.getBytes(2)), rows.getLong(1));
            }
        }

        /** Every number's donor id; selects any donor created by another node meanwhile. */
        public Map<PhoneNumber, Long> ids(Connection connection) throws SQLException {
            List<ByteBuffer> missing = byHash.keySet().stream().filter(hash -> !found.containsKey(hash)).toList();
            if (!missing.isEmpty()) {
                found.putAll(select(connection, missing));
            }
            Map<PhoneNumber, Long> result = new HashMap<>();
            byHash.forEach((hash, number) -> {
                Long id = found.get(hash);
                if (id == null) {
                    throw new IllegalStateException("a donor was neither found nor created");
                }
                result.put(number, id);
            });
            return result;
        }
    }

    private static Map<ByteBuffer, Long> select(Connection connection, java.util.Collection<ByteBuffer> hashes) throws SQLException {
        Map<ByteBuffer, Long> ids = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("select id, phone_hash from donor where phone_hash = any(?)")) {
            select.setArray(1, byteaArray(connection, hashes));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.put(ByteBuffer.wrap(rows.getBytes(2)), rows.getLong(1));
                }
            }
        }
        return ids;
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

    /** Adds to {@code pipeline} a batch's consent statements and their effects on donors: three statements at most. */
    public void record(Pipeline pipeline, List<ConsentStatement> statements, Instant at) throws SQLException {
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
                .addTo(pipeline);
        // STOP also ends fundraising contact; both keep the first moment they were said.
        Timestamp now = Timestamp.from(at);
        if (!stopped.isEmpty()) {
            pipeline.update("update donor set stopped_at = coalesce(stopped_at, ?), no_contact_at = coalesce(no_contact_at, ?) where id = any(?)",
                    now, now, pipeline.connection().createArrayOf("bigint", stopped.toArray(new Long[0])));
        }
        if (!noContact.isEmpty()) {
            pipeline.update("update donor set no_contact_at = coalesce(no_contact_at, ?) where id = any(?)",
                    now, pipeline.connection().createArrayOf("bigint", noContact.toArray(new Long[0])));
        }
    }

    /** Opens an encrypted number for sending; only the outbox sender needs this. */
    public PhoneNumber open(byte[] encrypted) {
        return vault.decrypt(encrypted);
    }
}
