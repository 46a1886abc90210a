package org.appealdesk.web;

/**
 * Where the HTTP server listens.
 *
 * @param host 127.0.0.1 unless the operator means to expose it (Jetty listens on all interfaces by default)
 * @param port 0 picks a free port (tests)
 */
public record HttpSettings(String host, int port) {
    public HttpSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("http.host is missing");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("http.port must be 0-65535, got " + port);
        }
    }
}
