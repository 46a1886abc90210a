package org.appealdesk.appeal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All configured appeals, indexed by slug and by (shortcode, keyword). Immutable after build.
 *
 * <p>Refuses two appeals claiming the same keyword on the same shortcode, and a keyword that is
 * another keyword plus the no-contact suffix: on shared shortcodes a near-miss keyword can send a
 * donor's money to the wrong charity (DOMAIN.md, 2014), so routing must never be ambiguous.
 */
public final class AppealCatalog {

    public record RouteMatch(Appeal appeal, TextRoute route) {
    }

    private final Map<String, Appeal> bySlug;
    private final Map<String, Map<String, RouteMatch>> byShortcodeThenKeyword;

    public AppealCatalog(List<Appeal> appeals) {
        Map<String, Appeal> slugs = new HashMap<>();
        Map<String, Map<String, RouteMatch>> routes = new HashMap<>();
        for (Appeal appeal : appeals) {
            if (slugs.putIfAbsent(appeal.slug(), appeal) != null) {
                throw new IllegalArgumentException("two appeals share the slug " + appeal.slug());
            }
            for (TextRoute route : appeal.routes()) {
                Map<String, RouteMatch> keywords = routes.computeIfAbsent(route.shortcode(), k -> new HashMap<>());
                RouteMatch previous = keywords.putIfAbsent(route.keyword(), new RouteMatch(appeal, route));
                if (previous != null) {
                    throw new IllegalArgumentException("keyword " + route.keyword() + " on " + route.shortcode()
                            + " is claimed by both " + previous.appeal().slug() + " and " + appeal.slug());
                }
            }
        }
        for (Map.Entry<String, Map<String, RouteMatch>> shortcode : routes.entrySet()) {
            for (RouteMatch match : shortcode.getValue().values()) {
                String withSuffix = match.route().keyword() + match.appeal().noContactSuffix();
                if (shortcode.getValue().containsKey(withSuffix)) {
                    throw new IllegalArgumentException("keyword " + withSuffix + " on " + shortcode.getKey()
                            + " collides with the no-contact form of " + match.route().keyword());
                }
            }
        }
        this.bySlug = Map.copyOf(slugs);
        Map<String, Map<String, RouteMatch>> frozen = new HashMap<>();
        routes.forEach((code, keywords) -> frozen.put(code, Map.copyOf(keywords)));
        this.byShortcodeThenKeyword = Map.copyOf(frozen);
    }

    public Optional<Appeal> bySlug(String slug) {
        return Optional.ofNullable(bySlug.get(slug));
    }

    public List<Appeal> all() {
        return new ArrayList<>(bySlug.values());
    }

    /** The keyword routes on one shortcode, keyed by upper-case keyword; empty for an unknown code. */
    public Map<String, RouteMatch> routesOn(String shortcode) {
        return byShortcodeThenKeyword.getOrDefault(shortcode, Map.of());
    }

    /** The appeals reachable on a shortcode, for HELP replies. */
    public List<Appeal> appealsOn(String shortcode) {
        return routesOn(shortcode).values().stream().map(RouteMatch::appeal).distinct().toList();
    }

    /** Every shortcode any appeal listens on. */
    public java.util.Set<String> shortcodes() {
        return byShortcodeThenKeyword.keySet();
    }
}
