package org.appealdesk.sms;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns SMPP short-message bytes into text and back: the GSM 03.38 default alphabet (unpacked, one
 * septet per byte, as SMPP carries it), IA5/ASCII, Latin-1 and UCS-2.
 *
 * <p>Decoding sits in front of the keyword parser for every inbound text, so it is table-driven,
 * allocates only the result, and never throws: bytes from a network are not trusted to be valid,
 * and a text we cannot read must become a free "not understood" reply, not a failed delivery that
 * the network keeps resending. Anything undecodable becomes U+FFFD, which the parser never accepts
 * as part of a keyword, so a damaged text is never charged.
 *
 * <p>Decisions where the specification leaves a choice (3GPP TS 23.038, 6.2.1.1):
 * <ul>
 *   <li>escape followed by a byte not in the extension table: the base-table character, as the
 *       specification says a receiver shall display it;</li>
 *   <li>escape followed by escape (reserved for a second extension table): a space, as specified;</li>
 *   <li>a lone escape as the last byte: U+FFFD, not the space some phones show: the text was cut
 *       short in the middle of a character, and a damaged text must not read as "SUN5 ";</li>
 *   <li>bytes 0x80-0xFF in GSM mode (septets never exceed 0x7F): U+FFFD, one per byte.</li>
 * </ul>
 */
public final class TextCodec {

    /** SMPP data_coding values this codec knows. Everything else decodes as Latin-1. */
    public static final int DATA_CODING_GSM = 0;
    public static final int DATA_CODING_IA5 = 1;
    public static final int DATA_CODING_LATIN_1 = 3;
    public static final int DATA_CODING_UCS2 = 8;

    /** One message holds 160 septets (140 octets packed) or 70 UTF-16 units. */
    public static final int GSM_SEPTETS_PER_MESSAGE_MAX = 160;
    public static final int UCS2_UNITS_PER_MESSAGE_MAX = 70;

    private static final int ESCAPE = 0x1B;
    private static final char REPLACEMENT = '\uFFFD';

    /**
     * The default alphabet, indexed by septet; index 0x1B (escape) is never read through this table.
     * Row by row (16 septets each) as in 3GPP TS 23.038 table 6.2.1.
     */
    private static final String BASE_TABLE = ""
            + "@£$¥èéùìòÇ\nØø\rÅå"
            + "Δ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ"
            + " !\"#¤%&'()*+,-./"
            + "0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNO"
            + "PQRSTUVWXYZÄÖÑÜ§"
            + "¿abcdefghijklmno"
            + "pqrstuvwxyzäöñüà";

    private static final char[] DECODE_BASE = BASE_TABLE.toCharArray();

    /** The extension table: escape then one of these septets; 0 where the table has no character. */
    private static final char[] DECODE_EXTENSION = new char[128];

    /**
     * Char to GSM code for chars below {@link #ENCODE_TABLE_SIZE}: a base septet (0-127), an
     * extension septet plus {@link #EXTENSION_FLAG}, or -1. Covers Latin-1 and Greek; '€' is the
     * only GSM character above it and is handled on its own.
     */
    private static final short[] ENCODE = new short[0x400];
    private static final int ENCODE_TABLE_SIZE = 0x400;
    private static final int EXTENSION_FLAG = 0x100;
    private static final char EURO = '€';
    private static final int EURO_EXTENSION_SEPTET = 0x65;

    static {
        if (DECODE_BASE.length != 128) {
            throw new AssertionError("GSM base table has " + DECODE_BASE.length + " entries, not 128");
        }
        DECODE_EXTENSION[0x0A] = '\f';
        DECODE_EXTENSION[0x14] = '^';
        DECODE_EXTENSION[0x28] = '{';
        DECODE_EXTENSION[0x29] = '}';
        DECODE_EXTENSION[0x2F] = '\\';
        DECODE_EXTENSION[0x3C] = '[';
        DECODE_EXTENSION[0x3D] = '~';
        DECODE_EXTENSION[0x3E] = ']';
        DECODE_EXTENSION[0x40] = '|';
        DECODE_EXTENSION[EURO_EXTENSION_SEPTET] = EURO;

        Arrays.fill(ENCODE, (short) -1);
        for (int septet = 0; septet < 128; septet++) {
            if (septet != ESCAPE) {
                ENCODE[DECODE_BASE[septet]] = (short) septet;
            }
            char extension = DECODE_EXTENSION[septet];
            if (extension != 0 && extension < ENCODE_TABLE_SIZE) {
                ENCODE[extension] = (short) (EXTENSION_FLAG | septet);
            }
        }
    }

    private TextCodec() {
    }

    /** Text ready for a submit_sm: the data_coding to declare and the body bytes. */
    public record EncodedText(int dataCoding, byte[] bytes) {
        public EncodedText {
            if (dataCoding != DATA_CODING_GSM && dataCoding != DATA_CODING_UCS2) {
                throw new IllegalArgumentException("encoded text is GSM (0) or UCS-2 (8), got data_coding " + dataCoding);
            }
            if (bytes == null) {
                throw new IllegalArgumentException("encoded text needs bytes");
            }
            // Copied in and out: a record that looks immutable must be.
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof EncodedText that && dataCoding == that.dataCoding && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return 31 * dataCoding + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "EncodedText[dataCoding=" + dataCoding + ", bytes=" + bytes.length + "]";
        }
    }

    /**
     * The text in {@code body}; "" for null or empty. Never throws. Unknown data_coding values
     * decode as Latin-1, which maps every byte to some character and so loses nothing.
     */
    public static String decode(int dataCoding, byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        return switch (dataCoding) {
            case DATA_CODING_GSM -> decodeGsm(body);
            // The JDK's ASCII decoder replaces bytes above 0x7F with U+FFFD.
            case DATA_CODING_IA5 -> new String(body, StandardCharsets.US_ASCII);
            case DATA_CODING_UCS2 -> decodeUcs2(body);
            default -> new String(body, StandardCharsets.ISO_8859_1);
        };
    }

    private static String decodeGsm(byte[] body) {
        char[] text = new char[body.length];
        int length = 0;
        int index = 0;
        while (index < body.length) {
            int septet = body[index++] & 0xFF;
            if (septet >= 0x80) {
                text[length++] = REPLACEMENT;
            } else if (septet != ESCAPE) {
                text[length++] = DECODE_BASE[septet];
            } else if (index == body.length) {
                text[length++] = REPLACEMENT;
            } else {
                text[length++] = decodeEscaped(body[index++] & 0xFF);
            }
        }
        return new String(text, 0, length);
    }

    private static char decodeEscaped(int septet) {
        if (septet >= 0x80) {
            return REPLACEMENT;
        }
        if (septet == ESCAPE) {
            return ' ';
        }
        char extension = DECODE_EXTENSION[septet];
        return extension != 0 ? extension : DECODE_BASE[septet];
    }

    /**
     * UTF-16BE, so a phone that sends emoji as surrogate pairs is read correctly (strict UCS-2 has
     * none). A lone surrogate, or an odd last byte, becomes U+FFFD rather than a broken string.
     */
    private static String decodeUcs2(byte[] body) {
        int units = body.length >>> 1;
        boolean oddByte = (body.length & 1) != 0;
        char[] text = new char[units + (oddByte ? 1 : 0)];
        for (int unit = 0; unit < units; unit++) {
            text[unit] = (char) (((body[2 * unit] & 0xFF) << 8) | (body[2 * unit + 1] & 0xFF));
        }
        int unit = 0;
        while (unit < units) {
            char c = text[unit];
            if (Character.isHighSurrogate(c) && unit + 1 < units && Character.isLowSurrogate(text[unit + 1])) {
                unit += 2;
            } else {
                if (Character.isSurrogate(c)) {
                    text[unit] = REPLACEMENT;
                }
                unit++;
            }
        }
        if (oddByte) {
            text[units] = REPLACEMENT;
        }
        return new String(text);
    }

    /**
     * GSM 03.38 unpacked (data_coding 0) when every character has a septet, else UCS-2 (data_coding
     * 8) as UTF-16BE. A null text encodes as empty GSM.
     */
    public static EncodedText encode(String text) {
        if (text == null) {
            return new EncodedText(DATA_CODING_GSM, new byte[0]);
        }
        int septets = gsmSeptets(text);
        if (septets >= 0) {
            byte[] bytes = new byte[septets];
            int length = 0;
            for (int index = 0; index < text.length(); index++) {
                int code = gsmCode(text.charAt(index));
                if ((code & EXTENSION_FLAG) != 0) {
                    bytes[length++] = ESCAPE;
                }
                bytes[length++] = (byte) (code & 0x7F);
            }
            return new EncodedText(DATA_CODING_GSM, bytes);
        }
        byte[] bytes = new byte[text.length() * 2];
        for (int index = 0; index < text.length(); index++) {
            char c = text.charAt(index);
            bytes[2 * index] = (byte) (c >>> 8);
            bytes[2 * index + 1] = (byte) c;
        }
        return new EncodedText(DATA_CODING_UCS2, bytes);
    }

    /** True when every character is in the GSM default alphabet or its extension table. */
    public static boolean isGsm(String text) {
        return gsmSeptets(text) >= 0;
    }

    /**
     * Septets the text needs in GSM 03.38 (extension characters take two: escape and septet), or
     * -1 when some character has none. A null text needs 0.
     */
    public static int gsmSeptets(String text) {
        if (text == null) {
            return 0;
        }
        int septets = 0;
        for (int index = 0; index < text.length(); index++) {
            int code = gsmCode(text.charAt(index));
            if (code < 0) {
                return -1;
            }
            septets += (code & EXTENSION_FLAG) != 0 ? 2 : 1;
        }
        return septets;
    }

    /**
     * True when the text goes out as a single message in the coding {@link #encode} would choose:
     * at most 160 septets in GSM, or 70 UTF-16 units in UCS-2. Replies must fit one message
     * (DOMAIN.md), so reply builders check this before queueing.
     */
    public static boolean fitsOneMessage(String text) {
        int septets = gsmSeptets(text);
        if (septets >= 0) {
            return septets <= GSM_SEPTETS_PER_MESSAGE_MAX;
        }
        return text.length() <= UCS2_UNITS_PER_MESSAGE_MAX;
    }

    /** The GSM code of one char: base septet, extension septet | EXTENSION_FLAG, or -1. */
    private static int gsmCode(char c) {
        if (c < ENCODE_TABLE_SIZE) {
            return ENCODE[c];
        }
        return c == EURO ? EXTENSION_FLAG | EURO_EXTENSION_SEPTET : -1;
    }
}
