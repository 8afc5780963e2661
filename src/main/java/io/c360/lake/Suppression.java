package io.c360.lake;

import static org.apache.spark.sql.functions.col;

import io.c360.C360Exception;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.suppression_list}: keyed hashes of the identifiers of erased people (normalized e-mail,
 * E.164 phone, {@code source:record_id}), so that bronze can drop their rows when a source delivers
 * them again, without the lake keeping the identifiers themselves.
 *
 * <p>Each hash is HMAC-SHA256 over {@code kind:value} keyed with a secret salt. The salt is
 * {@code $C360_SUPPRESSION_SALT} when set (keep it in a secret store), otherwise the file
 * {@code <lake>/ops/_salt}, generated once with {@link SecureRandom} by the first erasure (owner-only). It must
 * never change: every row records a short check value of the salt it was made with, and a
 * different salt stops ingestion and erasure with an error instead of silently matching nothing.
 *
 * <p>It belongs to the lake, below both the erasure that appends to it and the bronze ingestion that
 * reads it: ingestion must not depend on governance.
 */
public final class Suppression implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final TableName TABLE = TableName.ops("suppression_list");
    public static final String SALT_ENV = "C360_SUPPRESSION_SALT";
    public static final String SALT_FILE = "ops/_salt";

    /** What a suppressed hash stands for. */
    public enum Kind {
        email,
        phone,
        record
    }

    static final StructType SCHEMA = new StructType()
            .add("hash", DataTypes.StringType, false)
            .add("kind", DataTypes.StringType, false)
            .add("erased_at", DataTypes.TimestampType, false)
            .add("request_id", DataTypes.StringType, false)
            .add("salt_check", DataTypes.StringType, false);

    private final String salt;
    private final Map<Kind, Set<String>> hashes;
    private transient ThreadLocal<Mac> mac;

    private Suppression(String salt, Map<Kind, Set<String>> hashes) {
        this.salt = salt;
        this.hashes = hashes;
    }

    /**
     * The suppression list in force for ingestion, or empty when nobody was ever erased. A list
     * without its salt (neither the variable nor the file) is an error: nothing could be matched.
     */
    public static Optional<Suppression> load(Lake lake) {
        if (!lake.exists(TABLE)) {
            return Optional.empty();
        }
        String salt = existingSalt(lake)
                .orElseThrow(() ->
                        new C360Exception(TABLE + " exists but its salt is missing: set $" + SALT_ENV + " or restore "
                                + lake.root() + "/" + SALT_FILE + " (without it no erased person can be recognized)"));
        Map<Kind, Set<String>> hashes = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            hashes.put(k, new HashSet<>());
        }
        Set<String> checks = new HashSet<>();
        for (Row r : lake.read(TABLE).select("hash", "kind", "salt_check").collectAsList()) {
            hashes.get(Kind.valueOf(r.getString(1))).add(r.getString(0));
            checks.add(r.getString(2));
        }
        Suppression s = new Suppression(salt, hashes);
        s.verify(checks);
        return Optional.of(s);
    }

    /** The salt for a new erasure: the variable, else the lake's salt file, created on first use. */
    public static Suppression forErasure(Lake lake) {
        String salt = existingSalt(lake).orElseGet(() -> {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return lake.writeSecretIfAbsent(SALT_FILE, HexFormat.of().formatHex(random) + "\n")
                    .trim();
        });
        Suppression s = new Suppression(salt, Map.of());
        if (lake.exists(TABLE)) {
            s.verify(new HashSet<>(lake.read(TABLE).select("salt_check").distinct().collectAsList().stream()
                    .map(r -> r.getString(0))
                    .toList()));
        }
        return s;
    }

    private static Optional<String> existingSalt(Lake lake) {
        String env = System.getenv(SALT_ENV);
        if (env != null && !env.isBlank()) {
            return Optional.of(env.trim());
        }
        return lake.readText(SALT_FILE).map(String::trim).filter(s -> !s.isEmpty());
    }

    private void verify(Set<String> checks) {
        String mine = saltCheck();
        if (!checks.isEmpty() && !(checks.size() == 1 && checks.contains(mine))) {
            throw new C360Exception(TABLE + " was hashed with another salt than the one in force ($" + SALT_ENV + " or "
                    + SALT_FILE + "); restore the original salt: with a new one no erased person would be recognized");
        }
    }

    /** The keyed hash of one identifier (already normalized: silver's e-mail form, E.164, {@code source:record_id}). */
    public String hash(Kind kind, String value) {
        if (mac == null) {
            mac = ThreadLocal.withInitial(() -> {
                try {
                    Mac m = Mac.getInstance("HmacSHA256");
                    m.init(new SecretKeySpec(salt.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                    return m;
                } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                    throw new IllegalStateException("HmacSHA256 unavailable", e);
                }
            });
        }
        return HexFormat.of()
                .formatHex(mac.get().doFinal((kind.name() + ":" + value).getBytes(StandardCharsets.UTF_8)));
    }

    /** A short value derived from the salt (not revealing it), stored with every hash to detect a changed salt. */
    String saltCheck() {
        return hash(Kind.record, "c360:salt-check").substring(0, 12);
    }

    public boolean isEmpty() {
        return hashes.values().stream().allMatch(Set::isEmpty);
    }

    /** Whether a normalized identifier of this kind is suppressed. */
    public boolean contains(Kind kind, String value) {
        return value != null && hashes.getOrDefault(kind, Set.of()).contains(hash(kind, value));
    }

    /** {@link #contains} as a column function (the salt and hashes travel inside it, not in the plan's text). */
    public Column contains(Kind kind, Column value) {
        Suppression self = this;
        return functions
                .udf((UDF1<String, Boolean>) v -> self.contains(kind, v), DataTypes.BooleanType)
                .asNonNullable()
                .withName("suppressed_" + kind.name())
                .apply(value);
    }

    /**
     * How many of these identifiers, per kind, {@link #add} would append (those already on the list are not
     * added again). Creates nothing, not even the salt; a list whose salt is missing or changed is an error,
     * as it is for the erasure.
     */
    public static Map<Kind, Long> wouldAdd(Lake lake, Map<Kind, Set<String>> values) {
        Optional<Suppression> list = load(lake);
        Map<Kind, Long> counts = new EnumMap<>(Kind.class);
        values.forEach((kind, vs) -> counts.put(
                kind,
                vs.stream()
                        .filter(v -> list.map(s -> !s.contains(kind, v)).orElse(true))
                        .count()));
        return counts;
    }

    /** Appends one row per identifier to {@code ops.suppression_list} (identifiers already there are skipped). */
    public long add(Lake lake, String requestId, Timestamp erasedAt, Map<Kind, Set<String>> values) {
        Set<String> known = new HashSet<>();
        if (lake.exists(TABLE)) {
            lake.read(TABLE).select(col("hash")).collectAsList().forEach(r -> known.add(r.getString(0)));
        }
        List<Row> rows = new ArrayList<>();
        String check = saltCheck();
        values.forEach((kind, vs) -> vs.stream().sorted().forEach(v -> {
            String h = hash(kind, v);
            if (known.add(h)) {
                rows.add(RowFactory.create(h, kind.name(), erasedAt, requestId, check));
            }
        }));
        if (!rows.isEmpty() || !lake.exists(TABLE)) {
            lake.append(TABLE, lake.spark().createDataFrame(rows, SCHEMA).coalesce(1));
        }
        return rows.size();
    }
}
