package org.appealdesk.giftaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Gift Aid form's rules: HMRC's field limits, UK postcodes, and names that cannot carry markup or formulas. */
class DeclarationFormTest {

    private static Map<String, String> fields(String title, String first, String last, String house, String postcode, String taxpayer) {
        Map<String, String> fields = new HashMap<>();
        fields.put(DeclarationForm.TITLE, title);
        fields.put(DeclarationForm.FIRST_NAME, first);
        fields.put(DeclarationForm.LAST_NAME, last);
        fields.put(DeclarationForm.HOUSE, house);
        fields.put(DeclarationForm.POSTCODE, postcode);
        fields.put(DeclarationForm.TAXPAYER, taxpayer);
        return fields;
    }

    @Test
    void postcodesAreNormalisedAndMalformedOnesRefused() {
        // Proves: spacing and case are forgiven ("sw1a1aa" is SW1A 1AA) for every UK outward-code shape; letters in impossible places, too
        // short or too long codes and overseas codes are refused.
        assertThat(UkPostcode.normalise("sw1a1aa")).hasValue("SW1A 1AA");
        assertThat(UkPostcode.normalise("  M1   1ae ")).hasValue("M1 1AE");
        assertThat(UkPostcode.normalise("b338th")).hasValue("B33 8TH");
        assertThat(UkPostcode.normalise("CR2 6XH")).hasValue("CR2 6XH");
        assertThat(UkPostcode.normalise("DN55 1PT")).hasValue("DN55 1PT");
        assertThat(UkPostcode.normalise("W1A 0AX")).hasValue("W1A 0AX");
        assertThat(UkPostcode.normalise("EC1A 1BB")).hasValue("EC1A 1BB");
        assertThat(UkPostcode.normalise("GIR 0AA")).hasValue("GIR 0AA");
        for (String bad : new String[] {"", "SW1A", "QW1A 1AA", "SW1A 1AAA", "12345", "SW1A 1CA", "75001", "<b>SW1A 1AA</b>", "SW1A-1AA", null}) {
            assertThat(UkPostcode.normalise(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void everyProblemIsReportedAtOnceInPlainWords() {
        // Proves: one bad submission reports each field's problem, keyed by field, in page order; a good one becomes a declaration.
        var result = DeclarationForm.read(fields("Professor", "", "=HYPERLINK(\"x\")", "#", "nope", null));
        assertThat(result).isInstanceOfSatisfying(DeclarationForm.Result.Invalid.class, invalid -> assertThat(invalid.errors()).containsOnlyKeys(
                DeclarationForm.TITLE, DeclarationForm.FIRST_NAME, DeclarationForm.LAST_NAME, DeclarationForm.HOUSE, DeclarationForm.POSTCODE,
                DeclarationForm.TAXPAYER).containsEntry(DeclarationForm.FIRST_NAME, "Enter your first name"));
        var scripted = DeclarationForm.read(fields("", "<img src=x onerror=alert(1)>", "Smith", "1", "SW1A 1AA", "yes"));
        assertThat(scripted).isInstanceOfSatisfying(DeclarationForm.Result.Invalid.class,
                invalid -> assertThat(invalid.errors()).containsOnlyKeys(DeclarationForm.FIRST_NAME));
        var tooLong = DeclarationForm.read(fields("", "A".repeat(36), "Smith", "1".repeat(41), "SW1A 1AA", "yes"));
        assertThat(tooLong).isInstanceOfSatisfying(DeclarationForm.Result.Invalid.class,
                invalid -> assertThat(invalid.errors()).containsOnlyKeys(DeclarationForm.FIRST_NAME, DeclarationForm.HOUSE));
        var good = DeclarationForm.read(fields(" Mr ", "  Zoë  Anne ", "D'Souza-Smith", "Flat 2/1, 45", "e1 6an", "yes"));
        assertThat(good).isEqualTo(new DeclarationForm.Result.Valid(new Declaration("Mr", "Zoë Anne", "D'Souza-Smith", "Flat 2/1, 45", "E1 6AN")));
    }

    @Test
    void aDeclarationRecordCannotHoldWhatTheFormWouldRefuse() {
        // Proves: the record itself refuses markup in a name and an unnormalised postcode, so nothing bad is stored by another path.
        assertThatThrownBy(() -> new Declaration("", "<b>", "Smith", "1", "SW1A 1AA")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Declaration("", "Ann", "Smith", "1", "sw1a1aa")).isInstanceOf(IllegalArgumentException.class);
    }
}
