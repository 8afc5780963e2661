package io.c360.gold;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.c360.C360Exception;
import io.c360.config.C360Config;
import io.c360.config.ConfigReader;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.silver.cluster.ConnectedComponents;
import io.c360.silver.identity.StableIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Households: customers who share a home, formed from the evidence declared in {@code gold/households.yaml}.
 *
 * <p>Each piece of evidence is a query returning {@code customer_id, value} (an address, a phone, a mailbox,
 * a billing account). A value held by two or more different customers, and by no more than the evidence's
 * {@code max_customers}, links them; a value held by more (an apartment block's street address without a
 * unit, a company switchboard) is no evidence of a home and is only counted in the report, so households
 * never chain through it. Households are the connected components of these links over every customer
 * ({@link ConnectedComponents}, as silver's clusters); a customer no value links is a household alone.
 * Household ids are kept across runs as customer ids are ({@link StableIds}: by overlap with the previous
 * run's members, new ones {@code H} + 16 hex digits of a hash of the smallest member's customer id).
 *
 * <p>The gold SQL reads the result through the view {@value #MEMBERS_VIEW} ({@code customer_id,
 * household_id, evidence}: the kinds of evidence that linked the customer to another member); the report
 * ({@link TableCatalog#HOUSEHOLD_REPORT}: per kind of evidence, the values that linked customers, those over
 * the cap and their customers; never a value itself) is published beside the gold tables.
 */
public final class Households {
    public static final String FILE = "households.yaml";
    public static final String MEMBERS_VIEW = "household_links";
    /** The report's columns in order, with their comments. */
    public static final Map<String, String> REPORT_COLUMNS = reportColumns();

    static final String ID_PREFIX = "H";
    private static final int MAX_ROUNDS = 100;
    private static final String EVIDENCE = "evidence";
    private static final String VALUE = "value";
    private static final String CUSTOMER_ID = "customer_id";
    private static final String HOUSEHOLD_ID = "household_id";
    private static final String CUSTOMERS = "customers";
    private static final String HUB = "hub";
    private static final String CAP = "cap";

    private Households() {}

    /** One kind of evidence: a query returning {@code customer_id, value}, and how many customers one value may link. */
    public record Evidence(String name, String sql, int maxCustomers) {}

    /**
     * {@code households.yaml}: who may belong to a household ({@code customers}: a query returning
     * {@code customer_id}), the evidence, and the gold table that publishes each customer's {@code household_id}
     * ({@code kept_in}), whose published rows are the ids the next run keeps.
     */
    public record Rules(Path file, String customers, List<Evidence> evidence, String keptIn) {
        public Rules {
            evidence = List.copyOf(evidence);
        }

        /** The rules of a gold folder, if it declares households. */
        public static Optional<Rules> of(Path goldFolder) {
            Path file = goldFolder.resolve(FILE);
            return Files.exists(file) ? Optional.of(load(file)) : Optional.empty();
        }

        public static Rules load(Path file) {
            RulesFile f = ConfigReader.read(file, RulesFile.class);
            return new Rules(file, f.customers(), f.evidence(), f.keptIn());
        }
    }

    private record RulesFile(String customers, List<Evidence> evidence, String keptIn) {
        @JsonCreator
        static RulesFile of(
                @JsonProperty("customers") String customers,
                @JsonProperty("max_customers") Integer maxCustomers,
                @JsonProperty("kept_in") String keptIn,
                @JsonProperty("evidence") List<EvidenceEntry> evidence) {
            int cap = positive(ConfigReader.required(maxCustomers, "max_customers"), "max_customers");
            List<EvidenceEntry> declared = ConfigReader.required(evidence, EVIDENCE);
            if (declared.isEmpty()) {
                throw new ConfigReader.InvalidSetting(EVIDENCE, "expected at least one kind of evidence");
            }
            Set<String> names = new HashSet<>();
            List<Evidence> kinds = new ArrayList<>();
            for (int i = 0; i < declared.size(); i++) {
                EvidenceEntry e = declared.get(i);
                if (!names.add(e.name())) {
                    throw new ConfigReader.InvalidSetting(
                            "evidence[" + i + "].name", "evidence '" + e.name() + "' is declared twice");
                }
                kinds.add(new Evidence(
                        e.name(),
                        e.sql(),
                        e.maxCustomers() == null
                                ? cap
                                : positive(e.maxCustomers(), "evidence[" + i + "].max_customers")));
            }
            return new RulesFile(
                    ConfigReader.required(customers, CUSTOMERS), kinds, ConfigReader.required(keptIn, "kept_in"));
        }
    }

    private record EvidenceEntry(String name, String sql, Integer maxCustomers) {
        @JsonCreator
        static EvidenceEntry of(
                @JsonProperty("name") String name,
                @JsonProperty("sql") String sql,
                @JsonProperty("max_customers") Integer maxCustomers) {
            ConfigReader.required(name, "name");
            if (!name.matches("[a-z][a-z0-9_]*")) {
                throw new ConfigReader.InvalidSetting(
                        "name", "expected lower-case letters, digits and _ but was '" + name + "'");
            }
            return new EvidenceEntry(name, ConfigReader.required(sql, "sql"), maxCustomers);
        }
    }

    private static int positive(int value, String key) {
        // two: a value one customer holds links nobody
        if (value < 2) {
            throw new ConfigReader.InvalidSetting(key, "expected 2 or more customers but was " + value);
        }
        return value;
    }

    /** The households formed: {@link #MEMBERS_VIEW}'s rows and the report. */
    public record Formed(Dataset<Row> members, Dataset<Row> report) {
        /** Registers the members as the view the gold SQL reads. */
        void register() {
            members.createOrReplaceTempView(MEMBERS_VIEW);
        }
    }

    private static Map<String, String> reportColumns() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(EVIDENCE, "Kind of evidence (gold/households.yaml)");
        c.put("max_customers", "The most customers one value may link");
        c.put("linking_values", "Values held by 2 to max_customers customers, which linked them");
        c.put("linked_customers", "Customers those values hold, counted once per value");
        c.put("capped_values", "Values held by more than max_customers customers: no evidence");
        c.put("capped_customers", "Customers those values hold, counted once per value");
        c.put("largest_capped", "Customers of the largest capped value (null when none)");
        return Collections.unmodifiableMap(c);
    }

    /**
     * Forms the households from the rules' queries (run on {@code spark}, which must see the tables they read).
     *
     * @param previous the previous run's {@code customer_id, household_id}, if any: the ids to keep
     */
    public static Formed form(SparkSession spark, Rules rules, Optional<Dataset<Row>> previous, String runId) {
        Dataset<Row> customers = customers(spark, rules);
        Dataset<Row> held = held(spark, rules, customers).localCheckpoint(true);
        Column cap = lit(null).cast(DataTypes.IntegerType);
        for (Evidence e : rules.evidence()) {
            cap = when(col(EVIDENCE).equalTo(e.name()), lit(e.maxCustomers())).otherwise(cap);
        }
        Dataset<Row> shared = held.groupBy(EVIDENCE, VALUE)
                .agg(count(lit(1)).as(CUSTOMERS), min(CUSTOMER_ID).as(HUB))
                .where(col(CUSTOMERS).geq(2))
                .withColumn(CAP, cap)
                .localCheckpoint(true);
        Dataset<Row> linking = shared.where(col(CUSTOMERS).leq(col(CAP)));
        Dataset<Row> links = held.join(linking, new String[] {EVIDENCE, VALUE}, "inner");
        Dataset<Row> components = ConnectedComponents.of(
                customers.select(col(CUSTOMER_ID).as(ConnectedComponents.RECORD_KEY)),
                links.select(col(HUB).as("l"), col(CUSTOMER_ID).as("r")),
                MAX_ROUNDS);
        Dataset<Row> before = previous.map(p -> p.select(
                        col(CUSTOMER_ID).as(StableIds.RECORD_KEY),
                        col(HOUSEHOLD_ID).as(StableIds.CUSTOMER_ID)))
                .orElseGet(() -> spark.createDataFrame(
                        List.of(),
                        new StructType()
                                .add(StableIds.RECORD_KEY, DataTypes.StringType)
                                .add(StableIds.CUSTOMER_ID, DataTypes.StringType)));
        Dataset<Row> ids = StableIds.assign(
                        components.select(
                                col(ConnectedComponents.RECORD_KEY).as(StableIds.RECORD_KEY),
                                col(ConnectedComponents.COMPONENT).as(StableIds.CLUSTER)),
                        before,
                        runId,
                        ID_PREFIX,
                        "household")
                .idMap();
        Dataset<Row> evidence =
                links.groupBy(CUSTOMER_ID).agg(array_sort(collect_set(EVIDENCE)).as(EVIDENCE));
        Dataset<Row> members = ids.select(
                        col(StableIds.RECORD_KEY).as(CUSTOMER_ID),
                        col(StableIds.CUSTOMER_ID).as(HOUSEHOLD_ID))
                .join(evidence, new String[] {CUSTOMER_ID}, "left")
                .select(
                        col(CUSTOMER_ID),
                        col(HOUSEHOLD_ID),
                        coalesce(col(EVIDENCE), array().cast("array<string>")).as(EVIDENCE))
                .localCheckpoint(true);
        return new Formed(members, report(spark, rules, shared));
    }

    /** The customers who may belong to a household ({@code customers}): {@code customer_id}. */
    private static Dataset<Row> customers(SparkSession spark, Rules rules) {
        return query(spark, rules, CUSTOMERS, rules.customers(), List.of(CUSTOMER_ID))
                .select(col(CUSTOMER_ID).cast(DataTypes.StringType).as(CUSTOMER_ID))
                .where(col(CUSTOMER_ID).isNotNull())
                .distinct();
    }

    /** The evidence the customers hold, before any cap: {@code evidence, customer_id, value}, one row per distinct value. */
    private static Dataset<Row> held(SparkSession spark, Rules rules, Dataset<Row> customers) {
        Dataset<Row> values = null;
        for (Evidence e : rules.evidence()) {
            Dataset<Row> kind = query(spark, rules, "evidence " + e.name(), e.sql(), List.of(CUSTOMER_ID, VALUE))
                    .select(
                            lit(e.name()).as(EVIDENCE),
                            col(CUSTOMER_ID).cast(DataTypes.StringType).as(CUSTOMER_ID),
                            col(VALUE).cast(DataTypes.StringType).as(VALUE));
            values = values == null ? kind : values.unionByName(kind);
        }
        // Only the customers who may belong to a household hold evidence.
        return values.where(col(VALUE).isNotNull())
                .join(customers, CUSTOMER_ID, "left_semi")
                .distinct();
    }

    /** Per kind of evidence, in declared order: what linked customers and what was over its cap. */
    private static Dataset<Row> report(SparkSession spark, Rules rules, Dataset<Row> shared) {
        Column over = col(CUSTOMERS).gt(col(CAP));
        Dataset<Row> figures = shared.groupBy(EVIDENCE)
                .agg(
                        count(when(not(over), lit(1))).as("linking_values"),
                        coalesce(sum(when(not(over), col(CUSTOMERS))), lit(0L)).as("linked_customers"),
                        count(when(over, lit(1))).as("capped_values"),
                        coalesce(sum(when(over, col(CUSTOMERS))), lit(0L)).as("capped_customers"),
                        max(when(over, col(CUSTOMERS))).as("largest_capped"));
        Dataset<Row> kinds = spark.createDataFrame(
                rules.evidence().stream()
                        .map(e -> RowFactory.create(e.name(), e.maxCustomers()))
                        .toList(),
                new StructType().add(EVIDENCE, DataTypes.StringType).add("max_customers", DataTypes.IntegerType));
        return kinds.join(figures, new String[] {EVIDENCE}, "left")
                .select(
                        col(EVIDENCE),
                        col("max_customers"),
                        coalesce(col("linking_values"), lit(0L)).as("linking_values"),
                        coalesce(col("linked_customers"), lit(0L)).as("linked_customers"),
                        coalesce(col("capped_values"), lit(0L)).as("capped_values"),
                        coalesce(col("capped_customers"), lit(0L)).as("capped_customers"),
                        col("largest_capped"))
                .localCheckpoint(true);
    }

    /**
     * The households of some customers, as published ({@code kept_in}): what {@link #afterErasure} recomputes
     * once their rows are gone. None when gold declares no households or has not published them.
     */
    public static List<String> ofCustomers(Lake lake, GoldDefinitions gold, Set<String> customers) {
        Optional<Rules> rules = Rules.of(gold.folder());
        if (rules.isEmpty()
                || customers.isEmpty()
                || !lake.exists(TableName.gold(rules.get().keptIn()))) {
            return List.of();
        }
        return lake.read(TableName.gold(rules.get().keptIn()))
                .where(col(CUSTOMER_ID).isin(customers.toArray()))
                .select(HOUSEHOLD_ID)
                .distinct()
                .as(Encoders.STRING())
                .collectAsList();
    }

    /**
     * After an erasure deleted customers' rows, the gold tables that describe their households are recomputed
     * by their SQL from the published gold tables, as of the last publication's moment: those keyed by
     * {@code household_id} ({@code gold.household}) for these households, and those per customer that read the
     * households ({@code customer_360}'s household size and revenue) for the members left in them. So no
     * figure keeps the erased member (a count, a revenue, a shared contact) and a household left without
     * members goes. The other rows are not touched. Returns the rows each such table holds now for them.
     */
    public static Map<String, Long> afterErasure(
            Lake lake, C360Config config, GoldDefinitions gold, List<String> households) {
        Map<String, Long> rows = new LinkedHashMap<>();
        Optional<Rules> rules = Rules.of(gold.folder());
        if (households.isEmpty() || rules.isEmpty()) {
            return rows;
        }
        SparkSession spark = lake.spark();
        GoldJob.registerLatestSources(lake, config);
        GoldJob.lastPublication(lake)
                .ifPresent(p -> GoldJob.registerRunContext(spark, p.runId(), java.time.Instant.parse(p.asOf())));
        for (GoldDefinitions.Table t : gold.tables()) {
            TableName name = TableName.gold(t.name());
            if (lake.exists(name)) {
                lake.read(name).createOrReplaceTempView(t.name());
            }
        }
        String keptIn = rules.get().keptIn();
        Dataset<Row> affected =
                spark.createDataset(households, Encoders.STRING()).toDF(HOUSEHOLD_ID);
        Dataset<Row> members = spark.table(keptIn)
                .join(affected, HOUSEHOLD_ID, "left_semi")
                .select(CUSTOMER_ID)
                .localCheckpoint(true);
        for (GoldDefinitions.Table t : gold.tables()) {
            TableName name = TableName.gold(t.name());
            boolean byHousehold = t.key().equals(List.of(HOUSEHOLD_ID));
            boolean byMember = !byHousehold
                    && !t.name().equals(keptIn)
                    && t.customerColumn().isPresent()
                    && GoldJob.names(t.sql().toLowerCase(Locale.ROOT), keptIn);
            if (!(byHousehold || byMember) || !lake.exists(name)) {
                continue;
            }
            String column = byHousehold ? HOUSEHOLD_ID : t.customerColumn().orElseThrow();
            Dataset<Row> owners = byHousehold ? affected : members;
            Dataset<Row> computed;
            try {
                computed = spark.sql(t.sql());
            } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes
                throw new C360Exception(t.sqlFile() + ": " + firstLine(e.getMessage()), e);
            }
            Dataset<Row> theirs = GoldJob.withComments(GoldJob.forCustomers(computed, column, owners), t.columns())
                    .localCheckpoint(true);
            lake.publishOwned(name, theirs, t.key(), t.description(), column, owners);
            // The tables after it read the rows just published.
            lake.read(name).createOrReplaceTempView(t.name());
            rows.put(name.toString(), theirs.count());
        }
        return rows;
    }

    /** Runs one of the rules' queries, which must return the expected columns; errors name the file and the query. */
    private static Dataset<Row> query(SparkSession spark, Rules rules, String what, String sql, List<String> expected) {
        Dataset<Row> rows;
        try {
            rows = spark.sql(sql);
        } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes
            throw new C360Exception(rules.file() + ": " + what + ": " + firstLine(e.getMessage()), e);
        }
        if (!Arrays.asList(rows.columns()).equals(expected)) {
            throw new C360Exception(rules.file() + ": " + what + ": returns columns " + Arrays.asList(rows.columns())
                    + " but expected " + expected);
        }
        return rows;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
