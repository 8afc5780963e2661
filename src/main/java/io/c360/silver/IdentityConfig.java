package io.c360.silver;

import io.c360.C360Exception;
import io.c360.config.YamlNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code silver/identity.yaml}: how sources map to identity attributes (Spark SQL expressions over
 * their columns) and how those attributes are standardized.
 */
public record IdentityConfig(Standardization standardization, Map<String, SourceMapping> sources) {

    /** The identity attributes a source may map. */
    public static final List<String> ATTRIBUTES = List.of(
            "given_name",
            "surname",
            "full_name",
            "birth_date",
            "email",
            "phone",
            "street",
            "city",
            "state",
            "postcode",
            "national_id",
            "crm_id");

    /** Kinds of values with a junk blocklist ({@code name} covers given name and surname). */
    public static final List<String> JUNK_KINDS =
            List.of("name", "email", "phone", "street", "national_id", "birth_date");

    /**
     * Options of standardization; {@code junk} lists placeholders per attribute, compared in {@link Standardize#text}
     * form; {@code emailDomains} are the mail domains a mistyped domain is corrected to (none: no correction).
     */
    public record Standardization(
            String phoneRegion,
            boolean canonicalEmail,
            List<String> emailDomains,
            List<String> dateFormats,
            Optional<Path> nicknames,
            Map<String, String> streetAbbreviations,
            Map<String, List<String>> junk) {

        public List<String> junk(String attribute) {
            return junk.getOrDefault(attribute, List.of());
        }

        public static Standardization defaults() {
            return new Standardization(
                    "US",
                    true,
                    List.of(),
                    List.of("yyyy-MM-dd", "MM/dd/yyyy", "dd.MM.yyyy", "yyyyMMdd"),
                    Optional.empty(),
                    Map.of(),
                    Map.of());
        }
    }

    /**
     * One source's mapping: expressions for record_id, record_time, a row filter and the attributes.
     * {@code ownedBy} names the attribute that identifies whose record it is when the others may
     * describe someone else (an order's buyer e-mail beside the ship-to name and address of a gift
     * recipient); matching rules see it as {@code owned_by} on records where that attribute is present.
     */
    public record SourceMapping(
            String recordId,
            Optional<String> recordTime,
            Optional<String> where,
            Map<String, String> attributes,
            Optional<String> ownedBy) {
        public SourceMapping {
            attributes = Map.copyOf(attributes);
        }

        public SourceMapping(
                String recordId, Optional<String> recordTime, Optional<String> where, Map<String, String> attributes) {
            this(recordId, recordTime, where, attributes, Optional.empty());
        }
    }

    public IdentityConfig {
        sources = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    }

    public static IdentityConfig load(Path file) {
        YamlNode root = YamlNode.load(file);
        Path base = file.toAbsolutePath().getParent();
        Standardization std =
                root.optChild("standardize").map(s -> standardization(s, base)).orElse(Standardization.defaults());
        Map<String, SourceMapping> sources = new LinkedHashMap<>();
        YamlNode sourcesNode = root.child("sources");
        for (String name : sourcesNode.keys()) {
            sources.put(name, mapping(sourcesNode.child(name)));
        }
        sourcesNode.finish();
        root.finish();
        return new IdentityConfig(std, sources);
    }

    static Standardization standardization(YamlNode s, Path base) {
        Map<String, List<String>> junk = new LinkedHashMap<>();
        s.optChild("junk").ifPresent(j -> {
            for (String attribute : j.keys()) {
                if (!JUNK_KINDS.contains(attribute)) {
                    throw j.error(attribute, "unknown kind of value; expected one of " + String.join(", ", JUNK_KINDS));
                }
                junk.put(attribute, j.textList(attribute));
            }
            j.finish();
        });
        Standardization std = new Standardization(
                s.text("phone_region", "US").toUpperCase(),
                s.bool("canonical_email", true),
                s.has("email_domains")
                        ? s.textList("email_domains").stream()
                                .map(d -> d.trim().toLowerCase())
                                .toList()
                        : List.of(),
                s.has("date_formats")
                        ? s.textList("date_formats")
                        : Standardization.defaults().dateFormats(),
                s.optText("nicknames").map(n -> base.resolve(n).normalize()),
                s.textMap("street_abbreviations"),
                junk);
        s.finish();
        return std;
    }

    /** A mapping: record_id required, record_time, where and owned_by optional, then attribute expressions. */
    public static SourceMapping mapping(YamlNode m) {
        String recordId = m.text("record_id");
        Optional<String> recordTime = m.optText("record_time");
        Optional<String> where = m.optText("where");
        Optional<String> ownedBy = m.optText("owned_by");
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String attribute : ATTRIBUTES) {
            m.optText(attribute).ifPresent(e -> attributes.put(attribute, e));
        }
        m.finish();
        if (attributes.isEmpty()) {
            throw new C360Exception(m.file() + ": " + m.where("") + " maps no identity attribute; expected some of "
                    + String.join(", ", ATTRIBUTES));
        }
        if (ownedBy.isPresent()
                && (!attributes.containsKey(ownedBy.get()) || ownedBy.get().equals("full_name"))) {
            throw m.error(
                    "owned_by",
                    "expected one of the attributes this source maps ("
                            + String.join(
                                    ", ",
                                    attributes.keySet().stream()
                                            .filter(a -> !a.equals("full_name"))
                                            .toList())
                            + ") but was '" + ownedBy.get() + "'");
        }
        return new SourceMapping(recordId, recordTime, where, attributes, ownedBy);
    }
}
