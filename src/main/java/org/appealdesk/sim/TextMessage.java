package org.appealdesk.sim;

import org.appealdesk.platform.PhoneNumber;

/**
 * One genuine text from a donor: a new gift if its template is a donation. Redeliveries of it
 * (after an error, a timeout or as a network duplicate) carry the same {@code moId}.
 *
 * @param sequence the text's place in its run, from 0; with the seed it fixes donor and template
 */
record TextMessage(String moId, long sequence, PhoneNumber donor, String network, String shortcode, TextTemplate template) {
}
