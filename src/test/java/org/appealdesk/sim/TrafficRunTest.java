package org.appealdesk.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.appealdesk.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TrafficRunTest {

    @Test
    void aSlowEsmeMakesTheOpenLoopRecordLagInsteadOfQueueingWithoutBound() throws Exception {
        // Proves that when the ESME acknowledges slower than texts arrive, the schedule falls behind by a recorded lag and every text is still delivered.
        SimSettings settings = SimSettings.perfect(41).withWindowSize(2);
        try (SimulatedSmsc smsc = SimulatedSmsc.start(settings);
             TestEsme esme = TestEsme.bind(smsc).answering(mo -> {
                 sleep(10);
                 return 0;
             })) {
            TrafficRun run = smsc.play(TrafficPlan.referenceAppeal(5_000, 200));
            assertThat(run.awaitAcked(Duration.ofSeconds(30))).as(run.toString()).isTrue();
            assertThat(run.lagMsMax()).as("behind schedule").isGreaterThan(100);
            assertThat(run.scheduleLagMicros().getTotalCount()).isEqualTo(200);
            assertThat(run.ackLatencyMicros().getValueAtPercentile(50)).isGreaterThanOrEqualTo(10_000);
            assertThat(run.endReason()).isEqualTo("count reached");
        }
    }

    @Test
    void textsDueInTheSameMillisecondLeaveInOneWrite() throws Exception {
        // Proves the generator sends each millisecond's texts together: 500 texts at 10,000/s (ten a millisecond) take
        // fewer than a third as many socket writes (about 55; 500 before), and every one is acknowledged.
        int texts = 500;
        try (SimulatedSmsc smsc = SimulatedSmsc.start(SimSettings.perfect(44)); TestEsme esme = TestEsme.bind(smsc)) {
            long writesBefore = smsc.socketWrites();
            TrafficRun run = smsc.play(TrafficPlan.referenceAppeal(10_000, texts));
            assertThat(run.awaitAcked(Duration.ofSeconds(30))).as(run.toString()).isTrue();
            long writes = smsc.socketWrites() - writesBefore;
            assertThat(writes).as("socket writes for %d texts", texts).isPositive().isLessThan(texts / 3);
            assertThat(run.scheduleLagMicros().getTotalCount()).isEqualTo(texts);
        }
    }

    @Test
    void textsLeaveOneWriteEachWhenTheSettingsKeepDeliveriesApart() throws Exception {
        // Proves deliveriesTogether=false restores one write a text (for comparing with figures measured so): the same 500
        // texts at 10,000/s take about one socket write each (a few may share one when two threads write at once).
        int texts = 500;
        SimSettings apart = SimSettings.perfect(45).toBuilder().deliveriesTogether(false).build();
        try (SimulatedSmsc smsc = SimulatedSmsc.start(apart); TestEsme esme = TestEsme.bind(smsc)) {
            long writesBefore = smsc.socketWrites();
            TrafficRun run = smsc.play(TrafficPlan.referenceAppeal(10_000, texts));
            assertThat(run.awaitAcked(Duration.ofSeconds(30))).as(run.toString()).isTrue();
            assertThat(smsc.socketWrites() - writesBefore).as("socket writes for %d texts", texts).isGreaterThan(texts * 3 / 4);
        }
    }

    @Test
    void stopEndsGenerationAndDurationBoundsARun() throws Exception {
        // Proves stop() ends a long run at once and a run with a duration ends on its own when the duration is up; a stopped
        // run's generator CPU time is kept, and the simulator lists the one session it opened.
        try (SimulatedSmsc smsc = SimulatedSmsc.start(SimSettings.perfect(42)); TestEsme esme = TestEsme.bind(smsc)) {
            TrafficRun endless = smsc.play(TrafficPlan.referenceAppeal(50, Duration.ofHours(1)));
            assertThat(esme.nextMo(TestEsme.WAIT)).isNotNull();
            endless.stop();
            assertThat(endless.isDone()).isTrue();
            assertThat(endless.endReason()).isEqualTo("stopped");
            // Its thread's CPU was read as it ended, for a benchmark that reads threads after the run; its session is known.
            assertThat(endless.generatorCpuNanos()).isPositive();
            assertThat(endless.generatorThreadName()).isEqualTo("sim-traffic-" + endless.index());
            assertThat(smsc.sessionIds()).hasSize(1);

            TrafficRun short_ = smsc.play(TrafficPlan.referenceAppeal(100, Duration.ofMillis(300)));
            assertThat(Eventually.holds(Duration.ofSeconds(5), short_::isDone)).isTrue();
            assertThat(short_.endReason()).isEqualTo("duration reached");
            assertThat(short_.awaitAcked(TestEsme.WAIT)).isTrue();
            assertThat(short_.generated()).isBetween(5L, 80L);
        }
    }

    @Test
    void textsWaitForAnEsmeAndAwaitSentTimesOutMeanwhile() throws Exception {
        // Proves texts played before any bind wait (bounded) and awaitSent reports false until an ESME is there to take them.
        try (SimulatedSmsc smsc = SimulatedSmsc.start(SimSettings.perfect(43))) {
            TrafficRun run = smsc.play(TrafficPlan.referenceAppeal(1_000, 20));
            assertThat(run.awaitSent(Duration.ofMillis(300))).isFalse();
            assertThat(run.generated()).isEqualTo(20);
            try (TestEsme esme = TestEsme.bind(smsc)) {
                assertThat(run.awaitSent(TestEsme.WAIT)).isTrue();
                assertThat(run.awaitAcked(TestEsme.WAIT)).isTrue();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
