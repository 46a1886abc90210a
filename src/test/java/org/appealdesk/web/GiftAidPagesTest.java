package org.appealdesk.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Gift Aid form behind a gift's personal link, over real HTTP: wording, validation, declaring once, cancelling. */
class GiftAidPagesTest {

    private WebGivingHarness harness;
    private String token;

    @BeforeEach
    void aConfirmedCardGift() {
        harness = new WebGivingHarness();
        harness.giveByCard("amount=5.00");
        harness.stripe.deliver("checkout.session.completed", harness.stripe.onlySession(), "paid");
        token = (String) harness.sql("select gift_aid_token from donation");
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> valid() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("title", "Ms");
        fields.put("firstName", "Olena");
        fields.put("lastName", "O'Brien-Kovalenko");
        fields.put("house", "Flat 3, 12");
        fields.put("postcode", "sw1a1aa");
        fields.put("taxpayer", "yes");
        return fields;
    }

    @Test
    void theFormCarriesHmrcWordingAndEveryField() {
        // Proves: the personal link shows the gift, HMRC's declaration wording for a single (card) gift with the charity named, the
        // taxpayer confirmation, and labelled fields for title, first name, surname, house name or number and postcode.
        HttpResponse<String> page = harness.get("/g/" + token);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Add Gift Aid to your £5 gift", "I want to Gift Aid my donation of £5 to British Red Cross.",
                "I am a UK taxpayer and understand that if I pay less Income Tax and/or Capital Gains Tax than the amount of Gift Aid claimed",
                "Boost your donation by 25p of Gift Aid for every £1 you donate", "for=\"title\"", "for=\"first-name\"", "for=\"last-name\"",
                "for=\"house\"", "for=\"postcode\"", "for=\"taxpayer\"", "autocomplete=\"postal-code\"");
        assertThat(harness.headers(page).get("referrer")).isEqualTo("no-referrer");
    }

    @Test
    void badAnswersAreShownBackWithPlainMessagesAndNothingIsStored() {
        // Proves: empty fields, a bad postcode, script in a name and a missing tax confirmation are all reported at once (422), the
        // person's answers come back escaped, and no declaration is stored.
        Map<String, String> fields = valid();
        fields.put("firstName", "<script>alert('x')</script>");
        fields.put("lastName", "");
        fields.put("postcode", "NOT A CODE");
        fields.put("house", "");
        fields.remove("taxpayer");
        HttpResponse<String> response = harness.postForm("/g/" + token, form(fields));
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).contains("There is a problem", "First name can only include letters", "Enter your surname",
                "Enter your house name or number", "Enter a real UK postcode, like SW1A 1AA", "Confirm that you are a UK taxpayer",
                "value=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\"", "aria-invalid=\"true\"");
        assertThat(response.body()).doesNotContain("<script>alert");
        assertThat(harness.count("gift_aid_declaration")).isZero();
        assertThat(harness.postForm("/g/" + token, form(valid()) + "&pad=" + "x".repeat(9_000)).statusCode()).isEqualTo(413);
        assertThat(harness.count("gift_aid_declaration")).isZero();
    }

    @Test
    void aValidDeclarationIsStoredOnceWithItsWordingAndCanBeCancelled() {
        // Proves: a valid form is stored with the exact wording and a normalised postcode, then redirected (post-redirect-get); submitting
        // it again stores nothing more; the page then shows the declaration, and cancelling it is recorded in the audit trail.
        HttpResponse<String> first = harness.postForm("/g/" + token, form(valid()));
        assertThat(first.statusCode()).isEqualTo(303);
        assertThat(first.headers().firstValue("Location")).hasValue("/g/" + token + "?done=declared");
        HttpResponse<String> again = harness.postForm("/g/" + token, form(valid()));
        assertThat(again.headers().firstValue("Location")).hasValue("/g/" + token + "?done=already");
        assertThat(harness.count("gift_aid_declaration")).isEqualTo(1);
        assertThat(harness.sql("select postcode from gift_aid_declaration")).isEqualTo("SW1A 1AA");
        assertThat(harness.sql("select house from gift_aid_declaration")).isEqualTo("Flat 3, 12");
        assertThat((String) harness.sql("select wording from gift_aid_declaration")).startsWith("I want to Gift Aid my donation of £5 to British Red Cross.");

        HttpResponse<String> shown = harness.get("/g/" + token + "?done=declared");
        assertThat(shown.body()).contains("Gift Aid has been added", "Olena O&#39;Brien-Kovalenko", "SW1A 1AA", "Cancel my Gift Aid declaration");
        HttpResponse<String> cancelled = harness.postForm("/g/" + token + "/cancel", "");
        assertThat(cancelled.statusCode()).isEqualTo(303);
        assertThat(harness.get("/g/" + token + "?done=cancelled").body()).contains("has been cancelled", "Add Gift Aid to your £5 gift");
        long donationId = ((Number) harness.sql("select id from donation")).longValue();
        assertThat(harness.core.giftAid.trail(donationId)).extracting(entry -> entry.kind()).containsExactly("DECLARED", "CANCELLED");
    }

    @Test
    void unknownOrMalformedLinksAndFailedGiftsGetAPlainAnswer() {
        // Proves: a made-up or malformed token gets a 404 page (no lookup for junk), and a gift whose payment failed offers no form.
        assertThat(harness.get("/g/ZZZZZZZZZZZZ").statusCode()).isEqualTo(404);
        assertThat(harness.get("/g/%3Cscript%3E").body()).contains("Gift not found").doesNotContain("<script>");
        assertThat(harness.postForm("/g/ZZZZZZZZZZZZ", form(valid())).statusCode()).isEqualTo(404);
        String wrongSecret = token.substring(0, token.length() - 1) + (token.endsWith("Z") ? "Y" : "Z");
        assertThat(harness.get("/g/" + wrongSecret).statusCode()).as("a real gift's id with a wrong random part").isEqualTo(404);
        assertThat(harness.postForm("/g/" + wrongSecret, form(valid())).statusCode()).isEqualTo(404);
        harness.giveByCard("amount=10.00");
        var failed = harness.stripe.sessions().stream().filter(s -> s.amountPence() == 1_000).findFirst().orElseThrow();
        harness.stripe.deliver("checkout.session.expired", failed, "unpaid");
        String failedToken = (String) harness.sql("select gift_aid_token from donation where amount_pence = 1000");
        assertThat(harness.get("/g/" + failedToken).body()).contains("was not charged").doesNotContain("<form");
        HttpResponse<String> refused = harness.postForm("/g/" + failedToken, form(valid()));
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(harness.count("gift_aid_declaration")).isZero();
    }
}
