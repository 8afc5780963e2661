package io.c360.synth;

import io.c360.synth.FieldNoise.Kind;
import java.time.LocalDate;
import java.util.List;

/** Shop orders: the buyer's e-mail and a shipping contact, usually the buyer, sometimes someone else. */
final class EcommerceOrders {
    private EcommerceOrders() {}

    static void add(PersonView v, List<SourceRecord> out) {
        GeneratorSettings.Ecommerce shop = v.settings.systems().ecommerce();
        int orders = 1 + Math.min(500, v.rng.geometric(shop.meanOrders() - 1));
        for (int i = 0; i < orders; i++) {
            out.add(order(v, shop));
        }
    }

    private static SourceRecord order(PersonView v, GeneratorSettings.Ecommerce shop) {
        Person p = v.person;
        FieldNoise n = v.noise;
        long placed = v.momentAsCustomer();
        LocalDate day = Stamps.day(placed);
        FieldNoise.Case c = n.recordCase();
        SourceRecord r = v.newRecord(Source.ECOMMERCE_ORDERS)
                .put("customer_email", n.optional(Kind.EMAIL, n.email(p.emailOn(day))));
        if (v.rng.chance(shop.shipToOtherRate())) {
            shipToOther(v, r, c);
        } else {
            String[] names = v.names(day, c);
            Address a = p.addressOn(day);
            r.put("ship_first_name", names[0])
                    .put("ship_last_name", names[1])
                    .put(
                            "ship_phone",
                            v.rng.chance(0.75)
                                    ? n.optional(Kind.PHONE, n.phone(v.phoneDigits(), Phones.Style.DIGITS))
                                    : null);
            shipTo(r, a, n, c);
        }
        long ageDays = v.asOf().toEpochDay() - day.toEpochDay();
        long cents = Math.max(99, Math.round(StrictMath.exp(3.8 + 0.8 * gaussian(v.rng)) * 100));
        return r.put("ship_country", v.rng.chance(0.97) ? "US" : "USA")
                .put("order_time", Stamps.csv(placed))
                .put("status", status(v.rng, ageDays))
                .put("currency", v.rng.chance(0.98) ? "USD" : "CAD")
                .put("total_amount", cents / 100 + "." + Population.pad(cents % 100, 2))
                .put("item_count", Integer.toString(1 + v.rng.geometric(1.2)));
    }

    /** A gift: to a household member when there is one, else to a stranger at another address. */
    private static void shipToOther(PersonView v, SourceRecord r, FieldNoise.Case c) {
        FieldNoise n = v.noise;
        List<Person> others = v.household.stream().filter(m -> m != v.person).toList();
        if (!others.isEmpty() && v.rng.chance(0.7)) {
            Person m = others.get(v.rng.below(others.size()));
            r.put("ship_first_name", FieldNoise.cased(n.given(m.given()), c))
                    .put("ship_last_name", FieldNoise.cased(n.spelled(m.surname()), c))
                    .put("ship_phone", v.rng.chance(0.5) ? n.phone(m.mobile(), Phones.Style.DIGITS) : null);
            shipTo(r, m.address(), n, c);
            return;
        }
        String given = v.rng.chance(0.5) ? Names.US.female.pick(v.rng) : Names.US.male.pick(v.rng);
        r.put("ship_first_name", FieldNoise.cased(given, c))
                .put("ship_last_name", FieldNoise.cased(Names.US.surnames.pick(v.rng), c))
                .put("ship_phone", null);
        shipTo(r, Address.random(v.rng, Places.US.pick(v.rng)), n, c);
    }

    private static void shipTo(SourceRecord r, Address a, FieldNoise n, FieldNoise.Case c) {
        r.put("ship_street", FieldNoise.cased(AddressText.line(a, n), c))
                .put("ship_city", FieldNoise.cased(AddressText.city(a.place(), n), c))
                .put("ship_state", AddressText.state(a.place(), n))
                .put("ship_postal_code", AddressText.zip(a, n));
    }

    private static String status(Rng rng, long ageDays) {
        double x = rng.unit();
        if (ageDays > 14) {
            return x < 0.88 ? "delivered" : x < 0.94 ? "returned" : "cancelled";
        }
        if (ageDays > 3) {
            return x < 0.5 ? "shipped" : x < 0.95 ? "delivered" : "cancelled";
        }
        return x < 0.7 ? "placed" : x < 0.95 ? "shipped" : "cancelled";
    }

    /** A standard normal draw (Box-Muller) from the person's stream. */
    private static double gaussian(Rng rng) {
        return Math.sqrt(-2 * StrictMath.log(1 - rng.unit())) * StrictMath.cos(2 * Math.PI * rng.unit());
    }
}
