package io.c360.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.c360.C360Exception;
import io.c360.Concurrently;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTableType;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import scala.Option;

/**
 * All table I/O of the lake: where {@code layer.name} lives ({@code <root>/<layer>/<name>}, a Delta
 * folder), reads, writes and catalog registration. The root is a local folder or an {@code s3a://} URI.
 */
public final class Lake {
    /** In {@link #mergeDifferences}: a row the table holds. */
    private static final String PUBLISHED = "_published";
    /** In {@link #mergeDifferences}: a row to publish. */
    private static final String NEW = "_new";
    /** In {@link #mergeDifferences}: a key the table holds and the new rows lack. */
    private static final String GONE = "_gone";
    /** In {@link #publishOwned}: an owner whose rows are published. */
    private static final String OWNER = "_owner";
    /** In {@link #replace}: the values of the key expressions of a row to delete. */
    private static final String GONE_KEY = "_gone_key_";
    /** {@code rw-------}: for secrets under the lake root. */
    private static final FsPermission OWNER_ONLY = new FsPermission((short) 0600);
    /** For the JSON documents under the lake root ({@link #readJson}, {@link #writeJson}). */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SparkSession spark;
    private final String root;

    /** The lake of a run configuration, on a session built for it ({@link SparkSessions#forConfig}). */
    public static Lake forConfig(io.c360.config.C360Config config) {
        return new Lake(SparkSessions.forConfig(config), config.lakeRoot());
    }

    public Lake(SparkSession spark, String root) {
        this.spark = spark;
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }

    public SparkSession spark() {
        return spark;
    }

    public String root() {
        return root;
    }

    public String location(TableName table) {
        return root + "/" + table.layer() + "/" + table.name();
    }

    public boolean exists(TableName table) {
        return DeltaTable.isDeltaTable(spark, location(table));
    }

    public Dataset<Row> read(TableName table) {
        if (!exists(table)) {
            throw new C360Exception("table " + table + " does not exist yet at " + location(table)
                    + "; run the stage that writes it first");
        }
        return spark.read().format("delta").load(location(table));
    }

    /** Appends rows; the first append creates the table. */
    public void append(TableName table, Dataset<Row> rows) {
        append(table, rows, false);
    }

    /** Appends rows; with {@code mergeSchema} new columns (a contract that grew) are added to the table. */
    public void append(TableName table, Dataset<Row> rows, boolean mergeSchema) {
        rows.write()
                .format("delta")
                .mode("append")
                .option("mergeSchema", String.valueOf(mergeSchema))
                .save(location(table));
        register(table);
    }

    /** Replaces the table's content in one Delta commit (older versions stay readable by time travel). */
    public void overwrite(TableName table, Dataset<Row> rows) {
        rows.write()
                .format("delta")
                .mode("overwrite")
                .option("overwriteSchema", "true")
                .save(location(table));
        register(table);
    }

    /**
     * The table as it was at {@code version}: a read that the writes of the same run do not move (a plain
     * read sees the newest version whenever an action runs).
     */
    public Dataset<Row> read(TableName table, long version) {
        return spark.read().format("delta").option("versionAsOf", version).load(location(table));
    }

    /**
     * Replaces the table's content with {@code rows} in one Delta commit and makes sure it carries the
     * table {@code properties} (set once, by a second commit, when it does not yet).
     */
    public void overwrite(TableName table, Dataset<Row> rows, Map<String, String> properties) {
        overwrite(table, rows);
        var configuration = snapshot(location(table)).metadata().configuration();
        Map<String, String> missing = properties.entrySet().stream()
                .filter(p -> !p.getValue().equals(configuration.getOrElse(p.getKey(), () -> null)))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        if (!missing.isEmpty()) {
            spark.sql("ALTER TABLE delta.`" + location(table) + "` SET TBLPROPERTIES ("
                    + missing.entrySet().stream()
                            .map(p -> sqlString(p.getKey()) + " = " + sqlString(p.getValue()))
                            .collect(Collectors.joining(", "))
                    + ")");
        }
    }

    /**
     * Deletes the rows whose {@code key} equals one of {@code gone} and appends {@code rows}, in one Delta
     * commit (a MERGE whose only matches are the deletions). {@code key} are SQL expressions over the
     * table's columns ({@code record_key}, {@code l.id}); {@code gone} holds their values, one column per
     * expression in the same order, each combination once. The rows have the table's columns. On a table
     * with deletion vectors the deleted rows are marked, not rewritten: the commit costs what changed.
     */
    public void replace(TableName table, List<String> key, Dataset<Row> gone, Dataset<Row> rows) {
        if (gone.columns().length != key.size()) {
            throw new C360Exception("replacing rows of " + table + ": " + key.size() + " key expressions, but the"
                    + " rows to delete have " + gone.columns().length + " columns");
        }
        List<Column> fromRows = new ArrayList<>();
        List<Column> fromGone = new ArrayList<>();
        for (var field : rows.schema().fields()) {
            fromRows.add(col(quote(field.name())));
            fromGone.add(lit(null).cast(field.dataType()).as(field.name()));
        }
        for (int i = 0; i < key.size(); i++) {
            var field = gone.schema().fields()[i];
            fromRows.add(lit(null).cast(field.dataType()).as(GONE_KEY + i));
            fromGone.add(col(quote(field.name())).as(GONE_KEY + i));
        }
        fromRows.add(lit(false).as(GONE));
        fromGone.add(lit(true).as(GONE));
        Dataset<Row> changes =
                rows.select(fromRows.toArray(Column[]::new)).unionByName(gone.select(fromGone.toArray(Column[]::new)));
        StringBuilder on = new StringBuilder("s." + GONE);
        for (int i = 0; i < key.size(); i++) {
            on.append(" AND t.")
                    .append(key.get(i))
                    .append(" = s.")
                    .append(GONE_KEY)
                    .append(i);
        }
        Map<String, String> assignments =
                Arrays.stream(rows.columns()).collect(Collectors.toMap(Lake::quote, c -> "s." + quote(c)));
        DeltaTable.forPath(spark, location(table))
                .as("t")
                .merge(changes.as("s"), on.toString())
                .whenMatched()
                .delete()
                .whenNotMatched("NOT s." + GONE)
                .insertExpr(assignments)
                .execute();
        register(table);
    }

    /**
     * Makes {@code rows} the table's content, merging on {@code key}: changed rows are updated, new rows
     * inserted and rows gone deleted, in one commit, so the table's Change Data Feed (switched on here)
     * shows only real changes; when no row differs nothing is committed. A table whose schema (or column
     * comments) changed is overwritten instead. {@code description} becomes the table comment.
     */
    public void publish(TableName table, Dataset<Row> rows, List<String> key, String description) {
        // Delta stores every column as nullable, so the rows' NOT NULL flags are not a schema change.
        Optional<Dataset<Row>> published = exists(table) ? Optional.of(read(table)) : Optional.empty();
        if (published.isPresent()
                && published.get().schema().equals(rows.schema().asNullable())) {
            mergeDifferences(table, published.get(), rows, key);
        } else {
            overwrite(table, rows);
        }
        describe(table, description);
    }

    /**
     * Publishes the rows of some of a published table's owners only: {@code rows} become the table's rows
     * whose {@code column} holds one of the values of {@code owners} (a one-column Dataset), merged on
     * {@code key} as {@link #publish} merges (changed rows updated, new ones inserted, their rows gone
     * deleted, nothing committed when nothing differs); the other rows are not read. The table must exist
     * with the rows' schema.
     */
    public void publishOwned(
            TableName table,
            Dataset<Row> rows,
            List<String> key,
            String description,
            String column,
            Dataset<Row> owners) {
        Dataset<Row> published = read(table);
        if (!published.schema().equals(rows.schema().asNullable())) {
            throw new C360Exception("table " + table + " does not have the schema of the rows to publish; "
                    + "publish the whole table instead");
        }
        Dataset<Row> owner = owners.toDF(OWNER);
        Dataset<Row> theirs =
                published.join(owner, published.col(quote(column)).equalTo(owner.col(OWNER)), "left_semi");
        mergeDifferences(table, theirs, rows, key);
        describe(table, description);
    }

    /** Sets the table comment and switches its Change Data Feed on, unless both already are so. */
    private void describe(TableName table, String description) {
        // The comment and properties from the log's metadata action: DESCRIBE DETAIL would also total the
        // table's files in a Spark job, which took as long as the write itself.
        var metadata = snapshot(location(table)).metadata();
        boolean changeFeed =
                "true".equals(metadata.configuration().getOrElse("delta.enableChangeDataFeed", () -> "false"));
        if (!description.equals(metadata.description()) || !changeFeed) {
            spark.sql("ALTER TABLE delta.`" + location(table)
                    + "` SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true', 'comment' = '"
                    + description.replace("\\", "\\\\").replace("'", "\\'") + "')");
        }
        register(table);
    }

    /**
     * Merges into the table only the rows that differ from it, found by one full outer join on the key:
     * Delta's MERGE rewrites every file holding a row it touches, and merging all of {@code rows} with a
     * delete for keys they lack touched every file even when nothing had changed.
     */
    private void mergeDifferences(TableName table, Dataset<Row> published, Dataset<Row> rows, List<String> key) {
        List<String> columns = Arrays.asList(rows.columns());
        Column sameKey = key.stream()
                .map(k -> col("s." + quote(k)).eqNullSafe(col("t." + quote(k))))
                .reduce(Column::and)
                .orElseThrow();
        Column differs = columns.stream()
                .filter(c -> !key.contains(c))
                .map(c -> not(col("s." + quote(c)).eqNullSafe(col("t." + quote(c)))))
                .reduce(Column::or)
                .orElse(lit(false));
        Column gone = col("s." + NEW).isNull();
        List<Column> change = new ArrayList<>();
        for (String c : columns) {
            // A row gone from the rows keeps the table's key, so the merge finds and deletes it.
            change.add((key.contains(c)
                            ? when(gone, col("t." + quote(c))).otherwise(col("s." + quote(c)))
                            : col("s." + quote(c)))
                    .as(c));
        }
        change.add(gone.as(GONE));
        Dataset<Row> differences = rows.withColumn(NEW, lit(true))
                .as("s")
                .join(published.withColumn(PUBLISHED, lit(true)).as("t"), sameKey, "full_outer")
                .where(gone.or(col("t." + PUBLISHED).isNull()).or(differs))
                .select(change.toArray(Column[]::new))
                .localCheckpoint(true);
        if (!differences.isEmpty()) {
            Map<String, String> assignments =
                    columns.stream().collect(Collectors.toMap(c -> quote(c), c -> "s." + quote(c)));
            String on = key.stream()
                    .map(k -> "t." + quote(k) + " <=> s." + quote(k))
                    .collect(Collectors.joining(" AND "));
            DeltaTable.forPath(spark, location(table))
                    .as("t")
                    .merge(differences.as("s"), on)
                    .whenMatched("s." + GONE)
                    .delete()
                    .whenMatched()
                    .updateExpr(assignments)
                    .whenNotMatched("NOT s." + GONE)
                    .insertExpr(assignments)
                    .execute();
        }
        Checkpoints.release(differences);
    }

    /** A column name as a SQL identifier: back-quoted, back quotes inside doubled. */
    public static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }

    /**
     * The rows of the table that changed after {@code version}: the rows inserted and deleted since, and
     * both the old and the new image of a row updated, with the table's current columns (a map column, in a
     * comparison of versions, as the array of its entries sorted by key). Empty when the
     * table's history cannot tell (the version is gone from the log, the table was replaced, its columns
     * changed): the caller then has to read the whole table. Cheapest way first: Delta's Change Data Feed
     * when it was on for every commit since; for a table only appended to since (bronze), the data files
     * those commits added; otherwise the rows that differ between the two versions (time travel: both
     * versions read and compared in full).
     */
    public Optional<Dataset<Row>> changesSince(TableName table, long version) {
        if (!exists(table)) {
            return Optional.empty();
        }
        Snapshot now = snapshot(location(table));
        if (now.version() < version) {
            return Optional.empty();
        }
        if (now.version() == version) {
            return Optional.of(spark.createDataFrame(List.of(), now.schema()));
        }
        Optional<Dataset<Row>> feed = changeFeed(table, version, now.version());
        if (feed.isPresent()) {
            return feed;
        }
        if (onlyAppendedAfter(table, version)) {
            Optional<Dataset<Row>> added = addedRows(table, version, now);
            if (added.isPresent()) {
                return added;
            }
        }
        return versionDifference(table, version);
    }

    /** The change feed's rows after {@code version}, if the feed was on for every commit since. */
    private Optional<Dataset<Row>> changeFeed(TableName table, long version, long current) {
        boolean on = "true"
                .equals(DeltaLog.forTable(spark, location(table))
                        .getSnapshotAt(version + 1, scala.Option.empty(), scala.Option.empty())
                        .metadata()
                        .configuration()
                        .getOrElse("delta.enableChangeDataFeed", () -> "false"));
        if (!on) {
            return Optional.empty();
        }
        try {
            Dataset<Row> feed = spark.read()
                    .format("delta")
                    .option("readChangeFeed", "true")
                    .option("startingVersion", version + 1)
                    .option("endingVersion", current)
                    .load(location(table));
            // Planning the read lists the commits' change files; Delta refuses here when one has none.
            feed.queryExecution().executedPlan();
            return Optional.of(feed.drop("_change_type", "_commit_version", "_commit_timestamp"));
        } catch (Exception e) { // the feed was off for a commit in between
            return Optional.empty();
        }
    }

    /**
     * The rows of the data files the commits after {@code version} added (every one of them a blind
     * append), read as Parquet with the table's schema; empty for a table whose files cannot be read so
     * (partition values kept in the log, deletion vectors, column mapping).
     */
    private Optional<Dataset<Row>> addedRows(TableName table, long version, Snapshot now) {
        var metadata = now.metadata();
        if (!metadata.partitionColumns().isEmpty()
                || !"none".equals(metadata.configuration().getOrElse("delta.columnMapping.mode", () -> "none"))
                || now.protocol().readerFeatureNames().contains("deletionVectors")) {
            return Optional.empty();
        }
        List<String> files = new ArrayList<>();
        var changes = DeltaLog.forTable(spark, location(table)).getChanges(version + 1, false);
        while (changes.hasNext()) {
            for (var action :
                    scala.collection.JavaConverters.seqAsJavaList(changes.next()._2())) {
                if (action instanceof org.apache.spark.sql.delta.actions.AddFile add) {
                    java.net.URI uri = java.net.URI.create(add.path());
                    files.add(
                            uri.isAbsolute()
                                    ? uri.toString()
                                    : new Path(new Path(location(table)), new Path(uri)).toString());
                }
            }
        }
        return Optional.of(
                files.isEmpty()
                        ? spark.createDataFrame(List.of(), now.schema())
                        : spark.read().schema(now.schema()).parquet(files.toArray(String[]::new)));
    }

    /** The rows only one of the two versions holds, if the older version can still be read with the same columns. */
    private Optional<Dataset<Row>> versionDifference(TableName table, long version) {
        Dataset<Row> now = read(table);
        Dataset<Row> then;
        try {
            then = spark.read().format("delta").option("versionAsOf", version).load(location(table));
            then.schema();
        } catch (Exception e) { // the version's log entry is gone (log cleanup, a purge that dropped history)
            return Optional.empty();
        }
        boolean sameColumns = Arrays.equals(
                        now.schema().asNullable().fieldNames(),
                        then.schema().asNullable().fieldNames())
                && now.schema().asNullable().sameType(then.schema().asNullable());
        if (!sameColumns) {
            return Optional.empty();
        }
        Dataset<Row> nowRows = comparable(now);
        Dataset<Row> thenRows = comparable(then);
        try {
            return Optional.of(nowRows.except(thenRows).union(thenRows.except(nowRows)));
        } catch (Exception e) { // a column Spark cannot compare (a map inside a struct)
            return Optional.empty();
        }
    }

    /**
     * The rows with each map column as the array of its entries sorted by key: Spark compares no maps in
     * a set operation, and two equal maps may list their entries in another order.
     */
    private static Dataset<Row> comparable(Dataset<Row> rows) {
        return rows.select(Arrays.stream(rows.schema().fields())
                .map(f -> f.dataType() instanceof org.apache.spark.sql.types.MapType
                        ? org.apache
                                .spark
                                .sql
                                .functions
                                .array_sort(org.apache.spark.sql.functions.map_entries(col(quote(f.name()))))
                                .as(f.name())
                        : col(quote(f.name())))
                .toArray(Column[]::new));
    }

    /**
     * The table's newest {@code commits} commits, newest first, as Delta records them ({@code version,
     * operation, operationMetrics}, ...): what a write did, row counts included.
     */
    public Dataset<Row> history(TableName table, int commits) {
        return DeltaTable.forPath(spark, location(table)).history(commits);
    }

    /**
     * Whether every commit to the table after {@code version} only added rows (Delta's {@code isBlindAppend}:
     * nothing deleted, updated or rewritten), as bronze ingestion does. Reads only those commits' entries.
     */
    public boolean onlyAppendedAfter(TableName table, long version) {
        long newer = version(table) - version;
        if (newer <= 0) {
            return newer == 0;
        }
        return DeltaTable.forPath(spark, location(table))
                .history((int) Math.min(newer, Integer.MAX_VALUE))
                .select("isBlindAppend")
                .collectAsList()
                .stream()
                .allMatch(commit -> !commit.isNullAt(0) && commit.getBoolean(0));
    }

    /**
     * The table's current Delta version: the newest commit file in its {@code _delta_log} (a listing,
     * no Spark job; the run log asks this of every table twice per run).
     */
    public long version(TableName table) {
        Path log = new Path(location(table) + "/_delta_log");
        try {
            long newest = -1;
            for (FileStatus f : log.getFileSystem(spark.sparkContext().hadoopConfiguration())
                    .listStatus(log)) {
                String name = f.getPath().getName();
                if (name.matches("\\d{20}\\.json")) {
                    newest = Math.max(newest, Long.parseLong(name.substring(0, 20)));
                }
            }
            if (newest < 0) {
                throw new C360Exception("table " + table + " has no commit in " + log);
            }
            return newest;
        } catch (IOException e) {
            throw new C360Exception("cannot list " + log + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code layer.name} resolvable in SQL for this session, pointing at this lake (a name
     * registered earlier for another lake is re-pointed; dropping an external table keeps its files).
     */
    public synchronized void register(TableName table) {
        if (registeredHere(table)) {
            return;
        }
        spark.sql("CREATE DATABASE IF NOT EXISTS " + table.layer());
        unregister(table);
        spark.sql("CREATE TABLE " + table + " USING delta LOCATION '"
                + location(table).replace("'", "\\'") + "'");
    }

    /**
     * Makes {@code layer.name} resolvable as a view over the table's Delta folder instead of a table:
     * every query reads the folder's latest version, while INSERT, UPDATE, DELETE, MERGE, ALTER and DROP
     * TABLE through the name fail. The view carries the table's description and column comments. A
     * column added to the table later is not seen until the view is registered again.
     */
    public synchronized void registerView(TableName table) {
        Snapshot snapshot = snapshot(location(table));
        if (snapshot.version() < 0) {
            throw new C360Exception("table " + table + " does not exist yet at " + location(table)
                    + "; run the stage that writes it first");
        }
        String columns = Arrays.stream(snapshot.schema().fields())
                .map(f -> quote(f.name())
                        + f.getComment().map(c -> " COMMENT " + sqlString(c)).getOrElse(() -> ""))
                .collect(Collectors.joining(", "));
        String description = snapshot.metadata().description();
        spark.sql("CREATE DATABASE IF NOT EXISTS " + table.layer());
        unregister(table);
        spark.sql("CREATE VIEW " + table + " (" + columns + ")"
                + (description == null ? "" : " COMMENT " + sqlString(description)) + " AS SELECT * FROM delta.`"
                + location(table).replace("`", "``") + "`");
    }

    /** Registers every Delta table of the layers as a view ({@link #registerView}); returns them. */
    public List<TableName> registerAllAsViews() {
        List<TableName> found = layerTables();
        found.forEach(this::registerView);
        return found;
    }

    /**
     * Whether the catalog holds the name as a table over this lake's folder. The catalog is the session's,
     * not this lake's: another lake in the same session (a copy, a rebuild beside it) may have re-pointed
     * the name since this lake registered it, so the catalog is asked rather than remembered.
     */
    private boolean registeredHere(TableName table) {
        SessionCatalog catalog = spark.sessionState().catalog();
        TableIdentifier id = new TableIdentifier(table.name(), Option.apply(table.layer()));
        if (!catalog.tableExists(id)) {
            return false;
        }
        try {
            CatalogTable held = catalog.getTableMetadata(id);
            if (held.tableType() != CatalogTableType.EXTERNAL() || held.location() == null) {
                return false;
            }
            Path folder = new Path(location(table));
            FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return fs.makeQualified(folder).equals(fs.makeQualified(new Path(held.location())));
        } catch (Exception e) { // dropped meanwhile, or Spark's checked NoSuchTableException: register again
            return false;
        }
    }

    /** Drops what the catalog holds under the name, a table or a view (the data stays: registered tables are external). */
    private void unregister(TableName table) {
        if (!spark.catalog().tableExists(table.layer(), table.name())) {
            return;
        }
        try {
            boolean view = "VIEW"
                    .equals(spark.catalog()
                            .getTable(table.layer(), table.name())
                            .tableType());
            spark.sql((view ? "DROP VIEW " : "DROP TABLE ") + table);
        } catch (org.apache.spark.sql.AnalysisException e) {
            throw new C360Exception("cannot replace " + table + " in the catalog: " + e.getMessage(), e);
        }
    }

    private static String sqlString(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** A Delta table anywhere under the lake root: a layer table ({@code gold.customer}) or a staging copy ({@code _staging.gold.customer}). */
    public record StoredTable(String label, String location) {}

    /**
     * Every Delta table under the lake root: {@code <root>/<layer>/<name>} and the staging copies under
     * {@code <root>/_staging/<layer>/<name>}, which earlier versions of the gold stage wrote before
     * publication and lakes built by them still hold. Other folders (the silver model artefact, reports, the
     * suppression salt) are not Delta tables and are not listed.
     */
    public List<StoredTable> allTables() {
        List<StoredTable> found = new ArrayList<>();
        for (String prefix : List.of("", "_staging/")) {
            for (String layer : TableName.LAYERS) {
                for (String name : deltaFolders(prefix + layer)) {
                    found.add(new StoredTable(
                            (prefix.isEmpty() ? "" : "_staging.") + layer + "." + name,
                            root + "/" + prefix + layer + "/" + name));
                }
            }
        }
        found.sort(java.util.Comparator.comparing(StoredTable::label));
        return found;
    }

    /** The current content of the Delta table at {@code location} (a location from {@link #allTables}). */
    public Dataset<Row> readLocation(String location) {
        return spark.read().format("delta").load(location);
    }

    /**
     * Deletes the rows matching {@code condition} in one Delta commit. Older versions keep them until
     * {@link #purge} removes their files. The condition is recorded in the table history as written,
     * so it must not carry personal data as literals (use a function holding the values instead).
     */
    public void delete(String location, Column condition) {
        DeltaTable.forPath(spark, location).delete(condition);
    }

    /** Sets {@code assignments} on the rows matching {@code condition}, in one Delta commit (same caveat as {@link #delete}). */
    public void update(String location, Column condition, Map<String, Column> assignments) {
        DeltaTable.forPath(spark, location).update(condition, assignments);
    }

    /** What {@link #purge} did to one table. */
    public record PurgeResult(long filesRemoved, long logEntriesRemoved, boolean deletionVectorsPurged) {}

    /**
     * Removes the data files no current row needs, so that rows deleted before are gone from storage:
     * deletion vectors are first applied ({@code REORG TABLE ... APPLY (PURGE)}) when the table uses
     * them, then {@code VACUUM} drops unreferenced data and change-data files older than
     * {@code retentionHours} (0 is allowed here: the retention safety check is switched off for this
     * call only). With {@code dropHistory}, VACUUM logs its START and END commits (a version after the
     * deletes), a checkpoint is written at the current version and the transaction log entries before
     * it are deleted: their file statistics (min/max values) and commit details could still name
     * deleted values. Time travel to any earlier version fails afterwards. Never run it while another
     * job writes the table: files that job has written but not yet committed would be removed too.
     */
    public PurgeResult purge(String location, double retentionHours, boolean dropHistory) {
        return purge(List.of(location), retentionHours, dropHistory, (l, r) -> {})
                .get(0);
    }

    /**
     * {@link #purge(String, double, boolean)} of several tables, a few at once; {@code purged} hears of
     * each table as it is done. Results in the order of {@code locations}.
     */
    public List<PurgeResult> purge(
            List<String> locations,
            double retentionHours,
            boolean dropHistory,
            java.util.function.BiConsumer<String, PurgeResult> purged) {
        // For these calls only: allow a retention under the default 7 days, and list the table's folders in as
        // many tasks as the cluster has cores (Spark's default of 10,000 listing tasks makes a small table's
        // VACUUM take five times longer). Set once around all tables: the session's settings are shared by
        // the threads purging them.
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "spark.databricks.delta.retentionDurationCheck.enabled",
                "false",
                "spark.sql.sources.parallelPartitionDiscovery.parallelism",
                String.valueOf(Math.max(2, spark.sparkContext().defaultParallelism()))));
        if (dropHistory) {
            // The log is kept from the checkpoint's version on, so that version must come after the commits that
            // deleted rows: their file actions carry statistics (min/max values) that can be the deleted ones.
            // VACUUM's START and END commits are such a version, but Delta writes them only on some file
            // systems (not on S3).
            settings.put("spark.databricks.delta.vacuum.logging.enabled", "true");
        }
        Map<String, String> previous = new java.util.HashMap<>();
        settings.forEach((k, v) -> {
            previous.put(k, spark.conf().getOption(k).getOrElse(() -> null));
            spark.conf().set(k, v);
        });
        try {
            return Concurrently.map(locations, location -> {
                PurgeResult r = purgeOne(location, retentionHours, dropHistory);
                purged.accept(location, r);
                return r;
            });
        } finally {
            previous.forEach((k, v) -> {
                if (v == null) {
                    spark.conf().unset(k);
                } else {
                    spark.conf().set(k, v);
                }
            });
        }
    }

    private PurgeResult purgeOne(String location, double retentionHours, boolean dropHistory) {
        // Deletion vectors only mark rows deleted; the rows stay in the data file until it is rewritten.
        boolean dv = snapshot(location).protocol().readerFeatureNames().contains("deletionVectors");
        if (dv) {
            spark.sql("REORG TABLE delta.`" + location + "` APPLY (PURGE)");
        }
        long before = dataFiles(location);
        // VACUUM prints a line to the console; stdout is for command results, so it goes nowhere.
        scala.Console$.MODULE$.withOut(
                java.io.OutputStream.nullOutputStream(),
                () -> DeltaTable.forPath(spark, location).vacuum(retentionHours));
        long removed = Math.max(0, before - dataFiles(location));
        long logEntries = dropHistory ? dropHistoryBeforeCheckpoint(location) : 0;
        return new PurgeResult(removed, logEntries, dv);
    }

    /** The table's current state (metadata, protocol, schema, version), from its transaction log only. */
    private Snapshot snapshot(String location) {
        return DeltaLog.forTable(spark, location).update(false, scala.Option.empty(), scala.Option.empty());
    }

    /** Data and change-data files of a table (everything but its log and checksum files). */
    private long dataFiles(String location) {
        Path dir = new Path(location);
        try {
            FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
            long n = 0;
            var files = fs.listFiles(dir, true);
            while (files.hasNext()) {
                Path p = files.next().getPath();
                if (!p.toString().contains("/_delta_log/") && !p.getName().startsWith(".")) {
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            throw new C360Exception("cannot list " + location + ": " + e.getMessage(), e);
        }
    }

    /** Checkpoints the table at its latest version and deletes the log entries of earlier versions. */
    private long dropHistoryBeforeCheckpoint(String location) {
        DeltaLog log = DeltaLog.forTable(spark, location);
        log.checkpoint();
        long version = snapshot(location).version();
        Path logDir = new Path(location, "_delta_log");
        long removed = 0;
        try {
            FileSystem fs = logDir.getFileSystem(spark.sparkContext().hadoopConfiguration());
            for (Path dir : List.of(logDir, new Path(logDir, "_commits"))) {
                if (!fs.exists(dir)) {
                    continue;
                }
                for (FileStatus f : fs.listStatus(dir)) {
                    java.util.regex.Matcher m = LOG_ENTRY.matcher(f.getPath().getName());
                    if (f.isFile() && m.matches() && Long.parseLong(m.group(1)) < version) {
                        if (fs.delete(f.getPath(), false)
                                && !f.getPath().getName().startsWith(".")) {
                            removed++;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new C360Exception("cannot clean the transaction log of " + location + ": " + e.getMessage(), e);
        }
        // Only this table's cached log state: clearing every table's would make the tables purged beside it
        // (and everything read after) rebuild their snapshots from the log.
        DeltaLog.invalidateCache(spark, new Path(location));
        return removed;
    }

    /** Log entries by version: commits, checksums, checkpoints (single or multi-part), with their Hadoop .crc companions. */
    private static final java.util.regex.Pattern LOG_ENTRY = java.util.regex.Pattern.compile(
            "^\\.?(\\d{20})(\\.[0-9a-f-]+)?\\.(json|crc|checkpoint(\\.\\d+\\.\\d+)?(\\.[0-9a-f-]+)?\\.(parquet|json))(\\.crc)?$");

    /** A small text file under the lake root (e.g. {@code ops/_salt}), if present. */
    public Optional<String> readText(String relativePath) {
        Path p = new Path(root + "/" + relativePath);
        try {
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(p)) {
                return Optional.empty();
            }
            try (var in = fs.open(p)) {
                return Optional.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new C360Exception("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes (or replaces) a small text file under the lake root, e.g. {@code silver/_resolution.json}. A
     * reader never sees half of it: a local file is written next to its place and moved over it in one
     * step; an object store publishes an object only when its upload completes.
     */
    public void writeText(String relativePath, String content) {
        Path p = new Path(root + "/" + relativePath);
        try {
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!(fs instanceof LocalFileSystem local)) {
                create(fs, p, content);
                return;
            }
            // Written without a checksum file, which could not be moved in the same step; one an earlier
            // write left would no longer match, so it goes first.
            Path partial = new Path(p.getParent(), p.getName() + ".partial");
            create(local.getRawFileSystem(), partial, content);
            local.getRawFileSystem().delete(local.getChecksumFile(p), false);
            java.nio.file.Files.move(
                    local.pathToFile(partial).toPath(),
                    local.pathToFile(p).toPath(),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new C360Exception("cannot write " + p + ": " + e.getMessage(), e);
        }
    }

    private static void create(FileSystem fs, Path p, String content) throws IOException {
        try (var out = fs.create(p, true)) {
            out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /**
     * A small JSON document under the lake root, read as {@code type}, if present: a marker a stage keeps
     * beside its tables (what it last read and wrote, such as {@code silver/_resolution.json}). A document
     * that does not read as {@code type} is a {@link MalformedDocument} naming the file and {@code remedy}.
     */
    public <T> Optional<T> readJson(String relativePath, Class<T> type, String remedy) {
        return readText(relativePath).map(text -> {
            try {
                return JSON.readValue(text, type);
            } catch (IOException e) {
                throw new MalformedDocument(
                        "cannot read " + root + "/" + relativePath + ": " + e.getMessage() + " (" + remedy + ")", e);
            }
        });
    }

    /** Writes (or replaces) a small JSON document under the lake root, never seen half written ({@link #writeText}). */
    public void writeJson(String relativePath, Object document) {
        String text;
        try {
            text = JSON.writeValueAsString(document);
        } catch (IOException e) {
            throw new C360Exception("cannot write " + root + "/" + relativePath + ": " + e.getMessage(), e);
        }
        writeText(relativePath, text);
    }

    /** A JSON document under the lake root that does not read as what it should hold ({@link #readJson}). */
    public static final class MalformedDocument extends C360Exception {
        MalformedDocument(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Writes a small secret file under the lake root unless it exists (then its content is kept); returns the
     * content in force. It is created owner-only ({@code 0600}, with its checksum file) where the file system
     * keeps permissions, whatever the umask; S3 has none (restrict the bucket instead).
     */
    public String writeSecretIfAbsent(String relativePath, String content) {
        Path p = new Path(root + "/" + relativePath);
        try {
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (var out = fs.create(
                    p,
                    OWNER_ONLY,
                    false,
                    fs.getConf().getInt("io.file.buffer.size", 4096),
                    fs.getDefaultReplication(p),
                    fs.getDefaultBlockSize(p),
                    null)) {
                out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
                return readText(relativePath).orElseThrow();
            }
            // The content went into a file created 0600; this also covers the checksum file written on close.
            fs.setPermission(p, OWNER_ONLY);
            return content;
        } catch (IOException e) {
            throw new C360Exception("cannot write " + p + ": " + e.getMessage(), e);
        }
    }

    /** Registers every Delta table found under the lake root; returns them. */
    public List<TableName> registerAll() {
        List<TableName> found = layerTables();
        found.forEach(this::register);
        return found;
    }

    /** Every Delta table of the layers ({@code <root>/<layer>/<name>}; staging copies are not listed). */
    public List<TableName> layerTables() {
        List<TableName> found = new ArrayList<>();
        for (String layer : TableName.LAYERS) {
            deltaFolders(layer).stream()
                    .filter(name -> name.matches("_?[a-z][a-z0-9_]*"))
                    .forEach(name -> found.add(new TableName(layer, name)));
        }
        return found;
    }

    /** The names of the Delta tables (folders with a {@code _delta_log}) directly under {@code <root>/<folder>}. */
    private List<String> deltaFolders(String folder) {
        Path dir = new Path(root + "/" + folder);
        try {
            FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(dir)) {
                return List.of();
            }
            List<String> names = new ArrayList<>();
            for (FileStatus child : fs.listStatus(dir)) {
                if (child.isDirectory() && fs.exists(new Path(child.getPath(), "_delta_log"))) {
                    names.add(child.getPath().getName());
                }
            }
            return names;
        } catch (IOException e) {
            throw new C360Exception("cannot list lake folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
