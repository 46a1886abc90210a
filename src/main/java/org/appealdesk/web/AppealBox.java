package org.appealdesk.web;

import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealWebSettings;
import org.appealdesk.appeal.PromoWording;

/**
 * The article appeal box: an HTML snippet a newsroom's CMS embeds as it is, with the wording from
 * {@link PromoWording} (never typed by hand), the live totaliser in an iframe (no script needed on
 * the host page, so CMSs that strip scripts still show it), and the donate and terms links. Styles
 * are left to the host (class names only): inline styles would fight the host's own rules.
 */
public final class AppealBox {

    private AppealBox() {
    }

    public static String html(Appeal appeal, AppealWebSettings web) {
        PromoWording wording = PromoWording.of(appeal, web);
        String id = "appealdesk-box-" + appeal.slug();
        String base = Html.escape(appeal.publicBaseUrl());
        String slug = Html.escape(appeal.slug());
        StringBuilder smallPrint = new StringBuilder();
        smallPrint.append(Html.escape(wording.cost())).append(' ').append(Html.escape(wording.charity())).append(' ')
                .append(Html.escape(wording.eligibility())).append(' ').append(Html.escape(wording.noContact()));
        return "<aside class=\"appealdesk-box\" aria-labelledby=\"" + id + "\">\n"
                + "  <h2 id=\"" + id + "\">" + Html.escape(wording.headline()) + "</h2>\n"
                + "  <p>" + Html.escape(wording.howToText()) + "</p>\n"
                + "  <iframe src=\"" + base + "/widget/" + slug + "\" title=\"Live total: " + Html.escape(appeal.title())
                + "\" height=\"160\" loading=\"lazy\"></iframe>\n"
                + "  <p><a class=\"appealdesk-donate\" href=\"" + Html.escape(PromoWording.donateUrl(appeal)) + "\">Donate here by card</a></p>\n"
                + "  <p class=\"appealdesk-smallprint\">" + smallPrint + " <a href=\"" + Html.escape(PromoWording.termsUrl(appeal))
                + "\">Full terms</a>.</p>\n"
                + "</aside>\n";
    }
}
