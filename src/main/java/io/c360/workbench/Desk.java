package io.c360.workbench;

import io.c360.C360Exception;
import io.c360.access.Masking;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.steward.AuditItem;
import io.c360.steward.Audits;
import io.c360.steward.Decisions;
import io.c360.steward.Stewardship;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The workbench's JSON endpoints over the lake's stewardship ({@link Stewardship}) and accuracy audits
 * ({@link Audits}). Reads answer 404 when what they name is not in the lake; writes answer 409 when the
 * lake's state refuses them (records gone, the last record of a customer), 400 for a malformed request.
 */
public final class Desk {
    static final List<String> DECISIONS = List.of(Decisions.MATCH, Decisions.NON_MATCH);
    /** The pairs the page asks for at once (app.js): enough to work through without asking again. */
    static final int QUEUE_PAGE = 50;

    private static final int MAX_LIST = 1_000;
    private static final int MAX_AUDIT = 2_000;

    private final Stewardship stewardship;
    private final Audits audits;
    private final Shown shown;
    private final Function<Optional<String>, String> roleOf;

    /**
     * The endpoints over the lake, showing personal data as {@code masking} says for the role
     * {@code roleOf} gives the signed-in steward (empty: no logins).
     */
    public Desk(Lake lake, C360Config config, Masking masking, Function<Optional<String>, String> roleOf) {
        this.stewardship = new Stewardship(lake, config);
        this.audits = new Audits(lake, config);
        this.shown = new Shown(lake.spark(), masking);
        this.roleOf = roleOf;
    }

    /** Reads what the page's first screen needs, so that it opens at once when the URL is printed. */
    public void warm() {
        List<Stewardship.ReviewPair> queue = stewardship.queue(QUEUE_PAGE);
        if (!queue.isEmpty()) {
            stewardship.pair(queue.get(0).recordKeyL(), queue.get(0).recordKeyR());
        }
        stewardship.changes(20);
        audits.latest();
    }

    public List<Route> routes() {
        return List.of(
                new Route(
                        "GET",
                        "/api/queue",
                        404,
                        call -> stewardship.queue(call.intQuery("limit", QUEUE_PAGE, MAX_LIST))),
                new Route(
                        "GET",
                        "/api/pair",
                        404,
                        call -> shown.pair(stewardship.pair(required(call, "l"), required(call, "r")), role(call))),
                new Route(
                        "POST",
                        "/api/decisions",
                        409,
                        call -> stewardship.decide(
                                call.text("recordKeyL"),
                                call.text("recordKeyR"),
                                call.oneOf("decision", DECISIONS),
                                call.steward(),
                                call.optionalText("comment"))),
                new Route(
                        "GET", "/api/changes", 404, call -> stewardship.changes(call.intQuery("limit", 20, MAX_LIST))),
                new Route(
                        "POST",
                        "/api/changes/{id}/revoke",
                        409,
                        call -> stewardship.revoke(call.path("id"), call.steward(), call.optionalText("reason"))),
                new Route(
                        "GET",
                        "/api/search",
                        404,
                        call -> shown.hits(
                                stewardship.search(required(call, "q"), call.intQuery("limit", 20, 200)), role(call))),
                new Route(
                        "GET",
                        "/api/customers/{id}",
                        404,
                        call -> shown.customer(stewardship.customer(call.path("id")), role(call))),
                new Route(
                        "POST",
                        "/api/customers/{id}/split",
                        409,
                        call -> stewardship.split(
                                call.path("id"), call.texts("recordKeys"), call.steward(), call.text("reason"))),
                new Route(
                        "POST",
                        "/api/customers/{id}/merge",
                        409,
                        call -> stewardship.merge(
                                call.path("id"), call.text("other"), call.steward(), call.text("reason"))),
                new Route(
                        "GET",
                        "/api/audits/latest",
                        404,
                        call -> audits.latest().orElse(null)),
                new Route(
                        "POST",
                        "/api/audits",
                        409,
                        call -> audits.start(
                                call.integer("size", 1, MAX_AUDIT),
                                call.body().has("seed")
                                        ? call.body().get("seed").asLong()
                                        : new SecureRandom().nextLong(),
                                call.steward())),
                new Route(
                        "GET",
                        "/api/audits/{id}",
                        404,
                        call -> audits.audit(call.path("id"))
                                .orElseThrow(() -> Refusal.notFound("no audit " + call.path("id")))),
                new Route("GET", "/api/audits/{id}/items", 404, call -> audits.items(call.path("id"))),
                new Route("GET", "/api/audits/{id}/items/{item}", 404, call -> {
                    AuditItem item = item(call);
                    Stewardship.PairView pair =
                            shown.pair(stewardship.pair(item.recordKeyL(), item.recordKeyR()), role(call));
                    // The records only: the model's probability, evidence and verdict, or the customer ids the
                    // records share, would anchor the reviewer.
                    return Map.of(
                            "item", item.item(), "left", unanchored(pair.left()), "right", unanchored(pair.right()));
                }),
                new Route(
                        "POST",
                        "/api/audits/{id}/items/{item}",
                        409,
                        call -> audits.answer(
                                call.path("id"),
                                item(call).item(),
                                call.oneOf("answer", Audits.ANSWERS),
                                call.steward())),
                new Route(
                        "POST",
                        "/api/audits/{id}/finish",
                        409,
                        call -> audits.finish(call.path("id"), call.steward())));
    }

    private static Map<String, Object> unanchored(Stewardship.RecordView r) {
        return Map.of(
                "recordKey", r.recordKey(),
                "source", r.source(),
                "sourceSystem", r.sourceSystem(),
                "recordId", r.recordId(),
                "attributes", r.attributes());
    }

    private String role(Route.Call call) {
        return roleOf.apply(call.login());
    }

    private static String required(Route.Call call, String name) {
        String v = call.query().get(name);
        if (v == null || v.isBlank()) {
            throw Refusal.badRequest(name + ": expected a value in the query");
        }
        return v.strip();
    }

    private AuditItem item(Route.Call call) {
        int n;
        try {
            n = Integer.parseInt(call.path("item"));
        } catch (NumberFormatException e) {
            throw Refusal.badRequest("item: expected a whole number");
        }
        List<AuditItem> items;
        try {
            items = audits.items(call.path("id"));
        } catch (C360Exception e) {
            throw Refusal.notFound(e.getMessage());
        }
        return items.stream()
                .filter(i -> i.item() == n)
                .findFirst()
                .orElseThrow(() -> Refusal.notFound("audit " + call.path("id") + " has no item " + n));
    }
}
