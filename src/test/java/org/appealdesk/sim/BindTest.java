package org.appealdesk.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import org.appealdesk.support.Eventually;
import org.jsmpp.bean.BindType;
import org.jsmpp.extra.NegativeResponseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BindTest {

    private SimulatedSmsc smsc;

    @BeforeEach
    void start() {
        smsc = SimulatedSmsc.start(SimSettings.perfect(1));
    }

    @AfterEach
    void stop() {
        smsc.close();
    }

    @Test
    void acceptsSeveralBindsOfEachTypeWithTheRightCredentials() throws Exception {
        // Proves several transceiver, receiver and transmitter binds from one system_id are all accepted and counted.
        assertThat(smsc.port()).isPositive();
        try (TestEsme first = TestEsme.bind(smsc);
             TestEsme second = TestEsme.bind(smsc);
             TestEsme receiver = TestEsme.bind(smsc.port(), BindType.BIND_RX, "appealdesk", "sunpass");
             TestEsme transmitter = TestEsme.bind(smsc.port(), BindType.BIND_TX, "appealdesk", "sunpass")) {
            assertThat(Eventually.holds(Duration.ofSeconds(5), () -> smsc.boundSessions() == 4)).isTrue();
        }
        assertThat(Eventually.holds(Duration.ofSeconds(5), () -> smsc.boundSessions() == 0)).as("unbinds are noticed").isTrue();
    }

    @Test
    void refusesAWrongPasswordWithInvalidPassword() {
        // Proves a bind with the wrong password is answered ESME_RINVPASWD (0x0E) and never bound.
        assertThatThrownBy(() -> TestEsme.bind(smsc.port(), BindType.BIND_TRX, "appealdesk", "wrong"))
                .isInstanceOf(IOException.class)
                .cause().isInstanceOfSatisfying(NegativeResponseException.class, e -> assertThat(e.getCommandStatus()).isEqualTo(0x0E));
        assertThat(smsc.boundSessions()).isZero();
    }

    @Test
    void refusesAnUnknownSystemIdWithInvalidSystemId() {
        // Proves a bind with an unknown system_id is answered ESME_RINVSYSID (0x0F).
        assertThatThrownBy(() -> TestEsme.bind(smsc.port(), BindType.BIND_TRX, "intruder", "sunpass"))
                .cause().isInstanceOfSatisfying(NegativeResponseException.class, e -> assertThat(e.getCommandStatus()).isEqualTo(0x0F));
    }

    @Test
    void answersEnquireLinkSoAQuietEsmeStaysBound() throws Exception {
        // Proves enquire_link from an idle ESME is answered: the session outlives several keep-alive periods and still works.
        try (TestEsme esme = TestEsme.bind(smsc)) {
            esme.session().setEnquireLinkTimer(100);
            Thread.sleep(600);
            assertThat(esme.session().getSessionState().isBound()).isTrue();
            assertThat(esme.submit("70141", null, "447700900001", 0, "still here").getMessageId()).isNotBlank();
        }
    }

    @Test
    void refusesToListenBeyondLoopback() {
        // Proves the simulator will not start on a non-loopback address (it must never be reachable from outside).
        assertThatThrownBy(() -> SimSettings.defaults(1).toBuilder().host("0.0.0.0").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
    }

    @Test
    void closeUnbindsTheEsmeWithinItsDeadline() throws Exception {
        // Proves close() ends a simulator with a bound ESME and traffic running, promptly, telling the ESME.
        TestEsme esme = TestEsme.bind(smsc);
        smsc.play(TrafficPlan.referenceAppeal(200, Duration.ofMinutes(1)));
        assertThat(esme.nextMo(TestEsme.WAIT)).isNotNull();
        long started = System.nanoTime();
        smsc.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(Eventually.holds(Duration.ofSeconds(5), () -> !esme.session().getSessionState().isBound())).isTrue();
        esme.close();
    }
}
