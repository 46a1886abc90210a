package org.appealdesk.sms.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.OutboundMessage;
import org.jsmpp.bean.OptionalParameter;
import org.junit.jupiter.api.Test;

class SubmitRequestTest {

    private static final PhoneNumber DONOR = new PhoneNumber("447700900123");

    private static SmppSettings settings(BillingProfile billing) {
        return SmppSettings.defaults("127.0.0.1", 2775, "appealdesk", "pw", billing);
    }

    private static OutboundMessage billed(long pence, String requestId) {
        return new OutboundMessage(1, DONOR, "70141", "Thank you", Money.ofPence(pence), requestId, null);
    }

    private static String tlv(SubmitRequest request, int tag) {
        return request.parameters().stream()
                .filter(parameter -> parameter.tag == (short) tag)
                .map(parameter -> new String(((OptionalParameter.OctetString) parameter).getValue(), StandardCharsets.US_ASCII))
                .findFirst().orElse(null);
    }

    @Test
    void shortcodePerPriceSendsFromTheBillingShortcode() {
        // Proves SHORTCODE_PER_PRICE puts the price's shortcode in source_addr and the request id in its TLV.
        SubmitRequest request = (SubmitRequest) SubmitRequest.plan(billed(1000, "req-1"),
                settings(new BillingProfile.ShortcodePerPrice(Map.of(500L, "70905", 1000L, "70910"))));

        assertThat(request.sourceAddr()).isEqualTo("70910");
        assertThat(request.serviceType()).isEmpty();
        assertThat(request.registeredDelivery()).isEqualTo((byte) 1);
        assertThat(request.destinationAddr()).isEqualTo("447700900123");
        assertThat(tlv(request, 0x1503)).isEqualTo("req-1");
        assertThat(tlv(request, 0x1504)).isNull();
    }

    @Test
    void serviceTypeSendsThePricesServiceType() {
        // Proves SERVICE_TYPE sets service_type from the price and keeps the donor's shortcode as source.
        SubmitRequest request = (SubmitRequest) SubmitRequest.plan(billed(500, "req-2"),
                settings(new BillingProfile.ServiceTypePerPrice(Map.of(500L, "P500"))));

        assertThat(request.serviceType()).isEqualTo("P500");
        assertThat(request.sourceAddr()).isEqualTo("70141");
        assertThat(tlv(request, 0x1503)).isEqualTo("req-2");
    }

    @Test
    void priceTlvCarriesThePenceAsDecimal() {
        // Proves PRICE_TLV adds the price in pence as ASCII decimal in the price TLV.
        SubmitRequest request = (SubmitRequest) SubmitRequest.plan(billed(300, "req-3"), settings(new BillingProfile.PriceTlv()));

        assertThat(request.sourceAddr()).isEqualTo("70141");
        assertThat(tlv(request, 0x1504)).isEqualTo("300");
        assertThat(tlv(request, 0x1503)).isEqualTo("req-3");
    }

    @Test
    void aFreeMessageHasNoBillingSignals() {
        // Proves a free message goes from the texted shortcode with registered_delivery 0 and no TLVs.
        OutboundMessage free = new OutboundMessage(2, DONOR, "70141", "Thanks £5", null, null, null);
        SubmitRequest request = (SubmitRequest) SubmitRequest.plan(free, settings(new BillingProfile.PriceTlv()));

        assertThat(request.sourceAddr()).isEqualTo("70141");
        assertThat(request.registeredDelivery()).isZero();
        assertThat(request.parameters()).isEmpty();
        assertThat(request.shortMessage()).containsExactly('T', 'h', 'a', 'n', 'k', 's', ' ', 0x01, '5');
    }

    @Test
    void anUnknownPriceOrAMissingRequestIdIsNeverSent() {
        // Proves a price the profile cannot bill, or a billed message without a request id, is refused before sending.
        SmppSettings settings = settings(new BillingProfile.ShortcodePerPrice(Map.of(500L, "70905")));

        assertThat(SubmitRequest.plan(billed(700, "req-4"), settings))
                .isEqualTo(new SubmitPlan.Unroutable("NO_BILLING_ROUTE", "no billing shortcode for £7"));
        assertThat(SubmitRequest.plan(billed(500, null), settings)).isInstanceOf(SubmitPlan.Unroutable.class)
                .extracting(plan -> ((SubmitPlan.Unroutable) plan).errorCode()).isEqualTo("INVALID_REQUEST_ID");
    }

    @Test
    void aLongBodyTravelsInMessagePayload() {
        // Proves a body over 254 bytes goes in message_payload with an empty short_message.
        OutboundMessage longText = new OutboundMessage(3, DONOR, "70141", "x".repeat(300), null, null, null);
        SubmitRequest request = (SubmitRequest) SubmitRequest.plan(longText, settings(new BillingProfile.PriceTlv()));

        assertThat(request.shortMessage()).isEmpty();
        assertThat(request.parameters()).singleElement().satisfies(parameter -> assertThat(parameter.tag).isEqualTo((short) 0x0424));
        assertThat(request.toString()).doesNotContain("447700900123");
    }
}
