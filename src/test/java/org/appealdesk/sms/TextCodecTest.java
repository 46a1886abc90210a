package org.appealdesk.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.appealdesk.sms.TextCodec.EncodedText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextCodecTest {

    /**
     * 3GPP TS 23.038 table 6.2.1, typed out independently of the codec as code points (escape
     * 0x1B is -1): the test is only worth something if it does not share the codec's table.
     */
    private static final int[] GSM_BASE = {
            0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5,
            0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8, 0x03A3, 0x0398, 0x039E, -1, 0x00C6, 0x00E6, 0x00DF, 0x00C9,
            0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027, 0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
            0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, 0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,
            0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047, 0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,
            0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057, 0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
            0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067, 0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,
            0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077, 0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
    };

    /** The extension table as {septet, code point} pairs. */
    private static final int[][] GSM_EXTENSION = {
            {0x0A, 0x000C}, {0x14, 0x005E}, {0x28, 0x007B}, {0x29, 0x007D}, {0x2F, 0x005C},
            {0x3C, 0x005B}, {0x3D, 0x007E}, {0x3E, 0x005D}, {0x40, 0x007C}, {0x65, 0x20AC},
    };

    private static final String EXTENSION_CHARS = "\f^{}\\[~]|€";

    @Test
    void everyBaseSeptetDecodesToItsCharacterAndEncodesBack() {
        // Proves the whole default alphabet, both ways, against the table typed out above.
        for (int septet = 0; septet < 128; septet++) {
            if (septet == 0x1B) {
                continue;
            }
            String expected = String.valueOf((char) GSM_BASE[septet]);
            assertThat(TextCodec.decode(0, new byte[] {(byte) septet})).as("septet 0x%02X", septet).isEqualTo(expected);
            assertThat(TextCodec.encode(expected)).as("char of septet 0x%02X", septet)
                    .isEqualTo(new EncodedText(0, new byte[] {(byte) septet}));
            assertThat(TextCodec.gsmSeptets(expected)).isEqualTo(1);
        }
    }

    @Test
    void theWholeTableDecodesInOneMessage() {
        // Proves a body carrying every base septet and every extension pair decodes in one pass.
        byte[] body = new byte[127 + 2 * GSM_EXTENSION.length];
        StringBuilder expected = new StringBuilder();
        int length = 0;
        for (int septet = 0; septet < 128; septet++) {
            if (septet != 0x1B) {
                body[length++] = (byte) septet;
                expected.append((char) GSM_BASE[septet]);
            }
        }
        for (int[] pair : GSM_EXTENSION) {
            body[length++] = 0x1B;
            body[length++] = (byte) pair[0];
            expected.appendCodePoint(pair[1]);
        }
        assertThat(TextCodec.decode(0, body)).isEqualTo(expected.toString());
        assertThat(TextCodec.encode(expected.toString())).isEqualTo(new EncodedText(0, body));
    }

    @Test
    void poundAtAndDollarSitWhereGsmPutsThemNotWhereAsciiDoes() {
        // Proves the three classic traps: 0x01 is '£', 0x00 is '@', 0x02 is '$' (and 0x24 is '¤', 0x40 is '¡').
        assertThat(TextCodec.decode(0, new byte[] {0x53, 0x55, 0x4E, 0x01, 0x35})).isEqualTo("SUN£5");
        assertThat(TextCodec.decode(0, new byte[] {0x00, 0x02, 0x24, 0x40})).isEqualTo("@$¤¡");
        assertThat(TextCodec.encode("SUN£5").bytes()).containsExactly(0x53, 0x55, 0x4E, 0x01, 0x35);
    }

    @Test
    void extensionCharactersTakeAnEscapeAndCountTwice() {
        // Proves each extension character decodes from escape+septet, encodes to it, and costs two septets.
        for (int[] pair : GSM_EXTENSION) {
            String text = new String(Character.toChars(pair[1]));
            byte[] bytes = {0x1B, (byte) pair[0]};
            assertThat(TextCodec.decode(0, bytes)).as("extension 0x%02X", pair[0]).isEqualTo(text);
            assertThat(TextCodec.encode(text)).isEqualTo(new EncodedText(0, bytes));
            assertThat(TextCodec.gsmSeptets(text)).isEqualTo(2);
        }
        assertThat(TextCodec.gsmSeptets(EXTENSION_CHARS)).isEqualTo(20);
        assertThat(TextCodec.decode(0, TextCodec.encode("Give €5 {now} [or] ~later~ a|b ^_^ \\o/").bytes()))
                .isEqualTo("Give €5 {now} [or] ~later~ a|b ^_^ \\o/");
    }

    @Test
    void anEscapeBeforeAnUnknownSeptetReadsAsTheBaseCharacter() {
        // Proves the TS 23.038 fallback: escape + a septet with no extension shows the base-table character.
        assertThat(TextCodec.decode(0, new byte[] {0x1B, 0x41})).isEqualTo("A");
        assertThat(TextCodec.decode(0, new byte[] {0x1B, 0x01, 0x35})).isEqualTo("£5");
        assertThat(TextCodec.decode(0, new byte[] {0x1B, 0x0D})).isEqualTo("\r");
    }

    @Test
    void doubleEscapeIsASpaceAsTheSpecificationSays() {
        // Proves escape-escape (reserved for another extension table) shows as one space.
        assertThat(TextCodec.decode(0, new byte[] {0x41, 0x1B, 0x1B, 0x42})).isEqualTo("A B");
    }

    @Test
    void aLoneTrailingEscapeIsTheReplacementCharacter() {
        // Proves a text cut off mid-character is visibly damaged (U+FFFD), so "SUN5"+ESC never reads as "SUN5 ".
        assertThat(TextCodec.decode(0, new byte[] {0x53, 0x55, 0x4E, 0x35, 0x1B})).isEqualTo("SUN5\uFFFD");
        assertThat(TextCodec.decode(0, new byte[] {0x1B})).isEqualTo("\uFFFD");
    }

    @Test
    void bytesAboveSeptetRangeAreReplacementCharactersInGsm() {
        // Proves every byte 0x80-0xFF, alone or after an escape, becomes exactly one U+FFFD.
        for (int value = 0x80; value <= 0xFF; value++) {
            assertThat(TextCodec.decode(0, new byte[] {0x41, (byte) value, 0x42})).isEqualTo("A\uFFFDB");
            assertThat(TextCodec.decode(0, new byte[] {0x41, 0x1B, (byte) value, 0x42})).isEqualTo("A\uFFFDB");
        }
    }

    @Test
    void everyOneAndTwoByteBodyDecodesInEveryCodingWithoutThrowing() {
        // Proves decode is total on short inputs: all 65,536 byte pairs and all single bytes, in each coding.
        int[] codings = {0, 1, 2, 3, 4, 8, 0xF0, 0xFF, -1, 1_000};
        for (int coding : codings) {
            for (int first = 0; first < 256; first++) {
                assertThat(TextCodec.decode(coding, new byte[] {(byte) first})).hasSize(1);
                for (int second = 0; second < 256; second++) {
                    assertThat(TextCodec.decode(coding, new byte[] {(byte) first, (byte) second})).isNotNull();
                }
            }
        }
    }

    @Test
    void nullAndEmptyBodiesAreEmptyText() {
        // Proves a missing body is "" in every coding, never null and never an exception.
        for (int coding : new int[] {0, 1, 3, 8, 42}) {
            assertThat(TextCodec.decode(coding, null)).isEmpty();
            assertThat(TextCodec.decode(coding, new byte[0])).isEmpty();
        }
    }

    @Test
    void ucs2DecodesBigEndianIncludingEmojiAsSurrogatePairs() {
        // Proves data_coding 8 is UTF-16BE: "Sun £5 😀" survives, surrogate pair and all.
        String text = "Sun £5 \uD83D\uDE00";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_16BE);
        assertThat(TextCodec.decode(8, bytes)).isEqualTo(text);
        assertThat(TextCodec.decode(8, new byte[] {0x00, 0x53, 0x00, (byte) 0xA3, 0x00, 0x35})).isEqualTo("S£5");
        assertThat(TextCodec.decode(8, new byte[] {0x04, 0x36})).isEqualTo("ж");
    }

    @Test
    void ucs2LoneSurrogatesAndAnOddByteBecomeReplacementCharacters() {
        // Proves broken UTF-16 never yields a string with a dangling surrogate or a lost byte.
        assertThat(TextCodec.decode(8, new byte[] {(byte) 0xD8, 0x3D, 0x00, 0x41})).isEqualTo("\uFFFDA");
        assertThat(TextCodec.decode(8, new byte[] {0x00, 0x41, (byte) 0xDE, 0x00})).isEqualTo("A\uFFFD");
        assertThat(TextCodec.decode(8, new byte[] {(byte) 0xD8, 0x3D})).isEqualTo("\uFFFD");
        assertThat(TextCodec.decode(8, new byte[] {(byte) 0xDE, 0x00, (byte) 0xD8, 0x3D})).isEqualTo("\uFFFD\uFFFD");
        assertThat(TextCodec.decode(8, new byte[] {0x00, 0x41, 0x00})).isEqualTo("A\uFFFD");
        assertThat(TextCodec.decode(8, new byte[] {0x41})).isEqualTo("\uFFFD");
    }

    @Test
    void latin1AndUnknownCodingsMapEveryByteToOneCharacter() {
        // Proves data_coding 3 and any unknown coding read bytes as Latin-1: 0xA3 is '£', nothing is lost.
        byte[] all = new byte[256];
        for (int value = 0; value < 256; value++) {
            all[value] = (byte) value;
        }
        String latin1 = new String(all, StandardCharsets.ISO_8859_1);
        for (int coding : new int[] {3, 2, 4, 5, 6, 7, 9, 0xF4, -7}) {
            assertThat(TextCodec.decode(coding, all)).as("coding %d", coding).isEqualTo(latin1);
        }
        assertThat(TextCodec.decode(3, new byte[] {0x53, 0x55, 0x4E, (byte) 0xA3, 0x35})).isEqualTo("SUN£5");
    }

    @Test
    void ia5IsAsciiWithHighBytesReplaced() {
        // Proves data_coding 1 reads ASCII as ASCII ('$' and '@' where ASCII has them) and high bytes as U+FFFD.
        assertThat(TextCodec.decode(1, "sun 5 $@".getBytes(StandardCharsets.US_ASCII))).isEqualTo("sun 5 $@");
        assertThat(TextCodec.decode(1, new byte[] {0x41, (byte) 0xA3})).isEqualTo("A\uFFFD");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 8, 77})
    void thousandByteBodiesDecodeWhole(int coding) {
        // Proves long (concatenated) bodies decode at full length in each coding.
        byte[] body = new byte[1000];
        Arrays.fill(body, (byte) 0x41);
        String text = TextCodec.decode(coding, body);
        assertThat(text).hasSize(coding == 8 ? 500 : 1000);
    }

    @Test
    void encodeChoosesGsmWhenItCanAndUcs2Otherwise() {
        // Proves the coding choice: all-GSM text (extension included) stays 7-bit; one other char switches to UTF-16BE.
        assertThat(TextCodec.encode("Thank you for £5 to the Red Cross. Help: 0344 871 11 11").dataCoding()).isZero();
        assertThat(TextCodec.encode("Spende €5 [danke]").dataCoding()).isZero();
        EncodedText cyrillic = TextCodec.encode("Дякую £5");
        assertThat(cyrillic.dataCoding()).isEqualTo(8);
        assertThat(cyrillic.bytes()).isEqualTo("Дякую £5".getBytes(StandardCharsets.UTF_16BE));
        EncodedText emoji = TextCodec.encode("Thanks \uD83D\uDE4F");
        assertThat(emoji.dataCoding()).isEqualTo(8);
        assertThat(TextCodec.decode(emoji.dataCoding(), emoji.bytes())).isEqualTo("Thanks \uD83D\uDE4F");
        // 'ç' is not GSM (only 'Ç' is), and neither is a lower-case Greek letter.
        assertThat(TextCodec.isGsm("ç")).isFalse();
        assertThat(TextCodec.isGsm("δ")).isFalse();
        assertThat(TextCodec.isGsm("Δ")).isTrue();
    }

    @Test
    void emptyAndNullTextsEncodeAsEmptyGsm() {
        // Proves the degenerate texts encode to nothing rather than failing.
        assertThat(TextCodec.encode("")).isEqualTo(new EncodedText(0, new byte[0]));
        assertThat(TextCodec.encode(null)).isEqualTo(new EncodedText(0, new byte[0]));
        assertThat(TextCodec.gsmSeptets(null)).isZero();
        assertThat(TextCodec.isGsm("")).isTrue();
        assertThat(TextCodec.fitsOneMessage(null)).isTrue();
    }

    @Test
    void septetCountIsMinusOneForTextThatIsNotGsm() {
        // Proves the septet count: one per base char, two per extension char, -1 at the first foreign char.
        assertThat(TextCodec.gsmSeptets("SUN£5")).isEqualTo(5);
        assertThat(TextCodec.gsmSeptets("€5")).isEqualTo(3);
        assertThat(TextCodec.gsmSeptets("SUN ж")).isEqualTo(-1);
        assertThat(TextCodec.gsmSeptets("\uD83D\uDE00")).isEqualTo(-1);
        assertThat(TextCodec.gsmSeptets("\u001B")).isEqualTo(-1);
        assertThat(TextCodec.gsmSeptets("\t")).isEqualTo(-1);
    }

    @Test
    void oneMessageHolds160SeptetsOr70Ucs2Units() {
        // Proves the reply-length limits exactly at their edges, with extension chars counting double.
        assertThat(TextCodec.fitsOneMessage("a".repeat(160))).isTrue();
        assertThat(TextCodec.fitsOneMessage("a".repeat(161))).isFalse();
        assertThat(TextCodec.fitsOneMessage("€".repeat(80))).isTrue();
        assertThat(TextCodec.fitsOneMessage("€".repeat(80) + "a")).isFalse();
        assertThat(TextCodec.fitsOneMessage("a".repeat(159) + "€")).isFalse();
        assertThat(TextCodec.fitsOneMessage("ж".repeat(70))).isTrue();
        assertThat(TextCodec.fitsOneMessage("ж".repeat(71))).isFalse();
        // One non-GSM char turns 160 septets of text into 70 UCS-2 units of room.
        assertThat(TextCodec.fitsOneMessage("a".repeat(69) + "ж")).isTrue();
        assertThat(TextCodec.fitsOneMessage("a".repeat(70) + "ж")).isFalse();
        // An emoji is two UTF-16 units.
        assertThat(TextCodec.fitsOneMessage("\uD83D\uDE00".repeat(35))).isTrue();
        assertThat(TextCodec.fitsOneMessage("\uD83D\uDE00".repeat(35) + "a")).isFalse();
    }

    @Test
    void encodedTextIsAValueThatCannotBeChangedFromOutside() {
        // Proves EncodedText validates its coding, compares by content and copies its bytes in and out.
        byte[] bytes = {0x41};
        EncodedText text = new EncodedText(0, bytes);
        bytes[0] = 0x42;
        text.bytes()[0] = 0x43;
        assertThat(text.bytes()).containsExactly(0x41);
        assertThat(text).isEqualTo(new EncodedText(0, new byte[] {0x41})).hasSameHashCodeAs(new EncodedText(0, new byte[] {0x41}));
        assertThat(text).isNotEqualTo(new EncodedText(8, new byte[] {0x41}));
        assertThatThrownBy(() -> new EncodedText(3, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EncodedText(0, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void randomBytesNeverThrowAndRandomTextsRoundTrip() {
        // Proves, over seeded random inputs, that decode is total and that decode(encode(text)) is the text.
        long seed = Long.getLong("appealdesk.seed", System.nanoTime());
        RandomGenerator random = new Random(seed);
        String gsmRepertoire = gsmRepertoire();
        String input = "";
        try {
            for (int round = 0; round < 20_000; round++) {
                byte[] bytes = new byte[random.nextInt(300)];
                random.nextBytes(bytes);
                int coding = random.nextInt(12) - 1;
                input = "coding " + coding + " bytes " + Arrays.toString(bytes);
                String decoded = TextCodec.decode(coding, bytes);
                assertThat(decoded.length()).isLessThanOrEqualTo(bytes.length);

                StringBuilder gsm = new StringBuilder();
                for (int index = random.nextInt(200); index > 0; index--) {
                    gsm.append(gsmRepertoire.charAt(random.nextInt(gsmRepertoire.length())));
                }
                input = "GSM text " + gsm;
                EncodedText encodedGsm = TextCodec.encode(gsm.toString());
                assertThat(encodedGsm.dataCoding()).isZero();
                assertThat(encodedGsm.bytes()).hasSize(TextCodec.gsmSeptets(gsm.toString()));
                assertThat(TextCodec.decode(0, encodedGsm.bytes())).isEqualTo(gsm.toString());

                StringBuilder any = new StringBuilder();
                for (int index = random.nextInt(100); index > 0; index--) {
                    any.appendCodePoint(randomScalarValue(random));
                }
                input = "text " + any;
                EncodedText encoded = TextCodec.encode(any.toString());
                assertThat(TextCodec.decode(encoded.dataCoding(), encoded.bytes())).isEqualTo(any.toString());
            }
        } catch (AssertionError | RuntimeException failure) {
            throw new AssertionError("failed with seed " + seed + " (rerun with -Dappealdesk.seed=" + seed + ") on " + input, failure);
        }
    }

    private static String gsmRepertoire() {
        StringBuilder repertoire = new StringBuilder(EXTENSION_CHARS);
        for (int codePoint : GSM_BASE) {
            if (codePoint >= 0) {
                repertoire.appendCodePoint(codePoint);
            }
        }
        return repertoire.toString();
    }

    /** Any Unicode scalar value (no lone surrogates), biased towards the GSM and Latin ranges. */
    private static int randomScalarValue(RandomGenerator random) {
        int codePoint = switch (random.nextInt(3)) {
            case 0 -> random.nextInt(0x80);
            case 1 -> random.nextInt(0x500);
            default -> random.nextInt(Character.MAX_CODE_POINT + 1);
        };
        return Character.isSurrogate((char) codePoint) && codePoint <= 0xFFFF ? 'x' : codePoint;
    }
}
