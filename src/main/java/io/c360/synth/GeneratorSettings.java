package io.c360.synth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.c360.C360Exception;
import io.c360.config.ConfigReader;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Everything that shapes a synthetic data set. The same settings always give byte-identical output.
 * The YAML form (see {@code conf/generator-example.yaml} and docs/GENERATOR.md) uses the snake_case
 * keys below; any key it leaves out keeps its default, and an unknown key is an error.
 *
 * @param persons how many true persons to simulate
 * @param seed the random seed
 * @param asOf the extract date: every record is older; fixed so that output never depends on today
 * @param historyYears how many years before {@code asOf} the source systems' records span
 * @param partSize persons per part file; parts are generated in parallel
 */
public record GeneratorSettings(
        int persons,
        long seed,
        LocalDate asOf,
        int historyYears,
        int partSize,
        Households households,
        Systems systems,
        NoiseRates noise,
        Violations violations) {

    public static final LocalDate DEFAULT_AS_OF = LocalDate.of(2026, 11, 1);

    /**
     * How persons live together.
     *
     * @param sizeWeights relative frequency of households of 1, 2, 3, ... persons
     * @param roommateRate share of multi-person households of unrelated adults (own surnames, shared address)
     * @param twinRate share of households with two or more children whose two eldest are twins
     * @param nameChangeRate share of couples where one partner took the other's surname (the maiden name stays known)
     * @param sharedLandlineRate share of households with a landline every member may give
     * @param sharedEmailRate share of couples who both use one family e-mail address
     */
    public record Households(
            List<Double> sizeWeights,
            double roommateRate,
            double twinRate,
            double nameChangeRate,
            double sharedLandlineRate,
            double sharedEmailRate) {
        public Households {
            sizeWeights = List.copyOf(sizeWeights);
        }
    }

    /**
     * Which persons each source system knows and how many records it holds on them. Presence is the
     * share of persons a system knows; {@code overlap} is the probability that a system's presence draw
     * is shared with the other systems' (1: the systems know nested groups of persons; 0: independent).
     */
    public record Systems(
            double overlap, Crm crm, Billing billing, Support support, Ecommerce ecommerce, Web web, Consent consent) {}

    /** @param duplicateRate share of CRM persons entered a second time as another contact */
    public record Crm(double presence, double duplicateRate) {}

    /**
     * @param extraAccountRate share of billing customers with a second account
     * @param crmLinkRate share of accounts whose crm_contact_id is filled, when the person has a CRM contact
     * @param taxIdRate share of accounts that carry the holder's tax id (SSN)
     */
    public record Billing(double presence, double extraAccountRate, double crmLinkRate, double taxIdRate) {}

    /** @param meanTickets mean tickets per person the help desk knows (at least 1) */
    public record Support(double presence, double meanTickets) {}

    /**
     * @param meanOrders mean orders per buying person (at least 1; long-tailed)
     * @param shipToOtherRate share of orders shipped to someone else: a household member or a gift recipient
     */
    public record Ecommerce(double presence, double meanOrders, double shipToOtherRate) {}

    /**
     * @param meanEvents mean events per person the collector saw (at least 1; long-tailed)
     * @param anonymousDeviceRate share of devices that never log in: their events carry only the device id
     * @param identifiedEventRate share of events after a login that also carry the user's e-mail
     */
    public record Web(double presence, double meanEvents, double anonymousDeviceRate, double identifiedEventRate) {}

    /**
     * @param meanEvents mean consent events per person the platform knows (at least 1)
     * @param crmIdRate share of consent events that carry the person's CRM contact id, when there is one
     */
    public record Consent(double presence, double meanEvents, double crmIdRate) {}

    /** Noise rates by kind; see {@link NoiseKind} for their meaning. */
    public record NoiseRates(Map<NoiseKind, Double> rates) {
        public NoiseRates {
            EnumMap<NoiseKind, Double> complete = new EnumMap<>(NoiseKind.class);
            for (NoiseKind kind : NoiseKind.values()) {
                complete.put(kind, rates.getOrDefault(kind, kind.defaultRate()));
            }
            rates = Collections.unmodifiableMap(complete);
        }

        public static NoiseRates defaults() {
            return new NoiseRates(Map.of());
        }

        public double of(NoiseKind kind) {
            return rates.get(kind);
        }

        /** Every rate multiplied by {@code factor}, capped at 1. */
        public NoiseRates scaled(double factor) {
            EnumMap<NoiseKind, Double> out = new EnumMap<>(NoiseKind.class);
            rates.forEach((k, v) -> out.put(k, Math.min(1.0, v * factor)));
            return new NoiseRates(out);
        }
    }

    /**
     * Records that break their source's data contract, to exercise the bronze quarantine.
     *
     * @param rate share of records with one contract violation (missing id, bad timestamp, unknown status, ...)
     * @param malformedLines how many lines in the whole data set are unparseable (unbalanced quote, extra
     *     CSV fields, truncated JSON)
     */
    public record Violations(double rate, int malformedLines) {}

    public GeneratorSettings {
        if (persons < 1) {
            throw new C360Exception("persons: expected at least 1 but was " + persons);
        }
        if (partSize < 1) {
            throw new C360Exception("part_size: expected at least 1 but was " + partSize);
        }
        if (historyYears < 1 || historyYears > 50) {
            throw new C360Exception("history_years: expected 1 to 50 but was " + historyYears);
        }
        Map<String, Double> rates = new LinkedHashMap<>();
        rates.put("households.roommate_rate", households.roommateRate());
        rates.put("households.twin_rate", households.twinRate());
        rates.put("households.name_change_rate", households.nameChangeRate());
        rates.put("households.shared_landline_rate", households.sharedLandlineRate());
        rates.put("households.shared_email_rate", households.sharedEmailRate());
        rates.put("systems.overlap", systems.overlap());
        rates.put("systems.crm.presence", systems.crm().presence());
        rates.put("systems.crm.duplicate_rate", systems.crm().duplicateRate());
        rates.put("systems.billing.presence", systems.billing().presence());
        rates.put("systems.billing.extra_account_rate", systems.billing().extraAccountRate());
        rates.put("systems.billing.crm_link_rate", systems.billing().crmLinkRate());
        rates.put("systems.billing.tax_id_rate", systems.billing().taxIdRate());
        rates.put("systems.support.presence", systems.support().presence());
        rates.put("systems.ecommerce.presence", systems.ecommerce().presence());
        rates.put("systems.ecommerce.ship_to_other_rate", systems.ecommerce().shipToOtherRate());
        rates.put("systems.web.presence", systems.web().presence());
        rates.put("systems.web.anonymous_device_rate", systems.web().anonymousDeviceRate());
        rates.put("systems.web.identified_event_rate", systems.web().identifiedEventRate());
        rates.put("systems.consent.presence", systems.consent().presence());
        rates.put("systems.consent.crm_id_rate", systems.consent().crmIdRate());
        rates.put("contract_violations.rate", violations.rate());
        noise.rates().forEach((k, v) -> rates.put("noise." + k.key(), v));
        rates.forEach((key, v) -> {
            if (!(v >= 0 && v <= 1)) {
                throw new C360Exception(key + ": expected a probability between 0 and 1 but was " + v);
            }
        });
        requireMean("systems.support.mean_tickets", systems.support().meanTickets());
        requireMean("systems.ecommerce.mean_orders", systems.ecommerce().meanOrders());
        requireMean("systems.web.mean_events", systems.web().meanEvents());
        requireMean("systems.consent.mean_events", systems.consent().meanEvents());
        if (households.sizeWeights().isEmpty()
                || households.sizeWeights().stream().anyMatch(w -> !(w >= 0))
                || households.sizeWeights().stream()
                                .mapToDouble(Double::doubleValue)
                                .sum()
                        <= 0) {
            throw new C360Exception("households.size_weights: expected non-negative weights with a positive sum");
        }
        if (violations.malformedLines() < 0 || violations.malformedLines() > 1000) {
            throw new C360Exception(
                    "contract_violations.malformed_lines: expected 0 to 1000 but was " + violations.malformedLines());
        }
    }

    private static void requireMean(String key, double mean) {
        if (!(mean >= 1 && mean <= 1000)) {
            throw new C360Exception(key + ": expected a mean of 1 to 1000 records but was " + mean);
        }
    }

    /** Defaults tuned to about 8 records per person across the six systems. */
    public static GeneratorSettings defaults(int persons, long seed) {
        return new GeneratorSettings(
                persons,
                seed,
                DEFAULT_AS_OF,
                6,
                50_000,
                new Households(List.of(0.36, 0.33, 0.14, 0.11, 0.04, 0.02), 0.12, 0.12, 0.7, 0.3, 0.03),
                new Systems(
                        0.5,
                        new Crm(0.72, 0.05),
                        new Billing(0.48, 0.05, 0.4, 0.3),
                        new Support(0.35, 2.3),
                        new Ecommerce(0.45, 3.3, 0.04),
                        new Web(0.55, 5.5, 0.3, 0.3),
                        new Consent(0.5, 2.0, 0.3)),
                NoiseRates.defaults(),
                new Violations(0.002, 4));
    }

    /** Defaults overridden by a settings YAML file; {@code persons} and {@code seed} come from the caller. */
    public static GeneratorSettings load(Path yaml, int persons, long seed) {
        return over(yaml.toString(), ConfigReader.read(yaml, ObjectNode.class), defaults(persons, seed));
    }

    public GeneratorSettings withNoiseScale(double factor) {
        if (!(factor >= 0)) {
            throw new C360Exception("--noise: expected a factor of 0 or more but was " + factor);
        }
        return new GeneratorSettings(
                persons, seed, asOf, historyYears, partSize, households, systems, noise.scaled(factor), violations);
    }

    public GeneratorSettings withAsOf(LocalDate date) {
        return new GeneratorSettings(
                persons, seed, date, historyYears, partSize, households, systems, noise, violations);
    }

    public GeneratorSettings withPartSize(int size) {
        return new GeneratorSettings(persons, seed, asOf, historyYears, size, households, systems, noise, violations);
    }

    /** Reads the YAML form; keys that are absent keep the value in {@code base}. {@code origin} names it in errors. */
    static GeneratorSettings read(String origin, String yaml, GeneratorSettings base) {
        return over(origin, ConfigReader.parse(origin, yaml, ObjectNode.class), base);
    }

    /**
     * {@code base} with the keys of {@code given} laid over its YAML form and the result bound, so
     * that an unknown or mistyped key is reported at its path in the file.
     */
    private static GeneratorSettings over(String origin, ObjectNode given, GeneratorSettings base) {
        ObjectNode merged = base.toTree();
        lay(given, merged);
        SettingsFile file = ConfigReader.parse(origin, merged.toString(), SettingsFile.class);
        try {
            return new GeneratorSettings(
                    base.persons(),
                    base.seed(),
                    file.asOf(),
                    file.historyYears(),
                    file.partSize(),
                    file.households(),
                    file.systems(),
                    file.noise(),
                    file.violations());
        } catch (C360Exception e) {
            throw new C360Exception(origin + ": " + e.getMessage(), e);
        }
    }

    /** Lays {@code given} over {@code into}: mappings key by key, any other value whole. */
    private static void lay(ObjectNode given, ObjectNode into) {
        given.fields().forEachRemaining(e -> {
            JsonNode current = into.get(e.getKey());
            if (e.getValue().isObject() && current != null && current.isObject()) {
                lay((ObjectNode) e.getValue(), (ObjectNode) current);
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    /** The YAML form, every key present once laid over the defaults. */
    private record SettingsFile(
            LocalDate asOf,
            int historyYears,
            int partSize,
            Households households,
            Systems systems,
            NoiseRates noise,
            Violations violations) {
        @JsonCreator
        static SettingsFile of(
                @JsonProperty("as_of") String asOf,
                @JsonProperty("history_years") int historyYears,
                @JsonProperty("part_size") int partSize,
                @JsonProperty("households") Households households,
                @JsonProperty("systems") Systems systems,
                @JsonProperty("noise") Map<String, Double> noise,
                @JsonProperty("contract_violations") Violations violations) {
            EnumMap<NoiseKind, Double> rates = new EnumMap<>(NoiseKind.class);
            noise.forEach((key, rate) -> rates.put(
                    Arrays.stream(NoiseKind.values())
                            .filter(k -> k.key().equals(key))
                            .findFirst()
                            .orElseThrow(() -> new ConfigReader.InvalidSetting(
                                    "noise." + key,
                                    "unknown kind of noise; expected one of "
                                            + Arrays.stream(NoiseKind.values())
                                                    .map(NoiseKind::key)
                                                    .collect(Collectors.joining(", ")))),
                    rate));
            return new SettingsFile(
                    date(asOf), historyYears, partSize, households, systems, new NoiseRates(rates), violations);
        }
    }

    /** The YAML form as a tree (persons and seed excluded), written into the output manifest. */
    ObjectNode toTree() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("as_of", asOf.toString());
        root.put("history_years", historyYears);
        root.put("part_size", partSize);
        ObjectNode h = root.putObject("households");
        households.sizeWeights().forEach(h.putArray("size_weights")::add);
        h.put("roommate_rate", households.roommateRate());
        h.put("twin_rate", households.twinRate());
        h.put("name_change_rate", households.nameChangeRate());
        h.put("shared_landline_rate", households.sharedLandlineRate());
        h.put("shared_email_rate", households.sharedEmailRate());
        ObjectNode s = root.putObject("systems");
        s.put("overlap", systems.overlap());
        s.putObject("crm")
                .put("presence", systems.crm().presence())
                .put("duplicate_rate", systems.crm().duplicateRate());
        s.putObject("billing")
                .put("presence", systems.billing().presence())
                .put("extra_account_rate", systems.billing().extraAccountRate())
                .put("crm_link_rate", systems.billing().crmLinkRate())
                .put("tax_id_rate", systems.billing().taxIdRate());
        s.putObject("support")
                .put("presence", systems.support().presence())
                .put("mean_tickets", systems.support().meanTickets());
        s.putObject("ecommerce")
                .put("presence", systems.ecommerce().presence())
                .put("mean_orders", systems.ecommerce().meanOrders())
                .put("ship_to_other_rate", systems.ecommerce().shipToOtherRate());
        s.putObject("web")
                .put("presence", systems.web().presence())
                .put("mean_events", systems.web().meanEvents())
                .put("anonymous_device_rate", systems.web().anonymousDeviceRate())
                .put("identified_event_rate", systems.web().identifiedEventRate());
        s.putObject("consent")
                .put("presence", systems.consent().presence())
                .put("mean_events", systems.consent().meanEvents())
                .put("crm_id_rate", systems.consent().crmIdRate());
        ObjectNode n = root.putObject("noise");
        noise.rates().forEach((k, v) -> n.put(k.key(), v));
        root.putObject("contract_violations")
                .put("rate", violations.rate())
                .put("malformed_lines", violations.malformedLines());
        return root;
    }

    int parts() {
        return (int) ((persons + (long) partSize - 1) / partSize);
    }

    private static LocalDate date(String text) {
        try {
            return LocalDate.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new ConfigReader.InvalidSetting("as_of", "expected a date like 2026-11-01 but was '" + text + "'");
        }
    }
}
