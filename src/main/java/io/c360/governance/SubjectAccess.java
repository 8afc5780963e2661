package io.c360.governance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.c360.C360Exception;
import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A subject access request (GDPR art. 15): one JSON file with everything the lake holds about a
 * person, grouped by table ({@code bronze.*} rows per source, quarantined lines, silver records,
 * golden record, ids and redirects, gold customer, 360 metrics, consent, segments), found exactly
 * as erasure would find it ({@link SubjectSearch}), plus their lines in activation files. The
 * staging copies of gold (the same rows as gold) and the ops tables (no personal data) are left out.
 */
public final class SubjectAccess {
    private final Lake lake;
    private final C360Config config;
    private final Progress progress;

    public SubjectAccess(Lake lake, C360Config config, Progress progress) {
        this.lake = lake;
        this.config = config;
        this.progress = progress;
    }

    /** What was written: rows per table. */
    public record Result(Path file, int customers, int records, Map<String, Long> rowsPerTable) {}

    public Result write(ErasureRequest request, Path out) {
        SubjectSearch search = new SubjectSearch(lake, config);
        Subject subject = search.resolve(request);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        ObjectNode req = root.putObject("request");
        req.put("kind", request.kind().name());
        req.put("value", request.value());
        subject.normalized().ifPresent(n -> req.put("standardized", n));
        root.put("generated_at", Instant.now().toString());
        root.put("lake", lake.root());
        subject.customerIds().stream().sorted().forEach(root.putArray("customer_ids")::add);
        subject.recordKeys().stream().sorted().forEach(root.putArray("record_keys")::add);
        ObjectNode tables = root.putObject("tables");
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Lake.StoredTable t : lake.allTables()) {
            if (t.label().startsWith("_staging.") || t.label().startsWith("ops.")) {
                continue;
            }
            Dataset<Row> rows = lake.readLocation(t.location());
            List<String> found = rows.filter(search.rowsOf(t, rows.schema(), subject))
                    .toJSON()
                    .collectAsList();
            if (found.isEmpty()) {
                continue;
            }
            ArrayNode list = tables.putArray(t.label());
            for (String row : found) {
                try {
                    list.add(json.readTree(row));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            counts.put(t.label(), (long) found.size());
            progress.report(t.label() + ": " + found.size() + " row(s)");
        }
        ObjectNode exports = root.putObject("activation_exports");
        ExportFiles.linesOf(lake, subject).forEach((file, lines) -> exports.set(file, json.valueToTree(lines)));
        root.put(
                "not_included",
                "copies outside the lake (activation files already sent to platforms, backups, the landing "
                        + "folder's original extracts) and the ops tables, which hold no personal data");
        Path target = out.toAbsolutePath();
        Path tmp = target.resolveSibling(target.getFileName() + ".partial");
        try {
            if (target.getParent() != null) {
                Files.createDirectories(target.getParent());
            }
            json.writeValue(tmp.toFile(), root);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new C360Exception(out + ": cannot write the access report (" + e.getMessage() + ")", e);
        }
        return new Result(
                target, subject.customerIds().size(), subject.recordKeys().size(), counts);
    }
}
