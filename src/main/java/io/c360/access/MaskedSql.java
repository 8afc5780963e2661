package io.c360.access;

import io.c360.C360Exception;
import io.c360.lake.Lake;
import io.c360.lake.TableName;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.catalog.HiveTableRelation;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias$;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import org.apache.spark.sql.execution.CommandExecutionMode;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.runtime.AbstractPartialFunction;

/**
 * A SQL statement over the lake as a role sees it ({@code c360 sql}): every lake table the statement
 * names ({@code layer.name}, also in subqueries) is read through {@link Masking#apply}, under its own
 * name, so the columns the role does not see in clear come back masked while counts, joins and
 * filters on them keep working. A statement that would read data any other way (a Delta or Parquet
 * folder by path, a table registered by hand) is refused for a role that does not see everything:
 * there, no mask would apply.
 */
public final class MaskedSql {
    /** A statement planned for a role: its result, to be read once, and the lake tables it reads. */
    public record Planned(Dataset<Row> result, List<String> tables) {}

    private MaskedSql() {}

    /**
     * Plans the statement for the role; commands (SHOW, DESCRIBE, ...) run here, as {@code spark.sql}
     * runs them. A read the masks cannot cover is refused ({@link Refused}), naming what it read.
     */
    public static Planned plan(Lake lake, Masking masking, String role, String statement) {
        SparkSession spark = lake.spark();
        Map<String, TableName> stored = lake.layerTables().stream()
                .collect(Collectors.toMap(t -> t.toString().toLowerCase(Locale.ROOT), Function.identity()));
        String marker = "__c360_masked_" + UUID.randomUUID().toString().replace("-", "");
        Set<String> read = new LinkedHashSet<>();
        LogicalPlan parsed;
        try {
            parsed = spark.sessionState().sqlParser().parsePlan(statement);
        } catch (ParseException e) {
            throw new C360Exception(e.getMessage(), e);
        }
        LogicalPlan rewritten = new Rewrite(lake, masking, role, stored, marker, read).of(parsed);
        if (!seesEverything(masking, role)) {
            // Checked on the analyzed plan before anything runs: a command (CREATE TABLE AS, INSERT OVERWRITE
            // DIRECTORY) runs as soon as it is planned into a Dataset, and would have written what it read.
            LogicalPlan analyzed = spark.sessionState()
                    .executePlan(rewritten, CommandExecutionMode.SKIP())
                    .analyzed();
            List<String> unmasked = new ArrayList<>();
            unmaskedReads(analyzed, marker, false, unmasked);
            if (!unmasked.isEmpty()) {
                throw new Refused("role " + role + " reads the lake's tables by their names (layer.name) only, where"
                        + " its masks apply; the statement also reads " + String.join(", ", unmasked));
            }
        }
        return new Planned(Dataset.ofRows(spark, rewritten), List.copyOf(read));
    }

    /**
     * Replaces each relation naming a lake table by the table's masked rows, under the table's name: in the
     * plan, its subquery expressions and its common table expressions (which a plan keeps beside its
     * children, so a transformation of the plan alone would not reach them).
     */
    private record Rewrite(
            Lake lake, Masking masking, String role, Map<String, TableName> stored, String marker, Set<String> read) {
        LogicalPlan of(LogicalPlan plan) {
            return plan.transformUpWithSubqueries(new AbstractPartialFunction<>() {
                @Override
                public boolean isDefinedAt(LogicalPlan p) {
                    return p instanceof UnresolvedWith || lakeTable(p, stored).isPresent();
                }

                @Override
                public <A1 extends LogicalPlan, B1> B1 applyOrElse(A1 p, scala.Function1<A1, B1> otherwise) {
                    if (!isDefinedAt(p)) {
                        return otherwise.apply(p);
                    }
                    @SuppressWarnings("unchecked")
                    B1 replaced = (B1)
                            (p instanceof UnresolvedWith with
                                    ? ctes(with)
                                    : masked(lakeTable(p, stored).orElseThrow()));
                    return replaced;
                }
            });
        }

        private LogicalPlan ctes(UnresolvedWith with) {
            List<Tuple2<String, SubqueryAlias>> relations = new ArrayList<>();
            for (Tuple2<String, SubqueryAlias> cte : JavaConverters.seqAsJavaList(with.cteRelations())) {
                relations.add(new Tuple2<>(cte._1(), (SubqueryAlias) of(cte._2())));
            }
            return with.copy(
                    with.child(), JavaConverters.asScalaBuffer(relations).toList());
        }

        private LogicalPlan masked(TableName t) {
            read.add(t.toString());
            LogicalPlan rows = masking.apply(t, lake.read(t), role).logicalPlan();
            return SubqueryAlias$.MODULE$.apply(
                    seq(List.of("spark_catalog", t.layer(), t.name())), SubqueryAlias$.MODULE$.apply(marker, rows));
        }
    }

    /** A statement refused before it ran. */
    public static final class Refused extends C360Exception {
        Refused(String message) {
            super(message);
        }
    }

    private static boolean seesEverything(Masking masking, String role) {
        return masking.settings().roles().get(role).contains(io.c360.config.AccessSettings.ALL);
    }

    /** The lake table a relation of the parsed statement names: {@code layer.name} or {@code spark_catalog.layer.name}. */
    private static Optional<TableName> lakeTable(LogicalPlan plan, Map<String, TableName> stored) {
        if (!(plan instanceof UnresolvedRelation relation)) {
            return Optional.empty();
        }
        List<String> parts = JavaConverters.seqAsJavaList(relation.multipartIdentifier());
        if (parts.size() == 3 && parts.get(0).equalsIgnoreCase("spark_catalog")) {
            parts = parts.subList(1, 3);
        }
        if (parts.size() != 2) {
            return Optional.empty();
        }
        return Optional.ofNullable(stored.get((parts.get(0) + "." + parts.get(1)).toLowerCase(Locale.ROOT)));
    }

    /** Every relation of the analyzed plan that reads stored data outside a masked read, described. */
    private static void unmaskedReads(LogicalPlan plan, String marker, boolean masked, List<String> found) {
        boolean inside =
                masked || (plan instanceof SubqueryAlias alias && alias.alias().equals(marker));
        if (!inside
                && (plan instanceof LogicalRelation
                        || plan instanceof DataSourceV2Relation
                        || plan instanceof HiveTableRelation)) {
            found.add(plan.nodeName() + " " + describe(plan));
        }
        for (LogicalPlan child : JavaConverters.seqAsJavaList(plan.children())) {
            unmaskedReads(child, marker, inside, found);
        }
        for (LogicalPlan sub : JavaConverters.seqAsJavaList(plan.subqueries())) {
            unmaskedReads(sub, marker, inside, found);
        }
        // A command keeps the query it runs beside its children (INSERT OVERWRITE DIRECTORY's, for one).
        for (Object inner : JavaConverters.seqAsJavaList(plan.innerChildren())) {
            if (inner instanceof LogicalPlan query) {
                unmaskedReads(query, marker, inside, found);
            }
        }
    }

    private static String describe(LogicalPlan relation) {
        if (relation instanceof LogicalRelation r && r.catalogTable().isDefined()) {
            return r.catalogTable().get().identifier().unquotedString();
        }
        if (relation instanceof HiveTableRelation r) {
            return r.tableMeta().identifier().unquotedString();
        }
        return "(a folder read by path)";
    }

    private static scala.collection.immutable.Seq<String> seq(List<String> parts) {
        return JavaConverters.asScalaBuffer(parts).toList();
    }
}
