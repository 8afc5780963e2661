package io.c360.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.util.ssl.cert.ManageCertificates;
import io.c360.access.AccessLog;
import io.c360.access.Masking;
import io.c360.access.Users;
import io.c360.config.AccessSettings;
import io.c360.config.ServeSettings;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.test.SparkExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
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

/**
 * Governed access over the Hive JDBC driver, as BI users would meet it: sign-in required (users file, then
 * LDAP against an in-process directory, TLS as an option), e-mails and phones masked for an analyst with counts and joins
 * intact, in clear for a privacy officer, and every statement in {@code ops.access_log}.
 */
@ExtendWith(SparkExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("cluster")
class ServeGovernedAccessTest {
    private static final TableName CUSTOMER = TableName.gold("customer");
    private static final TableName CONSENT = TableName.gold("consent");
    private static final String PASSWORD = "correct horse";
    private static final String HEX32 = "[0-9a-f]{32}";

    @TempDir
    static Path root;

    private static Lake lake;
    private static Masking masking;
    private static BiServer server;

    @BeforeAll
    static void lakeAndUsers(SparkSession spark) {
        for (String layer : TableName.LAYERS) {
            spark.sql("DROP DATABASE IF EXISTS " + layer + " CASCADE");
        }
        lake = new Lake(spark, root.resolve("lake").toString());
        StructType customer = new StructType()
                .add("customer_id", DataTypes.StringType, false)
                .add("given_name", DataTypes.StringType)
                .add("email", DataTypes.StringType)
                .add("phone", DataTypes.StringType)
                .add("orders", DataTypes.IntegerType);
        lake.publish(
                CUSTOMER,
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("C1", "Ann", "ann@example.com", "+4915112345678", 3),
                                RowFactory.create("C2", "Bo", "bo@example.org", "+4915187654321", 0),
                                RowFactory.create("C3", "Chloé", "ann@example.com", null, 12),
                                RowFactory.create("C4", "Dan", null, "+4915100000000", 1)),
                        customer),
                List.of("customer_id"),
                "One row per customer");
        lake.overwrite(
                CONSENT,
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("C1", "ann@example.com", "email"),
                                RowFactory.create("C2", "bo@example.org", "email"),
                                RowFactory.create("C9", "eve@example.net", "email")),
                        new StructType()
                                .add("customer_id", DataTypes.StringType)
                                .add("email", DataTypes.StringType)
                                .add("channel", DataTypes.StringType)));
        TableCatalog catalog = TableCatalog.engine()
                .with(List.of(
                        new TableCatalog.Table(
                                CUSTOMER,
                                List.of("customer_id"),
                                Optional.empty(),
                                List.of(
                                        TableCatalog.Column.pii("given_name", "name"),
                                        TableCatalog.Column.pii("email", "email"),
                                        TableCatalog.Column.pii("phone", "phone"))),
                        new TableCatalog.Table(
                                CONSENT,
                                List.of("customer_id"),
                                Optional.empty(),
                                List.of(TableCatalog.Column.pii("email", "email")))));
        masking = new Masking(AccessSettings.DEFAULTS, catalog, "test-masking-key".getBytes(StandardCharsets.UTF_8));
        Path users = root.resolve("conf/users");
        Users.add(users, "ana", Optional.of("analyst"), PASSWORD.toCharArray());
        Users.add(users, "pia", Optional.of("privacy"), PASSWORD.toCharArray());
        server = BiServer.start(lake, masking, "127.0.0.1", 0, Authentication.users(Users.read(users)));
    }

    @AfterAll
    static void stop(SparkSession spark) throws AnalysisException {
        if (server != null) {
            server.close();
        }
        spark.sql("DROP VIEW IF EXISTS " + CUSTOMER);
        spark.sql("DROP VIEW IF EXISTS " + CONSENT);
        // Registered as a view or, by the pipeline's code, as a table: whichever it is here.
        if (spark.catalog().tableExists(AccessLog.ACCESS_LOG.toString())) {
            boolean view = spark.catalog()
                    .getTable(AccessLog.ACCESS_LOG.toString())
                    .tableType()
                    .equals("VIEW");
            spark.sql((view ? "DROP VIEW " : "DROP TABLE ") + AccessLog.ACCESS_LOG);
        }
    }

    private static Connection connect(String user, String password) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(), user, password);
    }

    private static List<List<String>> rows(Connection c, String query) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            int width = rs.getMetaData().getColumnCount();
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= width; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private static long one(SparkSession spark, String query) {
        return spark.sql(query).head().getLong(0);
    }

    @Test
    @Order(1)
    void aConnectionWithoutCredentialsOrWithAWrongPasswordIsRefused() {
        assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection(server.jdbcUrl()).close());
        assertThrows(SQLException.class, () -> connect("ana", "wrong password").close());
        assertThrows(SQLException.class, () -> connect("mallory", PASSWORD).close());
    }

    @Test
    @Order(2)
    void anAnalystSeesEmailsAndPhonesMaskedHoweverTheTableIsNamed() throws SQLException {
        try (Connection c = connect("ana", PASSWORD)) {
            List<List<String>> customers = rows(
                    c, "SELECT customer_id, given_name, email, phone, orders FROM gold.customer ORDER BY customer_id");
            assertEquals(4, customers.size());
            List<String> ann = customers.get(0);
            assertEquals("C1", ann.get(0), "the key is not personal data");
            assertEquals("A***", ann.get(1));
            assertTrue(ann.get(2).matches(HEX32), ann.get(2));
            assertTrue(ann.get(3).matches(HEX32), ann.get(3));
            assertEquals("3", ann.get(4));
            assertEquals(ann.get(2), customers.get(2).get(2), "the same e-mail, the same hash");
            assertEquals(null, customers.get(3).get(2), "null stays null");
            for (List<String> row : customers) {
                assertFalse(String.join("|", String.valueOf(row)).contains("@example"), row.toString());
                assertFalse(String.valueOf(row).contains("+49151"), row.toString());
            }
            for (String query : List.of(
                    "SELECT c.email FROM gold.customer c WHERE c.customer_id = 'C1'",
                    "SELECT gold.customer.email FROM gold.customer WHERE customer_id = 'C1'",
                    "SELECT email FROM spark_catalog.gold.customer WHERE customer_id = 'C1'",
                    "SELECT email FROM (SELECT email, customer_id FROM gold.customer) WHERE customer_id = 'C1'",
                    "WITH e AS (SELECT customer_id, email FROM gold.customer) SELECT email FROM e WHERE customer_id = 'C1'",
                    "SELECT max(email) FROM gold.customer WHERE customer_id IN (SELECT customer_id FROM gold.consent)"
                            + " AND customer_id = 'C1'")) {
                assertEquals(List.of(List.of(ann.get(2))), rows(c, query), query);
            }
            try (Statement s = c.createStatement()) {
                s.execute("USE gold");
            }
            assertEquals(List.of(List.of(ann.get(2))), rows(c, "SELECT email FROM customer WHERE customer_id = 'C1'"));
            assertEquals(
                    List.of(),
                    rows(c, "SELECT customer_id FROM gold.customer WHERE email = 'ann@example.com'"),
                    "a filter on the clear value finds nothing: the column is masked before the filter");
        }
    }

    @Test
    @Order(3)
    void anAnalystsCountsAndJoinsOnEmailAreTheOnesInClear(SparkSession spark) throws SQLException {
        String distinct = "SELECT count(DISTINCT email) FROM gold.customer";
        String join = "SELECT count(*) FROM gold.customer c JOIN gold.consent k ON k.email = c.email";
        long distinctInClear = one(spark, distinct);
        long joinedInClear = one(spark, join);
        assertEquals(2, distinctInClear);
        assertEquals(3, joinedInClear);
        try (Connection c = connect("ana", PASSWORD)) {
            assertEquals(List.of(List.of(String.valueOf(distinctInClear))), rows(c, distinct));
            assertEquals(List.of(List.of(String.valueOf(joinedInClear))), rows(c, join));
        }
    }

    @Test
    @Order(4)
    void aPrivacyOfficerSeesThemInClear() throws SQLException {
        try (Connection c = connect("pia", PASSWORD)) {
            assertEquals(
                    List.of(List.of("Ann", "ann@example.com", "+4915112345678")),
                    rows(c, "SELECT given_name, email, phone FROM gold.customer WHERE customer_id = 'C1'"));
        }
    }

    @Test
    @Order(5)
    void whatIsNotAReadStaysRefused() throws SQLException {
        try (Connection c = connect("pia", PASSWORD);
                Statement s = c.createStatement()) {
            SQLException e = assertThrows(
                    SQLException.class, () -> s.execute("SELECT java_method('java.lang.System', 'getenv', 'HOME')"));
            assertTrue(e.getMessage().contains("c360 serve answers reads of the lake's tables only"), e.getMessage());
        }
    }

    @Test
    @Order(6)
    void everyStatementIsInTheAccessLogWithUserRoleTablesAndRows() {
        server.close();
        List<Row> log = lake.read(AccessLog.ACCESS_LOG).orderBy("at").collectAsList();
        assertFalse(log.isEmpty());
        for (Row entry : log) {
            assertEquals("serve", entry.<String>getAs("channel"));
            assertFalse(entry.<String>getAs("statement").contains("@example"), entry.toString());
        }
        Row masked = find(
                log, "SELECT customer_id, given_name, email, phone, orders FROM gold.customer ORDER BY customer_id");
        assertEquals("ana", masked.getAs("user"));
        assertEquals("analyst", masked.getAs("role"));
        assertEquals(List.of("gold.customer"), masked.getList(masked.fieldIndex("tables")));
        assertEquals(4L, (long) masked.getAs("rows"));
        assertEquals("answered", masked.getAs("outcome"));

        Row joined = find(log, "SELECT count(*) FROM gold.customer c JOIN gold.consent k ON k.email = c.email");
        assertEquals(List.of("gold.consent", "gold.customer"), joined.getList(joined.fieldIndex("tables")));
        assertEquals(1L, (long) joined.getAs("rows"));

        Row filtered = find(log, "SELECT customer_id FROM gold.customer WHERE email = ?");
        assertEquals(0L, (long) filtered.getAs("rows"), "literals masked, rows counted");

        Row clear = find(log, "SELECT given_name, email, phone FROM gold.customer WHERE customer_id = ?");
        assertEquals("pia", clear.getAs("user"));
        assertEquals("privacy", clear.getAs("role"));

        Row refused = find(log, "SELECT java_method(?, ?, ?)");
        assertEquals("refused", refused.getAs("outcome"));
        assertEquals("pia", refused.getAs("user"));

        Row use = find(log, "USE gold");
        assertEquals("answered", use.getAs("outcome"));
        assertTrue(use.isNullAt(use.fieldIndex("rows")));
    }

    private static Row find(List<Row> log, String statement) {
        return log.stream()
                .filter(r -> statement.equals(r.getAs("statement")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("not in ops.access_log: " + statement + "; logged: "
                        + log.stream().map(r -> r.getAs("statement")).toList()));
    }

    @Test
    @Order(7)
    void ldapUsersSignInAgainstTheDirectoryWithTheirConfiguredRoles() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
        config.setListenerConfigs(
                InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getByName("127.0.0.1"), 0, null));
        InMemoryDirectoryServer directory = new InMemoryDirectoryServer(config);
        directory.add("dn: dc=example,dc=com", "objectClass: top", "objectClass: domain", "dc: example");
        directory.add(
                "dn: ou=people,dc=example,dc=com", "objectClass: top", "objectClass: organizationalUnit", "ou: people");
        for (String uid : List.of("lena", "leo")) {
            directory.add(
                    "dn: uid=" + uid + ",ou=people,dc=example,dc=com",
                    "objectClass: top",
                    "objectClass: person",
                    "objectClass: organizationalPerson",
                    "objectClass: inetOrgPerson",
                    "uid: " + uid,
                    "cn: " + uid,
                    "sn: " + uid,
                    "userPassword: " + PASSWORD);
        }
        directory.startListening();
        try {
            ServeSettings.Ldap ldap = new ServeSettings.Ldap(
                    "ldap://127.0.0.1:" + directory.getListenPort(),
                    Optional.of("ou=people,dc=example,dc=com"),
                    Optional.empty(),
                    Map.of("lena", "privacy"));
            server = BiServer.start(lake, masking, "127.0.0.1", 0, Authentication.ldap(ldap));
            assertThrows(
                    SQLException.class, () -> connect("lena", "wrong password").close());
            assertThrows(SQLException.class, () -> connect("ana", PASSWORD).close(), "not in the directory");
            String query = "SELECT email FROM gold.customer WHERE customer_id = 'C1'";
            try (Connection c = connect("lena", PASSWORD)) {
                assertEquals(List.of(List.of("ann@example.com")), rows(c, query), "lena is a privacy officer");
            }
            try (Connection c = connect("leo", PASSWORD)) {
                String email = rows(c, query).get(0).get(0);
                assertTrue(email.matches(HEX32), "leo has the default role, analyst: " + email);
                assertNotEquals("ann@example.com", email);
            }
        } finally {
            if (server != null) {
                server.close();
            }
            directory.shutDown(true);
        }
        Row leo = lake.read(AccessLog.ACCESS_LOG)
                .where(functions.col("user").equalTo("leo"))
                .head();
        assertEquals("analyst", leo.getAs("role"));
    }

    @Test
    @Order(8)
    void overTlsOnlyAClientThatTrustsTheServersCertificateConnects() throws Exception {
        Path keystore = root.resolve("tls/serve.p12");
        Path truststore = root.resolve("tls/trust.p12");
        Path certificate = root.resolve("tls/serve.pem");
        String password = "keystore-password";
        Files.createDirectories(keystore.getParent());
        certificates(
                "generate-self-signed-certificate",
                "--keystore",
                keystore.toString(),
                "--keystore-password",
                password,
                "--keystore-type",
                "PKCS12",
                "--alias",
                "serve",
                "--subject-dn",
                "CN=127.0.0.1",
                "--subject-alternative-name-ip-address",
                "127.0.0.1",
                "--days-valid",
                "2");
        certificates(
                "export-certificate",
                "--keystore",
                keystore.toString(),
                "--keystore-password",
                password,
                "--alias",
                "serve",
                "--output-file",
                certificate.toString(),
                "--output-format",
                "PEM");
        certificates(
                "import-certificate",
                "--keystore",
                truststore.toString(),
                "--keystore-password",
                password,
                "--keystore-type",
                "PKCS12",
                "--alias",
                "serve",
                "--certificate-file",
                certificate.toString(),
                "--no-prompt");
        Path users = root.resolve("conf/users");
        server = BiServer.start(
                lake,
                masking,
                "127.0.0.1",
                0,
                Authentication.users(Users.read(users)).withTls(keystore, password));
        try {
            assertTrue(server.jdbcUrl().endsWith(";ssl=true"), server.jdbcUrl());
            String plain = "jdbc:hive2://127.0.0.1:" + server.port() + "/default";
            assertThrows(
                    SQLException.class,
                    () -> DriverManager.getConnection(plain, "pia", PASSWORD).close());
            String trusted = server.jdbcUrl() + ";sslTrustStore=" + truststore + ";trustStorePassword=" + password;
            try (Connection c = DriverManager.getConnection(trusted, "pia", PASSWORD)) {
                assertEquals(
                        List.of(List.of("ann@example.com")),
                        rows(c, "SELECT email FROM gold.customer WHERE customer_id = 'C1'"));
            }
        } finally {
            server.close();
        }
    }

    private static void certificates(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ResultCode code = ManageCertificates.main(new ByteArrayInputStream(new byte[0]), out, out, args);
        assertEquals(ResultCode.SUCCESS, code, out.toString(StandardCharsets.UTF_8));
    }
}
