package io.c360.quality;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.bronze.Lineage;
import io.c360.bronze.SourceContract;
import io.c360.config.C360Config;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.silver.Blocking;
import io.c360.silver.IdentityRecords;
import io.c360.silver.Matcher;
import io.c360.silver.SilverConfig;
import io.c360.silver.identity.StableIds;
import io.c360.silver.survivorship.Survivorship;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shipped bronze/, silver/ and gold/ quality.yaml parse, and every column they name exists, with a
 * fitting type, in the tables the pipeline writes (schemas derived from the contracts and the silver
 * code without running anything heavy; gold's as specified for the gold stage).
 */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class ShippedQualityFilesTest {
    private final SparkSession spark;
    private final C360Config config = C360Config.load(Path.of(C360Config.DEFAULT_FILE));

    ShippedQualityFilesTest(SparkSession spark) {
        this.spark = spark;
    }

    private QualityGate shipped(Optional<Path> folder) {
        return QualityGate.load(folder.orElseThrow().resolve("quality.yaml"));
    }

    private static void assertFits(QualityGate gate, Map<TableName, StructType> schemas) {
        assertEquals(schemas.keySet(), Set.copyOf(gate.tables()));
        for (TableChecks t : gate.declared()) {
            for (QualityCheck check : t.checks()) {
                assertEquals(
                        Optional.empty(), check.unsuitableFor(schemas.get(t.table())), t.table() + ": " + check.name());
                if (check instanceof QualityCheck.Reference r && schemas.containsKey(r.target())) {
                    assertTrue(
                            Arrays.asList(schemas.get(r.target()).fieldNames()).contains(r.targetColumn()),
                            t.table() + ": " + check.name());
                }
            }
        }
    }

    private static StructType bronzeSchema(SourceContract contract) {
        StructType schema = new StructType();
        for (SourceContract.Column c : contract.columns()) {
            schema = schema.add(c.name(), c.type().sparkType());
        }
        return schema.add(Lineage.RESCUED, DataTypes.StringType)
                .add(Lineage.SOURCE_SYSTEM, DataTypes.StringType)
                .add(Lineage.SOURCE_FILE, DataTypes.StringType)
                .add(Lineage.SOURCE_ROW, DataTypes.LongType)
                .add(Lineage.BATCH_ID, DataTypes.StringType)
                .add(Lineage.INGESTED_AT, DataTypes.TimestampType)
                .add(Lineage.ROW_HASH, DataTypes.StringType);
    }

    private static List<String> allowedValues(QualityGate gate, TableName table, String column) {
        return gate.declared().stream()
                .filter(t -> t.table().equals(table))
                .flatMap(t -> t.checks().stream())
                .flatMap(c ->
                        c instanceof QualityCheck.AllowedValues v && v.column().equals(column)
                                ? Stream.of(v.allowed())
                                : Stream.empty())
                .findFirst()
                .orElseThrow();
    }

    @Test
    void bronzeChecksFitTheContractsAndLineageOfEveryConfiguredSource() {
        Map<TableName, StructType> schemas = new LinkedHashMap<>();
        config.sources()
                .forEach(s -> schemas.put(TableName.bronze(s.name()), bronzeSchema(SourceContract.load(s.contract()))));

        assertFits(shipped(config.definitions().bronze()), schemas);
    }

    @Test
    void silverChecksFitTheTablesTheSilverJobWrites() {
        SilverConfig silver = SilverConfig.load(config.requireSilverFolder());
        Dataset<Row> nicknames = IdentityRecords.nicknameIndex(silver.nicknames(spark));
        Dataset<Row> records = null;
        for (var e : silver.identity().sources().entrySet()) {
            C360Config.SourceConfig source = config.source(e.getKey()).orElseThrow();
            Dataset<Row> bronze =
                    spark.createDataFrame(List.of(), bronzeSchema(SourceContract.load(source.contract())));
            Dataset<Row> mapped = IdentityRecords.of(
                    bronze,
                    e.getKey(),
                    source.system(),
                    e.getValue(),
                    silver.identity().standardization(),
                    nicknames);
            records = records == null ? mapped : records.unionByName(mapped);
        }
        Dataset<Row> golden = Survivorship.golden(
                records.withColumn(Survivorship.CUSTOMER_ID, lit(null).cast("string")), silver.survivorship());
        Map<TableName, StructType> schemas = Map.of(
                TableCatalog.IDENTITY_RECORDS, records.schema(),
                TableCatalog.CUSTOMER_ID_MAP,
                        new StructType()
                                .add(StableIds.RECORD_KEY, DataTypes.StringType)
                                .add(StableIds.CUSTOMER_ID, DataTypes.StringType),
                TableCatalog.GOLDEN_RECORDS, golden.schema(),
                TableCatalog.SCORED_PAIRS,
                        new StructType()
                                .add(Blocking.LEFT, DataTypes.StringType)
                                .add(Blocking.RIGHT, DataTypes.StringType)
                                .add("match_probability", DataTypes.DoubleType)
                                .add("decision", DataTypes.StringType));
        QualityGate gate = shipped(config.definitions().silver());

        assertFits(gate, schemas);
        assertEquals(
                silver.identity().sources().keySet(),
                Set.copyOf(allowedValues(gate, TableCatalog.IDENTITY_RECORDS, "source")));
        assertEquals(
                Set.of(
                        Matcher.LINKED,
                        Matcher.LINKED_BY_RULE,
                        Matcher.REVIEW,
                        Matcher.NON_LINK,
                        Matcher.VETOED,
                        Matcher.LINKED_BY_STEWARD,
                        Matcher.NON_LINK_BY_STEWARD),
                Set.copyOf(allowedValues(gate, TableCatalog.SCORED_PAIRS, "decision")));
    }
}
