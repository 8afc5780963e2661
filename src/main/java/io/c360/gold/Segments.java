package io.c360.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import io.c360.C360Exception;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Segment membership: each segment's predicate over customer_360 joined with customer, then the
 * consent guard. The guard is the engine's, not the predicate's, so no segment definition can
 * put a customer without consent (or on do-not-contact) into a marketing audience.
 */
final class Segments {
    private Segments() {}

    /**
     * Members of every segment ({@code segment, customer_id, purpose, channel}).
     *
     * @param base customer_360 joined with customer, one row per customer
     * @param consent gold.consent rows
     */
    static Dataset<Row> membership(
            List<GoldDefinitions.Segment> segments, Dataset<Row> base, Dataset<Row> consent, String file) {
        Dataset<Row> all = null;
        for (GoldDefinitions.Segment s : segments) {
            Dataset<Row> members = matching(s, base, file);
            if (s.needsConsent()) {
                members = members.join(consented(consent, s.purpose(), s.channel()), "customer_id");
            }
            if (s.per() == GoldDefinitions.Per.household) {
                members = onePerHousehold(s, members, file);
            }
            Dataset<Row> rows = members.select(
                    lit(s.name()).as("segment"),
                    col("customer_id"),
                    lit(s.purpose()).as("purpose"),
                    lit(s.channel().orElse(null)).cast("string").as("channel"));
            all = all == null ? rows : all.unionByName(rows);
        }
        return all;
    }

    /**
     * The member of each household the segment's rule chooses, among the members given (consent already
     * checked) who have the channel's contact: a household is contacted once, through someone who may be.
     */
    private static Dataset<Row> onePerHousehold(GoldDefinitions.Segment s, Dataset<Row> members, String file) {
        if (!Arrays.asList(members.columns()).contains("household_id")) {
            throw new C360Exception(file + ": segment " + s.name() + ": per: household needs households (gold/"
                    + Households.FILE + " and the table it keeps them in)");
        }
        Dataset<Row> reachable = s.channel()
                .map(c -> members.filter(col(Activation.contactColumn(c)).isNotNull()))
                .orElse(members);
        String view = "_segment_" + s.name();
        reachable.createOrReplaceTempView(view);
        try {
            Dataset<Row> chosen = reachable
                    .sparkSession()
                    .sql("SELECT customer_id FROM (SELECT customer_id, row_number() OVER (PARTITION BY"
                            + " coalesce(household_id, customer_id) ORDER BY " + s.choose()
                            + ", customer_id) AS _nth FROM " + view + ") WHERE _nth = 1");
            chosen.schema();
            return chosen;
        } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes
            throw new C360Exception(
                    file + ": segment " + s.name() + ": choose: not a valid ORDER BY over customer_360 and customer ("
                            + firstLine(e.getMessage()) + ")",
                    e);
        }
    }

    /**
     * Customers whose consent for the purpose (on the channel, or on any channel when none is given)
     * is granted; gold.consent already withdraws everything of a customer on do-not-contact.
     */
    static Dataset<Row> consented(Dataset<Row> consent, String purpose, Optional<String> channel) {
        Dataset<Row> granted = consent.filter(col("purpose")
                .equalTo(purpose)
                .and(col("status").equalTo("granted"))
                .and(col("do_not_contact").equalTo(false)));
        if (channel.isPresent()) {
            granted = granted.filter(col("channel").equalTo(channel.get()));
        }
        return granted.select("customer_id").distinct();
    }

    private static Dataset<Row> matching(GoldDefinitions.Segment s, Dataset<Row> base, String file) {
        try {
            Dataset<Row> m = base.filter(expr(s.where()));
            m.schema();
            return m;
        } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes
            throw new C360Exception(
                    file + ": segment " + s.name() + ": where: not a valid predicate over customer_360 and customer ("
                            + firstLine(e.getMessage()) + ")",
                    e);
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
