package io.c360.gold;

import io.c360.lake.TableName;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.HiveTableRelation;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.ScalarSubquery;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.expressions.WindowExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.First;
import org.apache.spark.sql.catalyst.expressions.aggregate.Last;
import org.apache.spark.sql.catalyst.expressions.aggregate.Max;
import org.apache.spark.sql.catalyst.expressions.aggregate.Min;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationDef;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationRef;
import org.apache.spark.sql.catalyst.plans.logical.Generate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.apache.spark.sql.catalyst.plans.logical.Window;
import org.apache.spark.sql.catalyst.plans.logical.WithCTE;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import scala.collection.JavaConverters;

/**
 * Which lake columns each output column of a query is derived from, read from the query's analyzed
 * logical plan. A pure function of the plan: it reads no data and touches no session.
 *
 * <p>A column is a <em>pass-through</em> when its value is always the value of one of its source
 * columns (or a literal): the source columns renamed, cast, coalesced, chosen among by {@code CASE}/
 * {@code IF}, or picked by {@code first}/{@code last}/{@code min}/{@code max}. Anything else (string
 * functions, arithmetic, hashing, counts, comparisons) <em>computes</em> the column. The distinction
 * matters to the catalog: a pass-through of a column holding personal data holds the same personal
 * data, while a computed column may or may not, which only its author can say.
 *
 * <p>The plan is traced through projections, aggregates, windows, generators, joins, unions (by
 * position), common table expressions (by position), views and aliases. Its leaves are the lake's
 * Delta tables, read by name ({@code silver.golden_records}, as the session registers them) or by
 * path ({@code latest_<source>}): both are mapped back to {@code layer.name} through the lake root.
 * Other leaves ({@code VALUES}, {@code run_context}) are no lake table: columns read from them have
 * no sources.
 */
public final class ColumnLineage {

    /** A column of a lake table. */
    public record SourceColumn(TableName table, String column) {
        @Override
        public String toString() {
            return table + "." + column;
        }
    }

    /**
     * Where an output column comes from. {@code sources}: every lake column its value depends on
     * (including the conditions of a {@code CASE}); {@code values}: those whose values it can hold as
     * they are (a subset of {@code sources}; empty for a computed column); {@code passThrough}: the value
     * is always one of {@code values} or a literal.
     */
    public record Derivation(Set<SourceColumn> sources, Set<SourceColumn> values, boolean passThrough) {
        public Derivation {
            sources = Set.copyOf(sources);
            values = Set.copyOf(values);
        }

        static final Derivation NONE = new Derivation(Set.of(), Set.of(), true);

        static Derivation read(SourceColumn column) {
            return new Derivation(Set.of(column), Set.of(column), true);
        }

        /** Computed from these derivations. */
        static Derivation computed(Iterable<Derivation> inputs) {
            Set<SourceColumn> sources = new LinkedHashSet<>();
            inputs.forEach(d -> sources.addAll(d.sources()));
            return new Derivation(sources, Set.of(), false);
        }

        /** One of these values, chosen by conditions depending on {@code decidedBy}. */
        static Derivation oneOf(Iterable<Derivation> candidates, Iterable<Derivation> decidedBy) {
            Set<SourceColumn> sources = new LinkedHashSet<>();
            Set<SourceColumn> values = new LinkedHashSet<>();
            boolean passThrough = true;
            for (Derivation d : candidates) {
                sources.addAll(d.sources());
                values.addAll(d.values());
                passThrough &= d.passThrough();
            }
            decidedBy.forEach(d -> sources.addAll(d.sources()));
            return passThrough ? new Derivation(sources, values, true) : new Derivation(sources, Set.of(), false);
        }
    }

    private final Path root;
    private final Map<Long, List<Derivation>> ctes = new HashMap<>();
    private final Set<TableName> read = new LinkedHashSet<>();

    private ColumnLineage(String lakeRoot) {
        this.root = qualified(new Path(lakeRoot));
    }

    /**
     * Each output column of an analyzed plan, in output order, with where it comes from.
     *
     * @param lakeRoot the root the lake's tables live under ({@code <root>/<layer>/<name>})
     */
    public static Map<String, Derivation> of(LogicalPlan analyzed, String lakeRoot) {
        ColumnLineage lineage = new ColumnLineage(lakeRoot);
        Map<Long, Derivation> byId = lineage.trace(analyzed);
        Map<String, Derivation> columns = new LinkedHashMap<>();
        for (Attribute a : list(analyzed.output())) {
            columns.put(a.name(), byId.getOrDefault(a.exprId().id(), Derivation.NONE));
        }
        return columns;
    }

    /** The lake tables an analyzed plan reads, whether their columns reach its output or only decide which rows do. */
    public static Set<TableName> tablesRead(LogicalPlan analyzed, String lakeRoot) {
        ColumnLineage lineage = new ColumnLineage(lakeRoot);
        lineage.trace(analyzed);
        return Set.copyOf(lineage.read);
    }

    /** The derivation of every attribute a plan outputs (and of those its children output), by expression id. */
    private Map<Long, Derivation> trace(LogicalPlan plan) {
        if (plan instanceof WithCTE with) {
            for (CTERelationDef def : list(with.cteDefs())) {
                Map<Long, Derivation> inner = trace(def.child());
                ctes.put(
                        def.id(),
                        list(def.child().output()).stream()
                                .map(a -> inner.getOrDefault(a.exprId().id(), Derivation.NONE))
                                .toList());
            }
            return trace(with.plan());
        }
        if (plan instanceof CTERelationRef ref) {
            List<Derivation> defined = ctes.getOrDefault(ref.cteId(), List.of());
            List<Attribute> output = list(ref.output());
            Map<Long, Derivation> byId = new HashMap<>();
            for (int i = 0; i < output.size(); i++) {
                byId.put(output.get(i).exprId().id(), i < defined.size() ? defined.get(i) : Derivation.NONE);
            }
            return byId;
        }
        Optional<TableName> table = lakeTable(plan);
        if (table.isPresent()) {
            read.add(table.get());
            Map<Long, Derivation> byId = new HashMap<>();
            for (Attribute a : list(plan.output())) {
                byId.put(a.exprId().id(), Derivation.read(new SourceColumn(table.get(), a.name())));
            }
            return byId;
        }
        Map<Long, Derivation> byId = new HashMap<>();
        for (LogicalPlan child : list(plan.children())) {
            byId.putAll(trace(child));
        }
        for (LogicalPlan subquery : list(plan.subqueries())) {
            trace(subquery); // for the tables it reads: its values reach the output only as derive() follows them
        }
        if (plan instanceof Union union) {
            List<LogicalPlan> children = list(union.children());
            List<Attribute> output = list(union.output());
            for (int i = 0; i < output.size(); i++) {
                List<Derivation> branches = new java.util.ArrayList<>();
                for (LogicalPlan child : children) {
                    branches.add(byId.getOrDefault(
                            list(child.output()).get(i).exprId().id(), Derivation.NONE));
                }
                byId.put(output.get(i).exprId().id(), Derivation.oneOf(branches, List.of()));
            }
        } else if (plan instanceof Project p) {
            named(list(p.projectList()), byId);
        } else if (plan instanceof Aggregate a) {
            named(list(a.aggregateExpressions()), byId);
        } else if (plan instanceof Window w) {
            named(list(w.windowExpressions()), byId);
        } else if (plan instanceof Generate g) {
            Derivation generated = derive((Expression) g.generator(), byId);
            for (Attribute a : list(g.generatorOutput())) {
                byId.put(a.exprId().id(), generated);
            }
        }
        // Any other operator (filter, sort, join, distinct, view, alias) outputs its children's attributes;
        // one that makes new attributes without being known here gets them from all its inputs, computed.
        for (Attribute a : list(plan.output())) {
            if (!byId.containsKey(a.exprId().id())) {
                byId.put(a.exprId().id(), Derivation.computed(new java.util.ArrayList<>(byId.values())));
            }
        }
        return byId;
    }

    private void named(List<NamedExpression> expressions, Map<Long, Derivation> byId) {
        Map<Long, Derivation> made = new HashMap<>();
        for (NamedExpression e : expressions) {
            made.put(e.exprId().id(), derive((Expression) e, byId));
        }
        byId.putAll(made);
    }

    /** How an expression's value derives from the attributes it reads. */
    private Derivation derive(Expression e, Map<Long, Derivation> byId) {
        if (e instanceof AttributeReference a) {
            return byId.getOrDefault(a.exprId().id(), Derivation.NONE);
        }
        if (e instanceof Literal) {
            return Derivation.NONE;
        }
        if (e instanceof Alias || e instanceof Cast || e instanceof Coalesce) {
            return Derivation.oneOf(children(e, byId), List.of());
        }
        if (e instanceof AggregateExpression agg) {
            Derivation value = derive(agg.aggregateFunction(), byId);
            return agg.filter().isDefined()
                    ? Derivation.oneOf(
                            List.of(value), List.of(derive(agg.filter().get(), byId)))
                    : value;
        }
        if (e instanceof First || e instanceof Last || e instanceof Max || e instanceof Min) {
            // first/last carry an ignore-nulls flag as a literal child: a literal spoils no pass-through
            return Derivation.oneOf(children(e, byId), List.of());
        }
        if (e instanceof CaseWhen c) {
            List<Derivation> values = new java.util.ArrayList<>();
            List<Derivation> conditions = new java.util.ArrayList<>();
            for (scala.Tuple2<Expression, Expression> branch : list(c.branches())) {
                conditions.add(derive(branch._1(), byId));
                values.add(derive(branch._2(), byId));
            }
            if (c.elseValue().isDefined()) {
                values.add(derive(c.elseValue().get(), byId));
            }
            return Derivation.oneOf(values, conditions);
        }
        if (e instanceof If i) {
            return Derivation.oneOf(
                    List.of(derive(i.trueValue(), byId), derive(i.falseValue(), byId)),
                    List.of(derive(i.predicate(), byId)));
        }
        if (e instanceof WindowExpression w) {
            return Derivation.oneOf(
                    List.of(derive(w.windowFunction(), byId)),
                    List.of(Derivation.computed(children(w.windowSpec(), byId))));
        }
        if (e instanceof ScalarSubquery s && s.plan().output().size() == 1) {
            return of(s.plan()).values().iterator().next();
        }
        if (e instanceof SubqueryExpression s) {
            List<Derivation> inputs = new java.util.ArrayList<>(of(s.plan()).values());
            inputs.addAll(children(e, byId));
            return Derivation.computed(inputs);
        }
        return Derivation.computed(children(e, byId));
    }

    /** The output columns of a subquery's plan, traced with the CTEs known so far. */
    private Map<String, Derivation> of(LogicalPlan plan) {
        Map<Long, Derivation> byId = trace(plan);
        Map<String, Derivation> columns = new LinkedHashMap<>();
        for (Attribute a : list(plan.output())) {
            columns.put(a.name(), byId.getOrDefault(a.exprId().id(), Derivation.NONE));
        }
        return columns;
    }

    private List<Derivation> children(Expression e, Map<Long, Derivation> byId) {
        return list(e.children()).stream().map(c -> derive(c, byId)).toList();
    }

    /** The lake table a leaf reads, by the catalog name it was registered under or by its folder. */
    private Optional<TableName> lakeTable(LogicalPlan plan) {
        if (plan instanceof LogicalRelation r) {
            Optional<TableName> named = catalogName(r.catalogTable());
            if (named.isPresent()) {
                return named;
            }
            if (r.relation() instanceof HadoopFsRelation fs) {
                List<Path> roots = list(fs.location().rootPaths());
                return roots.size() == 1 ? underRoot(roots.get(0)) : Optional.empty();
            }
        }
        if (plan instanceof HiveTableRelation h) {
            return catalogName(scala.Option.apply(h.tableMeta()));
        }
        if (plan instanceof DataSourceV2Relation v2 && v2.identifier().isDefined()) {
            String[] namespace = v2.identifier().get().namespace();
            return namespace.length == 1
                    ? tableName(namespace[0], v2.identifier().get().name())
                    : Optional.empty();
        }
        return Optional.empty();
    }

    private Optional<TableName> catalogName(scala.Option<CatalogTable> table) {
        if (table.isEmpty() || table.get().identifier().database().isEmpty()) {
            return Optional.empty();
        }
        return tableName(
                table.get().identifier().database().get(),
                table.get().identifier().table());
    }

    private static Optional<TableName> tableName(String layer, String name) {
        return TableName.LAYERS.contains(layer) && name.matches("_?[a-z][a-z0-9_]*")
                ? Optional.of(new TableName(layer, name))
                : Optional.empty();
    }

    /** {@code <root>/<layer>/<name>} as {@code layer.name}. */
    private Optional<TableName> underRoot(Path folder) {
        Path table = qualified(folder);
        Path layer = table.getParent();
        if (layer == null || layer.getParent() == null || !layer.getParent().equals(root)) {
            return Optional.empty();
        }
        return tableName(layer.getName(), table.getName());
    }

    /** A path with a scheme: a local path without one is a {@code file:} path. */
    private static Path qualified(Path path) {
        java.net.URI uri = path.toUri();
        String scheme = uri.getScheme() == null ? "file" : uri.getScheme();
        String authority = uri.getAuthority() == null ? "" : uri.getAuthority();
        return new Path(scheme, authority, uri.getPath());
    }

    private static <T> List<T> list(scala.collection.Seq<T> seq) {
        return JavaConverters.seqAsJavaList(seq);
    }
}
