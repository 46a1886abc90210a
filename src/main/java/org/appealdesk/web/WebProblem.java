package org.appealdesk.web;

/**
 * A request that cannot be served as asked, thrown by web giving's handlers and turned into a
 * response in one place ({@link WebGivingRoutes}): a page in plain words for people, or a JSON
 * error with a 4xx status for machines. Never carries a stack trace to anyone.
 *
 * @see WebGivingRoutes
 */
final class WebProblem extends RuntimeException {

    /** Who reads the answer. */
    enum Audience { PERSON, MACHINE }

    final int status;
    final String title;
    final Audience audience;
    final String slug;

    private WebProblem(int status, String title, String message, Audience audience, String slug) {
        super(message, null, false, false);
        this.status = status;
        this.title = title;
        this.audience = audience;
        this.slug = slug;
    }

    /** A problem shown to a person as a page; {@code slug} names the appeal for the page frame when known. */
    static WebProblem page(int status, String title, String message, String slug) {
        return new WebProblem(status, title, message, Audience.PERSON, slug);
    }

    static WebProblem machine(int status, String message) {
        return new WebProblem(status, null, message, Audience.MACHINE, null);
    }
}
