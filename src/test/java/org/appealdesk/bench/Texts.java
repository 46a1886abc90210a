package org.appealdesk.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.appealdesk.sms.TextCodec;

/**
 * The texts the micro-benchmarks chew on: the messy real spellings of the reference appeal (the
 * same ones the simulator sends), as their bodies arrive on the wire. Mostly GSM (as donors' phones
 * send them), some UCS-2 and Latin-1, and the few that must never be charged.
 */
final class Texts {

    /** One text as it arrives: data_coding, body bytes, and the text those bytes decode to. */
    record Wire(int dataCoding, byte[] body, String text) {
    }

    static final String SHORTCODE = "70141";

    /** Weighted roughly like TrafficPlan.referenceMix: the common spellings repeat. */
    private static final List<String> GSM = List.of(
            "SUN£5", "SUN£5", "SUN£5", "sun5", "sun5", "Sun £5", "SUN 5", "SUN £5.", "SUN£5 ", "SUN 10", "SUN 10", "SUN£10",
            "SUN3", "SUN£3", "SUNNOINFO5", "sun noinfo 10", "SUNN5", "SUM5", "HELLO", "SUN7", "HELP", "STOP");
    private static final List<String> UCS2 = List.of("SUN £10", "ＳＵＮ５");
    private static final List<String> LATIN_1 = List.of("SUN £5", "sun £3");

    private Texts() {
    }

    static List<Wire> wire() {
        List<Wire> texts = new ArrayList<>();
        for (String text : GSM) {
            TextCodec.EncodedText encoded = TextCodec.encode(text);
            if (encoded.dataCoding() != TextCodec.DATA_CODING_GSM) {
                throw new IllegalStateException("'" + text + "' is meant to be GSM");
            }
            texts.add(new Wire(TextCodec.DATA_CODING_GSM, encoded.bytes(), text));
        }
        for (String text : UCS2) {
            texts.add(new Wire(TextCodec.DATA_CODING_UCS2, text.getBytes(StandardCharsets.UTF_16BE), text));
        }
        for (String text : LATIN_1) {
            texts.add(new Wire(TextCodec.DATA_CODING_LATIN_1, text.getBytes(StandardCharsets.ISO_8859_1), text));
        }
        return List.copyOf(texts);
    }
}
