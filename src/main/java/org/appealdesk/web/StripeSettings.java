package org.appealdesk.web;

/**
 * How card payments reach Stripe. The keys themselves come from environment variables named in
 * the configuration and are never printed ({@link #toString} hides them).
 *
 * @param apiBase                 Stripe's API address ("https://api.stripe.com"); tests point it at a local stand-in
 * @param secretKey               the secret API key (sk_... or a restricted rk_...)
 * @param webhookSecret           the endpoint's signing secret (whsec_...)
 * @param webhookToleranceSeconds how old a signed webhook may be before it is refused as a replay
 * @param requestTimeoutMs        connect and read timeout of each call to Stripe
 * @param networkRetriesMax       retries of a failed call, by the Stripe client, with the same idempotency key
 * @param checkoutExpiryMinutes   how long a donor has to pay before the checkout expires (Stripe allows 30-1440)
 */
public record StripeSettings(String apiBase, String secretKey, String webhookSecret, int webhookToleranceSeconds,
                             int requestTimeoutMs, int networkRetriesMax, int checkoutExpiryMinutes) {

    public static final String API_BASE_DEFAULT = "https://api.stripe.com";
    public static final int WEBHOOK_TOLERANCE_DEFAULT = 300;
    public static final int WEBHOOK_TOLERANCE_MAX = 600;
    public static final int REQUEST_TIMEOUT_DEFAULT_MS = 10_000;
    public static final int REQUEST_TIMEOUT_MAX_MS = 60_000;
    public static final int NETWORK_RETRIES_DEFAULT = 2;
    public static final int NETWORK_RETRIES_MAX = 5;
    public static final int CHECKOUT_EXPIRY_MIN_MINUTES = 30;
    public static final int CHECKOUT_EXPIRY_MAX_MINUTES = 1_440;

    public StripeSettings {
        if (apiBase == null || !apiBase.matches("https?://[^\\s/]+(/[^\\s]*)?") || apiBase.endsWith("/")) {
            throw new IllegalArgumentException("stripe.apiBase must be an http(s) URL without a trailing '/', got '" + apiBase + "'");
        }
        if (secretKey == null || !(secretKey.startsWith("sk_") || secretKey.startsWith("rk_")) || secretKey.length() < 8) {
            throw new IllegalArgumentException("stripe secret key must start with sk_ or rk_");
        }
        if (webhookSecret == null || !webhookSecret.startsWith("whsec_") || webhookSecret.length() < 10) {
            throw new IllegalArgumentException("stripe webhook secret must start with whsec_");
        }
        if (webhookToleranceSeconds < 1 || webhookToleranceSeconds > WEBHOOK_TOLERANCE_MAX) {
            throw new IllegalArgumentException("stripe.webhookToleranceSeconds must be 1-" + WEBHOOK_TOLERANCE_MAX + ", got " + webhookToleranceSeconds);
        }
        if (requestTimeoutMs < 100 || requestTimeoutMs > REQUEST_TIMEOUT_MAX_MS) {
            throw new IllegalArgumentException("stripe.requestTimeoutMs must be 100-" + REQUEST_TIMEOUT_MAX_MS + ", got " + requestTimeoutMs);
        }
        if (networkRetriesMax < 0 || networkRetriesMax > NETWORK_RETRIES_MAX) {
            throw new IllegalArgumentException("stripe.networkRetriesMax must be 0-" + NETWORK_RETRIES_MAX + ", got " + networkRetriesMax);
        }
        if (checkoutExpiryMinutes < CHECKOUT_EXPIRY_MIN_MINUTES || checkoutExpiryMinutes > CHECKOUT_EXPIRY_MAX_MINUTES) {
            throw new IllegalArgumentException("stripe.checkoutExpiryMinutes must be " + CHECKOUT_EXPIRY_MIN_MINUTES + "-" + CHECKOUT_EXPIRY_MAX_MINUTES
                    + ", got " + checkoutExpiryMinutes);
        }
    }

    @Override
    public String toString() {
        return "StripeSettings[apiBase=" + apiBase + ", keys hidden, webhookToleranceSeconds=" + webhookToleranceSeconds
                + ", requestTimeoutMs=" + requestTimeoutMs + ", networkRetriesMax=" + networkRetriesMax + ", checkoutExpiryMinutes=" + checkoutExpiryMinutes + "]";
    }
}
