package org.appealdesk.web;

import java.util.Map;

/**
 * The list of problems at the top of a form sent back to a person (the GOV.UK pattern): announced
 * first, each message a link to its field, so keyboard and screen-reader users land where to fix it.
 */
final class ErrorSummary {

    private ErrorSummary() {
    }

    /** Empty when there are no errors; {@code fieldIds} maps a field name to the id its link should focus (else "field-" + name). */
    static String html(Map<String, String> errors, Map<String, String> fieldIds) {
        if (errors.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\" tabindex=\"-1\" autofocus>\n")
                .append("<h2 id=\"error-summary-title\">There is a problem</h2>\n<ul>\n");
        errors.forEach((field, message) -> out.append("<li><a href=\"#").append(Html.escape(fieldIds.getOrDefault(field, field))).append("\">")
                .append(Html.escape(message)).append("</a></li>\n"));
        return out.append("</ul>\n</div>\n").toString();
    }
}
