package io.c360.gold;

import static io.c360.lake.TableCatalog.EXPORTS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_csv;
import static org.apache.spark.sql.functions.when;

import io.c360.C360Exception;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.Storage;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The activation file a marketing platform imports for one segment: its current members with the
 * contact details of the segment's channel. Consent is checked again at export time against the
 * published gold.consent, and per contact point (see {@link #suppressed}), so a record that
 * matching failed to join to its person cannot get an opted-out person contacted.
 *
 * <p>The file is opened by people as well as platforms, often in a spreadsheet: a text value that a
 * spreadsheet would take for a formula is written with a leading {@code '} (see {@link
 * #spreadsheetSafe}). Its last column, {@value #CONSENT_CHECK}, names the consent check that chose its
 * rows, the same on every row, so the header says which check it is and a row copied elsewhere still
 * carries it; a comment line or a sidecar file would break CSV loaders or get separated from the file.
 */
public final class Activation {
    static final Map<String, List<String>> CONTACT_COLUMNS = Map.of(
            "email", List.of("customer_id", "email", "given_name", "surname"),
            "sms", List.of("customer_id", "phone", "given_name", "surname"),
            "phone", List.of("customer_id", "phone", "given_name", "surname"),
            "post",
                    List.of(
                            "customer_id",
                            "given_name",
                            "surname",
                            "house_number",
                            "street",
                            "unit",
                            "city",
                            "state",
                            "postcode"));

    /** The activation file's last column: which consent check produced the file. */
    public static final String CONSENT_CHECK = "consent_check";

    /**
     * The first characters that make a spreadsheet read a cell as a formula, or that it drops before
     * doing so (OWASP's CSV injection list): {@code = + - @}, tab and carriage return.
     */
    private static final String FORMULA_START = "^[=+\\-@\\t\\r]";

    /**
     * A plain number, signed or not ({@code +15551234567}, {@code -5}): a spreadsheet reads it as a
     * number and calls nothing, and an E.164 phone number must reach an SMS platform as it is.
     */
    private static final String PLAIN_NUMBER = "^[+-]?[0-9]+(\\.[0-9]+)?$";

    /**
     * A quote inside a value doubled, as spreadsheets and loaders read CSV (RFC 4180), where Spark
     * would escape it with a backslash.
     */
    private static final Map<String, String> RFC_4180 = Map.of("escape", "\"");

    static final StructType EXPORTS_SCHEMA = new StructType()
            .add("exported_at", DataTypes.TimestampType)
            .add("segment", DataTypes.StringType)
            .add("purpose", DataTypes.StringType)
            .add("channel", DataTypes.StringType)
            .add("file", DataTypes.StringType)
            .add("rows", DataTypes.LongType);

    private Activation() {}

    /** Writes the segment's activation CSV to a local file (replacing it) and returns the rows written. */
    public static long export(Lake lake, C360Config config, GoldDefinitions gold, String segmentName, Path out) {
        return export(lake, config, gold, segmentName, out.toString());
    }

    /**
     * Writes the segment's activation CSV to {@code out} (replacing it), a local path or a location such
     * as {@code s3a://bucket/exports/winback.csv}, and returns the rows written.
     */
    public static long export(Lake lake, C360Config config, GoldDefinitions gold, String segmentName, String out) {
        GoldDefinitions.Segment segment = segment(gold, segmentName);
        String channel = segment.channel()
                .orElseThrow(() -> new C360Exception("segment " + segmentName + " has no channel: an "
                        + segment.purpose() + " segment is not for contacting anyone"));
        GoldJob.registerLatestSources(lake, config);
        String check =
                consentCheck(segment, channel, lake.version(TableName.gold("consent")), GoldJob.lastPublication(lake));
        Dataset<Row> rows = audience(lake, segment, channel).localCheckpoint(true);
        String file = Storage.qualified(out);
        write(lake, rows.withColumn(CONSENT_CHECK, lit(check)), file);
        long n = rows.count();
        lake.append(
                EXPORTS,
                lake.spark()
                        .createDataFrame(
                                List.of(RowFactory.create(
                                        Timestamp.from(Instant.now()),
                                        segment.name(),
                                        segment.purpose(),
                                        channel,
                                        file,
                                        n)),
                                EXPORTS_SCHEMA));
        return n;
    }

    /** The segment of that name; an unknown name is an error listing the defined ones. */
    public static GoldDefinitions.Segment segment(GoldDefinitions gold, String segmentName) {
        return gold.segment(segmentName)
                .orElseThrow(() -> new C360Exception("unknown segment '" + segmentName + "'; "
                        + gold.folder().resolve("segments.yaml") + " defines "
                        + gold.segments().stream()
                                .map(GoldDefinitions.Segment::name)
                                .toList()));
    }

    /** The columns of gold.customer the segment's activation file holds (its channel's contact details). */
    public static List<String> columns(GoldDefinitions.Segment segment) {
        return segment.channel().map(CONTACT_COLUMNS::get).orElse(List.of());
    }

    /** The lake tables an export of the segment reads, as {@code layer.name}. */
    public static List<String> tablesRead(GoldDefinitions.Segment segment) {
        List<String> tables =
                new java.util.ArrayList<>(List.of(TableCatalog.SEGMENT_MEMBERSHIP.toString(), "gold.customer"));
        if (segment.needsConsent()) {
            tables.add("gold.consent");
            if (!segment.channel().orElse("post").equals("post")) {
                tables.addAll(List.of(
                        TableCatalog.IDENTITY_RECORDS.toString(),
                        TableCatalog.CUSTOMER_ID_MAP.toString(),
                        TableCatalog.SCORED_PAIRS.toString(),
                        "bronze.consent_events"));
            }
        }
        return tables;
    }

    /** Members with the channel's contact details, consent re-checked, one row per customer. */
    static Dataset<Row> audience(Lake lake, GoldDefinitions.Segment segment, String channel) {
        List<String> columns = CONTACT_COLUMNS.get(channel);
        String contact = contactColumn(channel);
        Dataset<Row> members = lake.read(TableCatalog.SEGMENT_MEMBERSHIP)
                .filter(col("segment").equalTo(segment.name()))
                .select("customer_id");
        Dataset<Row> rows = members.join(lake.read(TableName.gold("customer")), "customer_id")
                .filter(col(contact).isNotNull());
        if (segment.needsConsent()) {
            rows = rows.join(
                    Segments.consented(lake.read(TableName.gold("consent")), segment.purpose(), segment.channel()),
                    "customer_id");
            if (!channel.equals("post")) {
                rows = rows.join(
                        suppressed(lake, segment.purpose(), channel, contact),
                        rows.col(contact).equalTo(col("suppressed")),
                        "left_anti");
            }
        }
        return rows.select(columns.stream().map(c -> col(c)).toArray(Column[]::new))
                .dropDuplicates("customer_id")
                .orderBy("customer_id");
    }

    /** The column a member must have to be reached on the channel: the address's street for post. */
    static String contactColumn(String channel) {
        return channel.equals("post") ? "street" : CONTACT_COLUMNS.get(channel).get(1);
    }

    /**
     * Contact points (normalized e-mail addresses or phone numbers) never to use for this purpose and
     * channel: any held in a record of a customer who withdrew it or is on do-not-contact; any whose
     * own latest consent event says so; and any held by a customer whom a withdrawal or do-not-contact
     * request may belong to: the request's record awaits a steward's decision on a pair with one of
     * the customer's records ({@code review}) and would win over the customer's own consent if linked.
     * Erring towards silence protects a person whose records matching failed to join, or could not
     * join for certain: a number or address stays suppressed for every customer that shares it.
     */
    static Dataset<Row> suppressed(Lake lake, String purpose, String channel, String contact) {
        return lake.spark().sql("""
        WITH consent_records AS (
          SELECT r.signature, r.%3$s AS contact, e.purpose, e.status, e.event_time, e.consent_event_id,
                 (e.purpose = 'do_not_contact' AND e.status = 'granted')
                   OR (e.purpose <> 'do_not_contact' AND e.status = 'withdrawn') AS opts_out
          FROM latest_consent_events e
          JOIN silver.identity_records r ON r.source = 'consent_events' AND r.record_id = e.consent_event_id
          WHERE e.channel IN ('%2$s', 'all') AND e.purpose IN ('%1$s', 'do_not_contact')
        ),
        by_contact AS (
          SELECT contact, opts_out,
                 row_number() OVER (PARTITION BY contact, purpose
                   ORDER BY event_time DESC, CASE status WHEN 'withdrawn' THEN 0 ELSE 1 END, consent_event_id) AS nth
          FROM consent_records
        ),
        in_review AS (
          SELECT p.r_id AS other, o.purpose, o.event_time
          FROM silver.scored_pairs p JOIN consent_records o ON o.signature = p.l_id WHERE p.decision = 'review' AND o.opts_out
          UNION ALL
          SELECT p.l_id, o.purpose, o.event_time
          FROM silver.scored_pairs p JOIN consent_records o ON o.signature = p.r_id WHERE p.decision = 'review' AND o.opts_out
        ),
        silenced AS (
          SELECT customer_id FROM gold.consent
          WHERE (purpose = '%1$s' AND channel = '%2$s' AND status = 'withdrawn')
             OR (purpose = 'do_not_contact' AND status = 'granted')
          UNION
          SELECT m.customer_id
          FROM in_review w
          JOIN silver.identity_records r ON r.signature = w.other
          JOIN silver.customer_id_map m ON m.record_key = r.record_key
          LEFT JOIN gold.consent c ON c.customer_id = m.customer_id AND c.purpose = w.purpose AND c.channel = '%2$s'
          WHERE w.purpose = 'do_not_contact' OR c.decided_at IS NULL OR w.event_time >= c.decided_at
        )
        SELECT r.%3$s AS suppressed
        FROM silver.identity_records r
        JOIN silver.customer_id_map m ON m.record_key = r.record_key
        JOIN silenced s ON s.customer_id = m.customer_id
        WHERE r.%3$s IS NOT NULL
        UNION
        SELECT contact FROM by_contact WHERE contact IS NOT NULL AND nth = 1 AND opts_out
        """.formatted(purpose, channel, contact));
    }

    /**
     * What chose the file's rows, for its {@value #CONSENT_CHECK} column: purpose and channel, the
     * exclusions, and the gold.consent it was checked against (its Delta version, and the as-of and run
     * of the publication that wrote that version). No personal data: it is the same on every row.
     */
    static String consentCheck(
            GoldDefinitions.Segment segment,
            String channel,
            long consentVersion,
            Optional<GoldJob.Publication> published) {
        String against = "gold.consent v" + consentVersion
                + published
                        .filter(p -> p.published() != null
                                && Long.valueOf(consentVersion)
                                        .equals(p.published().get("gold.consent")))
                        .map(p -> " as of " + p.asOf() + " (run " + p.runId() + ")")
                        .orElse("");
        if (!segment.needsConsent()) {
            return "none: a " + segment.purpose() + " segment is not checked for consent; " + against;
        }
        return segment.purpose() + "/" + channel + " granted; do_not_contact excluded"
                + (channel.equals("post")
                        ? ""
                        : "; " + CONTACT_COLUMNS.get(channel).get(1) + " of opt-outs suppressed")
                + "; " + against;
    }

    /**
     * The text a spreadsheet shows as it is: a value starting with a formula character, unless it is a
     * plain number, gets a leading {@code '} (which spreadsheets take as "text" and hide).
     */
    static Column spreadsheetSafe(Column text) {
        return when(text.rlike(FORMULA_START).and(not(text.rlike(PLAIN_NUMBER))), concat(lit("'"), text))
                .otherwise(text);
    }

    /**
     * CSV with a header, text columns spreadsheet-safe (numbers, dates and booleans as they are); a
     * reader never sees half a file (see {@link Storage#write}).
     */
    static void write(Lake lake, Dataset<Row> rows, String out) {
        Column[] cells = Arrays.stream(rows.schema().fields())
                .map(f -> f.dataType().equals(DataTypes.StringType)
                        ? spreadsheetSafe(col(f.name())).as(f.name())
                        : col(f.name()))
                .toArray(Column[]::new);
        Storage.write(lake.spark().sparkContext().hadoopConfiguration(), out, w -> {
            w.write(String.join(",", rows.columns()));
            w.write('\n');
            Iterator<Row> lines = rows.select(to_csv(struct(cells), RFC_4180)).toLocalIterator();
            while (lines.hasNext()) {
                w.write(lines.next().getString(0));
                w.write('\n');
            }
        });
    }
}
