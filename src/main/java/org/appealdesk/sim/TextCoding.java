package org.appealdesk.sim;

import java.nio.charset.StandardCharsets;

/** The data_coding values of docs/SMPP.md that donors' phones actually use. */
public enum TextCoding {
    /** data_coding 0: GSM 03.38 unpacked, '£' = 0x01. */
    GSM_7BIT(0),
    /** data_coding 3: ISO-8859-1, '£' = 0xA3. */
    LATIN_1(3),
    /** data_coding 8: UCS-2 big-endian, two bytes per character. */
    UCS_2(8);

    private final int dataCoding;

    TextCoding(int dataCoding) {
        this.dataCoding = dataCoding;
    }

    public int dataCoding() {
        return dataCoding;
    }

    public boolean canEncode(String text) {
        return switch (this) {
            case GSM_7BIT -> GsmAlphabet.canEncode(text);
            case LATIN_1 -> text.chars().allMatch(c -> c <= 0xFF);
            case UCS_2 -> text.chars().noneMatch(c -> Character.isSurrogate((char) c));
        };
    }

    /** @throws IllegalArgumentException when the text has a character this coding lacks */
    public byte[] encode(String text) {
        if (!canEncode(text)) {
            throw new IllegalArgumentException("text of " + text.length() + " characters cannot be written in " + this);
        }
        return switch (this) {
            case GSM_7BIT -> GsmAlphabet.encode(text);
            case LATIN_1 -> text.getBytes(StandardCharsets.ISO_8859_1);
            case UCS_2 -> text.getBytes(StandardCharsets.UTF_16BE);
        };
    }

    public String decode(byte[] bytes) {
        return switch (this) {
            case GSM_7BIT -> GsmAlphabet.decode(bytes);
            case LATIN_1 -> new String(bytes, StandardCharsets.ISO_8859_1);
            case UCS_2 -> new String(bytes, StandardCharsets.UTF_16BE);
        };
    }

    /** The coding for a data_coding byte; anything unknown is read as Latin-1, as docs/SMPP.md says. */
    public static TextCoding of(int dataCoding) {
        return switch (dataCoding & 0xFF) {
            case 0 -> GSM_7BIT;
            case 8 -> UCS_2;
            default -> LATIN_1;
        };
    }
}
