package io.c360.silver;

import io.c360.C360Exception;
import io.c360.config.C360Config;
import io.c360.lake.LocalCsv;
import io.c360.silver.survivorship.SurvivorshipRules;
import io.c360.standardize.Standardization;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The silver layer's declarative files, from one folder: {@code identity.yaml} (source mappings and
 * standardization), {@code matching.yaml} (blocking, comparisons, model, rules) and
 * {@code survivorship.yaml} (golden-record rules).
 */
public record SilverConfig(
        Path folder, IdentityConfig identity, MatchingConfig matching, SurvivorshipRules survivorship) {
    /** Rounds connected components may take before the run stops with an error. */
    public int maxClusterIterations() {
        return 60;
    }

    /** Components up to this many identities are checked pair by pair against the cannot-link rules. */
    public int maxVetoCheckComponent() {
        return 2000;
    }

    /**
     * The silver folder of a run configuration, with the standardization settings its
     * {@code standardize:} section replaces.
     */
    public static SilverConfig of(C360Config config) {
        SilverConfig silver = load(config.requireSilverFolder());
        return config.definitions()
                .standardize()
                .map(overrides -> new SilverConfig(
                        silver.folder(),
                        new IdentityConfig(
                                Standardization.overridden(
                                        silver.folder().resolve("identity.yaml"), config.file(), overrides),
                                silver.identity().sources()),
                        silver.matching(),
                        silver.survivorship()))
                .orElse(silver);
    }

    public static SilverConfig load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new C360Exception(
                    folder
                            + ": silver definitions folder not found (expected identity.yaml, matching.yaml, survivorship.yaml)");
        }
        IdentityConfig identity = IdentityConfig.load(folder.resolve("identity.yaml"));
        Path matching = folder.resolve("matching.yaml");
        return new SilverConfig(
                folder,
                identity,
                MatchingConfig.load(matching).over(identity.attributes(), matching.toString()),
                SurvivorshipRules.load(folder.resolve("survivorship.yaml")));
    }

    /**
     * The nickname table ({@code nickname, canonical}); empty when none is configured. Read on the
     * driver: the definitions folder need not exist on the executors' machines.
     */
    public Dataset<Row> nicknames(SparkSession spark) {
        return identity.standardization()
                .nicknames()
                .map(p -> {
                    if (!Files.isRegularFile(p)) {
                        throw new C360Exception(
                                p + ": nickname table not found (standardize.nicknames in identity.yaml)");
                    }
                    return LocalCsv.read(spark, p).select("nickname", "canonical");
                })
                .orElseGet(() -> emptyTable(spark, "nickname", "canonical"));
    }

    /** A table with no rows and the given string columns (a first run has no previous ids, no decisions). */
    static Dataset<Row> emptyTable(SparkSession spark, String... columns) {
        String[] casts = java.util.Arrays.stream(columns)
                .map(c -> "CAST(NULL AS STRING) AS " + c)
                .toArray(String[]::new);
        return spark.emptyDataFrame().selectExpr(casts);
    }
}
