package io.c360.silver;

import io.c360.C360Exception;
import io.c360.config.YamlNode;
import io.c360.standardize.Standardization;
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
        Standardization std = root.optChild("standardize")
                .map(s -> Standardization.read(s, base))
                .orElse(Standardization.defaults());
        Map<String, SourceMapping> sources = new LinkedHashMap<>();
        YamlNode sourcesNode = root.child("sources");
        for (String name : sourcesNode.keys()) {
            sources.put(name, mapping(sourcesNode.child(name)));
        }
        sourcesNode.finish();
        root.finish();
        return new IdentityConfig(std, sources);
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
