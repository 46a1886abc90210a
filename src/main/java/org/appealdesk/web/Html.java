package org.appealdesk.web;

import io.javalin.http.Context;
import java.text.NumberFormat;
import java.util.Locale;
import org.appealdesk.appeal.Appeal;

/**
 * The public pages' common parts: escaping (every value that reaches a page goes through
 * {@link #escape}), the page frame with its skip link and footer, and the response headers that
 * keep pages out of other sites' frames and keep personal links out of Referer headers.
 */
final class Html {

    private Html() {
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** "£1,234" or "£5.50": whole pounds without decimals, as the totaliser and promotions show them. */
    static String pounds(long pence) {
        NumberFormat format = NumberFormat.getNumberInstance(Locale.UK);
        format.setMinimumFractionDigits(pence % 100 == 0 ? 0 : 2);
        format.setMaximumFractionDigits(2);
        return (pence < 0 ? "-£" : "£") + format.format(Math.abs(pence) / 100.0);
    }

    /** A whole page for people: {@code bodyHtml} must already be escaped where it holds values. */
    static String page(String title, Appeal appeal, String bodyHtml) {
        String masthead = appeal == null ? "Appealdesk" : appeal.title();
        String footer = appeal == null ? ""
                : "<p>" + escape(appeal.title()) + " raises money for " + escape(appeal.charity().name()) + ", registered charity "
                + escape(appeal.charity().registeredNumber()) + ". Questions: " + escape(appeal.charity().helpline()) + ".</p>"
                + "<p><a href=\"/terms/" + escape(appeal.slug()) + "\">Terms of giving</a> · <a href=\"/donate/" + escape(appeal.slug()) + "\">Donate</a></p>";
        return "<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escape(title) + (appeal == null ? "" : " – " + escape(appeal.title())) + "</title>\n"
                + "<link rel=\"stylesheet\" href=\"/assets/site.css\">\n</head>\n<body>\n"
                + "<a class=\"skip\" href=\"#main\">Skip to main content</a>\n"
                + "<header class=\"masthead\"><p>" + escape(masthead) + "</p></header>\n"
                + "<main id=\"main\" tabindex=\"-1\">\n" + bodyHtml + "\n</main>\n"
                + "<footer>" + footer + "</footer>\n</body>\n</html>\n";
    }

    /** Sends a page for people with the headers every public page carries. */
    static void send(Context ctx, int status, String html, boolean framable) {
        headers(ctx, framable);
        ctx.status(status).contentType("text/html; charset=utf-8").result(html);
    }

    /**
     * No other site may frame a page with a form (clickjacking), except the totaliser, which exists to
     * be framed. No Referer leaves these pages: a Gift Aid link is personal. Scripts and styles only
     * from this server.
     */
    static void headers(Context ctx, boolean framable) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
                + " frame-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors " + (framable ? "*" : "'self'"));
        if (!framable) {
            ctx.header("X-Frame-Options", "SAMEORIGIN");
        }
    }
}
