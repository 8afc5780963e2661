package io.c360.lake;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Credentials in force (S3 keys, passwords, tokens given as Spark or Hadoop settings or as AWS
 * environment variables), and text with their values blanked out. Every message c360 records or
 * prints about a failure (the run log, the run report, progress lines, the command line's error line)
 * goes through {@link #redact}: an exception from a storage client may quote a setting.
 */
public final class Secrets {
    /**
     * Settings whose value is a credential: a name holding secret, password or token, or
     * ending in key ({@code fs.s3a.access.key}, {@code fs.s3a.bucket.B.secret.key}, {@code AWS_ACCESS_KEY_ID}).
     */
    static final Pattern CREDENTIAL_SETTING =
            Pattern.compile("(?i).*(secret|password|passwd|token).*|.*[._-]key([._-]id)?");
    /** Shorter values (sizes, flags, numbers) are not credentials and would blank out ordinary text. */
    static final int SHORTEST_CREDENTIAL = 8;

    static final String BLANK = "*****";
    private static final List<String> ENVIRONMENT =
            List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");

    private Secrets() {}

    /** The text with every credential of the active session's settings and of the environment blanked out. */
    public static String redact(String text) {
        return redact(
                text,
                SparkSession.getActiveSession().isDefined()
                        ? Optional.of(SparkSession.getActiveSession().get())
                        : SparkSession.getDefaultSession().isDefined()
                                ? Optional.of(SparkSession.getDefaultSession().get())
                                : Optional.empty());
    }

    /** The text with every credential of this session's settings and of the environment blanked out. */
    public static String redact(String text, SparkSession spark) {
        return redact(text, Optional.of(spark));
    }

    private static String redact(String text, Optional<SparkSession> spark) {
        if (text == null) {
            return null;
        }
        String redacted = text;
        // Longest first: a credential that contains another is blanked whole.
        List<String> values = values(spark).stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
        for (String value : values) {
            redacted = redacted.replace(value, BLANK);
        }
        return redacted;
    }

    static Set<String> values(Optional<SparkSession> spark) {
        Set<String> values = new HashSet<>();
        spark.ifPresent(s -> {
            for (Tuple2<String, String> setting : s.sparkContext().getConf().getAll()) {
                add(values, setting._1(), setting._2());
            }
            for (Map.Entry<String, String> setting : s.sparkContext().hadoopConfiguration()) {
                add(values, setting.getKey(), setting.getValue());
            }
        });
        for (String variable : ENVIRONMENT) {
            add(values, variable, System.getenv(variable));
        }
        return values;
    }

    private static void add(Set<String> values, String name, String value) {
        if (value != null
                && CREDENTIAL_SETTING.matcher(name).matches()
                && value.strip().length() >= SHORTEST_CREDENTIAL) {
            values.add(value.strip());
        }
    }
}
