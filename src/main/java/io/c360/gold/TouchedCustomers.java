package io.c360.gold;

import static io.c360.lake.TableCatalog.CUSTOMER_ID_MAP;
import static io.c360.lake.TableCatalog.IDENTITY_RECORDS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.silver.IdentityConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;

/**
 * The customers whose gold rows may differ from the last publication: the customers of every silver
 * or bronze row that changed since then in a table the per-customer gold tables read. A silver row
 * names its customers through its columns' roles (a customer id, a record key, an identity's
 * signature); a bronze record through its record id ({@code silver/identity.yaml}) and the customer
 * id map. A retired id is touched too: its records' rows in the id map changed.
 */
final class TouchedCustomers {
    static final String CUSTOMER_ID = "customer_id";

    private TouchedCustomers() {}

    /**
     * The touched customers ({@code customer_id}, distinct), or the first input whose changes cannot be
     * read or cannot be traced to customers: then every table is rebuilt whole.
     */
    record Found(Optional<Dataset<Row>> customers, Optional<TableName> untraced) {}

    /** @param read the version of every table read at the last publication, by table */
    static Found since(Lake lake, Map<TableName, Long> read, IdentityConfig identity) {
        TableCatalog catalog = TableCatalog.engine();
        Dataset<Row> map = lake.read(CUSTOMER_ID_MAP).select("record_key", CUSTOMER_ID);
        List<Dataset<Row>> touched = new ArrayList<>();
        for (Map.Entry<TableName, Long> input : read.entrySet()) {
            TableName table = input.getKey();
            if (lake.exists(table) && lake.version(table) == input.getValue()) {
                continue;
            }
            Optional<Dataset<Row>> changed = lake.changesSince(table, input.getValue());
            if (changed.isEmpty()) {
                return new Found(Optional.empty(), Optional.of(table));
            }
            Optional<Dataset<Row>> customers = table.layer().equals("bronze")
                    ? bronzeCustomers(table, changed.get(), identity, map)
                    : catalog.table(table).flatMap(t -> silverCustomers(lake, t, changed.get(), map));
            if (customers.isEmpty()) {
                return new Found(Optional.empty(), Optional.of(table));
            }
            touched.add(customers.get());
        }
        Dataset<Row> none =
                lake.spark().createDataFrame(List.of(), map.select(CUSTOMER_ID).schema());
        return new Found(
                Optional.of(touched.stream()
                        .reduce(none, Dataset::union)
                        .where(col(CUSTOMER_ID).isNotNull())
                        .distinct()
                        .localCheckpoint(true)),
                Optional.empty());
    }

    /** The customers a silver table's changed rows name, if its columns say how. */
    private static Optional<Dataset<Row>> silverCustomers(
            Lake lake, TableCatalog.Table table, Dataset<Row> changed, Dataset<Row> map) {
        List<Dataset<Row>> customers = new ArrayList<>();
        for (TableCatalog.Column c : table.columns()) {
            if (c.role().isEmpty()) {
                continue;
            }
            // A record key column may hold an array of keys (a review item's records).
            Dataset<Row> values = changed.schema().apply(c.name()).dataType() instanceof ArrayType
                    ? changed.select(explode(col(Lake.quote(c.name()))).as("value"))
                    : changed.select(col(Lake.quote(c.name())).as("value"));
            switch (c.role().get()) {
                case customer_id -> customers.add(values.toDF(CUSTOMER_ID));
                case record_key -> customers.add(ofRecordKeys(values, map));
                case signature ->
                    customers.add(ofRecordKeys(
                            lake.read(IDENTITY_RECORDS)
                                    .join(values, col("signature").equalTo(col("value")), "left_semi")
                                    .select(col("record_key").as("value")),
                            map));
                default -> {}
            }
        }
        return customers.stream().reduce(Dataset::union);
    }

    /** The customers of a bronze source's changed records: record id by the source's identity mapping. */
    private static Optional<Dataset<Row>> bronzeCustomers(
            TableName table, Dataset<Row> changed, IdentityConfig identity, Dataset<Row> map) {
        return Optional.ofNullable(identity.sources().get(table.name()))
                .map(mapping -> ofRecordKeys(
                        changed.select(concat(lit(table.name() + ":"), expr(mapping.recordId()))
                                .as("value")),
                        map));
    }

    private static Dataset<Row> ofRecordKeys(Dataset<Row> keys, Dataset<Row> map) {
        return map.join(keys, col("record_key").equalTo(col("value")), "left_semi")
                .select(CUSTOMER_ID);
    }
}
