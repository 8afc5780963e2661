package io.c360.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.access.Masking;
import io.c360.access.Users;
import io.c360.config.AccessSettings;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
import org.junit.jupiter.api.io.TempDir;

/** c360 serve: a tiny lake served over the Hive JDBC driver, as a BI tool would query it. */
@ExtendWith(SparkExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("cluster")
class BiServerTest {
    /** The catalog knows no column of these tables as personal data: nothing is masked. */
    private static final Masking MASKING =
            new Masking(AccessSettings.DEFAULTS, TableCatalog.engine(), "test-key".getBytes(StandardCharsets.UTF_8));

    private static final TableName CUSTOMER = TableName.gold("customer");
    private static final TableName ID_MAP = TableName.silver("customer_id_map");
    private static final String PASSWORD = "correct horse";

    @TempDir
    static Path root;

    private static Lake lake;
    private static BiServer server;
    private static Authentication users;

    @BeforeAll
    static void tinyLake(SparkSession spark) {
        Path file = root.resolve("conf/users");
        Users.add(file, "ada", Optional.of("analyst"), PASSWORD.toCharArray());
        users = Authentication.users(Users.read(file));
        // The shared test session may still name other tests' lakes; `c360 serve` starts with none.
        for (String layer : List.of("bronze", "silver", "gold", "ops")) {
            spark.sql("DROP DATABASE IF EXISTS " + layer + " CASCADE");
        }
        lake = new Lake(spark, root.toString());
        StructType customer = new StructType(new StructField[] {
            new StructField("customer_id", DataTypes.StringType, false, Metadata.empty())
                    .withComment("Stable customer id"),
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
        StructType idMap =
                new StructType().add("record_key", DataTypes.StringType).add("customer_id", DataTypes.StringType);
        lake.overwrite(
                ID_MAP,
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("crm:1", "C1"),
                                RowFactory.create("web:7", "C1"),
                                RowFactory.create("crm:2", "C2")),
                        idMap));
    }

    @AfterAll
    static void stopAndForget(SparkSession spark) {
        if (server != null) {
            server.close();
        }
        spark.sql("DROP VIEW IF EXISTS " + CUSTOMER);
        spark.sql("DROP VIEW IF EXISTS " + ID_MAP);
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), "ada", PASSWORD);
    }

    private static String url() {
        return "jdbc:hive2://127.0.0.1:" + server.port() + "/default";
    }

    @Test
    @Order(1)
    void aBusyPortFailsWithAMessageNamingIt() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = busy.getLocalPort();
            C360Exception e =
                    assertThrows(C360Exception.class, () -> BiServer.start(lake, MASKING, "127.0.0.1", port, users));
            assertTrue(e.getMessage().contains("port " + port + " is in use"), e.getMessage());
        }
    }

    @Test
    @Order(1)
    void aLakeWithoutTablesIsNotServed(SparkSession spark) {
        C360Exception e = assertThrows(
                C360Exception.class,
                () -> BiServer.start(
                        new Lake(spark, root.resolve("empty").toString()), MASKING, "127.0.0.1", 0, users));
        assertTrue(e.getMessage().startsWith("no Delta table under " + root.resolve("empty")), e.getMessage());
    }

    @Test
    @Order(1)
    void withoutAuthenticationOnlyLoopbackIsServed() {
        C360Exception e = assertThrows(
                C360Exception.class, () -> BiServer.start(lake, MASKING, "0.0.0.0", 0, Authentication.none()));
        assertTrue(e.getMessage().startsWith("--no-auth: refused with --host 0.0.0.0"), e.getMessage());
    }

    @Test
    @Order(1)
    void aUserWithAnUndeclaredRoleStopsTheStartNamingThem() {
        Path file = root.resolve("conf/other-users");
        Users.add(file, "eve", Optional.of("auditor"), PASSWORD.toCharArray());
        C360Exception e = assertThrows(
                C360Exception.class,
                () -> BiServer.start(lake, MASKING, "127.0.0.1", 0, Authentication.users(Users.read(file))));
        assertTrue(e.getMessage().startsWith("user eve: role 'auditor' is not declared"), e.getMessage());
    }

    @Test
    @Order(2)
    void servesEveryLakeTableAndPrintsItsJdbcUrl() {
        server = BiServer.start(lake, MASKING, "127.0.0.1", 0, users);
        assertTrue(server.port() > 0);
        assertEquals(List.of(ID_MAP, CUSTOMER), server.tables(), "in layer order");
        assertEquals("jdbc:hive2://127.0.0.1:" + server.port() + "/default", server.jdbcUrl());
    }

    @Test
    @Order(3)
    void aConnectionWithoutCredentialsOrWithAWrongPasswordIsRefused() {
        for (String[] credentials : List.of(
                new String[] {null, null},
                new String[] {"ada", "wrong password"},
                new String[] {"nobody", PASSWORD},
                new String[] {"ada", ""})) {
            SQLException e = assertThrows(
                    SQLException.class,
                    () -> DriverManager.getConnection(url(), credentials[0], credentials[1])
                            .close(),
                    String.join("/", String.valueOf(credentials[0]), String.valueOf(credentials[1])));
            assertTrue(e.getMessage().contains("Could not open client transport"), e.getMessage());
        }
    }

    @Test
    @Order(3)
    void aBiToolQueriesGoldCustomerOverJdbc() throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT customer_id, given_name, orders FROM gold.customer ORDER BY customer_id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getInt(3));
            }
            assertEquals(List.of("C1|Ann|3", "C2|Bo|0", "C3|Chloé|12"), rows);
        }
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT c.given_name, count(*) AS records FROM gold.customer c "
                                + "JOIN silver.customer_id_map m ON m.customer_id = c.customer_id GROUP BY c.given_name ORDER BY records DESC")) {
            assertTrue(rs.next());
            assertEquals("Ann", rs.getString("given_name"));
            assertEquals(2, rs.getLong("records"));
        }
    }

    @Test
    @Order(4)
    void tablesAndColumnCommentsAreListedForBiTools() throws SQLException {
        try (Connection c = connect()) {
            List<String> gold = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, "gold", "%", null)) {
                while (rs.next()) {
                    gold.add(rs.getString("TABLE_NAME") + ":" + rs.getString("REMARKS"));
                }
            }
            assertEquals(List.of("customer:One row per customer"), gold);
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getColumns(null, "gold", "customer", "%")) {
                while (rs.next()) {
                    columns.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME") + ":"
                            + rs.getString("REMARKS"));
                }
            }
            assertEquals(
                    List.of("customer_id:STRING:Stable customer id", "given_name:STRING:", "orders:INT:Orders placed"),
                    columns.stream().map(col -> col.replace(":null", ":")).toList());
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SHOW TABLES IN silver")) {
                assertTrue(rs.next());
                assertEquals("customer_id_map", rs.getString("tableName"));
            }
        }
    }

    @Test
    @Order(5)
    void writesThroughTheServedNamesFailAndLeaveTheTableIntact() throws SQLException {
        long versionBefore = lake.version(CUSTOMER);
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            for (String write : List.of(
                    "INSERT INTO gold.customer VALUES ('C9', 'Eve', 1)",
                    "DELETE FROM gold.customer WHERE customer_id = 'C1'",
                    "UPDATE gold.customer SET orders = 0",
                    "DROP TABLE gold.customer")) {
                assertThrows(SQLException.class, () -> s.execute(write), write);
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*), sum(orders) FROM gold.customer")) {
                assertTrue(rs.next());
                assertEquals(3, rs.getLong(1));
                assertEquals(15, rs.getLong(2));
            }
        }
        assertEquals(3, lake.read(CUSTOMER).count());
        assertEquals(versionBefore, lake.version(CUSTOMER), "no commit was added to the Delta table");
    }

    @Test
    @Order(6)
    void closingStopsServingAndLeavesSparkRunning(SparkSession spark) {
        server.close();
        assertThrows(SQLException.class, BiServerTest::connect);
        assertFalse(spark.sparkContext().isStopped());
        Row one = spark.sql("SELECT count(*) FROM " + CUSTOMER).head();
        assertEquals(3, one.getLong(0));
    }
}
