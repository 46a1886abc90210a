package org.appealdesk.sms.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DeliveryReceiptTextTest {

    @Test
    void readsTheAppendixBForm() {
        // Proves every field of a textbook Appendix B receipt is read.
        DeliveryReceiptText receipt = DeliveryReceiptText.parse(
                "id:0123456789 sub:001 dlvrd:001 submit date:2611241200 done date:2611241201 stat:DELIVRD err:000 text:Thank you for");

        assertThat(receipt).isEqualTo(new DeliveryReceiptText("0123456789", "001", "001", "2611241200", "2611241201",
                "DELIVRD", "000", "Thank you for"));
    }

    @Test
    void readsKeysInAnyCaseAndSpelling() {
        // Proves upper- and mixed-case keys and underscore or joined date keys are read, and stat is upper-cased.
        DeliveryReceiptText receipt = DeliveryReceiptText.parse(
                "ID:1A2B3C SUB:001 DLVRD:000 Submit_Date:2611241200 DONEDATE:2611241201 Stat:undeliv Err:001 Text:x");

        assertThat(receipt.id()).isEqualTo("1A2B3C");
        assertThat(receipt.submitDate()).isEqualTo("2611241200");
        assertThat(receipt.doneDate()).isEqualTo("2611241201");
        assertThat(receipt.stat()).isEqualTo("UNDELIV");
        assertThat(receipt.err()).isEqualTo("001");
        assertThat(receipt.text()).isEqualTo("x");
    }

    @Test
    void toleratesMissingTextExtraSpacesAndNuls() {
        // Proves a receipt with no text field, spaces around colons and values, and trailing NULs is still read.
        DeliveryReceiptText receipt = DeliveryReceiptText.parse("  id : 98765   sub:001  dlvrd:001   stat: DELIVRD   err:0\u0000\u0000");

        assertThat(receipt.id()).isEqualTo("98765");
        assertThat(receipt.stat()).isEqualTo("DELIVRD");
        assertThat(receipt.err()).isEqualTo("0");
        assertThat(receipt.text()).isNull();
        assertThat(receipt.submitDate()).isNull();
    }

    @Test
    void keysInsideTheQuotedTextDoNotOverrideTheReceipt() {
        // Proves "stat:" or "id:" inside the quoted message text never replaces the receipt's own fields.
        DeliveryReceiptText receipt = DeliveryReceiptText.parse("id:42 stat:UNDELIV err:004 text:id:1 stat:DELIVRD");

        assertThat(receipt.id()).isEqualTo("42");
        assertThat(receipt.stat()).isEqualTo("UNDELIV");
        assertThat(receipt.text()).isEqualTo("id:1 stat:DELIVRD");
    }

    @Test
    void fieldsInAnotherOrderAndUnknownFieldsAreRead() {
        // Proves the field order does not matter and an unknown field does not shift the others.
        DeliveryReceiptText receipt = DeliveryReceiptText.parse("stat:EXPIRED err:007 id:77 network:o2 sub:001");

        assertThat(receipt.stat()).isEqualTo("EXPIRED");
        assertThat(receipt.err()).isEqualTo("007");
        assertThat(receipt.id()).isEqualTo("77");
        assertThat(receipt.submitted()).isEqualTo("001");
    }

    @Test
    void decimalAndHexIdsAreKeptAsWritten() {
        // Proves the parser does not convert ids: decimal, hex and padded ids come back as written.
        assertThat(DeliveryReceiptText.parse("id:0000012345 stat:DELIVRD").id()).isEqualTo("0000012345");
        assertThat(DeliveryReceiptText.parse("id:a1B2c3 stat:DELIVRD").id()).isEqualTo("a1B2c3");
    }

    @Test
    void garbageNeverThrowsAndYieldsNoFields() {
        // Proves null, empty, binary and over-long input never throw, and text without keys has no id or stat.
        assertThat(DeliveryReceiptText.parse(null)).isEqualTo(DeliveryReceiptText.EMPTY);
        assertThat(DeliveryReceiptText.parse("")).isEqualTo(DeliveryReceiptText.EMPTY);
        assertThat(DeliveryReceiptText.parse("SUN5 please").id()).isNull();
        assertThat(DeliveryReceiptText.parse("id:").id()).isNull();
        assertThat(DeliveryReceiptText.parse("x".repeat(100_000) + " id:1").id()).isNull();

        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        String alphabet = "idsubtaerxnoe: \u0000\u00ff_0123456789DELIVRD";
        for (int run = 0; run < 5_000; run++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(120);
            for (int index = 0; index < length; index++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String input = text.toString();
            assertThatCode(() -> DeliveryReceiptText.parse(input)).as("seed %d, input '%s'", seed, input).doesNotThrowAnyException();
        }
    }

    @Test
    void statesAreReadFromWordsAndTlvValues() {
        // Proves the stat words and message_state values map to states, and only DELIVERED-like words mean delivered.
        assertThat(ReceiptState.fromStat("DELIVRD")).isEqualTo(ReceiptState.DELIVERED);
        assertThat(ReceiptState.fromStat("UNDELIV")).isEqualTo(ReceiptState.UNDELIVERABLE);
        assertThat(ReceiptState.fromStat("REJECTD")).isEqualTo(ReceiptState.REJECTED);
        assertThat(ReceiptState.fromStat("ENROUTE").isFinal()).isFalse();
        assertThat(ReceiptState.fromStat("ACCEPTD").isFinal()).isFalse();
        assertThat(ReceiptState.fromStat("SUCCESS")).isNull();
        assertThat(ReceiptState.fromMessageState(2)).isEqualTo(ReceiptState.DELIVERED);
        assertThat(ReceiptState.fromMessageState(8)).isEqualTo(ReceiptState.REJECTED);
        assertThat(ReceiptState.fromMessageState(0)).isNull();
    }

    @Test
    void receiptIdsAreConvertedBackToTheSubmitForm() {
        // Proves DECIMAL_OF_HEX and HEX_OF_DECIMAL convert ids (with padding and case settings) and leave non-numbers alone.
        assertThat(ReceiptIdFormat.SAME.toSubmitForm("0000012345", 0, false)).isEqualTo("0000012345");
        assertThat(ReceiptIdFormat.DECIMAL_OF_HEX.toSubmitForm("1715004", 0, false)).isEqualTo("1a2b3c");
        assertThat(ReceiptIdFormat.DECIMAL_OF_HEX.toSubmitForm("0001715004", 8, true)).isEqualTo("001A2B3C");
        assertThat(ReceiptIdFormat.HEX_OF_DECIMAL.toSubmitForm("1A2B3C", 0, false)).isEqualTo("1715004");
        assertThat(ReceiptIdFormat.HEX_OF_DECIMAL.toSubmitForm("1a2b3c", 10, false)).isEqualTo("0001715004");
        assertThat(ReceiptIdFormat.DECIMAL_OF_HEX.toSubmitForm("18446744073709551616", 0, false)).isEqualTo("10000000000000000");
        assertThat(ReceiptIdFormat.DECIMAL_OF_HEX.toSubmitForm("abc", 0, false)).isEqualTo("abc");
        assertThat(ReceiptIdFormat.HEX_OF_DECIMAL.toSubmitForm("xyz-1", 0, false)).isEqualTo("xyz-1");
    }
}
