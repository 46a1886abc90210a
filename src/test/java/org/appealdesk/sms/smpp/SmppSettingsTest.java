package org.appealdesk.sms.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.Map;
import org.appealdesk.sms.smpp.ErrorCodeMap.DeclineReason;
import org.junit.jupiter.api.Test;

class SmppSettingsTest {

    private static final BillingProfile PRICE_TLV = new BillingProfile.PriceTlv();

    private static SmppSettings.Builder valid() {
        return SmppSettings.builder("smsc.example.net", 2775, "appealdesk", "secret").billing(PRICE_TLV);
    }

    @Test
    void defaultsAreValidAndSensible() {
        // Proves the defaults build, with the contract's tags and error map and a production host name allowed.
        SmppSettings settings = SmppSettings.defaults("smsc.example.net", 2775, "appealdesk", "secret", PRICE_TLV);

        assertThat(settings.host()).isEqualTo("smsc.example.net");
        assertThat(settings.moIdTag()).isEqualTo(0x1501);
        assertThat(settings.networkTag()).isEqualTo(0x1502);
        assertThat(settings.requestIdTag()).isEqualTo(0x1503);
        assertThat(settings.priceTag()).isEqualTo(0x1504);
        assertThat(settings.errorCodes()).isEqualTo(ErrorCodeMap.defaults());
        assertThat(settings.temporarySubmitErrorCodes()).containsExactlyInAnyOrder(0x08, 0x64);
        assertThat(settings.receiptIdFormat()).isEqualTo(ReceiptIdFormat.SAME);
        assertThat(settings.toBuilder().build()).isEqualTo(settings);
        assertThat(settings.toString()).doesNotContain("secret");
    }

    @Test
    void badNumbersAreRefusedNamingTheSetting() {
        // Proves out-of-range values are refused with the setting's name, its range and the value given.
        assertThatThrownBy(() -> valid().windowSize(0).build()).hasMessage("smsc.windowSize must be 1-1000, got 0");
        assertThatThrownBy(() -> valid().binds(17).build()).hasMessage("smsc.binds must be 1-16, got 17");
        assertThatThrownBy(() -> valid().port(0).build()).hasMessage("smsc.port must be 1-65535, got 0");
        assertThatThrownBy(() -> valid().submitsPerSecondMax(0).build()).hasMessageStartingWith("smsc.submitsPerSecondMax must be");
        assertThatThrownBy(() -> valid().responseTimeoutMs(10).build()).hasMessageStartingWith("smsc.responseTimeoutMs must be");
        assertThatThrownBy(() -> valid().outboxClaimBatchSize(0).build()).hasMessageStartingWith("smsc.outboxClaimBatchSize must be");
        assertThatThrownBy(() -> valid().receiveConcurrencyPerBind(-1).build()).hasMessage("smsc.receiveConcurrencyPerBind must be 0-1000, got -1");
        assertThatThrownBy(() -> valid().moIdTag(0x10000).build()).hasMessageStartingWith("smsc.moIdTag must be 0 (disabled)");
    }

    @Test
    void badTextsAndCombinationsAreRefusedNamingTheSetting() {
        // Proves identity fields, billing, tags and error codes are checked with messages naming the setting.
        assertThatThrownBy(() -> valid().host(" ").build()).hasMessageStartingWith("smsc.host must be");
        assertThatThrownBy(() -> valid().systemId("").build()).hasMessageStartingWith("smsc.systemId must be 1-15");
        assertThatThrownBy(() -> valid().password("123456789").build()).hasMessageStartingWith("smsc.password must be 0-8")
                .hasMessageNotContaining("123456789");
        assertThatThrownBy(() -> valid().billing(null).build()).hasMessageStartingWith("smsc.billing is required");
        assertThatThrownBy(() -> valid().priceTag(0).build()).hasMessage("smsc.priceTag must be set (not 0) when billing is PRICE_TLV");
        assertThatThrownBy(() -> valid().networkTag(0x1501).build()).hasMessageContaining("must differ");
        assertThatThrownBy(() -> valid().receiptIdFormat(null).build()).hasMessageStartingWith("smsc.receiptIdFormat");
        assertThatThrownBy(() -> valid().temporarySubmitErrorCodes(java.util.List.of("0xZZ")).build())
                .hasMessageContaining("smsc.temporarySubmitErrorCodes").hasMessageContaining("0xZZ");
        assertThatThrownBy(() -> new BillingProfile.ShortcodePerPrice(Map.of(500L, "7090A")))
                .hasMessageStartingWith("smsc.billing.shortcodes value for 500 pence");
        assertThatThrownBy(() -> new BillingProfile.ServiceTypePerPrice(Map.of(5_000L, "P5000")))
                .hasMessageStartingWith("smsc.billing.serviceTypes prices must be 1-4000 pence");
    }

    @Test
    void readsFromJsonWithDefaultsForWhatIsNotGiven() throws Exception {
        // Proves the JSON form: billing by mode, hex error codes, error-map overrides merged onto the defaults.
        String json = """
                {"host": "smsc.aggregator.example", "port": 2775, "systemId": "appealdesk", "password": "pw",
                 "binds": 4, "windowSize": 20,
                 "billing": {"mode": "SHORTCODE_PER_PRICE", "shortcodes": {"300": "70903", "500": "70905"}},
                 "receiptIdFormat": "DECIMAL_OF_HEX",
                 "errorCodes": {"011": {"reason": "PAYM_MNO_SPEND_LIMIT", "permanent": false}},
                 "temporarySubmitErrorCodes": ["0x08", "0x00000045"]}
                """;

        SmppSettings settings = new ObjectMapper().readValue(json, SmppSettings.class);

        assertThat(settings.binds()).isEqualTo(4);
        assertThat(settings.windowSize()).isEqualTo(20);
        assertThat(settings.enquireLinkMs()).isEqualTo(30_000);
        assertThat(settings.billing()).isEqualTo(new BillingProfile.ShortcodePerPrice(Map.of(300L, "70903", 500L, "70905")));
        assertThat(settings.receiptIdFormat()).isEqualTo(ReceiptIdFormat.DECIMAL_OF_HEX);
        assertThat(settings.errorCodes().lookup("11")).isEqualTo(new DeclineReason("PAYM_MNO_SPEND_LIMIT", false));
        assertThat(settings.errorCodes().lookup("001")).isEqualTo(new DeclineReason("INSUFFICIENT_FUNDS", false));
        assertThat(settings.temporarySubmitErrorCodes()).containsExactlyInAnyOrder(0x08, 0x45);

        SmppSettings priceTlv = new ObjectMapper().readValue("""
                {"host": "10.0.0.5", "port": 2775, "systemId": "x", "password": "", "billing": {"mode": "PRICE_TLV"}}
                """, SmppSettings.class);
        assertThat(priceTlv.billing()).isEqualTo(PRICE_TLV);
    }

    @Test
    void jsonWithABadValueOrATypoIsRefused() {
        // Proves a bad value in JSON fails with the setting's message and an unknown property fails outright.
        assertThatThrownBy(() -> new ObjectMapper().readValue("""
                {"host": "h", "port": 2775, "systemId": "x", "password": "", "windowSize": 0, "billing": {"mode": "PRICE_TLV"}}
                """, SmppSettings.class))
                .isInstanceOf(ValueInstantiationException.class)
                .hasMessageContaining("smsc.windowSize must be 1-1000, got 0");
        assertThatThrownBy(() -> new ObjectMapper().readValue("""
                {"host": "h", "port": 2775, "systemId": "x", "password": "", "windwSize": 10, "billing": {"mode": "PRICE_TLV"}}
                """, SmppSettings.class))
                .isInstanceOf(UnrecognizedPropertyException.class);
    }
}
