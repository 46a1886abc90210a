package org.appealdesk.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.appeal.AppealCatalog.RouteMatch;
import org.appealdesk.platform.Money;
import org.appealdesk.sms.TextCommand.AmountNotOffered;
import org.appealdesk.sms.TextCommand.Donate;
import org.appealdesk.sms.TextCommand.Help;
import org.appealdesk.sms.TextCommand.NotUnderstood;
import org.appealdesk.sms.TextCommand.OptOut;
import org.appealdesk.sms.TextCommand.OptOutKind;
import org.appealdesk.sms.TextCommand.Stop;
import org.junit.jupiter.api.Test;

/**
 * Feeds the parser seeded random texts (near-valid gifts, mutations of them, commands, random
 * Unicode, random GSM and UCS-2 bytes through the codec) and checks every answer two ways: against
 * a slow reference reading of the documented grammar built from regular expressions, and against
 * plain invariants any gift must satisfy. Rerun a failure with -Dappealdesk.seed=SEED.
 */
class KeywordParserRandomTest {

    private static final int CASES = 150_000;

    private static final String TRIMMED_PUNCTUATION = "!'\"`;:\u00B4\u2018\u2019\u201C\u201D\u2026";
    private static final String WHITE_SPACE = " \t\n\u000B\f\r\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
            + "\u2007\u2008\u2009\u200A\u200B\u2028\u2029\u202F\u205F\u3000\uFEFF";
    private static final String NASTY = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789£.,!?-+ \t\n"
            + "\u00A0\u200B\uFEFF\u3000ＳＵＮ５０￡！ı\u017F€$¥\uFFFD\u0000\u0085\u001BÜü\u0663\u2019\u201C";
    /** Letters and their look-alikes, position by position: long s, dotless i, Kelvin sign, Cyrillic, Greek. */
    private static final String CONFUSABLE_FROM = "SsIiKkAaEeOoCcPpTtBbNnHh0";
    private static final String CONFUSABLE_TO = "\u017F\u017F\u0131\u0131\u212A\u212A\u0410\u0430\u0415\u0435\u041E\u043E\u0421\u0441"
            + "\u0420\u0440\u0422\u03C4\u0392\u0432\u039D\u03B7\u041D\u043D\u041E";
    private static final List<String> COMMANDS = List.of("STOP", "STOP ALL", "STOPALL", "END", "NOINFO", "NOCALL", "HELP");
    private static final List<String> ODD_AMOUNTS = List.of("5.00", "5.0", "5.5", "05", "-5", "+5", "5,00", "500", "5.", "£",
            ".5", "10.00", "3.00", "0", "20", "2.0", "4.00", "9999", "99999", "1", "5-", "5..0");

    private final AppealCatalog catalog = SmsTestAppeals.catalog();
    private final KeywordParser parser = new KeywordParser(catalog);
    private final List<String> shortcodes = new ArrayList<>(catalog.shortcodes());
    private final Map<RouteMatch, Pattern> patterns = new HashMap<>();

    {
        shortcodes.add(SmsTestAppeals.UNKNOWN_SHORTCODE);
        shortcodes.sort(null);
    }

    private enum Outcome { DONATE, AMOUNT_NOT_OFFERED, NOT_UNDERSTOOD, COMMAND }

    @Test
    void randomTextsGetExactlyTheGrammarsAnswerAndOnlyRealGiftsAreCharged() {
        // Proves, over many seeded random texts, that the parser never throws and agrees with an independent reading of the grammar.
        long seed = Long.getLong("appealdesk.seed", System.nanoTime());
        RandomGenerator random = new Random(seed);
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        String shortcode = "";
        String body = "";
        try {
            for (int round = 0; round < CASES; round++) {
                shortcode = shortcodes.get(random.nextInt(shortcodes.size()));
                body = generate(random, shortcode);
                TextCommand actual = parser.parse(shortcode, body);
                assertThat(actual).isEqualTo(expected(shortcode, body));
                checkInvariants(shortcode, body, actual);
                outcomes.merge(outcome(actual), 1, Integer::sum);
            }
        } catch (AssertionError | RuntimeException failure) {
            throw new AssertionError("failed with seed " + seed + " (rerun with -Dappealdesk.seed=" + seed + ") on shortcode "
                    + shortcode + " body '" + escape(body) + "'", failure);
        }
        System.out.println("KeywordParserRandomTest seed " + seed + ": " + outcomes);
        // The generator must reach every kind of answer often, or the agreement above proves little.
        for (Outcome outcome : Outcome.values()) {
            assertThat(outcomes.getOrDefault(outcome, 0)).as("seed %d, %s count", seed, outcome).isGreaterThan(CASES / 50);
        }
    }

    /** What any gift must satisfy, however it was reached: the plain statement of "never charge in doubt". */
    private void checkInvariants(String shortcode, String body, TextCommand actual) {
        if (!(actual instanceof Donate donate)) {
            return;
        }
        String folded = foldFullWidth(body).toUpperCase(Locale.ROOT);
        assertThat(donate.appeal().offers(donate.amount())).isTrue();
        assertThat(body.length()).isLessThanOrEqualTo(KeywordParser.BODY_LENGTH_MAX);
        assertThat(folded).doesNotContain("\uFFFD", "?", "€", "$");
        assertThat(donate.appeal().routes()).anySatisfy(route -> {
            assertThat(route.shortcode()).isEqualTo(shortcode);
            assertThat(folded).contains(route.keyword());
            if (route.fixedPrice() != null) {
                assertThat(donate.amount()).isEqualTo(route.fixedPrice());
            }
            // Digits outside the keyword name the amount: the gift must be that amount, not a neighbour.
            String afterKeyword = folded.substring(folded.indexOf(route.keyword()) + route.keyword().length());
            if (afterKeyword.chars().anyMatch(c -> c >= '0' && c <= '9')) {
                assertThat(afterKeyword).contains(String.valueOf(donate.amount().pence() / 100));
            }
        });
        if (donate.noContact()) {
            assertThat(folded).contains(donate.appeal().noContactSuffix());
        }
    }

    // ---- the reference reading: slow, String- and regex-based, written apart from the parser ----

    private TextCommand expected(String shortcode, String body) {
        if (shortcode == null || body == null || body.length() > KeywordParser.BODY_LENGTH_MAX) {
            return new NotUnderstood(shortcode);
        }
        String text = referenceNormalise(body);
        if (text == null) {
            return new NotUnderstood(shortcode);
        }
        text = text.replaceAll(" +", " ").replaceAll("^[ !.,]+", "").replaceAll("[ !.,]+$", "");
        switch (text) {
            case "STOP" -> {
                return new Stop(false);
            }
            case "STOP ALL", "STOPALL" -> {
                return new Stop(true);
            }
            case "END" -> {
                return new OptOut(OptOutKind.END);
            }
            case "NOINFO" -> {
                return new OptOut(OptOutKind.NOINFO);
            }
            case "NOCALL" -> {
                return new OptOut(OptOutKind.NOCALL);
            }
            case "HELP" -> {
                return new Help(shortcode);
            }
            default -> {
                // a keyword text, read below
            }
        }
        List<TextCommand> readings = new ArrayList<>();
        for (RouteMatch match : catalog.routesOn(shortcode).values()) {
            TextCommand reading = reading(match, text);
            if (reading != null) {
                readings.add(reading);
            }
        }
        return readings.size() == 1 ? readings.getFirst() : new NotUnderstood(shortcode);
    }

    private static String referenceNormalise(String body) {
        StringBuilder text = new StringBuilder();
        for (char raw : body.toCharArray()) {
            char c = raw;
            if (c >= '\uFF01' && c <= '\uFF5E') {
                c = (char) (c - 0xFEE0);
            } else if (c == '\uFFE1') {
                c = '£';
            }
            String one = String.valueOf(c);
            if (one.matches("[a-zA-Z0-9£.,+\\-]")) {
                text.append(one.toUpperCase(Locale.ROOT));
            } else if (TRIMMED_PUNCTUATION.indexOf(c) >= 0) {
                text.append('!');
            } else if (WHITE_SPACE.indexOf(c) >= 0) {
                text.append(' ');
            } else {
                return null;
            }
        }
        return text.toString();
    }

    private TextCommand reading(RouteMatch match, String text) {
        Pattern pattern = patterns.computeIfAbsent(match, route -> {
            String suffix = route.appeal().noContactSuffix();
            String amount = "£(?: (?=[0-9.,+\\-]))?[0-9.,+\\-]*|[0-9.,+\\-]*[0-9][0-9.,+\\-]*";
            return Pattern.compile(route.route().keyword() + "(?: ?(" + suffix + "))?(?: ?(" + amount + ")(?: ?(" + suffix + "))?)?");
        });
        Matcher matcher = pattern.matcher(text);
        if (!matcher.matches() || (matcher.group(1) != null && matcher.group(3) != null)) {
            return null;
        }
        Appeal appeal = match.appeal();
        Money fixed = match.route().fixedPrice();
        boolean noContact = matcher.group(1) != null || matcher.group(3) != null;
        String asked = matcher.group(2);
        if (asked == null) {
            return new Donate(appeal, fixed != null ? fixed : appeal.defaultPrice(), noContact);
        }
        asked = asked.replace(" ", "");
        String number = asked.startsWith("£") ? asked.substring(1) : asked;
        if (number.matches("[1-9][0-9]{0,3}(\\.00?)?")) {
            Money amount = Money.ofPounds(Long.parseLong(number.replaceAll("\\..*", "")));
            boolean offered = fixed != null ? fixed.equals(amount) : appeal.offers(amount);
            if (offered) {
                return new Donate(appeal, amount, noContact);
            }
        }
        return new AmountNotOffered(appeal, asked);
    }

    // ---- the generators ----

    private String generate(RandomGenerator random, String shortcode) {
        return switch (random.nextInt(9)) {
            case 0, 1 -> nearValidGift(random, shortcode);
            case 2 -> mutate(random, nearValidGift(random, shortcode));
            case 3 -> mutate(random, mutate(random, mutate(random, nearValidGift(random, shortcode))));
            case 4 -> command(random);
            case 5 -> randomText(random, NASTY, 12);
            case 6 -> randomUnicode(random);
            case 7 -> throughGsmBytes(random, nearValidGift(random, shortcode));
            default -> TextCodec.decode(pick(random, List.of(0, 1, 3, 8, 2)), randomBytes(random));
        };
    }

    /** Keyword, optional suffix, optional '£' and amount, optional suffix, in random case and spacing. */
    private String nearValidGift(RandomGenerator random, String shortcode) {
        List<RouteMatch> routes = new ArrayList<>(catalog.routesOn(shortcode).values());
        if (routes.isEmpty() || random.nextInt(10) == 0) {
            routes = catalog.all().stream().flatMap(appeal -> appeal.routes().stream()
                    .map(route -> new RouteMatch(appeal, route))).toList();
        }
        routes = new ArrayList<>(routes);
        routes.sort((left, right) -> (left.route().keyword() + left.route().shortcode()).compareTo(right.route().keyword() + right.route().shortcode()));
        RouteMatch match = pick(random, routes);
        Appeal appeal = match.appeal();
        String suffix = appeal.noContactSuffix();
        StringBuilder text = new StringBuilder();
        text.append(pick(random, List.of("", "", "", " ", "  ", ".", "\"", "'", "\t", "\u00A0", "!", "\u201C", "\uFEFF", "..")));
        text.append(randomCase(random, match.route().keyword()));
        boolean leadingSuffix = random.nextInt(4) == 0;
        if (leadingSuffix) {
            text.append(separator(random)).append(randomCase(random, suffix));
        }
        String amount = switch (random.nextInt(6)) {
            case 0 -> "";
            case 1, 2 -> String.valueOf(pick(random, appeal.prices()).pence() / 100);
            case 3 -> String.valueOf(random.nextInt(31));
            case 4 -> pick(random, ODD_AMOUNTS);
            default -> pick(random, appeal.prices()).pence() / 100 + pick(random, List.of(".00", ".0", ""));
        };
        if (!amount.isEmpty() || random.nextInt(8) == 0) {
            text.append(separator(random));
            if (random.nextBoolean()) {
                text.append('£').append(random.nextInt(4) == 0 ? " " : "");
            }
            text.append(amount);
        }
        if ((!leadingSuffix && random.nextInt(4) == 0) || random.nextInt(40) == 0) {
            text.append(separator(random)).append(randomCase(random, suffix));
        }
        text.append(pick(random, List.of("", "", "", " ", ".", "!", ",", "\"", "  ", "\n", "...", "\u2019", "?", " .", "\u2026")));
        return random.nextInt(15) == 0 ? toFullWidth(random, text.toString()) : text.toString();
    }

    private static String command(RandomGenerator random) {
        String command = randomCase(random, pick(random, COMMANDS)).replace(" ", pick(random, List.of(" ", "  ", "\t", "")));
        String text = pick(random, List.of("", " ", "'")) + command + pick(random, List.of("", ".", "!", " ", "?"));
        return random.nextInt(5) == 0 ? mutate(random, text) : text;
    }

    private static String mutate(RandomGenerator random, String text) {
        StringBuilder mutated = new StringBuilder(text);
        int position = mutated.isEmpty() ? 0 : random.nextInt(mutated.length());
        String inserted = random.nextInt(10) == 0 ? "\uD83D\uDE00" : String.valueOf(NASTY.charAt(random.nextInt(NASTY.length())));
        switch (random.nextInt(6)) {
            case 0 -> mutated.insert(position, inserted);
            case 5 -> {
                // A look-alike: what autocorrect, a foreign keyboard or a sloppy case mapping produces.
                int at = CONFUSABLE_FROM.indexOf(mutated.isEmpty() ? '#' : mutated.charAt(position));
                if (at >= 0) {
                    mutated.setCharAt(position, CONFUSABLE_TO.charAt(at));
                }
            }
            case 1 -> {
                if (!mutated.isEmpty()) {
                    mutated.deleteCharAt(position);
                }
            }
            case 2 -> {
                if (!mutated.isEmpty()) {
                    mutated.replace(position, position + 1, inserted);
                }
            }
            case 3 -> {
                if (position + 1 < mutated.length()) {
                    char first = mutated.charAt(position);
                    mutated.setCharAt(position, mutated.charAt(position + 1));
                    mutated.setCharAt(position + 1, first);
                }
            }
            default -> mutated.insert(position, mutated.substring(position, Math.min(mutated.length(), position + 1 + random.nextInt(4))));
        }
        return mutated.toString();
    }

    /** The text as a phone would send it in GSM 7-bit, with byte-level damage, read back through the codec. */
    private static String throughGsmBytes(RandomGenerator random, String text) {
        byte[] bytes = TextCodec.encode(text).bytes();
        if (TextCodec.encode(text).dataCoding() != 0) {
            return TextCodec.decode(8, bytes);
        }
        if (bytes.length > 0 && random.nextBoolean()) {
            int position = random.nextInt(bytes.length);
            bytes[position] = (byte) (int) pick(random, List.of(0x1B, 0x01, 0x00, 0x80 + random.nextInt(128), random.nextInt(128)));
        }
        if (random.nextInt(6) == 0) {
            bytes = java.util.Arrays.copyOf(bytes, bytes.length + 1);
            bytes[bytes.length - 1] = 0x1B;
        }
        return TextCodec.decode(0, bytes);
    }

    private static byte[] randomBytes(RandomGenerator random) {
        byte[] bytes = new byte[random.nextInt(24)];
        for (int index = 0; index < bytes.length; index++) {
            bytes[index] = (byte) (random.nextInt(3) == 0 ? random.nextInt(256) : "SUNBEATRK9WO5£ 0.1".charAt(random.nextInt(18)));
        }
        return bytes;
    }

    private static String randomUnicode(RandomGenerator random) {
        StringBuilder text = new StringBuilder();
        for (int count = random.nextInt(random.nextInt(20) == 0 ? 400 : 12); count > 0; count--) {
            if (random.nextBoolean()) {
                text.append((char) random.nextInt(0x10000));
            } else {
                text.appendCodePoint(random.nextInt(Character.MAX_CODE_POINT + 1));
            }
        }
        return text.toString();
    }

    private static String randomText(RandomGenerator random, String alphabet, int lengthMax) {
        StringBuilder text = new StringBuilder();
        for (int count = random.nextInt(lengthMax + 1); count > 0; count--) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static String separator(RandomGenerator random) {
        return pick(random, List.of("", "", " ", " ", "  ", "\t", "\u00A0", "\n", " \u200B"));
    }

    private static String randomCase(RandomGenerator random, String word) {
        StringBuilder cased = new StringBuilder(word.length());
        int style = random.nextInt(4);
        for (char c : word.toCharArray()) {
            boolean lower = style == 1 || (style == 2 && cased.length() > 0) || (style == 3 && random.nextBoolean());
            cased.append(lower ? Character.toLowerCase(c) : c);
        }
        return cased.toString();
    }

    private static String toFullWidth(RandomGenerator random, String text) {
        StringBuilder wide = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            boolean widen = random.nextBoolean();
            if (widen && c >= '!' && c <= '~') {
                wide.append((char) (c + 0xFEE0));
            } else if (widen && c == '£') {
                wide.append('\uFFE1');
            } else {
                wide.append(c);
            }
        }
        return wide.toString();
    }

    private static String foldFullWidth(String text) {
        StringBuilder folded = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            folded.append(c >= '\uFF01' && c <= '\uFF5E' ? (char) (c - 0xFEE0) : c);
        }
        return folded.toString();
    }

    private static <T> T pick(RandomGenerator random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private static Outcome outcome(TextCommand command) {
        return switch (command) {
            case Donate donate -> Outcome.DONATE;
            case AmountNotOffered notOffered -> Outcome.AMOUNT_NOT_OFFERED;
            case NotUnderstood notUnderstood -> Outcome.NOT_UNDERSTOOD;
            case Stop stop -> Outcome.COMMAND;
            case OptOut optOut -> Outcome.COMMAND;
            case Help help -> Outcome.COMMAND;
        };
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder();
        for (char c : text.toCharArray()) {
            escaped.append(c >= ' ' && c < 0x7F ? String.valueOf(c) : String.format("\\u%04X", (int) c));
        }
        return escaped.toString();
    }
}
