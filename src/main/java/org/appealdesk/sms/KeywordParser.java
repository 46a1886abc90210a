package org.appealdesk.sms;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.appeal.AppealCatalog.RouteMatch;
import org.appealdesk.appeal.TextRoute;
import org.appealdesk.platform.Money;

/**
 * Decides what a donor's text to a shortcode means: a gift, a command, or nothing we may charge for.
 *
 * <p>The hazard is charging the wrong person, the wrong amount or the wrong charity (DOMAIN.md:
 * in 2014 near-miss keywords on a shared shortcode reached other charities). So the parser forgives
 * only what cannot change the meaning: case, spacing, a '£', ".00", punctuation around the text,
 * full-width forms. It never corrects a keyword, never guesses an amount, and returns
 * {@link TextCommand.NotUnderstood} whenever in doubt; only {@link TextCommand.Donate} is charged.
 *
 * <p>Grammar, after normalising (below):
 * <pre>
 *   command  = STOP | STOP ALL | STOPALL | END | NOINFO | NOCALL | HELP
 *   gift     = KEYWORD [' '] [SUFFIX] [' '] [amount [' '] [SUFFIX]]   (SUFFIX at most once)
 *   amount   = ['£' [' ']] pounds ['.0' | '.00']                      pounds = 1-9999, no leading 0
 * </pre>
 * Anything after the keyword that starts like an amount (a '£', or digits mixed with '.', ',',
 * '-', '+') but is not one of these is read as an amount all the same, so that it can be refused.
 * A gift without an amount gives the route's fixed price or the appeal's default price. A gift
 * whose amount is malformed, not offered, or differs from a fixed-price route's price is
 * {@link TextCommand.AmountNotOffered}: the keyword was right, so the free reply can list the prices.
 *
 * <p>Normalising, one char at a time, with no regex and one small buffer per text: full-width
 * forms become ASCII ('ＳＵＮ５' reads as SUN5, '￡' as '£'); ASCII letters are upper-cased (only
 * ASCII: Unicode case mapping turns 'ı' into 'I' and 'ſ' into 'S', which would be a correction);
 * runs of white space (including tabs, newlines, no-break and zero-width spaces, a BOM) become one
 * space; '.', ',', '!', ';', ':' and straight or curly quotes are trimmed from both ends. Any other
 * char (an emoji, a control char, U+FFFD from a damaged text, '€', '$', a letter with an accent)
 * makes the whole text NotUnderstood, as does a body longer than {@link #BODY_LENGTH_MAX}.
 *
 * <p>Commands are recognised on any shortcode, even one no appeal listens on, because STOP must
 * always work (DOMAIN.md); a keyword text to an unknown shortcode is NotUnderstood.
 *
 * <p>Immutable after construction, so one instance serves every thread. The constructor refuses a
 * catalog in which a keyword (or its no-contact form) is a command word: "STOP" must never charge.
 */
public final class KeywordParser {

    /** A keyword text fits in one SMS; anything longer was written as conversation, not as a gift. */
    public static final int BODY_LENGTH_MAX = 160;

    /** Prices are at most £40 (AppealRules); four digits leave room to reply "£500 is not offered". */
    private static final int POUND_DIGITS_MAX = 4;

    /** Letters A-Z then digits 0-9: the alphabet of keywords (TextRoute), one trie branch each. */
    private static final int KEYWORD_ALPHABET_SIZE = 36;

    /** Every punctuation mark trimmed from the ends of a text is read as this one. */
    private static final char TRIMMED_PUNCTUATION = '!';

    private static final Set<String> COMMAND_TEXTS = Set.of("STOP", "STOP ALL", "STOPALL", "END", "NOINFO", "NOCALL", "HELP");

    private static final TextCommand STOP = new TextCommand.Stop(false);
    private static final TextCommand STOP_ALL = new TextCommand.Stop(true);
    private static final TextCommand OPT_OUT_END = new TextCommand.OptOut(TextCommand.OptOutKind.END);
    private static final TextCommand OPT_OUT_NOINFO = new TextCommand.OptOut(TextCommand.OptOutKind.NOINFO);
    private static final TextCommand OPT_OUT_NOCALL = new TextCommand.OptOut(TextCommand.OptOutKind.NOCALL);

    private final Map<String, Shortcode> shortcodes;

    public KeywordParser(AppealCatalog catalog) {
        Map<String, Shortcode> byCode = new HashMap<>();
        for (String code : catalog.shortcodes()) {
            TrieNode root = new TrieNode();
            for (RouteMatch match : catalog.routesOn(code).values()) {
                KeywordRoute route = new KeywordRoute(match.appeal(), match.route());
                refuseCommandWord(route, code);
                root.insert(match.route().keyword(), route);
            }
            byCode.put(code, new Shortcode(root, new TextCommand.NotUnderstood(code), new TextCommand.Help(code)));
        }
        this.shortcodes = Map.copyOf(byCode);
    }

    private static void refuseCommandWord(KeywordRoute route, String shortcode) {
        String keyword = route.route.keyword();
        String noContactForm = keyword + route.appeal.noContactSuffix();
        if (COMMAND_TEXTS.contains(keyword) || COMMAND_TEXTS.contains(noContactForm)) {
            throw new IllegalArgumentException("keyword " + keyword + " on " + shortcode + " of appeal "
                    + route.appeal.slug() + " is, or with its suffix makes, a command word " + COMMAND_TEXTS);
        }
    }

    /** What {@code body}, texted to {@code shortcode}, means. Never throws; see the class comment. */
    public TextCommand parse(String shortcode, String body) {
        Shortcode known = shortcode == null ? null : shortcodes.get(shortcode);
        if (shortcode == null || body == null || body.length() > BODY_LENGTH_MAX) {
            return notUnderstood(known, shortcode);
        }
        char[] text = new char[body.length()];
        int length = normalise(body, text);
        int start = 0;
        int end = length;
        while (start < end && isTrimmed(text[start])) {
            start++;
        }
        while (end > start && isTrimmed(text[end - 1])) {
            end--;
        }
        if (start == end) {
            return notUnderstood(known, shortcode);
        }
        TextCommand command = command(text, start, end, known, shortcode);
        if (command != null) {
            return command;
        }
        if (known == null) {
            return notUnderstood(null, shortcode);
        }
        TextCommand gift = gift(known.root, text, start, end);
        return gift != null ? gift : known.notUnderstood;
    }

    private static TextCommand notUnderstood(Shortcode known, String shortcode) {
        return known != null ? known.notUnderstood : new TextCommand.NotUnderstood(shortcode);
    }

    /**
     * Writes the normalised chars of {@code body} into {@code text}; returns their count, or 0 when
     * some char is outside what a keyword text may contain (the caller then finds nothing to parse).
     */
    private static int normalise(String body, char[] text) {
        int length = 0;
        for (int index = 0; index < body.length(); index++) {
            char c = normaliseChar(body.charAt(index));
            if (c == 0) {
                return 0;
            }
            // Collapse white-space runs; a leading one is trimmed later.
            if (c != ' ' || length == 0 || text[length - 1] != ' ') {
                text[length++] = c;
            }
        }
        return length;
    }

    /** The normalised form of one char, or 0 for a char no keyword text contains. */
    private static char normaliseChar(char raw) {
        char c = raw;
        if (c >= '\uFF01' && c <= '\uFF5E') {
            c = (char) (c - 0xFEE0); // full-width ASCII block
        } else if (c == '\uFFE1') {
            c = '£'; // full-width pound sign
        }
        if (c >= 'a' && c <= 'z') {
            return (char) (c - ('a' - 'A'));
        }
        if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return c;
        }
        return switch (c) {
            case '£', '.', ',', '-', '+' -> c;
            case '!', '\'', '"', '`', ';', ':', '\u00B4', '\u2018', '\u2019', '\u201C', '\u201D', '\u2026' -> TRIMMED_PUNCTUATION;
            case ' ', '\t', '\n', '\u000B', '\f', '\r', '\u00A0', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003',
                 '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200A', '\u200B', '\u2028', '\u2029',
                 '\u202F', '\u205F', '\u3000', '\uFEFF' -> ' ';
            default -> 0;
        };
    }

    private static boolean isTrimmed(char c) {
        return c == ' ' || c == TRIMMED_PUNCTUATION || c == '.' || c == ',';
    }

    /** The command the whole text spells, or null. */
    private static TextCommand command(char[] text, int start, int end, Shortcode known, String shortcode) {
        if (spells(text, start, end, "STOP")) {
            return STOP;
        }
        if (spells(text, start, end, "STOP ALL") || spells(text, start, end, "STOPALL")) {
            return STOP_ALL;
        }
        if (spells(text, start, end, "END")) {
            return OPT_OUT_END;
        }
        if (spells(text, start, end, "NOINFO")) {
            return OPT_OUT_NOINFO;
        }
        if (spells(text, start, end, "NOCALL")) {
            return OPT_OUT_NOCALL;
        }
        if (spells(text, start, end, "HELP")) {
            return known != null ? known.help : new TextCommand.Help(shortcode);
        }
        return null;
    }

    private static boolean spells(char[] text, int start, int end, String word) {
        if (end - start != word.length()) {
            return false;
        }
        for (int index = 0; index < word.length(); index++) {
            if (text[start + index] != word.charAt(index)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Walks the keyword trie along the text and tries the rest of the text as a gift after every
     * keyword it passes. Exactly one keyword must explain the whole text; two readings is doubt.
     */
    private static TextCommand gift(TrieNode root, char[] text, int start, int end) {
        TextCommand found = null;
        TrieNode node = root;
        for (int index = start; index < end; index++) {
            int branch = TrieNode.branch(text[index]);
            node = branch < 0 ? null : node.children[branch];
            if (node == null) {
                break;
            }
            if (node.route != null) {
                TextCommand reading = afterKeyword(node.route, text, index + 1, end);
                if (reading != null && found != null) {
                    return null;
                }
                if (reading != null) {
                    found = reading;
                }
            }
        }
        return found;
    }

    /** The gift the text after a keyword describes, or null when it is not a gift form at all. */
    private static TextCommand afterKeyword(KeywordRoute route, char[] text, int position, int end) {
        int at = position;
        boolean noContact = false;
        int afterSuffix = suffixEnd(route.suffix, text, skipSpace(text, at, end), end);
        if (afterSuffix >= 0) {
            noContact = true;
            at = afterSuffix;
        }
        int amountStart = skipSpace(text, at, end);
        int numberStart = amountStart;
        if (numberStart < end && text[numberStart] == '£') {
            numberStart++;
            if (numberStart + 1 < end && text[numberStart] == ' ' && isAmountChar(text[numberStart + 1])) {
                numberStart++;
            }
        }
        int amountEnd = numberStart;
        boolean sawDigit = false;
        while (amountEnd < end && isAmountChar(text[amountEnd])) {
            sawDigit |= text[amountEnd] >= '0' && text[amountEnd] <= '9';
            amountEnd++;
        }
        // An amount is a '£' or has a digit: "SUN.NOINFO" is a stray mark, not an amount to reply about.
        boolean hasAmount = numberStart > amountStart || sawDigit;
        if (hasAmount) {
            at = amountEnd;
            if (!noContact) {
                afterSuffix = suffixEnd(route.suffix, text, skipSpace(text, at, end), end);
                if (afterSuffix >= 0) {
                    noContact = true;
                    at = afterSuffix;
                }
            }
        }
        if (at != end) {
            return null;
        }
        if (!hasAmount) {
            return route.gift(route.bareAmountIndex, noContact);
        }
        int offered = route.offeredIndex(pounds(text, numberStart, amountEnd));
        if (offered < 0) {
            return new TextCommand.AmountNotOffered(route.appeal, askedText(text, amountStart, amountEnd));
        }
        return route.gift(offered, noContact);
    }

    private static int skipSpace(char[] text, int at, int end) {
        return at < end && text[at] == ' ' ? at + 1 : at;
    }

    /** Where the suffix ends when the text has it at {@code at}, else -1. */
    private static int suffixEnd(char[] suffix, char[] text, int at, int end) {
        if (end - at < suffix.length) {
            return -1;
        }
        for (int index = 0; index < suffix.length; index++) {
            if (text[at + index] != suffix[index]) {
                return -1;
            }
        }
        return at + suffix.length;
    }

    /** Chars a donor might use when writing an amount, right or wrong: all end up in askedText. */
    private static boolean isAmountChar(char c) {
        return (c >= '0' && c <= '9') || c == '.' || c == ',' || c == '-' || c == '+';
    }

    /**
     * Whole pounds from "5", "5.0" or "5.00"; -1 for anything else ("05", "5.50", "-5", "5,00",
     * more than {@link #POUND_DIGITS_MAX} digits, nothing at all).
     */
    private static int pounds(char[] text, int start, int end) {
        int digitsEnd = start;
        int pounds = 0;
        while (digitsEnd < end && digitsEnd - start < POUND_DIGITS_MAX && text[digitsEnd] >= '0' && text[digitsEnd] <= '9') {
            pounds = pounds * 10 + (text[digitsEnd] - '0');
            digitsEnd++;
        }
        if (digitsEnd == start || text[start] == '0') {
            return -1;
        }
        int rest = end - digitsEnd;
        boolean wholePounds = rest == 0
                || (rest == 2 && text[digitsEnd] == '.' && text[digitsEnd + 1] == '0')
                || (rest == 3 && text[digitsEnd] == '.' && text[digitsEnd + 1] == '0' && text[digitsEnd + 2] == '0');
        return wholePounds ? pounds : -1;
    }

    /** The amount as the donor wrote it, normalised and without spaces: "7", "£7", "5.50", "£". */
    private static String askedText(char[] text, int start, int end) {
        StringBuilder asked = new StringBuilder(end - start);
        for (int index = start; index < end; index++) {
            if (text[index] != ' ') {
                asked.append(text[index]);
            }
        }
        return asked.toString();
    }

    /** Per shortcode: its keyword trie and the replies that need no allocation per text. */
    private record Shortcode(TrieNode root, TextCommand notUnderstood, TextCommand help) {
    }

    /**
     * A keyword route with its answers precomputed: every {@link TextCommand.Donate} it can return
     * exists already, so parsing a gift allocates nothing but the normalising buffer.
     */
    private static final class KeywordRoute {
        final Appeal appeal;
        final TextRoute route;
        final char[] suffix;
        /** Whole pounds this route accepts: the fixed price alone, or every price of the appeal. */
        final int[] offeredPounds;
        final int bareAmountIndex;
        final TextCommand[] gifts;
        final TextCommand[] giftsNoContact;

        KeywordRoute(Appeal appeal, TextRoute route) {
            this.appeal = appeal;
            this.route = route;
            this.suffix = appeal.noContactSuffix().toCharArray();
            // A fixed-price route bills through a shortcode of that price: no other amount is possible.
            List<Money> offered = route.fixedPrice() != null ? List.of(route.fixedPrice()) : appeal.prices();
            Money bare = route.fixedPrice() != null ? route.fixedPrice() : appeal.defaultPrice();
            this.offeredPounds = new int[offered.size()];
            this.gifts = new TextCommand[offered.size()];
            this.giftsNoContact = new TextCommand[offered.size()];
            for (int index = 0; index < offered.size(); index++) {
                Money price = offered.get(index);
                offeredPounds[index] = Math.toIntExact(price.pence() / 100); // whole pounds: Appeal checks
                gifts[index] = new TextCommand.Donate(appeal, price, false);
                giftsNoContact[index] = new TextCommand.Donate(appeal, price, true);
            }
            this.bareAmountIndex = offered.indexOf(bare);
        }

        int offeredIndex(int pounds) {
            for (int index = 0; index < offeredPounds.length; index++) {
                if (offeredPounds[index] == pounds) {
                    return index;
                }
            }
            return -1;
        }

        TextCommand gift(int offeredIndex, boolean noContact) {
            return noContact ? giftsNoContact[offeredIndex] : gifts[offeredIndex];
        }
    }

    /**
     * One node of a shortcode's keyword trie. Filled only inside the parser's constructor and
     * reachable only through its final field, so it is safely published and never changes after.
     */
    private static final class TrieNode {
        final TrieNode[] children = new TrieNode[KEYWORD_ALPHABET_SIZE];
        KeywordRoute route;

        /** The branch for a normalised char, or -1 when no keyword contains it. */
        static int branch(char c) {
            if (c >= 'A' && c <= 'Z') {
                return c - 'A';
            }
            if (c >= '0' && c <= '9') {
                return 26 + (c - '0');
            }
            return -1;
        }

        void insert(String keyword, KeywordRoute keywordRoute) {
            TrieNode node = this;
            for (int index = 0; index < keyword.length(); index++) {
                int branch = branch(keyword.charAt(index));
                if (node.children[branch] == null) {
                    node.children[branch] = new TrieNode();
                }
                node = node.children[branch];
            }
            node.route = keywordRoute;
        }
    }
}
