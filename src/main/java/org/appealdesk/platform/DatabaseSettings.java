package org.appealdesk.platform;

/**
 * How to reach PostgreSQL. Validated when built, so a bad setting stops start-up with its name.
 *
 * @param poolSizeMax         connections in the pool; every batch writer holds one at a time
 * @param connectionTimeoutMs how long a caller waits for a free connection before failing
 */
public record DatabaseSettings(String jdbcUrl, String user, String password, int poolSizeMax, long connectionTimeoutMs) {

    public static final int POOL_SIZE_LIMIT = 64;

    public DatabaseSettings {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("database.url must be a jdbc:postgresql: URL");
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("database.user is missing");
        }
        if (password == null) {
            password = "";
        }
        if (poolSizeMax < 2 || poolSizeMax > POOL_SIZE_LIMIT) {
            throw new IllegalArgumentException("database.poolSize must be 2-" + POOL_SIZE_LIMIT + ", got " + poolSizeMax);
        }
        if (connectionTimeoutMs < 250 || connectionTimeoutMs > 60_000) {
            throw new IllegalArgumentException("database.connectionTimeoutMs must be 250-60000, got " + connectionTimeoutMs);
        }
    }
}
