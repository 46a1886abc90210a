package org.appealdesk.web;

import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a small url-encoded form with explicit limits (bytes, fields, field length) before anything
 * is looked at, so an oversized or strange body is refused whole with a clear answer and nothing
 * is stored. Each field may appear once.
 */
final class Forms {

    /** The largest form a person's page sends: the Gift Aid form is well under 1 kB. */
    static final int BODY_BYTES_MAX = 8 * 1024;
    static final int FIELDS_MAX = 16;
    static final int FIELD_LENGTH_MAX = 200;

    private Forms() {
    }

    /** The fields of the request's form body, or a problem for the person who sent it. */
    static Map<String, String> read(Context ctx, String slug) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw WebProblem.page(415, "This form could not be read", "The form was not sent as a web form. Please go back and try again.", slug);
        }
        if (ctx.contentLength() > BODY_BYTES_MAX) {
            throw WebProblem.page(413, "This form is too large", "The form was larger than " + BODY_BYTES_MAX / 1024 + " kB. Please go back and try again.", slug);
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length > BODY_BYTES_MAX) {
            throw WebProblem.page(413, "This form is too large", "The form was larger than " + BODY_BYTES_MAX / 1024 + " kB. Please go back and try again.", slug);
        }
        Map<String, String> fields = new HashMap<>();
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return fields;
        }
        String[] pairs = text.split("&", FIELDS_MAX + 2);
        if (pairs.length > FIELDS_MAX) {
            throw WebProblem.page(400, "This form could not be read", "The form had more fields than this page sends. Please go back and try again.", slug);
        }
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw WebProblem.page(400, "This form could not be read", "Part of the form was garbled. Please go back and try again.", slug);
            }
            if (value.length() > FIELD_LENGTH_MAX) {
                throw WebProblem.page(413, "An answer is too long", "One answer was longer than " + FIELD_LENGTH_MAX + " characters. Please go back and shorten it.", slug);
            }
            if (fields.putIfAbsent(name, value) != null) {
                throw WebProblem.page(400, "This form could not be read", "The form sent the same answer twice. Please go back and try again.", slug);
            }
        }
        return fields;
    }
}
