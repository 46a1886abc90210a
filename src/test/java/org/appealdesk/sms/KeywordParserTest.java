package org.appealdesk.sms;

import static org.appealdesk.sms.SmsTestAppeals.AMBIGUOUS_SHORTCODE;
import static org.appealdesk.sms.SmsTestAppeals.BEAR;
import static org.appealdesk.sms.SmsTestAppeals.BEAT;
import static org.appealdesk.sms.SmsTestAppeals.K9S;
import static org.appealdesk.sms.SmsTestAppeals.SHARED_SHORTCODE;
import static org.appealdesk.sms.SmsTestAppeals.SUN;
import static org.appealdesk.sms.SmsTestAppeals.SUN_SHORTCODE;
import static org.appealdesk.sms.SmsTestAppeals.UNKNOWN_SHORTCODE;
import static org.appealdesk.sms.SmsTestAppeals.WATER;
import static org.appealdesk.sms.SmsTestAppeals.WATER_ANY_SHORTCODE;
import static org.appealdesk.sms.SmsTestAppeals.WATER_FIVE_SHORTCODE;
import static org.appealdesk.sms.SmsTestAppeals.WATER_TEN_SHORTCODE;
import static org.appealdesk.sms.SmsTestAppeals.pounds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.appeal.TextRoute;
import org.appealdesk.sms.TextCommand.AmountNotOffered;
import org.appealdesk.sms.TextCommand.Donate;
import org.appealdesk.sms.TextCommand.Help;
import org.appealdesk.sms.TextCommand.NotUnderstood;
import org.appealdesk.sms.TextCommand.OptOut;
import org.appealdesk.sms.TextCommand.OptOutKind;
import org.appealdesk.sms.TextCommand.Stop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class KeywordParserTest {

    private final KeywordParser parser = new KeywordParser(SmsTestAppeals.catalog());

    private TextCommand sun(String body) {
        return parser.parse(SUN_SHORTCODE, body);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SUN£5", "sun5", "Sun £5", "SUN £5.", "SUN£5 ", "SUN 5", "SUN 5.00", "SUN 5.0", "sUn£5",
            "  sun   5  ", "SUN\t5", "SUN\n£5", "SUN\r\n5\r\n", "SUN £ 5", "SUN£ 5", "\"SUN5\"", "'sun 5'!", "SUN5!",
            "SUN5,", "SUN5...", ".SUN5", "sun\u00A05", "sun\u2009£5", "\uFEFFSUN5", "\u201CSUN5\u201D",
            "\u2018Sun 5\u2019", "SUN5\u2026", "SUN 5 .", "!!SUN5!!", "ＳＵＮ５", "ＳＵＮ￡５", "ｓｕｎ　５",
            "SUN 5.00.", "SUN£5.00!",
    })
    void everyToleratedSpellingOfSunFiveGivesFivePounds(String body) {
        // Proves the spellings donors really send (DOMAIN.md) all mean £5 to the reference appeal, contact allowed.
        assertThat(sun(body)).isEqualTo(new Donate(SUN, pounds(5), false));
    }

    @Test
    void eachOfferedAmountIsCharged() {
        // Proves the amount in the text picks the price, for every offered price.
        assertThat(sun("SUN3")).isEqualTo(new Donate(SUN, pounds(3), false));
        assertThat(sun("sun £10")).isEqualTo(new Donate(SUN, pounds(10), false));
        assertThat(sun("SUN 10.00")).isEqualTo(new Donate(SUN, pounds(10), false));
        assertThat(sun("Sun£3.0")).isEqualTo(new Donate(SUN, pounds(3), false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SUN", "sun", "Sun.", " SUN ", "SUN!", "'Sun'", "ＳＵＮ"})
    void aBareKeywordGivesTheDefaultPrice(String body) {
        // Proves a keyword without an amount gives the appeal's default price.
        assertThat(sun(body)).isEqualTo(new Donate(SUN, pounds(5), false));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SUN5 NOINFO", "SUNNOINFO5", "SUN NOINFO 5", "sunnoinfo £5", "SUN £5 NOINFO", "SUN5NOINFO",
            "Sun NoInfo £5.", "SUN NOINFO£5", "SUN 5.00 NOINFO", "SUNNOINFO", "sun noinfo", "SunNoInfo!",
    })
    void theNoContactSuffixBeforeOrAfterTheAmountMeansNoContact(String body) {
        // Proves every placement of the no-contact suffix gives a gift with noContact set.
        assertThat(sun(body)).isEqualTo(new Donate(SUN, pounds(5), true));
    }

    @Test
    void theNoContactSuffixWorksWithEveryAmount() {
        // Proves the suffix does not disturb the amount.
        assertThat(sun("SUNNOINFO10")).isEqualTo(new Donate(SUN, pounds(10), true));
        assertThat(sun("SUN3NOINFO")).isEqualTo(new Donate(SUN, pounds(3), true));
    }

    @Test
    void eachAppealHasItsOwnSuffix() {
        // Proves the suffix is the appeal's own: BEAR uses NOTEXT, and NOINFO after BEAR is not understood.
        assertThat(parser.parse(SHARED_SHORTCODE, "BEARNOTEXT4")).isEqualTo(new Donate(BEAR, pounds(4), true));
        assertThat(parser.parse(SHARED_SHORTCODE, "BEAR NOTEXT")).isEqualTo(new Donate(BEAR, pounds(2), true));
        assertThat(parser.parse(SHARED_SHORTCODE, "BEARNOINFO4")).isEqualTo(new NotUnderstood(SHARED_SHORTCODE));
    }

    @Test
    void amountsNotOfferedAreNamedButNeverCharged() {
        // Proves a right keyword with a wrong amount gets AmountNotOffered, carrying what the donor asked for.
        assertThat(sun("SUN7")).isEqualTo(new AmountNotOffered(SUN, "7"));
        assertThat(sun("SUN 5.50")).isEqualTo(new AmountNotOffered(SUN, "5.50"));
        assertThat(sun("SUN 500")).isEqualTo(new AmountNotOffered(SUN, "500"));
        assertThat(sun("SUN -5")).isEqualTo(new AmountNotOffered(SUN, "-5"));
        assertThat(sun("sun £7.")).isEqualTo(new AmountNotOffered(SUN, "£7"));
        assertThat(sun("SUN £ 7")).isEqualTo(new AmountNotOffered(SUN, "£7"));
        assertThat(sun("SUN20")).isEqualTo(new AmountNotOffered(SUN, "20"));
        assertThat(sun("SUN NOINFO 7")).isEqualTo(new AmountNotOffered(SUN, "7"));
        assertThat(sun("SUN 7 NOINFO")).isEqualTo(new AmountNotOffered(SUN, "7"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SUN05", "SUN 5.5", "SUN 0", "SUN 5,00", "SUN 99999999999999999999", "SUN£", "SUN 5.000", "SUN +5",
            "SUN 5-", "SUN 5.01", "SUN .5", "SUN 0005", "SUN£-5", "SUN 10000", "SUN-5", "SUN,5", "SUN5-NOINFO",
            "SUN £.", "SUN £ NOINFO", "SUN 5..00",
    })
    void malformedAmountsAreNotOffered(String body) {
        // Proves an amount we cannot read with certainty is never charged, not even when it might mean £5.
        assertThat(sun(body)).isInstanceOf(AmountNotOffered.class)
                .extracting(command -> ((AmountNotOffered) command).appeal()).isEqualTo(SUN);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SUNN5", "SUM5", "SUNDAY", "SUN5 please", "SUN5SUN5", "SU N5", "S UN5", "SUN5?", "SUN 5 5", "SUN5 5",
            "SUN5 NOINFO NOINFO", "SUNNOINFO NOINFO", "SUNNOINFONOINFO", "SUN L5", "SUN GBP5", "SUN GBP 5", "SUN €5",
            "SUN $5", "SUN 5p", "SUN 500p", "SUN5\uD83D\uDE00", "\uD83D\uDE00", "SUN\u00005", "SUN5\u0007", "£5 SUN",
            "5 SUN", "SUN five", "\u017FUN5", "SUN5\uFFFD", "ＳＵＮ５ｐ", "SUN 5 pounds", "SUN-", "SUN - 5", "SUN.-NOINFO",
            "SUNS", "SU", "S", "5", "£5", "SUN, 5", "SUN5 ,NOINFO", "SUN NOINF", "SUNNOINF5", "SUN.NOINFO", "SUN.,NOINFO",
            "SUN\u200B5\u200BX", "SU\u200BN5", "SUN5 SUN", "DONATE SUN5", "Text SUN5", "SUN5 to 70141", "SÜN5", "SUN٥",
    })
    void nearMissesAndAnythingElseAreNotUnderstood(String body) {
        // Proves no fuzzy matching: misspellings, extra words, foreign symbols and damage are never charged.
        assertThat(sun(body)).isEqualTo(new NotUnderstood(SUN_SHORTCODE));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t\n", "...", "!!!", "\"\"", "\u00A0", ",", "\uFEFF"})
    void emptyTextsAreNotUnderstood(String body) {
        // Proves nothing (or only spacing and punctuation) is never a gift, not even the default one.
        assertThat(sun(body)).isEqualTo(new NotUnderstood(SUN_SHORTCODE));
    }

    @Test
    void longBodiesAreNotUnderstoodButTheLimitIsExact() {
        // Proves bodies over 160 chars are refused and a padded keyword up to the limit is still read.
        assertThat(sun("SUN5" + " ".repeat(156))).isEqualTo(new Donate(SUN, pounds(5), false));
        assertThat(sun("SUN5" + " ".repeat(157))).isEqualTo(new NotUnderstood(SUN_SHORTCODE));
        assertThat(sun("A".repeat(1000))).isEqualTo(new NotUnderstood(SUN_SHORTCODE));
        assertThat(sun("SUN5 ".repeat(200))).isEqualTo(new NotUnderstood(SUN_SHORTCODE));
        assertThat(sun("\uD83D\uDE00".repeat(500))).isEqualTo(new NotUnderstood(SUN_SHORTCODE));
    }

    @Test
    void controlCharactersAreNotUnderstood() {
        // Proves every C0 and C1 control char except the white-space ones makes a keyword text unreadable.
        for (char control = 0; control < 0xA0; control++) {
            if (control == 0x20) {
                control = 0x7F;
            }
            boolean whiteSpace = control == '\t' || control == '\n' || control == 0x0B || control == '\f' || control == '\r';
            TextCommand command = sun("SUN" + control + "5");
            if (whiteSpace) {
                assertThat(command).isEqualTo(new Donate(SUN, pounds(5), false));
            } else {
                assertThat(command).as("control 0x%02X", (int) control).isEqualTo(new NotUnderstood(SUN_SHORTCODE));
            }
        }
    }

    @Test
    void aKeywordOnTheWrongShortcodeIsNotUnderstood() {
        // Proves keywords belong to shortcodes: SUN to another code, or any text to an unknown code, is not a gift.
        assertThat(parser.parse(UNKNOWN_SHORTCODE, "SUN5")).isEqualTo(new NotUnderstood(UNKNOWN_SHORTCODE));
        assertThat(parser.parse(WATER_FIVE_SHORTCODE, "SUN5")).isEqualTo(new NotUnderstood(WATER_FIVE_SHORTCODE));
        assertThat(parser.parse(SHARED_SHORTCODE, "WATER")).isEqualTo(new NotUnderstood(SHARED_SHORTCODE));
        assertThat(parser.parse(null, "SUN5")).isEqualTo(new NotUnderstood(null));
        assertThat(parser.parse(" 70141", "SUN5")).isEqualTo(new NotUnderstood(" 70141"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"STOP", "stop", "Stop.", " STOP ", "STOP!", "ＳＴＯＰ", "'stop'"})
    void stopAloneStopsThisConversation(String body) {
        // Proves STOP in any case and with punctuation is a Stop, not a keyword or nothing.
        assertThat(sun(body)).isEqualTo(new Stop(false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"STOP ALL", "stop all", "STOPALL", "Stop  All.", "stopall!", "Stop\tall"})
    void stopAllStopsEverything(String body) {
        // Proves STOP ALL, with or without its space, is Stop(all).
        assertThat(sun(body)).isEqualTo(new Stop(true));
    }

    @Test
    void optOutWordsAndHelpAreCommands() {
        // Proves END, NOINFO and NOCALL alone opt out, and HELP asks for help on this shortcode.
        assertThat(sun("END")).isEqualTo(new OptOut(OptOutKind.END));
        assertThat(sun("noinfo")).isEqualTo(new OptOut(OptOutKind.NOINFO));
        assertThat(sun("NoCall.")).isEqualTo(new OptOut(OptOutKind.NOCALL));
        assertThat(sun("help")).isEqualTo(new Help(SUN_SHORTCODE));
        assertThat(parser.parse(SHARED_SHORTCODE, "HELP!")).isEqualTo(new Help(SHARED_SHORTCODE));
    }

    @Test
    void commandsWorkEvenOnAShortcodeNoAppealListensOn() {
        // Proves STOP is honoured wherever it arrives (DOMAIN.md), while keywords there are not.
        assertThat(parser.parse(UNKNOWN_SHORTCODE, "stop")).isEqualTo(new Stop(false));
        assertThat(parser.parse(UNKNOWN_SHORTCODE, "STOP ALL")).isEqualTo(new Stop(true));
        assertThat(parser.parse(UNKNOWN_SHORTCODE, "NOCALL")).isEqualTo(new OptOut(OptOutKind.NOCALL));
        assertThat(parser.parse(UNKNOWN_SHORTCODE, "HELP")).isEqualTo(new Help(UNKNOWN_SHORTCODE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"STOP SUN", "STOP please", "STOP5", "STOP ALL NOW", "STOPP", "HELP SUN", "END5", "NO INFO", "NOINFO5", "STO P"})
    void commandsMustStandAlone(String body) {
        // Proves a command word with anything else attached is not a command (and not a gift).
        assertThat(sun(body)).isEqualTo(new NotUnderstood(SUN_SHORTCODE));
    }

    @Test
    void aFixedPriceShortcodeChargesItsPrice() {
        // Proves one-shortcode-per-price: WATER to 70905 is £5 and to 70910 is £10, with or without the amount.
        assertThat(parser.parse(WATER_FIVE_SHORTCODE, "WATER")).isEqualTo(new Donate(WATER, pounds(5), false));
        assertThat(parser.parse(WATER_FIVE_SHORTCODE, "water 5")).isEqualTo(new Donate(WATER, pounds(5), false));
        assertThat(parser.parse(WATER_FIVE_SHORTCODE, "Water£5.00")).isEqualTo(new Donate(WATER, pounds(5), false));
        assertThat(parser.parse(WATER_FIVE_SHORTCODE, "WATERNOINFO")).isEqualTo(new Donate(WATER, pounds(5), true));
        assertThat(parser.parse(WATER_TEN_SHORTCODE, "WATER")).isEqualTo(new Donate(WATER, pounds(10), false));
        assertThat(parser.parse(WATER_TEN_SHORTCODE, "WATER £10 NOINFO")).isEqualTo(new Donate(WATER, pounds(10), true));
    }

    @Test
    void aFixedPriceShortcodeRefusesAnyOtherAmountEvenAnOfferedOne() {
        // Proves the billing shortcode decides: £10 is an appeal price, but not one 70905 can bill.
        assertThat(parser.parse(WATER_FIVE_SHORTCODE, "WATER10")).isEqualTo(new AmountNotOffered(WATER, "10"));
        assertThat(parser.parse(WATER_TEN_SHORTCODE, "WATER 5")).isEqualTo(new AmountNotOffered(WATER, "5"));
        assertThat(parser.parse(WATER_FIVE_SHORTCODE, "WATER 7")).isEqualTo(new AmountNotOffered(WATER, "7"));
    }

    @Test
    void theSameAppealInKeywordPlusAmountStyleTakesTheAmountFromTheText() {
        // Proves a route without a fixed price offers every appeal price and defaults to the default price.
        assertThat(parser.parse(WATER_ANY_SHORTCODE, "WATER10")).isEqualTo(new Donate(WATER, pounds(10), false));
        assertThat(parser.parse(WATER_ANY_SHORTCODE, "WATER")).isEqualTo(new Donate(WATER, pounds(5), false));
    }

    @Test
    void nearMissKeywordsOnASharedShortcodeReachOnlyTheirOwnAppeal() {
        // Proves BEAT and BEAR, one letter apart on one shortcode, never reach each other or anyone else.
        assertThat(parser.parse(SHARED_SHORTCODE, "BEAT5")).isEqualTo(new Donate(BEAT, pounds(5), false));
        assertThat(parser.parse(SHARED_SHORTCODE, "beat")).isEqualTo(new Donate(BEAT, pounds(5), false));
        assertThat(parser.parse(SHARED_SHORTCODE, "BEAR 4")).isEqualTo(new Donate(BEAR, pounds(4), false));
        assertThat(parser.parse(SHARED_SHORTCODE, "bear")).isEqualTo(new Donate(BEAR, pounds(2), false));
        // BEAR does not offer £5 and is not "corrected" to BEAT, which does.
        assertThat(parser.parse(SHARED_SHORTCODE, "BEAR5")).isEqualTo(new AmountNotOffered(BEAR, "5"));
        for (String nearMiss : List.of("DONATE5", "BEA5", "BEATS5", "BEART5", "BEEAT", "BAET5", "BEAT R", "BEARBEAT", "EAT5", "BEAT5BEAR")) {
            assertThat(parser.parse(SHARED_SHORTCODE, nearMiss)).as(nearMiss).isEqualTo(new NotUnderstood(SHARED_SHORTCODE));
        }
    }

    @Test
    void keywordsWithDigitsInsideAreReadWhole() {
        // Proves a keyword such as K9S is matched through its digit, and its amount is the digits after it.
        assertThat(parser.parse(SHARED_SHORTCODE, "K9S")).isEqualTo(new Donate(K9S, pounds(5), false));
        assertThat(parser.parse(SHARED_SHORTCODE, "k9s20")).isEqualTo(new Donate(K9S, pounds(20), false));
        assertThat(parser.parse(SHARED_SHORTCODE, "K9S £5 NOINFO")).isEqualTo(new Donate(K9S, pounds(5), true));
        assertThat(parser.parse(SHARED_SHORTCODE, "K95")).isEqualTo(new NotUnderstood(SHARED_SHORTCODE));
        assertThat(parser.parse(SHARED_SHORTCODE, "K 9S5")).isEqualTo(new NotUnderstood(SHARED_SHORTCODE));
    }

    @Test
    void aTextTwoKeywordsCouldExplainIsNotUnderstood() {
        // Proves doubt wins: "AB5NOINFO" is both AB £5 no-contact and the keyword AB5NOINFO, so neither is charged.
        assertThat(parser.parse(AMBIGUOUS_SHORTCODE, "AB5NOINFO")).isEqualTo(new NotUnderstood(AMBIGUOUS_SHORTCODE));
        assertThat(parser.parse(AMBIGUOUS_SHORTCODE, "AB5")).isEqualTo(new Donate(SmsTestAppeals.AB_ONE, pounds(5), false));
        assertThat(parser.parse(AMBIGUOUS_SHORTCODE, "AB 5 NOINFO")).isEqualTo(new Donate(SmsTestAppeals.AB_ONE, pounds(5), true));
        assertThat(parser.parse(AMBIGUOUS_SHORTCODE, "AB5NOINFO 5")).isEqualTo(new Donate(SmsTestAppeals.AB_TWO, pounds(5), false));
    }

    @Test
    void keywordsThatSpellACommandAreRefusedAtStart() {
        // Proves a catalog where a keyword, or a keyword plus its suffix, is a command word cannot start a parser.
        for (String keyword : List.of("STOP", "HELP", "END", "NOCALL", "STOPALL")) {
            AppealCatalog catalog = new AppealCatalog(List.of(appealWithKeyword(keyword, "NOINFO")));
            assertThatThrownBy(() -> new KeywordParser(catalog)).as(keyword)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(keyword);
        }
        AppealCatalog noPlusInfo = new AppealCatalog(List.of(appealWithKeyword("NO", "INFO")));
        assertThatThrownBy(() -> new KeywordParser(noPlusInfo)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneParserServesManyThreadsAtOnce() throws Exception {
        // Proves the parser is safe to share: eight threads parsing at once all get the single-thread answers.
        List<String> bodies = List.of("SUN5", "sun noinfo 10", "SUN7", "SUNN5", "STOP", "help", "SUN3");
        List<TextCommand> expected = bodies.stream().map(this::sun).toList();
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger mismatches = new java.util.concurrent.atomic.AtomicInteger();
        for (int thread = 0; thread < 8; thread++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int round = 0; round < 20_000; round++) {
                    int index = round % bodies.size();
                    if (!sun(bodies.get(index)).equals(expected.get(index))) {
                        mismatches.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(mismatches).hasValue(0);
    }

    @Test
    void decodedGsmBytesParseLikeTheTextTheyCarry() {
        // Proves codec and parser together: "Sun £5" in GSM 7-bit (0x01 for '£') and UCS-2 both give £5.
        byte[] gsm = {0x53, 0x75, 0x6E, 0x20, 0x01, 0x35};
        assertThat(sun(TextCodec.decode(0, gsm))).isEqualTo(new Donate(SUN, pounds(5), false));
        TextCodec.EncodedText ucs2 = TextCodec.encode("Sun £5 \uD83D\uDE4F");
        assertThat(sun(TextCodec.decode(ucs2.dataCoding(), ucs2.bytes()))).isEqualTo(new NotUnderstood(SUN_SHORTCODE));
        // A text cut off after an escape decodes with U+FFFD, so it is not read as "SUN5 ".
        assertThat(sun(TextCodec.decode(0, new byte[] {0x53, 0x55, 0x4E, 0x35, 0x1B}))).isEqualTo(new NotUnderstood(SUN_SHORTCODE));
    }

    private static Appeal appealWithKeyword(String keyword, String suffix) {
        return SmsTestAppeals.appeal("command-word", List.of(new TextRoute("70500", keyword, null)),
                List.of(pounds(5)), pounds(5), suffix);
    }
}
