package org.appealdesk.sms.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.appealdesk.sms.smpp.ErrorCodeMap.DeclineReason;
import org.junit.jupiter.api.Test;

class ErrorCodeMapTest {

    private final ErrorCodeMap defaults = ErrorCodeMap.defaults();

    @Test
    void theDefaultsAreTheTableInSmppMd() {
        // Proves every row of the docs/SMPP.md table, including "other", is the default.
        assertThat(defaults.lookup("001")).isEqualTo(new DeclineReason("INSUFFICIENT_FUNDS", false));
        assertThat(defaults.lookup("002")).isEqualTo(new DeclineReason("INVALID_MSISDN", true));
        assertThat(defaults.lookup("003")).isEqualTo(new DeclineReason("PERMANENTLY_BARRED", true));
        assertThat(defaults.lookup("004")).isEqualTo(new DeclineReason("TEMPORARY_BARRED", false));
        assertThat(defaults.lookup("005")).isEqualTo(new DeclineReason("MAX_SPEND_MSISDN", false));
        assertThat(defaults.lookup("006")).isEqualTo(new DeclineReason("OPERATOR_REJECTED", true));
        assertThat(defaults.lookup("007")).isEqualTo(new DeclineReason("OPERATOR_TIMEOUT", false));
        assertThat(defaults.lookup("008")).isEqualTo(new DeclineReason("SECTOR_NOT_ALLOWED", true));
        assertThat(defaults.lookup("009")).isEqualTo(new DeclineReason("UNKNOWN_MSISDN", true));
        assertThat(defaults.lookup("010")).isEqualTo(new DeclineReason("UNREACHABLE_MSISDN", false));
        assertThat(defaults.lookup("099")).isEqualTo(new DeclineReason("UNKNOWN_ERROR", true));
    }

    @Test
    void codesAreComparedAsNumbers() {
        // Proves "1", "01", "001" and " 001 " are the same code, and a missing or odd code is "other".
        assertThat(defaults.lookup("1")).isEqualTo(defaults.lookup("001"));
        assertThat(defaults.lookup("01")).isEqualTo(defaults.lookup("001"));
        assertThat(defaults.lookup(" 001 ")).isEqualTo(defaults.lookup("001"));
        assertThat(defaults.lookup("0010")).isEqualTo(defaults.lookup("010"));
        assertThat(defaults.lookup(null)).isEqualTo(new DeclineReason("UNKNOWN_ERROR", true));
        assertThat(defaults.lookup("")).isEqualTo(new DeclineReason("UNKNOWN_ERROR", true));
        assertThat(defaults.lookup("%%")).isEqualTo(new DeclineReason("UNKNOWN_ERROR", true));
    }

    @Test
    void overridesReplaceOnlyTheCodesTheyName() {
        // Proves configured codes replace or add to the defaults, including "other", and the rest stay.
        ErrorCodeMap map = defaults.withOverrides(Map.of(
                "1", new DeclineReason("PAYG_NO_CREDIT", false),
                "0x1A", new DeclineReason("PAYM_MNO_SPEND_LIMIT", false),
                "other", new DeclineReason("SMSC_ERROR", false)));

        assertThat(map.lookup("001")).isEqualTo(new DeclineReason("PAYG_NO_CREDIT", false));
        assertThat(map.lookup("0x1a")).isEqualTo(new DeclineReason("PAYM_MNO_SPEND_LIMIT", false));
        assertThat(map.lookup("003")).isEqualTo(new DeclineReason("PERMANENTLY_BARRED", true));
        assertThat(map.lookup("555")).isEqualTo(new DeclineReason("SMSC_ERROR", false));
    }

    @Test
    void badEntriesAreRefusedWithTheSettingsName() {
        // Proves a lower-case reason or an unusable code is refused, naming smsc.errorCodes.
        assertThatThrownBy(() -> new DeclineReason("insufficient", false))
                .hasMessageContaining("smsc.errorCodes").hasMessageContaining("insufficient");
        assertThatThrownBy(() -> defaults.withOverrides(Map.of("0 1", new DeclineReason("X", true))))
                .hasMessageContaining("smsc.errorCodes code").hasMessageContaining("'0 1'");
    }
}
