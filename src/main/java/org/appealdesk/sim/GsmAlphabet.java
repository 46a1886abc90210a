package org.appealdesk.sim;

import java.io.ByteArrayOutputStream;

/**
 * GSM 03.38 default alphabet, unpacked (one septet per byte) as SMPP data_coding 0 carries it:
 * '£' is 0x01, '@' is 0x00, and the extension table is reached through escape 0x1B.
 *
 * <p>The simulator owns this small copy on purpose: it must not share the ESME's codec, or a bug
 * in that codec would be mirrored here and every end-to-end test would still pass.
 */
final class GsmAlphabet {

    private static final char ESCAPE = 0x1B;

    /** Index = septet. 0x1B is the escape and never stands for itself. */
    private static final String BASIC =
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
                    + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    /** Extension table: septet after the escape, and the character it means. */
    private static final int[] EXTENSION_SEPTETS = {0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65};
    private static final String EXTENSION_CHARS = "\f^{}\\[~]|€";

    static {
        if (BASIC.length() != 128) {
            throw new AssertionError("GSM basic table must have 128 entries, has " + BASIC.length());
        }
    }

    private GsmAlphabet() {
    }

    static boolean canEncode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == ESCAPE || BASIC.indexOf(c) < 0) && EXTENSION_CHARS.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** @throws IllegalArgumentException naming the position of a character GSM 03.38 lacks */
    static byte[] encode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 4);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int basic = c == ESCAPE ? -1 : BASIC.indexOf(c);
            if (basic >= 0) {
                out.write(basic);
                continue;
            }
            int extension = EXTENSION_CHARS.indexOf(c);
            if (extension < 0) {
                throw new IllegalArgumentException("character U+" + Integer.toHexString(c) + " at " + i + " is not in GSM 03.38");
            }
            out.write(ESCAPE);
            out.write(EXTENSION_SEPTETS[extension]);
        }
        return out.toByteArray();
    }

    /** Decodes unpacked septets; an unknown escape sequence or a byte above 0x7F becomes '?'. */
    static String decode(byte[] septets) {
        StringBuilder text = new StringBuilder(septets.length);
        for (int i = 0; i < septets.length; i++) {
            int septet = septets[i] & 0xFF;
            if (septet == ESCAPE && i + 1 < septets.length) {
                int next = septets[++i] & 0xFF;
                char c = '?';
                for (int k = 0; k < EXTENSION_SEPTETS.length; k++) {
                    if (EXTENSION_SEPTETS[k] == next) {
                        c = EXTENSION_CHARS.charAt(k);
                    }
                }
                text.append(c);
            } else {
                text.append(septet < 0x80 && septet != ESCAPE ? BASIC.charAt(septet) : '?');
            }
        }
        return text.toString();
    }
}
