package io.c360.access;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.instr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import io.c360.C360Exception;
import io.c360.config.AccessSettings;
import io.c360.config.C360Config;
import io.c360.gold.GoldLineage;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The one definition of what a role sees of personal data, applied wherever data leaves c360 ({@code c360
 * serve}, {@code sql}, {@code export}, {@code workbench}). A column holds personal data of a kind when the
 * table catalog says so (the contracts' {@code pii:} tags, {@code gold/tables.yaml}, the engine's own
 * tables); a raw delivered line ({@link TableCatalog.Role#raw_record}) is personal data of the kind
 * {@value #RAW_RECORD}, which only a role seeing {@code all} reads. A role that does not see a kind in
 * clear gets the kind's mask ({@link AccessSettings#mask}).
 *
 * <p>The keyed hash is the only mask that needs a secret. It is an HMAC-SHA256 computed in a Java function
 * rather than Spark's {@code sha2} over the value and a key literal, because a literal is part of the query
 * plan, which error messages and plan descriptions print: the key would reach the very users it masks for.
 */
public final class Masking {
    /** The kind of a column holding a raw delivered line: any personal data may be anywhere in it. */
    public static final String RAW_RECORD = "raw_record";

    /** Where the masking key is kept in the lake when the environment gives none. */
    static final String KEY_FILE = "_access/masking.key";

    /** What the keyed hash's function is called in plans and error messages. */
    public static final String HASH_FUNCTION = "c360_masked";

    private static final int KEY_BYTES = 32;
    /** 128 bits of HMAC-SHA256: collisions among a company's customers are out of reach, and values stay short. */
    private static final int HASH_BYTES = 16;

    private final AccessSettings settings;
    private final TableCatalog catalog;
    private final UserDefinedFunction keyedHash;

    public Masking(AccessSettings settings, TableCatalog catalog, byte[] key) {
        if (key.length == 0) {
            throw new C360Exception(
                    "the masking key is empty; set " + settings.maskingKeyEnv() + " to a long random value");
        }
        this.settings = settings;
        this.catalog = catalog;
        this.keyedHash =
                functions.udf(new KeyedHash(key.clone()), DataTypes.StringType).withName(HASH_FUNCTION);
    }

    /**
     * The masking of a configuration over its lake: the catalog of the engine's tables, the configured
     * sources' contracts and the gold tables, with the personal data their SQL passes through
     * ({@link GoldLineage#catalog}); the key from the environment variable the configuration names,
     * else the lake's own (created at random on first use, owner-only).
     */
    public static Masking forConfig(Lake lake, C360Config config) {
        AccessSettings settings = config.access();
        String fromEnvironment = System.getenv(settings.maskingKeyEnv());
        byte[] key;
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            key = fromEnvironment.getBytes(StandardCharsets.UTF_8);
        } else {
            byte[] random = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(random);
            key = HexFormat.of()
                    .parseHex(lake.writeSecretIfAbsent(KEY_FILE, HexFormat.of().formatHex(random) + "\n")
                            .strip());
        }
        return new Masking(settings, GoldLineage.catalog(lake, config), key);
    }

    public AccessSettings settings() {
        return settings;
    }

    public TableCatalog catalog() {
        return catalog;
    }

    /** The role asked for, or the configuration's default role; an undeclared role is an error naming the declared ones. */
    public String role(Optional<String> asked) {
        String role = asked.orElse(settings.defaultRole());
        if (!settings.roles().containsKey(role)) {
            throw new C360Exception("role '" + role + "' is not declared; expected one of "
                    + String.join(", ", settings.roles().keySet()) + " (access.roles in the run configuration)");
        }
        return role;
    }

    /** The kind of personal data each column of the table holds (raw delivered lines included); empty when the catalog does not know the table. */
    public Map<String, String> kinds(TableName table) {
        Map<String, String> kinds = new LinkedHashMap<>();
        catalog.table(table)
                .ifPresent(t -> t.columns().forEach(c -> {
                    if (c.pii().isPresent()) {
                        kinds.put(c.name(), c.pii().get());
                    } else if (c.role().equals(Optional.of(TableCatalog.Role.raw_record))) {
                        kinds.put(c.name(), RAW_RECORD);
                    }
                }));
        return kinds;
    }

    /**
     * The columns of the table the role does not see in clear, each with the expression that replaces it.
     * Each expression reads the column by name ({@code col(name)}), so it can stand in a plan over the
     * table, under the column's own name.
     */
    public Map<String, Column> masked(TableName table, String role) {
        Map<String, Column> masked = new LinkedHashMap<>();
        kinds(table).forEach((column, kind) -> {
            if (!settings.seesInClear(role, kind)) {
                masked.put(column, mask(col(Lake.quote(column)), kind));
            }
        });
        return masked;
    }

    /** The rows of a table as the role sees them: every column it does not see in clear replaced by its mask, in place. */
    public Dataset<Row> apply(TableName table, Dataset<Row> rows, String role) {
        Map<String, Column> masked = masked(table, role);
        List<Column> columns = new ArrayList<>();
        for (String name : rows.columns()) {
            Column mask = masked.get(name);
            columns.add(mask == null ? col(Lake.quote(name)) : mask.as(name));
        }
        return masked.isEmpty() ? rows : rows.select(columns.toArray(Column[]::new));
    }

    /** A value of this kind as a role that does not see the kind in clear sees it; null stays null. */
    public Column mask(Column value, String kind) {
        Column text = value.cast(DataTypes.StringType);
        return switch (settings.mask(kind)) {
            case hash -> keyedHash.apply(text);
            case partial -> {
                Column at = instr(text, "@");
                yield when(value.isNull(), lit(null).cast(DataTypes.StringType))
                        .when(length(text).equalTo(0), text)
                        .when(at.gt(1), concat(substring(text, 1, 1), lit("***"), text.substr(at, length(text))))
                        .otherwise(concat(substring(text, 1, 1), lit("***")));
            }
            case year -> trunc(value, "year");
            case hide -> lit(null).cast(DataTypes.StringType);
        };
    }

    /** HMAC-SHA256 of a value under the masking key, as hex; the key travels to executors inside the function. */
    private record KeyedHash(byte[] key) implements UDF1<String, String> {
        @Override
        public String call(String value) throws GeneralSecurityException {
            if (value == null) {
                return null;
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, HASH_BYTES);
        }
    }
}
