package io.c360.test;

import io.c360.lake.SparkSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One SparkSession for the whole test JVM ({@code local[2]}, 2 shuffle partitions, no UI): session
 * start and Delta warm-up cost seconds, so tests share it. Inject it as a test or constructor parameter.
 *
 * <p>Expressions are evaluated by Spark's interpreter, not by generated code: in a profiled
 * 200-person pipeline run, generating and compiling Java for every new plan was about a third of the
 * CPU samples, and the suite passes the same either way. Production runs generate code, and so does
 * {@code SparkSubmitClusterIT}, which runs the whole pipeline from the shaded jar on a cluster.
 */
public final class SparkExtension implements ParameterResolver {
    private static SparkSession session;

    public static synchronized SparkSession session() {
        if (session == null) {
            try {
                Path warehouse = Files.createTempDirectory("c360-test-warehouse");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(warehouse)));
                session = SparkSessions.local(
                        "local[2]",
                        Map.of(
                                "spark.sql.warehouse.dir", warehouse.toString(),
                                "spark.driver.host", "127.0.0.1",
                                "spark.sql.codegen.wholeStage", "false",
                                "spark.sql.codegen.factoryMode", "NO_CODEGEN"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return session;
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover temp folder is harmless
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == SparkSession.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return session();
    }
}
