package io.c360.synth;

import java.util.List;

/**
 * Collector events in sessions per device. A device id is stable across a person's events; devices
 * that log in attach the user's e-mail to the login and to some later events, the others never do.
 */
final class WebEvents {
    private WebEvents() {}

    private static final String[] PLATFORMS = {"web", "ios", "android"};
    private static final double[] PLATFORM_WEIGHTS = {60, 22, 18};
    private static final String[] BROWSING = {"page_view", "page_view", "page_view", "search", "add_to_cart"};
    private static final String[] PAGES = {
        "/",
        "/deals",
        "/cart",
        "/checkout",
        "/account",
        "/help",
        "/category/shoes",
        "/category/home",
        "/category/electronics",
        "/category/kids",
        "/orders"
    };
    private static final String[] SEARCHES = {
        "running+shoes",
        "coffee+maker",
        "gift+card",
        "headphones",
        "rain+jacket",
        "desk+lamp",
        "yoga+mat",
        "phone+case",
        "kids+backpack",
        "blender"
    };

    /** A device as the collector knows it. */
    private record Device(String anonymousId, String platform, boolean logsIn) {}

    static void add(PersonView v, List<SourceRecord> out) {
        GeneratorSettings.Web web = v.settings.systems().web();
        int events = 1 + Math.min(5000, v.rng.geometric(web.meanEvents() - 1));
        int deviceCount = Math.min(events, 1 + (v.rng.chance(0.45) ? (v.rng.chance(0.3) ? 2 : 1) : 0));
        Device[] devices = new Device[deviceCount];
        for (int d = 0; d < deviceCount; d++) {
            devices[d] = new Device(
                    anonymousId(v, d),
                    PLATFORMS[v.rng.weighted(PLATFORM_WEIGHTS)],
                    !v.rng.chance(web.anonymousDeviceRate()));
        }
        int written = 0;
        while (written < events) {
            Device device = devices[v.rng.below(deviceCount)];
            int length = Math.min(events - written, 1 + v.rng.geometric(2.5));
            session(v, web, device, length, out);
            written += length;
        }
    }

    private static void session(
            PersonView v, GeneratorSettings.Web web, Device device, int length, List<SourceRecord> out) {
        long t = v.momentAsCustomer();
        boolean app = !device.platform().equals("web");
        boolean login = device.logsIn() && length >= 2 && v.rng.chance(0.6);
        String email = login ? loginEmail(v, t) : null;
        for (int i = 0; i < length; i++) {
            String type;
            String page;
            if (i == 0) {
                type = app ? "app_open" : "page_view";
                page = app ? null : v.rng.pick(PAGES);
            } else if (i == 1 && login) {
                type = "login";
                page = app ? null : "/login";
            } else if (login && i == length - 1 && v.rng.chance(0.2)) {
                type = "logout";
                page = app ? null : "/logout";
            } else {
                type = v.rng.pick(BROWSING);
                page = switch (type) {
                    case "search" -> "/search?q=" + v.rng.pick(SEARCHES);
                    case "add_to_cart" -> "/products/" + v.rng.between(10_000, 99_999);
                    default -> v.rng.chance(0.5) ? "/products/" + v.rng.between(10_000, 99_999) : v.rng.pick(PAGES);
                };
            }
            boolean identified = type.equals("login") || (login && i > 1 && v.rng.chance(web.identifiedEventRate()));
            out.add(v.newRecord(Source.WEB_EVENTS)
                    .put("anonymous_id", device.anonymousId())
                    .put("user_email", identified ? email : null)
                    .put("event_type", type)
                    .put("platform", v.rng.chance(0.95) ? device.platform() : null)
                    .put("page", page)
                    .put("event_time", Stamps.isoUtc(t)));
            t = Math.min(t + v.rng.between(3, 300), v.asOf().toEpochDay() * Stamps.DAY - 1);
        }
    }

    /** The account's login: no typos (the login succeeded), but sometimes an alias or odd case. */
    private static String loginEmail(PersonView v, long t) {
        String email = v.person.emailOn(Stamps.day(t));
        return v.noise.happens(NoiseKind.EMAIL_ALIAS) ? Emails.alias(v.rng, email) : email;
    }

    /** A UUID-shaped cookie id, stable per (seed, person, device). */
    private static String anonymousId(PersonView v, int device) {
        long hi = Rng.mix(v.settings.seed() ^ Rng.mix(v.person.index() * 31 + device));
        long lo = Rng.mix(hi ^ 0x5DEECE66DL);
        String hex = hex(hi) + hex(lo);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-4" + hex.substring(13, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20, 32);
    }

    private static String hex(long x) {
        String s = Long.toHexString(x);
        return "0".repeat(16 - s.length()) + s;
    }
}
