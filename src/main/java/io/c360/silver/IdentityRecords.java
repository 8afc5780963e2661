package io.c360.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_union;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.current_date;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.c360.standardize.Phones;
import io.c360.standardize.Standardization;
import io.c360.standardize.Standardize;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Source rows → standardized identity records (one per source record), the input of matching.
 * Mapping (which columns hold what) is declared per source; standardization is the same for all.
 */
public final class IdentityRecords {
    /**
     * The attribute that says whose record it is, on records of a source whose other attributes may be
     * someone else's (see {@link IdentityConfig.SourceMapping#ownedBy}); null elsewhere.
     */
    public static final String OWNED_BY = "owned_by";
    /** Attributes compared by matching, in the order used to build a record's signature. */
    public static final List<String> MATCH_ATTRIBUTES = List.of(
            "given_name",
            "surname",
            "birth_date",
            "email",
            "phone",
            "house_number",
            "street",
            "unit",
            "city",
            "state",
            "postcode",
            "national_id",
            "crm_id",
            OWNED_BY);

    public static final String RECORD_KEY = "record_key";
    /**
     * Whether the record's birth date parsed but fell outside the plausible range (before
     * {@code earliest_birth_date} or after today) and was left out: counted and reported, then dropped
     * before identity records are stored.
     */
    public static final String BIRTH_DATE_OUT_OF_RANGE = "birth_date_out_of_range";

    public static final String SIGNATURE = "signature";

    private IdentityRecords() {}

    /**
     * Identity records of one source: {@code record_key} ({@code source:record_id}), source, system,
     * record id and time, the standardized attributes, {@code given_name_variants} (the name and the
     * given names it is a nickname of) and {@code signature} (a hash of the matched attributes: records
     * with the same signature are the same identity and are matched once).
     */
    public static Dataset<Row> of(
            Dataset<Row> rows,
            String source,
            String system,
            IdentityConfig.SourceMapping mapping,
            Standardization std,
            Dataset<Row> nicknames) {
        return of(rows, source, system, mapping, std, nicknames, mapping.extras());
    }

    /**
     * Identity records of one source that also carry {@code extras}, the attributes beyond the built-in
     * ones that any source maps (each standardized by its type; null where this source does not map it),
     * so that the records of all sources have one schema.
     */
    public static Dataset<Row> of(
            Dataset<Row> rows,
            String source,
            String system,
            IdentityConfig.SourceMapping mapping,
            Standardization std,
            Dataset<Row> nicknames,
            Map<String, AttributeType> extras) {
        Dataset<Row> filtered = mapping.where().map(rows::filter).orElse(rows);
        List<Column> raw = new ArrayList<>();
        raw.add(recordId(mapping).as("record_id"));
        raw.add(mapping.recordTime()
                .map(e -> expr(e).cast(DataTypes.TimestampType))
                .orElse(lit(null).cast(DataTypes.TimestampType))
                .as("record_time"));
        for (String attribute : IdentityConfig.ATTRIBUTES) {
            String e = mapping.attributes().get(attribute);
            raw.add((e == null ? lit(null) : expr(e)).cast(DataTypes.StringType).as("raw_" + attribute));
        }
        for (String attribute : extras.keySet()) {
            String e = mapping.attributes().get(attribute);
            raw.add((e == null ? lit(null) : expr(e)).cast(DataTypes.StringType).as("raw_" + attribute));
        }
        Dataset<Row> mapped = filtered.select(raw.toArray(Column[]::new))
                .filter(col("record_id").isNotNull());

        Column full = col("raw_full_name");
        Column commaForm = full.contains(",");
        Column givenFromFull = when(commaForm, element_at(split(trim(substring_index(full, ",", -1)), "\\s+"), 1))
                .otherwise(element_at(split(trim(full), "\\s+"), 1));
        Column surnameFromFull = when(commaForm, trim(substring_index(full, ",", 1)))
                .otherwise(when(
                        element_at(split(trim(full), "\\s+"), -1).notEqual(givenFromFull),
                        element_at(split(trim(full), "\\s+"), -1)));
        Column givenRaw = coalesce(col("raw_given_name"), givenFromFull);
        Column surnameRaw = coalesce(col("raw_surname"), surnameFromFull);
        Column streetRaw = col("raw_street");
        Column birth = Standardize.date(col("raw_birth_date"), std.dateFormats());

        List<Column> extraColumns = new ArrayList<>();
        extras.forEach((name, type) ->
                extraColumns.add(standardized(type, col("raw_" + name), std).as(name)));
        List<Column> standardizedColumns = new ArrayList<>(List.of(
                concat(lit(source + ":"), col("record_id")).as(RECORD_KEY),
                lit(source).as("source"),
                lit(system).as("source_system"),
                col("record_id"),
                col("record_time"),
                Standardize.unlessJunk(Standardize.name(givenRaw), Standardize.text(givenRaw), std.junk("name"))
                        .as("given_name"),
                Standardize.unlessJunk(Standardize.name(surnameRaw), Standardize.text(surnameRaw), std.junk("name"))
                        .as("surname"),
                when(
                                birthDateInRange(birth, std),
                                Standardize.unlessJunk(
                                        birth,
                                        Standardize.text(date_format(birth, "yyyy-MM-dd")),
                                        std.junk("birth_date")))
                        .as("birth_date"),
                Standardize.unlessJunk(
                                Standardize.email(col("raw_email"), std.canonicalEmail(), std.emailDomains()),
                                Standardize.text(col("raw_email")),
                                std.junk("email"))
                        .as("email"),
                Standardize.unlessJunk(
                                Phones.e164(col("raw_phone"), std.phoneRegion()),
                                Standardize.text(col("raw_phone")),
                                std.junk("phone"))
                        .as("phone"),
                Standardize.houseNumber(streetRaw).as("house_number"),
                Standardize.unlessJunk(
                                Standardize.street(streetRaw, std.streetAbbreviations()),
                                Standardize.text(streetRaw),
                                std.junk("street"))
                        .as("street"),
                Standardize.unit(streetRaw).as("unit"),
                Standardize.text(col("raw_city")).as("city"),
                Standardize.text(col("raw_state")).as("state"),
                Standardize.postcode(col("raw_postcode")).as("postcode"),
                Standardize.unlessJunk(
                                Standardize.nationalId(col("raw_national_id")),
                                Standardize.nationalId(col("raw_national_id")),
                                std.junk("national_id"))
                        .as("national_id"),
                when(trim(col("raw_crm_id")).notEqual(""), trim(col("raw_crm_id")))
                        .as("crm_id")));
        standardizedColumns.add(birth.isNotNull()
                .and(birthDateInRange(birth, std).unary_$bang())
                .as(BIRTH_DATE_OUT_OF_RANGE));
        standardizedColumns.addAll(extraColumns);
        Dataset<Row> standardized = mapped.select(standardizedColumns.toArray(Column[]::new));
        Column ownedBy = mapping.ownedBy()
                .map(a -> when(col(a).isNotNull(), lit(a)))
                .orElse(lit(null))
                .cast(DataTypes.StringType);
        return withVariantsAndSignature(
                standardized.withColumn(OWNED_BY, ownedBy), nicknames, List.copyOf(extras.keySet()));
    }

    /**
     * An extra attribute's value standardized by its type, as the built-in attributes of that type are
     * (names, e-mails, phones, streets, postcodes, dates; identifiers keep letters and digits; category,
     * place and text are {@link Standardize#text}); a number that does not read as one is null.
     */
    static Column standardized(AttributeType type, Column raw, Standardization std) {
        return switch (type) {
            case NAME, GIVEN_NAME, SURNAME ->
                Standardize.unlessJunk(Standardize.name(raw), Standardize.text(raw), std.junk("name"));
            case FULL_NAME -> Standardize.unlessJunk(Standardize.text(raw), Standardize.text(raw), std.junk("name"));
            case DATE -> Standardize.date(raw, std.dateFormats());
            case EMAIL ->
                Standardize.unlessJunk(
                        Standardize.email(raw, std.canonicalEmail(), std.emailDomains()),
                        Standardize.text(raw),
                        std.junk("email"));
            case PHONE ->
                Standardize.unlessJunk(Phones.e164(raw, std.phoneRegion()), Standardize.text(raw), std.junk("phone"));
            case POSTCODE -> Standardize.postcode(raw);
            case STREET ->
                Standardize.unlessJunk(
                        Standardize.street(raw, std.streetAbbreviations()), Standardize.text(raw), std.junk("street"));
            case IDENTIFIER -> Standardize.identifier(raw);
            case PLACE, CATEGORY, TEXT -> Standardize.text(raw);
            case NUMBER ->
                when(trim(raw).rlike("^[+-]?[0-9]+([.][0-9]+)?$"), trim(raw).cast(DataTypes.DoubleType));
        };
    }

    private static Column birthDateInRange(Column birth, Standardization std) {
        return birth.geq(lit(java.sql.Date.valueOf(std.earliestBirthDate()))).and(birth.leq(current_date()));
    }

    /** The record id a source row carries, as identity records hold it. */
    private static Column recordId(IdentityConfig.SourceMapping mapping) {
        return trim(expr(mapping.recordId()).cast(DataTypes.StringType));
    }

    /** The {@code record_key} of the record a source row is a version of (null without a record id). */
    public static Column recordKey(String source, IdentityConfig.SourceMapping mapping) {
        return concat(lit(source + ":"), recordId(mapping));
    }

    /** Nickname table ({@code nickname, canonical}) as {@code name → canonical names}, ready to broadcast. */
    public static Dataset<Row> nicknameIndex(Dataset<Row> nicknameCsv) {
        return nicknameCsv
                .select(
                        Standardize.name(col("nickname")).as("nick"),
                        Standardize.name(col("canonical")).as("canonical"))
                .filter(col("nick").isNotNull().and(col("canonical").isNotNull()))
                .groupBy("nick")
                .agg(collect_set("canonical").as("canonicals"));
    }

    /** How {@link #signatureOf} makes signatures, for silver's definitions fingerprint. */
    static final String SIGNATURE_KIND = "sha256-128";

    /**
     * The first 32 hex digits (128 bits) of SHA-256: signatures are silver's join key, every pair carries
     * two, and half the digits halve those bytes while two of a billion identities still collide with a
     * chance of about 1e-21.
     */
    static Column signatureOf(Column text) {
        return substring(sha2(text, 256), 1, 32);
    }

    /** Adds the given names' variants and the signature; extra attributes take part in the signature after the built-in ones. */
    private static Dataset<Row> withVariantsAndSignature(
            Dataset<Row> records, Dataset<Row> nicknames, List<String> extras) {
        List<String> compared = new ArrayList<>(MATCH_ATTRIBUTES);
        compared.addAll(extras);
        Column[] matched = compared.stream()
                .map(a -> coalesce(col(a).cast(DataTypes.StringType), lit("\u0000")))
                .toArray(Column[]::new);
        Dataset<Row> joined =
                records.join(broadcast(nicknames), records.col("given_name").equalTo(nicknames.col("nick")), "left");
        Column variants = when(col("given_name").isNull(), expr("CAST(array() AS array<string>)"))
                .otherwise(array_distinct(array_union(
                        array(col("given_name")),
                        coalesce(col("canonicals"), expr("CAST(array() AS array<string>)")))));
        Column nothingToMatch = lit(true);
        for (String a : compared) {
            nothingToMatch = nothingToMatch.and(col(a).isNull());
        }
        // A record with no usable attribute (all blank or junk) is an identity of its own, never "the same
        // as" every other empty record.
        Column signature =
                when(nothingToMatch, signatureOf(col(RECORD_KEY))).otherwise(signatureOf(concat_ws("|", matched)));
        return joined.withColumn("given_name_variants", variants)
                .withColumn(SIGNATURE, signature)
                .drop("nick", "canonicals");
    }
}
