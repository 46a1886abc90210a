package org.appealdesk.settle;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines with a bound on how much of one line is held: a line longer than {@code charsMax}
 * comes back cut to {@code charsMax + 1} characters (so the caller sees it is too long) and the
 * rest of it is skipped. A file of one endless line cannot exhaust memory.
 */
final class BoundedLineReader {

    private static final int BUFFER_CHARS = 64 * 1024;

    private final Reader in;
    private final int charsMax;
    private final char[] buffer = new char[BUFFER_CHARS];
    private final StringBuilder line;
    private int position;
    private int limit;

    BoundedLineReader(Reader in, int charsMax) {
        this.in = in;
        this.charsMax = charsMax;
        this.line = new StringBuilder(Math.min(charsMax + 1, 4_096));
    }

    /** The next line without its end ("\n", "\r\n"), or null at the end of the input. */
    String readLine() throws IOException {
        line.setLength(0);
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return any ? finish() : null;
                }
            }
            any = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            int room = charsMax + 1 - line.length();
            if (room > 0) {
                line.append(buffer, start, Math.min(room, position - start));
            }
            if (position < limit) {
                position++; // the '\n'
                return finish();
            }
        }
    }

    private String finish() {
        int length = line.length();
        if (length > 0 && length <= charsMax && line.charAt(length - 1) == '\r') {
            line.setLength(length - 1);
        }
        return line.toString();
    }
}
