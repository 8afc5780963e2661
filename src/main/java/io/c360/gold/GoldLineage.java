package io.c360.gold;

import io.c360.C360Exception;
import io.c360.bronze.SourceContract;
import io.c360.config.C360Config;
import io.c360.gold.ColumnLineage.Derivation;
import io.c360.gold.ColumnLineage.SourceColumn;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The column lineage of the gold tables on a lake, and the personal data it carries into them.
 *
 * <p>Each table's SQL is analyzed (not run) in a session of its own, with the inputs the gold stage
 * gives it: the lake's tables by name, {@code latest_<source>}, {@code run_context}, and the earlier
 * gold tables by bare name, read from their published folders (so a later table's lineage points at
 * {@code gold.customer_xref}, not past it) or, before the first publication, as their SQL; and
 * {@code household_links}, which the engine forms, as a view of no lake table.
 *
 * <p>Personal data in gold (the {@code pii:} of a column in the catalog): a kind declared in
 * {@code gold/tables.yaml} wins ({@code none}: holds none); otherwise a pass-through of columns of one
 * kind has that kind; a pass-through of columns of several kinds, or a column computed from personal
 * data, must be declared, since only its author knows whether a hash, a flag or a count still tells
 * about the person.
 */
public final class GoldLineage {
    /** The kind that declares a column free of personal data. */
    public static final String NONE = "none";

    private GoldLineage() {}

    /**
     * Each gold table's columns, in output order, with where they come from; {@code reads}: the lake
     * tables each one's SQL reads; {@code unanalyzed}: the tables whose SQL does not analyze on this lake
     * (an input not written yet), with Spark's reason.
     */
    public record Analysis(
            Map<TableName, Map<String, Derivation>> tables,
            Map<TableName, Set<TableName>> reads,
            Map<TableName, String> unanalyzed) {}

    /** Personal data per gold column (only columns that hold some), and the columns that must be declared. */
    public record Pii(Map<TableName, Map<String, String>> kinds, List<String> undeclared) {}

    public static Analysis analyze(Lake lake, C360Config config, GoldDefinitions gold) {
        SparkSession session = lake.spark().newSession();
        Lake own = new Lake(session, lake.root());
        // The names layer.name, in the catalog the sessions share, pointed at this lake whichever lake last
        // registered them; latest_<source> and the other views in this session only.
        GoldJob.registerLatestSources(own, config);
        session.createDataFrame(
                        List.of(RowFactory.create("lineage", Timestamp.from(Instant.EPOCH))),
                        new StructType().add("run_id", DataTypes.StringType).add("as_of", DataTypes.TimestampType))
                .createOrReplaceTempView("run_context");
        // Households are formed by the engine, not by SQL: their view is no lake table, so the columns
        // read from it have no sources. Its columns are those of the table that keeps them.
        Households.Rules.of(gold.folder())
                .map(rules -> TableName.gold(rules.keptIn()))
                .filter(own::exists)
                .ifPresent(kept -> session.createDataFrame(
                                List.of(), own.read(kept).schema())
                        .createOrReplaceTempView(Households.MEMBERS_VIEW));
        Map<TableName, Map<String, Derivation>> tables = new LinkedHashMap<>();
        Map<TableName, Set<TableName>> reads = new LinkedHashMap<>();
        Map<TableName, String> unanalyzed = new LinkedHashMap<>();
        for (GoldDefinitions.Table t : gold.tables()) {
            TableName name = TableName.gold(t.name());
            Dataset<Row> rows;
            try {
                rows = session.sql(t.sql());
            } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes
                unanalyzed.put(
                        name, String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                continue;
            }
            tables.put(name, ColumnLineage.of(rows.queryExecution().analyzed(), lake.root()));
            reads.put(name, ColumnLineage.tablesRead(rows.queryExecution().analyzed(), lake.root()));
            (own.exists(name) ? own.read(name) : rows).createOrReplaceTempView(t.name());
        }
        return new Analysis(tables, reads, unanalyzed);
    }

    /** The lake's tables gold may read, as the catalog knows them: the engine's and the configured sources'. */
    public static TableCatalog sources(C360Config config) {
        List<TableCatalog.Table> contracts = new ArrayList<>();
        for (C360Config.SourceConfig s : config.sources()) {
            contracts.add(SourceContract.load(s.contract()).catalogTable(s.name()));
        }
        return TableCatalog.engine().with(contracts);
    }

    /** The personal data of every gold column, declared or derived from its sources (see the class comment). */
    public static Pii pii(GoldDefinitions gold, Analysis analysis, TableCatalog sources) {
        Map<TableName, Map<String, String>> kinds = new LinkedHashMap<>();
        List<String> undeclared = new ArrayList<>();
        List<TableCatalog.Table> known = new ArrayList<>();
        for (GoldDefinitions.Table t : gold.tables()) {
            TableName name = TableName.gold(t.name());
            Map<String, Derivation> columns = analysis.tables().getOrDefault(name, Map.of());
            TableCatalog catalog = sources.with(known);
            Map<String, String> table = new LinkedHashMap<>();
            for (String column : t.columns().keySet()) {
                Optional<String> declared = Optional.ofNullable(t.pii().get(column));
                Derivation derivation = columns.get(column);
                if (declared.isPresent()) {
                    declared.filter(k -> !k.equals(NONE)).ifPresent(k -> table.put(column, k));
                    continue;
                }
                if (derivation == null) {
                    continue;
                }
                Set<String> passed = kinds(derivation.values(), catalog);
                Set<String> read = kinds(derivation.sources(), catalog);
                if (derivation.passThrough() && passed.size() == 1) {
                    table.put(column, passed.iterator().next());
                } else if (derivation.passThrough() && passed.size() > 1) {
                    undeclared.add(name + "." + column + " passes through personal data of several kinds " + passed
                            + " (from " + new TreeSet<>(describe(derivation.values())) + ")");
                } else if (!derivation.passThrough() && !read.isEmpty()) {
                    undeclared.add(name + "." + column + " is computed from personal data " + read + " (from "
                            + new TreeSet<>(describe(derivation.sources())) + ")");
                }
            }
            kinds.put(name, table);
            known.add(t.catalogTable(table));
        }
        return new Pii(kinds, undeclared);
    }

    /**
     * The catalog of a configuration on its lake: the engine's tables, the sources' contracts, and the gold
     * tables with the personal data their SQL passes through beside what {@code tables.yaml} declares.
     */
    public static TableCatalog catalog(Lake lake, C360Config config) {
        TableCatalog sources = sources(config);
        return config.definitions()
                .gold()
                .filter(g -> Files.isRegularFile(g.resolve("tables.yaml")))
                .map(g -> sources.with(catalogTables(lake, config, GoldDefinitions.load(g))))
                .orElse(sources);
    }

    /** The gold tables as the catalog lists them, with their personal data declared or derived on this lake. */
    public static List<TableCatalog.Table> catalogTables(Lake lake, C360Config config, GoldDefinitions gold) {
        Pii pii = pii(gold, analyze(lake, config, gold), sources(config));
        return gold.tables().stream()
                .map(t -> t.catalogTable(pii.kinds().get(TableName.gold(t.name()))))
                .toList();
    }

    /**
     * Refuses definitions with a gold column whose personal data only its author can name: one computed
     * from personal data, or passing through several kinds, without a {@code pii:} of its own.
     */
    public static void requireDeclared(GoldDefinitions gold, Analysis analysis, TableCatalog sources) {
        List<String> undeclared = pii(gold, analysis, sources).undeclared();
        if (!undeclared.isEmpty()) {
            throw new C360Exception(gold.folder().resolve("tables.yaml") + ": declare under pii: the kind of personal"
                    + " data (or none) of: " + String.join("; ", undeclared));
        }
    }

    private static Set<String> kinds(Set<SourceColumn> columns, TableCatalog catalog) {
        Set<String> kinds = new TreeSet<>();
        for (SourceColumn c : columns) {
            catalog.table(c.table()).stream()
                    .flatMap(t -> t.columns().stream())
                    .filter(col -> col.name().equals(c.column()))
                    .findFirst()
                    .flatMap(TableCatalog.Column::pii)
                    .ifPresent(kinds::add);
        }
        return kinds;
    }

    private static List<String> describe(Set<SourceColumn> columns) {
        return columns.stream().map(SourceColumn::toString).toList();
    }
}
