package io.c360.serve;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.access.Masking;
import io.c360.config.AccessSettings;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * c360 serve over the Hive JDBC driver, as an attacker with any user name would use it: everything
 * beyond reading the lake's tables is refused with a message naming it, nothing leaks or changes, the
 * server keeps answering, BI reads still work, and the pipeline's own session is not restricted.
 */
@ExtendWith(SparkExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("cluster")
class ServeReadsOnlyTest {
    /** The catalog knows no column of these tables as personal data: nothing is masked. */
    private static final Masking MASKING =
            new Masking(AccessSettings.DEFAULTS, TableCatalog.engine(), "test-key".getBytes(StandardCharsets.UTF_8));

    private static final String REFUSED = "c360 serve answers reads of the lake's tables only: ";
    private static final TableName CUSTOMER = TableName.gold("customer");
    private static final TableName ID_MAP = TableName.silver("customer_id_map");
    /** Set for the test JVM by the pom; a stand-in for a storage credential in the server's environment. */
    private static final String SECRET_VARIABLE = "C360_SERVE_TEST_SECRET";
    /** A Spark setting whose name Spark's redaction pattern does not match: SET would print its value. */
    private static final String SECRET_SETTING = "spark.c360.serve.test.credential";

    private static final String SETTING_SECRET = "setting-credential-" + UUID.randomUUID();
    /** In a file the lake session reads as the table default.secret_file (and the view default.secret_view): not the lake's. */
    private static final String FILE_SECRET = "file-credential-" + UUID.randomUUID();

    @TempDir
    static Path root;

    @TempDir
    static Path elsewhere;

    private static Lake lake;
    private static BiServer server;
    private static long customerVersion;
    private static final List<String> refusals = new ArrayList<>();

    @BeforeAll
    static void serveATinyLake(SparkSession spark) throws IOException {
        for (String layer : TableName.LAYERS) {
            spark.sql("DROP DATABASE IF EXISTS " + layer + " CASCADE");
        }
        // Sessions opened from now on (the served one, each JDBC connection's) carry this setting.
        spark.sparkContext().conf().set(SECRET_SETTING, SETTING_SECRET);
        lake = new Lake(spark, root.toString());
        StructType customer = new StructType(new StructField[] {
            new StructField("customer_id", DataTypes.StringType, false, Metadata.empty()),
            new StructField("given_name", DataTypes.StringType, true, Metadata.empty()),
            new StructField("orders", DataTypes.IntegerType, true, Metadata.empty()).withComment("Orders placed")
        });
        lake.publish(
                CUSTOMER,
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("C1", "Ann", 3),
                                RowFactory.create("C2", "Bo", 0),
                                RowFactory.create("C3", "Chloé", 12)),
                        customer),
                List.of("customer_id"),
                "One row per customer");
        lake.overwrite(
                ID_MAP,
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("crm:1", "C1"),
                                RowFactory.create("web:7", "C1"),
                                RowFactory.create("crm:2", "C2")),
                        new StructType()
                                .add("record_key", DataTypes.StringType)
                                .add("customer_id", DataTypes.StringType)));
        customerVersion = lake.version(CUSTOMER);
        Path secretFile = Files.createDirectories(elsewhere.resolve("secret")).resolve("credentials.txt");
        Files.writeString(secretFile, FILE_SECRET + "\n");
        spark.sql("CREATE TABLE default.secret_file USING text LOCATION '" + secretFile.getParent() + "'");
        spark.sql("CREATE VIEW default.secret_view AS SELECT * FROM default.secret_file");
        server = BiServer.start(lake, MASKING, "127.0.0.1", 0, Authentication.none());
    }

    @AfterAll
    static void stopAndForget(SparkSession spark) {
        if (server != null) {
            server.close();
        }
        spark.sql("DROP VIEW IF EXISTS " + CUSTOMER);
        spark.sql("DROP VIEW IF EXISTS " + ID_MAP);
        spark.sql("DROP VIEW IF EXISTS default.secret_view");
        spark.sql("DROP TABLE IF EXISTS default.secret_file");
        spark.sparkContext().conf().remove(SECRET_SETTING);
    }

    private static String url() {
        return "jdbc:hive2://127.0.0.1:" + server.port() + "/default";
    }

    private static String envSecret() {
        String secret = System.getenv(SECRET_VARIABLE);
        assertNotNull(secret, SECRET_VARIABLE + " is set for tests by the pom (surefire)");
        return secret;
    }

    @Test
    @Order(1)
    void theSecretsAreThereToBeStolen(SparkSession spark) {
        assertFalse(envSecret().isBlank());
        assertEquals(
                FILE_SECRET, spark.sql("SELECT value FROM secret_view").head().getString(0));
        // Without the server's checks, SET in a session opened from the lake session prints the setting.
        Row set = spark.newSession().sql("SET " + SECRET_SETTING).head();
        assertEquals(SETTING_SECRET, set.getString(1));
    }

    @Test
    @Order(2)
    void everythingButReadingTheLakesTablesIsRefusedNamingWhat() throws SQLException {
        String table = lake.location(CUSTOMER);
        String written = elsewhere.resolve("written").toString();
        // Statement -> what its refusal names.
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put(
                "SELECT java_method('java.lang.System', 'getenv', '" + SECRET_VARIABLE + "')",
                "java_method is refused");
        attacks.put("SELECT reflect('java.lang.System', 'getenv', '" + SECRET_VARIABLE + "')", "reflect is refused");
        attacks.put(
                "SELECT customer_id FROM gold.customer WHERE given_name = java_method('java.lang.System', 'getenv', 'HOME')",
                "java_method is refused");
        attacks.put("SELECT * FROM text.`/etc/passwd`", "`text`.`/etc/passwd` is not one of the lake's tables");
        attacks.put("SELECT * FROM csv.`/etc/passwd`", "`csv`.`/etc/passwd` is not one of the lake's tables");
        attacks.put("SELECT * FROM json.`/etc/passwd`", "`json`.`/etc/passwd` is not one of the lake's tables");
        attacks.put(
                "SELECT * FROM parquet.`" + table + "`", "`parquet`.`" + table + "` is not one of the lake's tables");
        attacks.put("SELECT * FROM delta.`" + table + "`", "`delta`.`" + table + "` is not one of the lake's tables");
        attacks.put(
                "SELECT * FROM spark_catalog.text.`/etc/passwd`", "`spark_catalog`.`text`.`/etc/passwd` is not one of");
        attacks.put(
                "SELECT count(*) FROM gold.customer WHERE customer_id IN (SELECT value FROM text.`/etc/passwd`)",
                "`text`.`/etc/passwd` is not one of the lake's tables");
        attacks.put(
                "WITH p AS (SELECT * FROM text.`/etc/passwd`) SELECT * FROM p", "`text`.`/etc/passwd` is not one of");
        attacks.put(
                "SELECT * FROM secret_file", "reading the table `spark_catalog`.`default`.`secret_file` is refused");
        attacks.put("SELECT * FROM default.secret_file", "`default`.`secret_file` is not one of the lake's tables");
        attacks.put(
                "SELECT * FROM secret_view",
                "the view `spark_catalog`.`default`.`secret_view` is not one of the lake's tables");
        attacks.put("DESCRIBE secret_file", "`spark_catalog`.`default`.`secret_file` is not one of the lake's tables");
        attacks.put("SELECT * FROM IDENTIFIER('text.`/etc/passwd`')", "IDENTIFIER(...) is refused");
        attacks.put(
                "SELECT * FROM table_changes_by_path('" + table + "', 0)",
                "the table function `table_changes_by_path` is refused");
        attacks.put(
                "CREATE TABLE t (a INT) USING parquet LOCATION '" + written + "'",
                "the command CreateDataSourceTableCommand is refused");
        attacks.put(
                "INSERT OVERWRITE DIRECTORY '" + written + "' USING parquet SELECT * FROM gold.customer",
                "the command InsertIntoDataSourceDirCommand is refused");
        attacks.put("CREATE TEMPORARY VIEW v AS SELECT 1", "the command CreateViewCommand is refused");
        attacks.put("DELETE FROM delta.`" + table + "`", "`delta`.`" + table + "` is not one of the lake's tables");
        attacks.put("VACUUM '" + table + "' RETAIN 0 HOURS", "the command VacuumTableCommand is refused");
        attacks.put("DROP VIEW gold.customer", "the command DropTableCommand is refused");
        attacks.put("SET", "the command SetCommand is refused");
        attacks.put("SET -v", "the command SetCommand is refused");
        attacks.put("SET " + SECRET_SETTING, "the command SetCommand is refused");
        attacks.put("SET spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:9", "the command SetCommand is refused");
        attacks.put("RESET", "the command ResetCommand is refused");
        attacks.put("ADD JAR " + written + ".jar", "the command AddJarsCommand is refused");
        attacks.put("ADD FILE /etc/passwd", "the command AddFilesCommand is refused");
        attacks.put("CREATE FUNCTION f AS 'java.lang.System'", "the command CreateFunctionCommand is refused");
        attacks.put(
                "CREATE TEMPORARY FUNCTION f AS 'java.lang.System'", "the command CreateFunctionCommand is refused");
        attacks.put("CACHE TABLE gold.customer", "the command CacheTable is refused");
        attacks.put("UNCACHE TABLE gold.customer", "the command UncacheTable is refused");
        attacks.put("REFRESH TABLE gold.customer", "the command RefreshTableCommand is refused");
        attacks.put("CLEAR CACHE", "the command ClearCacheCommand is refused");
        attacks.put(
                "SELECT TRANSFORM(customer_id) USING 'cat /etc/passwd' FROM gold.customer",
                "the operator ScriptTransformation is refused");
        attacks.put("SELECT java_method('java.lang.System', 'exit', 0)", "java_method is refused");
        List<Executable> checks = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url());
                Statement s = c.createStatement()) {
            attacks.forEach((attack, named) -> {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(attack), attack);
                refusals.add(e.getMessage());
                checks.add(
                        () -> assertTrue(e.getMessage().contains(REFUSED + named), attack + " -> " + e.getMessage()));
            });
        }
        assertAll(checks);
    }

    @Test
    @Order(3)
    void settingsInTheJdbcUrlAreRefused() {
        for (String settings : List.of(
                "?spark.sql.catalog.probe=org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTableCatalog",
                "#fs.s3a.endpoint=http://127.0.0.1:9")) {
            SQLException e = assertThrows(
                    SQLException.class,
                    () -> DriverManager.getConnection(url() + settings).close(),
                    settings);
            refusals.add(e.getMessage());
            String key = settings.substring(1, settings.indexOf('='));
            assertTrue(
                    e.getMessage().contains(REFUSED + "the connection setting " + key + " is refused"), e.getMessage());
        }
    }

    /** Spark would replace these in the statement's text with the variable, the property and the setting. */
    @Test
    @Order(3)
    void variablesInAStatementAreNotReplaced() throws SQLException {
        System.setProperty(SECRET_SETTING, SETTING_SECRET);
        try (Connection c = DriverManager.getConnection(url());
                Statement s = c.createStatement()) {
            for (String variable : List.of(
                    "${env:" + SECRET_VARIABLE + "}",
                    "${system:" + SECRET_SETTING + "}",
                    "${" + SECRET_SETTING + "}",
                    "${spark:" + SECRET_SETTING + "}")) {
                List<String> answer = rows(s.executeQuery("SELECT '" + variable + "' AS v"));
                assertEquals(List.of(variable), answer, "the statement's text as written");
                refusals.addAll(answer);
            }
        } finally {
            System.clearProperty(SECRET_SETTING);
        }
    }

    @Test
    @Order(4)
    void noSecretLeakedAndNothingWasWrittenOrDeleted(SparkSession spark) {
        assertFalse(refusals.isEmpty());
        for (String refusal : refusals) {
            assertFalse(refusal.contains(envSecret()), refusal);
            assertFalse(refusal.contains(SETTING_SECRET), refusal);
            assertFalse(refusal.contains(FILE_SECRET), refusal);
        }
        assertFalse(Files.exists(elsewhere.resolve("written")), "no file was written");
        assertFalse(spark.catalog().tableExists("default", "t"));
        assertFalse(spark.catalog().functionExists("default", "f"));
        assertEquals(customerVersion, lake.version(CUSTOMER), "no commit was added to the Delta table");
        assertEquals(3, lake.read(CUSTOMER).count(), "no row was deleted");
    }

    @Test
    @Order(5)
    void theServerStillAnswers() throws SQLException {
        try (Connection c = DriverManager.getConnection(url());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM gold.customer")) {
            assertTrue(rs.next());
            assertEquals(lake.read(CUSTOMER).count(), rs.getLong(1));
        }
    }

    @Test
    @Order(6)
    void biQueriesAnswerWhatTheLakeSessionAnswers(SparkSession spark) throws SQLException {
        List<String> queries = List.of(
                "SELECT c.given_name, count(*) AS records FROM gold.customer c JOIN silver.customer_id_map m"
                        + " ON m.customer_id = c.customer_id GROUP BY c.given_name ORDER BY records DESC, c.given_name",
                "SELECT customer_id FROM gold.customer WHERE orders > (SELECT avg(orders) FROM gold.customer)"
                        + " OR customer_id IN (SELECT customer_id FROM silver.customer_id_map WHERE record_key LIKE 'web:%') ORDER BY customer_id",
                "WITH ranked AS (SELECT customer_id, rank() OVER (ORDER BY orders DESC) AS r FROM gold.customer)"
                        + " SELECT customer_id, r FROM ranked ORDER BY r",
                "SELECT orders, count(*) FROM gold.customer GROUP BY ROLLUP (orders) ORDER BY orders NULLS LAST",
                "SELECT 1");
        try (Connection c = DriverManager.getConnection(url());
                Statement s = c.createStatement()) {
            for (String query : queries) {
                List<String> served = rows(s.executeQuery(query));
                List<String> direct = spark.sql(query).collectAsList().stream()
                        .map(r -> r.mkString("|"))
                        .toList();
                assertFalse(direct.isEmpty(), query);
                assertEquals(direct, served, query);
            }
        }
    }

    @Test
    @Order(7)
    void biToolsListSchemasTablesAndColumns() throws SQLException {
        List<String> columns = Arrays.asList(lake.read(CUSTOMER).columns());
        try (Connection c = DriverManager.getConnection(url());
                Statement s = c.createStatement()) {
            assertTrue(column(s.executeQuery("SHOW SCHEMAS"), 1).containsAll(List.of("gold", "silver")));
            assertEquals(List.of("customer"), column(s.executeQuery("SHOW TABLES IN gold"), 2));
            assertEquals(
                    columns, column(s.executeQuery("DESCRIBE gold.customer"), 1).subList(0, columns.size()));
            assertEquals(
                    columns,
                    column(s.executeQuery("SHOW COLUMNS IN gold.customer"), 1).stream()
                            .map(String::trim)
                            .toList());
            assertTrue(rows(s.executeQuery("DESCRIBE gold.customer orders")).contains("comment|Orders placed"));
            assertTrue(column(s.executeQuery("DESCRIBE EXTENDED gold.customer"), 1)
                    .contains("# Detailed Table Information"));
            s.execute("USE silver");
            assertEquals(
                    List.of(String.valueOf(lake.read(ID_MAP).count())),
                    rows(s.executeQuery("SELECT count(*) FROM customer_id_map")));
            try (ResultSet rs = c.getMetaData().getColumns(null, "gold", "customer", "%")) {
                assertEquals(columns, column(rs, 4));
            }
        }
    }

    @Test
    @Order(8)
    void thePipelineSessionIsNotRestricted(SparkSession spark) {
        String table = lake.location(CUSTOMER);
        assertEquals(
                3,
                spark.sql("SELECT count(*) FROM delta.`" + table + "`").head().getLong(0));
        assertEquals(
                "7",
                spark.sql("SELECT java_method('java.lang.String', 'valueOf', 7)")
                        .head()
                        .getString(0));
        SparkSession another = spark.newSession();
        another.sql("SET spark.sql.shuffle.partitions=1");
        assertEquals(
                3,
                another.sql("SELECT count(*) FROM delta.`" + table + "`").head().getLong(0));
    }

    private static List<String> rows(ResultSet rs) throws SQLException {
        try (rs) {
            int width = rs.getMetaData().getColumnCount();
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= width; i++) {
                    values.add(String.valueOf(rs.getString(i)));
                }
                rows.add(String.join("|", values));
            }
            return rows;
        }
    }

    private static List<String> column(ResultSet rs, int index) throws SQLException {
        try (rs) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(index));
            }
            return values;
        }
    }
}
