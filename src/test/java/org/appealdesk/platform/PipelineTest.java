package org.appealdesk.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.Test;

/** Several statements in one round trip, on the real embedded PostgreSQL. */
class PipelineTest {

    @Test
    void statementsRunInOrderInOneRoundTripAndEachReaderGetsItsOwnResult() throws Exception {
        // Proves: three statements go to the server in one write (the same three one by one take three), they
        // run in the order added (the select sees the insert before it), and each reader gets its own result.
        try (Connection connection = countedConnection(); Statement sql = connection.createStatement()) {
            sql.execute("create temporary table item (n int primary key, label text)");
            connection.setAutoCommit(false);

            List<Integer> inserted = new ArrayList<>();
            int[] updated = {-1};
            List<String> labels = new ArrayList<>();
            Pipeline pipeline = new Pipeline(connection)
                    .query("insert into item select n, 'item ' || n from generate_series(1, ?) n returning n", rows -> {
                        while (rows.next()) {
                            inserted.add(rows.getInt(1));
                        }
                    }, 3)
                    .update("update item set label = upper(label) where n >= ?", count -> updated[0] = count, 2)
                    .query("select label from item order by n", rows -> {
                        while (rows.next()) {
                            labels.add(rows.getString(1));
                        }
                    });
            int before = CountingSocketFactory.writes.get();
            pipeline.run();
            int pipelined = CountingSocketFactory.writes.get() - before;

            assertThat(inserted).containsExactly(1, 2, 3);
            assertThat(updated[0]).isEqualTo(2);
            assertThat(labels).containsExactly("item 1", "ITEM 2", "ITEM 3");
            assertThat(pipeline.isEmpty()).as("a pipeline is empty again once run").isTrue();

            before = CountingSocketFactory.writes.get();
            for (String statement : List.of("select 1", "select 2", "select 3")) {
                new Pipeline(connection).query(statement, rows -> { }).run();
            }
            int oneByOne = CountingSocketFactory.writes.get() - before;
            assertThat(pipelined).as("writes to the server for three pipelined statements").isEqualTo(1);
            assertThat(oneByOne).as("writes for the same three one by one").isEqualTo(3);
            connection.rollback();
        }
    }

    @Test
    void aFailingStatementFailsTheCallAndTheTransactionKeepsNoneOfIt() throws Exception {
        // Proves: when the second statement breaks a constraint, run() throws the database's error, and after the
        // rollback the first statement's row is gone too, as if the statements had been sent one by one.
        try (Connection connection = countedConnection(); Statement sql = connection.createStatement()) {
            sql.execute("create temporary table item (n int primary key)");
            connection.setAutoCommit(false);
            Pipeline pipeline = new Pipeline(connection)
                    .update("insert into item values (?)", 1)
                    .update("insert into item values (?)", 1)
                    .update("insert into item values (?)", 2);
            assertThatThrownBy(pipeline::run).isInstanceOf(SQLException.class).hasMessageContaining("duplicate key");
            connection.rollback();
            try (var rows = sql.executeQuery("select count(*) from item")) {
                rows.next();
                assertThat(rows.getInt(1)).isZero();
            }
        }
    }

    @Test
    void aResultOfTheWrongKindAndAStatementWithASemicolonAreRefused() throws Exception {
        // Proves: reading a count where the statement returned rows is an error, not a silent shift of every later
        // result; a step holding two statements is refused before anything is sent; an empty pipeline sends nothing.
        try (Connection connection = countedConnection()) {
            assertThatThrownBy(() -> new Pipeline(connection).update("select 1").run())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("returned rows where a count was expected");
            assertThatThrownBy(() -> new Pipeline(connection).update("select 1; select 2"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one statement per step");
            int before = CountingSocketFactory.writes.get();
            new Pipeline(connection).run();
            assertThat(CountingSocketFactory.writes.get()).isEqualTo(before);
        }
    }

    @Test
    void reservedIdsArriveWhenThePipelineRuns() throws Exception {
        // Proves: Sequences.reserve on a pipeline hands back an array that the run fills with fresh ascending ids.
        try (Connection connection = countedConnection(); Statement sql = connection.createStatement()) {
            sql.execute("create temporary sequence reserved_seq");
            Pipeline pipeline = new Pipeline(connection);
            long[] ids = Sequences.reserve(pipeline, "reserved_seq", 4);
            long[] none = Sequences.reserve(pipeline, "reserved_seq", 0);
            assertThat(ids).containsOnly(0L);
            pipeline.run();
            assertThat(ids).containsExactly(1, 2, 3, 4);
            assertThat(none).isEmpty();
        }
    }

    /** A connection to the test server whose socket counts the driver's writes. */
    private static Connection countedConnection() throws SQLException {
        DatabaseSettings settings = TestDatabase.server().settings(2);
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        properties.setProperty("socketFactory", CountingSocketFactory.class.getName());
        properties.setProperty("sslmode", "disable");
        return DriverManager.getConnection(settings.jdbcUrl(), properties);
    }

    /** Made by the driver (socketFactory property): sockets that count each write the driver's buffer makes. */
    public static final class CountingSocketFactory extends SocketFactory {
        static final AtomicInteger writes = new AtomicInteger();

        @Override
        public Socket createSocket() {
            return new Socket() {
                @Override
                public OutputStream getOutputStream() throws IOException {
                    return new FilterOutputStream(super.getOutputStream()) {
                        @Override
                        public void write(byte[] bytes, int offset, int length) throws IOException {
                            writes.incrementAndGet();
                            out.write(bytes, offset, length);
                        }
                    };
                }
            };
        }

        @Override
        public Socket createSocket(String host, int port) {
            return connectedSocketsAreNotUsed();
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
            return connectedSocketsAreNotUsed();
        }

        @Override
        public Socket createSocket(InetAddress host, int port) {
            return connectedSocketsAreNotUsed();
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
            return connectedSocketsAreNotUsed();
        }

        /** The driver creates an unconnected socket and connects it itself; the other factory methods are never called. */
        private static Socket connectedSocketsAreNotUsed() {
            throw new UnsupportedOperationException("the driver connects an unconnected socket");
        }
    }
}
