package io.c360.workbench;

import static org.apache.spark.sql.functions.col;

import io.c360.access.Masking;
import io.c360.lake.TableCatalog;
import io.c360.silver.Explanation;
import io.c360.steward.Stewardship;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What the workbench shows a steward of a role: every identity attribute of a kind the role does not
 * see in clear replaced by its mask ({@link Masking}, the one definition {@code c360 sql}, {@code export}
 * and {@code serve} use), in records, golden records, search hits and the evidence's compared values.
 * A comparison whose kind is not known (its name is neither an attribute nor a kind) shows its values
 * only to a role that sees every kind the records hold; to others it shows none.
 */
final class Shown {
    private final SparkSession spark;
    private final Masking masking;
    /** The kind of personal data each identity attribute holds (silver's records and golden records). */
    private final Map<String, String> kinds;

    Shown(SparkSession spark, Masking masking) {
        this.spark = spark;
        this.masking = masking;
        Map<String, String> all = new LinkedHashMap<>(masking.kinds(TableCatalog.IDENTITY_RECORDS));
        masking.kinds(TableCatalog.GOLDEN_RECORDS).forEach(all::putIfAbsent);
        this.kinds = Map.copyOf(all);
    }

    Stewardship.PairView pair(Stewardship.PairView p, String role) {
        Masks m = new Masks(role);
        m.record(p.left());
        m.record(p.right());
        p.evidence().ifPresent(m::evidence);
        m.apply();
        return new Stewardship.PairView(
                m.record(p.left()),
                m.record(p.right()),
                p.identical(),
                p.evidence().map(m::evidence),
                p.stewardDecision());
    }

    Stewardship.CustomerView customer(Stewardship.CustomerView c, String role) {
        Masks m = new Masks(role);
        c.golden().forEach(m::golden);
        c.records().forEach(m::record);
        m.apply();
        return new Stewardship.CustomerView(
                c.customerId(),
                c.redirectedFrom(),
                c.golden().stream().map(m::golden).toList(),
                c.records().stream().map(m::record).toList(),
                c.links(),
                c.history(),
                c.consent(),
                c.segments(),
                c.changes());
    }

    List<Stewardship.CustomerHit> hits(List<Stewardship.CustomerHit> hits, String role) {
        Masks m = new Masks(role);
        hits.forEach(m::hit);
        m.apply();
        return hits.stream().map(m::hit).toList();
    }

    /**
     * The masks of one answer: first every value that needs one is collected (pass one), then all are
     * computed in one Spark job ({@link #apply}), then the same calls return the masked values (pass two).
     */
    private final class Masks {
        private final String role;
        private final boolean seesAll;
        private final List<String> valueKinds = new ArrayList<>();
        private final List<String> values = new ArrayList<>();
        private Map<List<String>, String> masked;

        Masks(String role) {
            this.role = role;
            this.seesAll =
                    kinds.values().stream().allMatch(k -> masking.settings().seesInClear(role, k));
        }

        /** The value as the role sees it (pass two), or null after noting it (pass one). */
        private String value(String kind, String value) {
            if (value == null || kind == null || masking.settings().seesInClear(role, kind)) {
                return value;
            }
            if (masked == null) {
                valueKinds.add(kind);
                values.add(value);
                return value;
            }
            return masked.get(List.of(kind, value));
        }

        Stewardship.RecordView record(Stewardship.RecordView r) {
            Map<String, String> attributes = new LinkedHashMap<>();
            r.attributes().forEach((name, v) -> attributes.put(name, value(kinds.get(name), v)));
            return new Stewardship.RecordView(
                    r.recordKey(),
                    r.source(),
                    r.sourceSystem(),
                    r.recordId(),
                    r.customerId(),
                    r.recordTime(),
                    attributes);
        }

        Stewardship.GoldenField golden(Stewardship.GoldenField f) {
            return new Stewardship.GoldenField(
                    f.field(), value(kinds.get(f.field()), f.value()), f.sourceSystem(), f.recordKey());
        }

        Stewardship.CustomerHit hit(Stewardship.CustomerHit h) {
            return new Stewardship.CustomerHit(
                    h.customerId(),
                    value(kinds.get("given_name"), h.name()),
                    h.email().map(e -> value(kinds.get("email"), e)),
                    h.city().map(c -> value(kinds.getOrDefault("city", kinds.get("street")), c)),
                    h.records(),
                    h.sources(),
                    h.matchedOn());
        }

        Explanation.Result evidence(Explanation.Result e) {
            List<Explanation.Step> steps = new ArrayList<>();
            for (Explanation.Step s : e.steps()) {
                String kind = kinds.containsKey(s.comparison())
                        ? kinds.get(s.comparison())
                        : new HashSet<>(kinds.values()).contains(s.comparison()) ? s.comparison() : null;
                String left = kind == null ? (seesAll ? s.left() : null) : value(kind, s.left());
                String right = kind == null ? (seesAll ? s.right() : null) : value(kind, s.right());
                steps.add(new Explanation.Step(
                        s.comparison(), s.level(), s.m(), s.u(), s.weight(), s.termFrequencyAdjustment(), left, right));
            }
            return new Explanation.Result(
                    e.left(),
                    e.right(),
                    e.priorWeight(),
                    steps,
                    e.matchWeight(),
                    e.probability(),
                    e.linkRules(),
                    e.vetoes(),
                    e.decision(),
                    e.rulesNotApplied());
        }

        /** Computes every noted value's mask in one job. */
        void apply() {
            masked = new HashMap<>();
            if (values.isEmpty()) {
                return;
            }
            StructType schema = new StructType();
            List<Column> masks = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                schema = schema.add("v" + i, DataTypes.StringType);
                masks.add(masking.mask(col("v" + i), valueKinds.get(i)).cast(DataTypes.StringType));
            }
            Row row = spark.createDataFrame(List.of(RowFactory.create(values.toArray())), schema)
                    .select(masks.toArray(Column[]::new))
                    .head();
            Set<List<String>> seen = new HashSet<>();
            for (int i = 0; i < values.size(); i++) {
                List<String> key = List.of(valueKinds.get(i), values.get(i));
                if (seen.add(key)) {
                    masked.put(key, row.isNullAt(i) ? null : row.getString(i));
                }
            }
        }
    }
}
