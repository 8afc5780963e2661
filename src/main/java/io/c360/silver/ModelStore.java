package io.c360.silver;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.c360.C360Exception;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Trained model parameters as versioned artefacts ({@code <lake>/silver/_model/model-v<N>.json}).
 * A later run reuses the newest one when it was trained for the same comparisons; a changed
 * comparison definition (or an explicit request) trains a new version. Old versions are kept.
 *
 * <p>Beside each version, {@code term-frequencies-v<N>} (Parquet: {@code column, value, tf}) holds
 * the term frequencies scoring uses with it, frozen like u: population statistics that moved with
 * every new record would change the score of pairs no new record touches, and an incremental run
 * could not equal a rebuild.
 */
public final class ModelStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One saved model: its version, when and for which comparison definition it was trained. */
    public record Artefact(
            @JsonProperty("version") int version,
            @JsonProperty("trained_at") String trainedAt,
            @JsonProperty("comparisons_fingerprint") String comparisonsFingerprint,
            @JsonProperty("parameters") FellegiSunter.Parameters parameters) {}

    private final Path folder;
    private final Configuration hadoop;

    public ModelStore(String lakeRoot, Configuration hadoop) {
        this.folder = new Path(lakeRoot + "/silver/_model");
        this.hadoop = hadoop;
    }

    /**
     * A fingerprint of what the parameters depend on: the comparisons and their levels, the node
     * attributes they may read, and the rules (their checks against the data are saved with them).
     */
    public static String fingerprint(MatchingConfig config) {
        StringBuilder b = new StringBuilder();
        config.nodeAttributes()
                .forEach(a ->
                        b.append(a.name()).append('=').append(a.expression()).append('\n'));
        // Every rule is checked against the data at training and the checks are saved with the model:
        // a changed rule is checked again by a new model.
        config.cannotLinkRules().forEach(r -> b.append("veto ").append(rule(r)).append('\n'));
        config.linkRules().forEach(r -> b.append("link ").append(rule(r)).append('\n'));
        config.modelLinkRequires()
                .forEach(r -> b.append("requires ").append(rule(r)).append('\n'));
        if (config.model().emWithoutBlockedComparisons()) {
            config.blocking()
                    .forEach(r -> b.append("blocking ")
                            .append(r.name())
                            .append('=')
                            .append(r.keys())
                            .append('\n'));
        }
        for (MatchingConfig.Comparison c : config.comparisons()) {
            b.append(c.name()).append('|').append(c.nullWhen());
            // u_from_value_counts only when set, so that a model trained before the key existed is still reused.
            c.levels()
                    .forEach(l -> b.append('|')
                            .append(l.name())
                            .append('=')
                            .append(l.when().orElse(""))
                            .append(l.tf().orElse(""))
                            .append(l.uFromValueCounts()
                                    .map(k -> " u_from_value_counts=" + k)
                                    .orElse("")));
            b.append('\n');
        }
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(b.toString().getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rule(MatchingConfig.PairRule r) {
        return r.name() + "=" + r.when() + (r.enforced() ? " enforce: always" : "");
    }

    /** The newest artefact trained for this fingerprint, if any. */
    public Optional<Artefact> latest(String fingerprint) {
        return versions().stream()
                .filter(a -> a.comparisonsFingerprint().equals(fingerprint))
                .reduce((a, b) -> b);
    }

    /** Saves parameters as the next version. */
    public Artefact save(String fingerprint, FellegiSunter.Parameters parameters) {
        int next = versions().stream().mapToInt(Artefact::version).max().orElse(0) + 1;
        Artefact a = new Artefact(next, Instant.now().toString(), fingerprint, parameters);
        Path file = new Path(folder, "model-v" + next + ".json");
        try (OutputStream out = file.getFileSystem(hadoop).create(file, false)) {
            JSON.writeValue(out, a);
        } catch (IOException e) {
            throw new C360Exception("cannot save the trained model to " + file + ": " + e.getMessage(), e);
        }
        return a;
    }

    /** The term frequencies frozen with model {@code version} ({@code column, value, tf}), if saved. */
    public Optional<Dataset<Row>> termFrequencies(SparkSession spark, int version) {
        Path location = termFrequenciesLocation(version);
        try {
            if (!location.getFileSystem(hadoop).exists(new Path(location, "_SUCCESS"))) {
                return Optional.empty();
            }
        } catch (IOException e) {
            throw new C360Exception("cannot read " + location + ": " + e.getMessage(), e);
        }
        return Optional.of(spark.read().parquet(location.toString()));
    }

    /** Freezes term frequencies ({@code column, value, tf}) with model {@code version}; returns them as saved. */
    public Dataset<Row> saveTermFrequencies(int version, Dataset<Row> termFrequencies) {
        Path location = termFrequenciesLocation(version);
        termFrequencies
                .select("column", "value", "tf")
                .write()
                .mode("overwrite")
                .parquet(location.toString());
        return termFrequencies.sparkSession().read().parquet(location.toString());
    }

    private Path termFrequenciesLocation(int version) {
        return new Path(folder, "term-frequencies-v" + version);
    }

    /** All saved versions, oldest first. */
    public List<Artefact> versions() {
        List<Artefact> out = new ArrayList<>();
        try {
            FileSystem fs = folder.getFileSystem(hadoop);
            if (!fs.exists(folder)) {
                return out;
            }
            for (FileStatus s : fs.listStatus(folder, p -> p.getName().matches("model-v\\d+\\.json"))) {
                try (InputStream in = fs.open(s.getPath())) {
                    out.add(JSON.readValue(in, Artefact.class));
                }
            }
        } catch (IOException e) {
            throw new C360Exception("cannot read trained models in " + folder + ": " + e.getMessage(), e);
        }
        out.sort((a, b) -> Integer.compare(a.version(), b.version()));
        return out;
    }
}
