package org.appealdesk.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.appealdesk.sms.KeywordParser;
import org.appealdesk.sms.TextCodec;
import org.appealdesk.sms.TextCommand;
import org.appealdesk.support.Fixtures;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Codec and keyword parser, one thread (so the figures are per core), in messages per second:
 * each invocation goes once through the {@link Texts} mix. Target (issue 3): codec and parser
 * together at least 5 million messages per second per core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class TextBenchmark {

    /** Messages per invocation: the size of the mix, so scores are messages per second. */
    static final int MIX_SIZE = 26;

    private Texts.Wire[] wire;
    private String[] texts;
    private KeywordParser parser;

    @Setup
    public void setUp() {
        List<Texts.Wire> mix = Texts.wire();
        if (mix.size() != MIX_SIZE) {
            throw new IllegalStateException("MIX_SIZE must be " + mix.size() + " for @OperationsPerInvocation to be right");
        }
        wire = mix.toArray(Texts.Wire[]::new);
        texts = mix.stream().map(Texts.Wire::text).toArray(String[]::new);
        parser = new KeywordParser(Fixtures.catalog(250_000));
    }

    @Benchmark
    @OperationsPerInvocation(MIX_SIZE)
    public void decode(Blackhole sink) {
        for (Texts.Wire text : wire) {
            sink.consume(TextCodec.decode(text.dataCoding(), text.body()));
        }
    }

    @Benchmark
    @OperationsPerInvocation(MIX_SIZE)
    public void parse(Blackhole sink) {
        for (String text : texts) {
            sink.consume(parser.parse(Texts.SHORTCODE, text));
        }
    }

    /** What the intake does per text: bytes off the wire to a command. */
    @Benchmark
    @OperationsPerInvocation(MIX_SIZE)
    public void decodeAndParse(Blackhole sink) {
        for (Texts.Wire text : wire) {
            TextCommand command = parser.parse(Texts.SHORTCODE, TextCodec.decode(text.dataCoding(), text.body()));
            sink.consume(command);
        }
    }
}
