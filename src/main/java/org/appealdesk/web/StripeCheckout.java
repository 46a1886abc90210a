package org.appealdesk.web;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.checkout.SessionCreateParams;
import java.time.Duration;
import java.time.InstantSource;
import org.appealdesk.donation.CardGifts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Stripe Checkout Sessions for card gifts. The donor pays on Stripe's own page, so no card
 * number ever reaches this server; the payment counts only when Stripe's signed webhook says so
 * ({@link StripeWebhook}), never because the donor came back to the thank-you page.
 *
 * <p>Every create call carries the gift's request id, stored before the call, as Stripe's
 * idempotency key (and in the session's metadata, so the webhook finds the gift): the Stripe
 * client's own retries, and any retry of ours, can only ever make one session for one gift.
 * No answer means no checkout page for the donor, so the gift is marked failed by the caller:
 * a session Stripe may have made without telling us has no donor to pay it and expires unpaid.
 */
final class StripeCheckout {

    private static final Logger log = LoggerFactory.getLogger(StripeCheckout.class);
    /** Stripe refuses an expiry under 30 minutes from its own clock: ask for a little more than configured. */
    private static final Duration EXPIRY_MARGIN = Duration.ofMinutes(1);
    private static final Duration EXPIRY_MAX = Duration.ofHours(24);

    /** What asking Stripe for a checkout page gave. */
    sealed interface Outcome {
        record Created(String sessionId, String url) implements Outcome {
        }

        /** Stripe did not give a checkout page (refused, failed or did not answer in time). */
        record Unavailable(String reason) implements Outcome {
        }
    }

    private final StripeClient client;
    private final StripeSettings settings;
    private final InstantSource clock;

    StripeCheckout(StripeSettings settings, InstantSource clock) {
        this.settings = settings;
        this.clock = clock;
        this.client = StripeClient.builder()
                .setApiKey(settings.secretKey())
                .setApiBase(settings.apiBase())
                .setConnectTimeout(settings.requestTimeoutMs())
                .setReadTimeout(settings.requestTimeoutMs())
                .setMaxNetworkRetries(settings.networkRetriesMax())
                .build();
    }

    Outcome create(CardGifts.CardGift gift, String description, String successUrl, String cancelUrl) {
        Duration expiry = Duration.ofMinutes(settings.checkoutExpiryMinutes()).plus(EXPIRY_MARGIN);
        long expiresAt = clock.instant().plus(expiry.compareTo(EXPIRY_MAX) < 0 ? expiry : EXPIRY_MAX.minus(EXPIRY_MARGIN)).getEpochSecond();
        SessionCreateParams params = SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .setSubmitType(SessionCreateParams.SubmitType.DONATE)
                .setClientReferenceId(gift.requestId())
                .putMetadata(StripeWebhook.REQUEST_ID_KEY, gift.requestId())
                .putMetadata("appeal", gift.appeal().slug())
                .setPaymentIntentData(SessionCreateParams.PaymentIntentData.builder()
                        .setDescription(description)
                        .putMetadata(StripeWebhook.REQUEST_ID_KEY, gift.requestId())
                        .build())
                .addLineItem(SessionCreateParams.LineItem.builder()
                        .setQuantity(1L)
                        .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
                                .setCurrency(StripeWebhook.CURRENCY)
                                .setUnitAmount(gift.amount().pence())
                                .setProductData(SessionCreateParams.LineItem.PriceData.ProductData.builder().setName(description).build())
                                .build())
                        .build())
                .setSuccessUrl(successUrl)
                .setCancelUrl(cancelUrl)
                .setExpiresAt(expiresAt)
                .build();
        RequestOptions options = RequestOptions.builder().setIdempotencyKey(gift.requestId()).build();
        try {
            Session session = client.v1().checkout().sessions().create(params, options);
            if (session.getUrl() == null || !session.getUrl().startsWith("http")) {
                log.warn("stripe gave checkout session {} for request {} without a usable url", session.getId(), gift.requestId());
                return new Outcome.Unavailable("no checkout url");
            }
            return new Outcome.Created(session.getId(), session.getUrl());
        } catch (StripeException e) {
            // The donor's details are not in the request, so the message is safe to log.
            log.warn("stripe checkout for request {} failed after {} retries: {} status {} code {}: {}", gift.requestId(), settings.networkRetriesMax(),
                    e.getClass().getSimpleName(), e.getStatusCode(), e.getCode(), e.getMessage());
            return new Outcome.Unavailable(e.getClass().getSimpleName() + (e.getCode() == null ? "" : " " + e.getCode()));
        }
    }
}
