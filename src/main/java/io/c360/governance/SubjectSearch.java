package io.c360.governance;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract_all;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import io.c360.C360Exception;
import io.c360.config.C360Config;
import io.c360.config.C360Config.SourceConfig;
import io.c360.gold.GoldLineage;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableCatalog.Role;
import io.c360.lake.TableName;
import io.c360.standardize.Identifiers;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Finds the person of a request in the lake ({@link #resolve}) and says, table by table, which rows
 * are theirs ({@link #rowsOf}). Erasure deletes exactly the rows access shows.
 *
 * <p>Which rows are the subject's, found through the roles of the tables' columns in the lake's
 * {@link TableCatalog} (a bronze source's from its contract, a gold table's from {@code gold/tables.yaml}):
 * <ul>
 *   <li>bronze source tables: the rows of their record ids (the contract's key), rows whose e-mail or
 *       phone columns (contract {@code pii: email | phone}) standardize to one of their identifiers
 *       (other deliveries, records silver has not resolved yet), and rows whose string columns name
 *       one of their record ids (a billing account pointing at their CRM contact);</li>
 *   <li>a table with a raw record ({@code bronze._quarantine}): rows in which an e-mail address or
 *       phone number standardizes to one of theirs (the row is searched for anything shaped like one,
 *       and libphonenumber or silver's e-mail rules decide);</li>
 *   <li>every other table the catalog knows (silver, gold and their staging copies): rows whose
 *       record key, customer id or signature columns hold one of theirs, and rows whose e-mail or phone
 *       columns (in silver's form there) hold one of theirs;</li>
 *   <li>a table the catalog does not know (ops, a source or gold table since removed from the
 *       configuration): its columns are read by the names the engine gives those roles
 *       ({@link TableCatalog#CONVENTIONAL_ROLES});</li>
 *   <li>and in every table, any row that holds one of their identifiers as a token anywhere in its
 *       columns (see {@link Needles}).</li>
 * </ul>
 */
final class SubjectSearch {
    private final Lake lake;
    private final C360Config config;
    private final Identifiers identifiers;
    private final TableCatalog catalog;

    SubjectSearch(Lake lake, C360Config config) {
        this.lake = lake;
        this.config = config;
        this.identifiers = Identifiers.forConfig(config);
        this.catalog = GoldLineage.catalog(lake, config);
    }

    /**
     * The subject of a request, from silver (customers whose records carry the e-mail or phone, or the
     * customer id) and bronze (rows of those records and rows carrying those identifiers). An unknown
     * customer id, or an e-mail or phone that standardizes to nothing, is an error; so is an e-mail or
     * phone on the records of several customers, unless the request takes all of them
     * ({@link SharedIdentifierException}). An e-mail or phone silver does not hold is a subject without
     * customers (its rows in bronze, if any, are still found). Messages never repeat the identifier.
     */
    Subject resolve(ErasureRequest request) {
        Optional<String> normalized = switch (request.kind()) {
            case email ->
                Optional.of(
                        identifiers
                                .email(lake.spark(), request.value())
                                .orElseThrow(
                                        () -> new C360Exception(
                                                "the --email given is not an e-mail address silver would match (it standardizes to nothing); nothing was changed")));
            case phone ->
                Optional.of(identifiers
                        .phone(lake.spark(), request.value())
                        .orElseThrow(() -> new C360Exception("the --phone given is not a valid phone number for region "
                                + identifiers.standardization().phoneRegion()
                                + " (write it with its country code, e.g. +44 20 7946 0958); nothing was changed")));
            case customer_id -> Optional.empty();
        };
        boolean silver = lake.exists(TableCatalog.IDENTITY_RECORDS) && lake.exists(TableCatalog.CUSTOMER_ID_MAP);
        Set<String> customerIds = new TreeSet<>();
        Set<String> recordKeys = new TreeSet<>();
        if (request.kind() == ErasureRequest.Kind.customer_id) {
            customerIds.addAll(customerIdsOf(request.value(), silver));
        } else if (silver) {
            recordKeys.addAll(strings(lake.read(TableCatalog.IDENTITY_RECORDS)
                    .filter(col(request.kind().name()).equalTo(lit(normalized.get())))
                    .select("record_key")));
            if (!recordKeys.isEmpty()) {
                customerIds.addAll(strings(lake.read(TableCatalog.CUSTOMER_ID_MAP)
                        .filter(col("record_key").isin(recordKeys.toArray()))
                        .select("customer_id")));
            }
            // Erasure cannot be undone: an identifier several customers share (a household landline) must not take them
            // all by surprise.
            if (customerIds.size() > 1 && !request.allCustomersSharing()) {
                throw new SharedIdentifierException(request.kind(), customers(customerIds));
            }
        }
        if (!customerIds.isEmpty() && silver) {
            recordKeys.addAll(strings(lake.read(TableCatalog.CUSTOMER_ID_MAP)
                    .filter(col("customer_id").isin(customerIds.toArray()))
                    .select("record_key")));
        }
        Set<String> signatures = new TreeSet<>();
        Set<String> emails = new TreeSet<>();
        Set<String> phones = new TreeSet<>();
        if (!recordKeys.isEmpty()) {
            Dataset<Row> identity = lake.read(TableCatalog.IDENTITY_RECORDS);
            for (Row r : identity.filter(col("record_key").isin(recordKeys.toArray()))
                    .select("signature", "email", "phone")
                    .collectAsList()) {
                addIfPresent(signatures, r, 0);
                addIfPresent(emails, r, 1);
                addIfPresent(phones, r, 2);
            }
            // An identifier another customer's records also carry is theirs too: it is not erased or suppressed.
            Column shared = lit(false);
            if (!emails.isEmpty()) {
                shared = shared.or(col("email").isin(emails.toArray()));
            }
            if (!phones.isEmpty()) {
                shared = shared.or(col("phone").isin(phones.toArray()));
            }
            for (Row r : identity.filter(shared.and(
                            col("record_key").isin(recordKeys.toArray()).unary_$bang()))
                    .select("email", "phone")
                    .collectAsList()) {
                if (!r.isNullAt(0)) {
                    emails.remove(r.getString(0));
                }
                if (!r.isNullAt(1)) {
                    phones.remove(r.getString(1));
                }
            }
        }
        switch (request.kind()) {
            case email -> emails.add(normalized.get());
            case phone -> phones.add(normalized.get());
            default -> {}
        }
        Subject subject =
                new Subject(request, normalized, customerIds, recordKeys, signatures, emails, phones, Set.of());
        return withBronze(subject);
    }

    /** Customers as an operator may see them: id, number of records resolved to it, their sources (from {@code silver.customer_id_map}). */
    List<Subject.Customer> customers(Set<String> customerIds) {
        Map<String, List<String>> keys = new TreeMap<>();
        customerIds.forEach(id -> keys.put(id, new ArrayList<>()));
        if (!customerIds.isEmpty() && lake.exists(TableCatalog.CUSTOMER_ID_MAP)) {
            for (Row r : lake.read(TableCatalog.CUSTOMER_ID_MAP)
                    .filter(col("customer_id").isin(customerIds.toArray()))
                    .select("customer_id", "record_key")
                    .collectAsList()) {
                keys.get(r.getString(0)).add(r.getString(1));
            }
        }
        List<Subject.Customer> customers = new ArrayList<>();
        keys.forEach((id, records) -> customers.add(new Subject.Customer(
                id,
                records.size(),
                new ArrayList<>(new TreeSet<>(records.stream()
                        .filter(k -> k != null && k.indexOf(':') > 0)
                        .map(k -> k.substring(0, k.indexOf(':')))
                        .toList())))));
        return customers;
    }

    /** The customer id and the ids it was redirected to (a merged customer lives on under the new id); unknown → error. */
    private Set<String> customerIdsOf(String id, boolean silver) {
        Set<String> ids = new TreeSet<>();
        ids.add(id);
        boolean known = false;
        if (silver) {
            known = lake.read(TableCatalog.CUSTOMER_ID_MAP)
                            .filter(col("customer_id").equalTo(lit(id)))
                            .limit(1)
                            .count()
                    > 0;
        }
        if (lake.exists(TableCatalog.REDIRECTS)) {
            Map<String, List<String>> next = new LinkedHashMap<>();
            for (Row r :
                    lake.read(TableCatalog.REDIRECTS).select("old_id", "new_id").collectAsList()) {
                next.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r.getString(1));
            }
            known |= next.containsKey(id) || next.values().stream().anyMatch(v -> v.contains(id));
            Deque<String> todo = new ArrayDeque<>(List.of(id));
            while (!todo.isEmpty()) {
                for (String n : next.getOrDefault(todo.pop(), List.of())) {
                    if (ids.add(n)) {
                        todo.push(n);
                    }
                }
            }
        }
        TableName customer = TableName.gold("customer");
        if (!known && lake.exists(customer)) {
            known = lake.read(customer)
                            .filter(col("customer_id").equalTo(lit(id)))
                            .limit(1)
                            .count()
                    > 0;
        }
        if (!known) {
            throw new C360Exception("unknown customer id '" + id + "': no customer of " + TableCatalog.CUSTOMER_ID_MAP
                    + ", " + TableCatalog.REDIRECTS + " or gold.customer has it; nothing was changed");
        }
        return ids;
    }

    /** Adds the bronze rows of the subject that silver does not know of (new deliveries) and how the sources wrote their identifiers. */
    private Subject withBronze(Subject subject) {
        Set<String> keys = new HashSet<>();
        Set<String> raw = new HashSet<>();
        for (SourceConfig source : config.sources()) {
            TableName table = TableName.bronze(source.name());
            if (!lake.exists(table)) {
                continue;
            }
            TableCatalog.Table known = catalog.table(table).orElseThrow();
            Dataset<Row> rows = lake.read(table);
            List<Column> pick = new ArrayList<>();
            pick.add(recordId(known));
            List<String> pii = identifierColumns(known, rows.schema());
            for (String c : pii) {
                pick.add(col(c));
                pick.add(standardized(known, c, col(c)));
            }
            for (Row r : rows.filter(sourceRows(known, rows.schema(), subject))
                    .select(pick.toArray(Column[]::new))
                    .collectAsList()) {
                if (!r.isNullAt(0)) {
                    keys.add(source.name() + ":" + r.getString(0));
                }
                for (int i = 0; i < pii.size(); i++) {
                    String value = r.getString(1 + 2 * i);
                    String standard = r.getString(2 + 2 * i);
                    if (value != null
                            && standard != null
                            && (subject.emails().contains(standard)
                                    || subject.phones().contains(standard))) {
                        raw.add(value.trim());
                    }
                }
            }
        }
        return subject.with(keys, raw);
    }

    /** The subject's rows of a table (located anywhere under the lake root), as a condition over its columns. */
    Column rowsOf(Lake.StoredTable table, StructType schema, Subject subject) {
        Needles needles = subject.needles();
        Column everything = to_json(struct(
                Arrays.stream(schema.fieldNames()).map(f -> col("`" + f + "`")).toArray(Column[]::new)));
        Column condition = needles.isEmpty() ? lit(false) : needles.foundIn(everything);
        Optional<TableCatalog.Table> known = catalog.ofStored(table.label());
        if (known.filter(SubjectSearch::isSource).isPresent()) {
            return condition.or(sourceRows(known.get(), schema, subject));
        }
        if (known.filter(t -> !t.columnsWith(Role.raw_record).isEmpty()).isPresent()) {
            Column emails = exists(
                    regexp_extract_all(everything, lit(Identifiers.EMAIL_IN_TEXT), lit(0)),
                    x -> Needles.isOneOf(identifiers.email(x), subject.emails(), "erasure_subject_email"));
            Column phones = exists(
                    regexp_extract_all(everything, lit(Identifiers.PHONE_IN_TEXT), lit(0)),
                    x -> Needles.isOneOf(identifiers.phone(x), subject.phones(), "erasure_subject_phone"));
            return condition.or(emails).or(phones);
        }
        for (StructField f : schema.fields()) {
            String n = f.name();
            Set<String> values = subjectValues(
                    known.map(TableCatalog.Table::columns).orElse(TableCatalog.CONVENTIONAL_ROLES), n, subject);
            if (values.isEmpty()) {
                continue;
            }
            if (f.dataType().equals(DataTypes.StringType)) {
                condition = condition.or(Needles.isOneOf(col(n), values, "erasure_subject_" + n));
            } else if (isStringArray(f.dataType())) {
                condition = condition.or(exists(col(n), x -> Needles.isOneOf(x, values, "erasure_subject_" + n)));
            }
        }
        return condition;
    }

    /** The subject's values a column of this role or kind of personal data would hold (in silver's form); none for other columns. */
    private static Set<String> subjectValues(List<TableCatalog.Column> columns, String column, Subject subject) {
        Optional<TableCatalog.Column> c =
                columns.stream().filter(k -> k.name().equals(column)).findFirst();
        Optional<Role> role = c.flatMap(TableCatalog.Column::role);
        String pii = c.flatMap(TableCatalog.Column::pii).orElse("");
        if (role.equals(Optional.of(Role.record_key))) {
            return subject.recordKeys();
        } else if (role.equals(Optional.of(Role.customer_id))) {
            return subject.customerIds();
        } else if (role.equals(Optional.of(Role.signature))) {
            return subject.signatures();
        } else if (pii.equals("email")) {
            return subject.emails();
        } else if (pii.equals("phone")) {
            return subject.phones();
        }
        return Set.of();
    }

    /** A bronze source's table: its values are as delivered, and its key is the source's record id. */
    private static boolean isSource(TableCatalog.Table t) {
        return t.name().layer().equals("bronze")
                && !t.columnsWith(Role.record_id).isEmpty();
    }

    /**
     * A source's bronze rows of the subject: their record ids, their e-mail addresses and phone numbers
     * in the contract's {@code pii} columns (standardized), and references to their record ids.
     */
    private Column sourceRows(TableCatalog.Table table, StructType schema, Subject subject) {
        Column condition = lit(false);
        Set<String> ids = subject.recordIdsBySource().getOrDefault(table.name().name(), Set.of());
        if (!ids.isEmpty()) {
            condition = condition.or(Needles.isOneOf(recordId(table), ids, "erasure_subject_record"));
        }
        Set<String> allIds = subject.recordIds();
        List<String> present = Arrays.asList(schema.fieldNames());
        for (TableCatalog.Column c : table.columns()) {
            if (!present.contains(c.name())
                    || !schema.apply(c.name()).dataType().equals(DataTypes.StringType)) {
                continue;
            }
            if (!allIds.isEmpty() && !table.key().contains(c.name())) {
                condition = condition.or(Needles.isOneOf(col(c.name()), allIds, "erasure_subject_reference"));
            }
            String pii = c.pii().orElse("");
            if (pii.equals("email") && !subject.emails().isEmpty()) {
                condition = condition.or(
                        Needles.isOneOf(identifiers.email(col(c.name())), subject.emails(), "erasure_subject_email"));
            } else if (pii.equals("phone") && !subject.phones().isEmpty()) {
                condition = condition.or(
                        Needles.isOneOf(identifiers.phone(col(c.name())), subject.phones(), "erasure_subject_phone"));
            }
        }
        return condition;
    }

    /** A source's record id: its key as one string (key columns joined by {@code |}). */
    static Column recordId(TableCatalog.Table source) {
        return source.key().size() == 1
                ? col(source.key().get(0)).cast(DataTypes.StringType)
                : concat_ws(
                        "|",
                        source.key().stream()
                                .map(k -> col(k).cast(DataTypes.StringType))
                                .toArray(Column[]::new));
    }

    /** A source's e-mail and phone columns present in its table as strings. */
    private static List<String> identifierColumns(TableCatalog.Table source, StructType schema) {
        List<String> present = Arrays.asList(schema.fieldNames());
        return source.columns().stream()
                .filter(c -> c.pii()
                        .filter(p -> p.equals("email") || p.equals("phone"))
                        .isPresent())
                .map(TableCatalog.Column::name)
                .filter(c -> present.contains(c) && schema.apply(c).dataType().equals(DataTypes.StringType))
                .toList();
    }

    private Column standardized(TableCatalog.Table source, String column, Column raw) {
        return source.columnsHolding("email").contains(column) ? identifiers.email(raw) : identifiers.phone(raw);
    }

    Identifiers identifiers() {
        return identifiers;
    }

    private static boolean isStringArray(DataType t) {
        return t instanceof ArrayType a && a.elementType().equals(DataTypes.StringType);
    }

    private static void addIfPresent(Set<String> into, Row r, int i) {
        if (!r.isNullAt(i)) {
            into.add(r.getString(i));
        }
    }

    private static List<String> strings(Dataset<Row> oneColumn) {
        return oneColumn.distinct().collectAsList().stream()
                .filter(r -> !r.isNullAt(0))
                .map(r -> r.getString(0))
                .toList();
    }
}
