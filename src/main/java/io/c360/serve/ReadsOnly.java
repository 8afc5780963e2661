package io.c360.serve;

import io.c360.C360Exception;
import io.c360.access.AccessLog;
import io.c360.access.Masking;
import io.c360.lake.Lake;
import io.c360.lake.TableName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hive.service.auth.TSetIpAddressProcessor;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.QueryPlanningTracker;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.ExpressionWithUnresolvedIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.analysis.PlanWithUnresolvedIdentifier;
import org.apache.spark.sql.catalyst.analysis.ResolvedNamespace;
import org.apache.spark.sql.catalyst.analysis.TableFunctionRegistry;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTable;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableOrView;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedView;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.UserDefinedExpression;
import org.apache.spark.sql.catalyst.plans.QueryPlan;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationDef;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationRef;
import org.apache.spark.sql.catalyst.plans.logical.CollectMetrics;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.DescribeNamespace;
import org.apache.spark.sql.catalyst.plans.logical.Distinct;
import org.apache.spark.sql.catalyst.plans.logical.Except;
import org.apache.spark.sql.catalyst.plans.logical.Expand;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.Generate;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.Intersect;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LateralJoin;
import org.apache.spark.sql.catalyst.plans.logical.LocalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Offset;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Range;
import org.apache.spark.sql.catalyst.plans.logical.RebalancePartitions;
import org.apache.spark.sql.catalyst.plans.logical.Repartition;
import org.apache.spark.sql.catalyst.plans.logical.RepartitionByExpression;
import org.apache.spark.sql.catalyst.plans.logical.ResolvedHint;
import org.apache.spark.sql.catalyst.plans.logical.Sample;
import org.apache.spark.sql.catalyst.plans.logical.SetCatalogAndNamespace;
import org.apache.spark.sql.catalyst.plans.logical.ShowNamespaces;
import org.apache.spark.sql.catalyst.plans.logical.ShowTables;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.Tail;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.catalyst.plans.logical.Window;
import org.apache.spark.sql.catalyst.plans.logical.WithCTE;
import org.apache.spark.sql.execution.command.DescribeColumnCommand;
import org.apache.spark.sql.execution.command.DescribeFunctionCommand;
import org.apache.spark.sql.execution.command.DescribeTableCommand;
import org.apache.spark.sql.execution.command.ShowCatalogsCommand;
import org.apache.spark.sql.execution.command.ShowColumnsCommand;
import org.apache.spark.sql.execution.command.ShowCreateTableCommand;
import org.apache.spark.sql.execution.command.ShowCurrentNamespaceCommand;
import org.apache.spark.sql.execution.command.ShowFunctionsCommand;
import org.apache.spark.sql.execution.command.ShowTablePropertiesCommand;
import org.apache.spark.sql.execution.command.ShowTablesCommand;
import org.apache.spark.sql.execution.command.ShowViewsCommand;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.internal.StaticSQLConf;
import org.apache.spark.sql.types.DataType;
import scala.Function1;
import scala.Option;
import scala.collection.JavaConverters;
import scala.runtime.AbstractPartialFunction;
import scala.runtime.BoxedUnit;

/**
 * What {@code c360 serve} answers: queries over the lake's tables (the views {@link Lake#registerView}
 * registers), {@code USE}, and the {@code SHOW} and {@code DESCRIBE} statements BI tools send to list
 * schemas, tables and columns. Everything else is refused before it runs: commands (DDL, DML, {@code SET},
 * {@code ADD JAR}, {@code CREATE FUNCTION}, {@code CACHE}, {@code REFRESH}, ...), tables reached other than
 * through the lake's views (files by path such as {@code text.`/etc/passwd`} or {@code delta.`<path>`},
 * Delta's {@code table_changes_by_path}), Java reflection ({@code java_method}, {@code reflect}),
 * user-defined functions, {@code TRANSFORM} scripts, and sessions whose settings were changed from the
 * JDBC URL.
 *
 * <p>The served session's parser admits every statement a client sends: it analyzes the statement and checks
 * the analyzed plan, then hands Spark that very plan. The check is not an analyzer check rule because
 * Delta answers its own queries (reading a table's log, listing its files) in the session that runs the
 * client's statement, and those plans read Delta folders by path; only the parser sees the client's
 * statements alone. The lake's own session and the sessions the pipeline opens are built without it.
 */
final class ReadsOnly {
    private static final String REFUSED = "c360 serve answers reads of the lake's tables only: ";

    /** The role of a session without a user: no role declares it, so it sees no personal data in clear. */
    static final String NO_USER = "(no user)";

    /** The operators of a query. Anything else (TRANSFORM's ScriptTransformation, a command) is refused. */
    private static final Set<Class<?>> QUERY_OPERATORS = Set.of(
            Project.class,
            Filter.class,
            Aggregate.class,
            Join.class,
            LateralJoin.class,
            Sort.class,
            GlobalLimit.class,
            LocalLimit.class,
            Offset.class,
            Tail.class,
            SubqueryAlias.class,
            Union.class,
            Intersect.class,
            Except.class,
            Distinct.class,
            Window.class,
            Expand.class,
            Generate.class,
            Sample.class,
            RepartitionByExpression.class,
            Repartition.class,
            RebalancePartitions.class,
            ResolvedHint.class,
            WithCTE.class,
            CTERelationDef.class,
            CTERelationRef.class,
            LocalRelation.class,
            OneRowRelation.class,
            Range.class);

    /** Statements that only read the catalog: they list or describe namespaces and functions. */
    private static final Set<Class<?>> CATALOG_READS = Set.of(
            SetCatalogAndNamespace.class,
            ShowNamespaces.class,
            DescribeNamespace.class,
            ResolvedNamespace.class,
            ShowTables.class,
            ShowTablesCommand.class,
            ShowViewsCommand.class,
            ShowCurrentNamespaceCommand.class,
            ShowCatalogsCommand.class,
            ShowFunctionsCommand.class,
            DescribeFunctionCommand.class);

    /** Statements that describe one table, admitted when it is one of the lake's views. */
    private static final Map<Class<?>, Function<LogicalPlan, TableIdentifier>> TABLE_DESCRIPTIONS = Map.of(
            DescribeTableCommand.class, p -> ((DescribeTableCommand) p).table(),
            DescribeColumnCommand.class, p -> ((DescribeColumnCommand) p).table(),
            ShowColumnsCommand.class, p -> ((ShowColumnsCommand) p).tableName(),
            ShowTablePropertiesCommand.class, p -> ((ShowTablePropertiesCommand) p).table(),
            ShowCreateTableCommand.class, p -> ((ShowCreateTableCommand) p).table());

    /** What Spark's Thrift server sets on every session it opens. */
    private static final Set<String> THRIFT_SERVER_SETTINGS =
            Set.of("spark.sql.hive.version", "spark.sql.datetime.java8API.enabled");

    /** Settings of the protocol, which HiveServer2 clients send (the Hive JDBC driver its fetch size); Spark, Hadoop and Delta read none. */
    private static final String PROTOCOL_SETTINGS = "hive.server2.";

    private static final String SESSION_CATALOG = "spark_catalog";

    /** A name computed from an expression is only known after analysis has resolved it. */
    private static final String IDENTIFIER_CLAUSE =
            "IDENTIFIER(...) is refused: name the table or function in the statement";

    /** {@code layer.name} of every served table. */
    private final Set<String> tables;
    /** A signed-in user's role from the users file or the LDAP settings. */
    private final Function<String, Optional<String>> roleOf;

    private final Masking masking;
    private final ServedLog log;
    /** The settings of the served session, which the sessions of JDBC connections are opened from. */
    private Map<String, String> settings;

    private ReadsOnly(
            List<TableName> tables, Function<String, Optional<String>> roleOf, Masking masking, ServedLog log) {
        this.tables = tables.stream().map(TableName::toString).collect(Collectors.toUnmodifiableSet());
        this.roleOf = roleOf;
        this.masking = masking;
        this.log = log;
    }

    /**
     * A session on the lake session's catalog (the views) whose statements are admitted by {@link #admit}.
     * The Thrift server opens one session per JDBC connection with {@link SparkSession#newSession}, which
     * keeps the extensions and so the admission. The extensions {@code spark.sql.extensions} names (Delta's)
     * are applied first, as Spark does for the lake session.
     *
     * <p>The server builds a connection's session state (and so its parser) on the Thrift handler thread
     * that opens the session, where HiveServer2 holds the name the connection signed in with: each session's
     * parser captures its {@link Caller} there.
     */
    static SparkSession session(
            SparkSession lake,
            List<TableName> tables,
            Function<String, Optional<String>> roleOf,
            Masking masking,
            ServedLog log) {
        ReadsOnly readsOnly = new ReadsOnly(tables, roleOf, masking, log);
        SparkSessionExtensions extensions = new SparkSessionExtensions();
        String configured = lake.sparkContext()
                .getConf()
                .get(StaticSQLConf.SPARK_SESSION_EXTENSIONS().key(), "");
        for (String name : configured.split(",")) {
            if (!name.isBlank()) {
                extension(name.trim()).apply(extensions);
            }
        }
        extensions.injectParser((session, parser) -> new AdmittingParser(
                parser,
                readsOnly.new Served(session, Caller.of(TSetIpAddressProcessor.getUserName(), readsOnly.roleOf))));
        SparkSession served = new SparkSession(
                lake.sparkContext(),
                Option.apply(lake.sharedState()),
                Option.empty(),
                extensions,
                // Spark replaces ${env:NAME}, ${system:NAME} and ${key} in a statement's text by environment
                // variables, system properties and settings (storage credentials, the keystore's password)
                // before parsing it. Initial options are what every session opened from this one starts with.
                lake.initialSessionOptions()
                        .updated(SQLConf.VARIABLE_SUBSTITUTE_ENABLED().key(), "false"));
        // Delta's extension sets settings (Parquet field ids) on a session when its analyzer is built: built
        // now, the served session holds every setting the server gives a session.
        served.sessionState().analyzer();
        readsOnly.settings = Map.copyOf(
                JavaConverters.mapAsJavaMap(served.sessionState().conf().getAllConfs()));
        return served;
    }

    @SuppressWarnings("unchecked")
    private static Function1<SparkSessionExtensions, BoxedUnit> extension(String className) {
        try {
            return (Function1<SparkSessionExtensions, BoxedUnit>)
                    Class.forName(className, true, Thread.currentThread().getContextClassLoader())
                            .getConstructor()
                            .newInstance();
        } catch (ReflectiveOperationException e) {
            throw new C360Exception(
                    "cannot apply the Spark session extension " + className + " to the served session: " + e, e);
        }
    }

    /**
     * Analyzes a client's statement and returns the analyzed plan if the statement is a read of the lake's
     * tables; throws a {@link C360Exception} naming what is refused otherwise. Names are checked before the
     * analysis, which would already open the files of a path or load the class a reflection call names.
     */
    LogicalPlan admit(SparkSession session, LogicalPlan parsed) {
        checkSettings(session);
        checkNames(parsed);
        LogicalPlan analyzed = analyze(session, parsed);
        checkAnalyzed(analyzed);
        return analyzed;
    }

    private static LogicalPlan analyze(SparkSession session, LogicalPlan plan) {
        return session.sessionState().analyzer().executeAndCheck(plan, new QueryPlanningTracker(Option.empty()));
    }

    /**
     * One served session (one JDBC connection) and who is on it. Each statement is admitted, then each lake
     * table it reads is replaced by the table as the caller's role sees it ({@link Masking}), and the statement
     * is logged in {@code ops.access_log}: refused, failed, or answered with the rows it returned.
     */
    final class Served implements AdmittingParser.Admission {
        private final SparkSession session;
        private final Caller caller;
        private final AtomicBoolean listening = new AtomicBoolean();

        Served(SparkSession session, Caller caller) {
            this.session = session;
            this.caller = caller;
        }

        @Override
        public LogicalPlan admit(String statement, LogicalPlan parsed) {
            Instant at = Instant.now();
            String role = caller.role().orElse(null);
            Set<String> read = new TreeSet<>();
            try {
                role = role(caller);
                LogicalPlan analyzed = ReadsOnly.this.admit(session, parsed);
                LogicalPlan masked = analyze(session, mask(analyzed, role, read));
                if (!QUERY_OPERATORS.contains(analyzed.getClass())) {
                    log.record(entry(at, role, statement, read, AccessLog.Outcome.answered));
                    return masked;
                }
                // The Thrift server runs the plan in this session: its listener hears how many rows it returned.
                if (listening.compareAndSet(false, true)) {
                    session.listenerManager().register(log);
                }
                String metric = log.awaitRows(entry(at, role, statement, read, AccessLog.Outcome.answered));
                NamedExpression rows = (NamedExpression)
                        functions.count(functions.lit(1)).as("rows").expr();
                return analyze(
                        session,
                        new CollectMetrics(
                                metric,
                                JavaConverters.asScalaBuffer(List.of(rows)).toSeq(),
                                masked,
                                0L));
            } catch (C360Exception e) {
                log.record(entry(at, role, statement, read, AccessLog.Outcome.refused));
                throw e;
            } catch (RuntimeException e) {
                log.record(entry(at, role, statement, read, AccessLog.Outcome.failed));
                throw e;
            }
        }

        @Override
        public void unparsable(String statement) {
            log.record(entry(Instant.now(), caller.role().orElse(null), statement, Set.of(), AccessLog.Outcome.failed));
        }

        private AccessLog.Entry entry(
                Instant at, String role, String statement, Set<String> read, AccessLog.Outcome outcome) {
            return new AccessLog.Entry(
                    at,
                    caller.user().orElse(null),
                    role,
                    AccessLog.Channel.serve,
                    AccessLog.maskLiterals(statement),
                    List.copyOf(read),
                    Optional.empty(),
                    outcome);
        }
    }

    /**
     * The role whose masks apply: the caller's, else the configuration's default (an undeclared role is
     * refused). A session without a user, which authentication should make impossible, sees no personal data
     * in clear.
     */
    private String role(Caller caller) {
        return caller.user().isEmpty() ? NO_USER : masking.role(caller.role());
    }

    /**
     * The analyzed plan with every lake table the role does not see in full replaced by the table as it sees
     * it: a projection over the table's view that masks each column of a kind the role does not see in clear,
     * under the column's own attribute (same id and type), so the statement around it reads the masked values
     * wherever it names the column, through any alias. {@code read} collects the tables.
     */
    private LogicalPlan mask(LogicalPlan analyzed, String role, Set<String> read) {
        return analyzed.transformUpWithSubqueries(new AbstractPartialFunction<LogicalPlan, LogicalPlan>() {
            @Override
            public boolean isDefinedAt(LogicalPlan plan) {
                return plan instanceof View view && isLakeTable(view.desc().identifier());
            }

            @Override
            public LogicalPlan apply(LogicalPlan plan) {
                View view = (View) plan;
                TableIdentifier id = view.desc().identifier();
                TableName table = new TableName(
                        id.database().get().toLowerCase(Locale.ROOT), id.table().toLowerCase(Locale.ROOT));
                read.add(table.toString());
                return masked(view, table, masking.masked(table, role));
            }
        });
    }

    /**
     * The view with its masked columns computed by masks. A view's plan ends in a projection that names its
     * columns ({@code cast(email#12 as string) AS email#7}): each masked column's expression there is replaced
     * by its mask under the same name and attribute, so the statement around the view, analyzed against that
     * attribute, reads the masked value, and the optimizer sees a column defined by its mask, not an alias it
     * could drop. A view whose plan is not so shaped is refused rather than served unmasked.
     */
    private static LogicalPlan masked(View view, TableName table, Map<String, Column> masks) {
        if (masks.isEmpty()) {
            return view;
        }
        if (!(view.child() instanceof Project named)) {
            throw refused("cannot mask the personal data of " + table + " (its view is not a projection)");
        }
        List<NamedExpression> columns = new ArrayList<>();
        for (NamedExpression column : JavaConverters.seqAsJavaList(named.projectList())) {
            Column mask = masks.get(column.name());
            if (mask == null) {
                columns.add(column);
                continue;
            }
            if (!(column instanceof Alias alias)) {
                throw refused("cannot mask the column " + column.name() + " of " + table);
            }
            Column value = new Column(reading(mask.expr(), alias.child())).cast(alias.dataType());
            if (!alias.nullable()) {
                // The statement around it was analyzed with the column never null: a hidden value is the type's
                // default.
                value = functions.coalesce(value, new Column(defaultValue(alias.dataType())));
            }
            columns.add(new Alias(
                    value.expr(),
                    alias.name(),
                    alias.exprId(),
                    alias.qualifier(),
                    alias.explicitMetadata(),
                    alias.nonInheritableMetadataKeys()));
        }
        return new View(
                view.desc(),
                view.isTempView(),
                new Project(JavaConverters.asScalaBuffer(columns).toSeq(), named.child()));
    }

    /** The mask with the column it names ({@code col(name)}) replaced by the expression that computes the column. */
    private static Expression reading(Expression mask, Expression column) {
        return mask.transform(new AbstractPartialFunction<Expression, Expression>() {
            @Override
            public boolean isDefinedAt(Expression e) {
                return e instanceof UnresolvedAttribute;
            }

            @Override
            public Expression apply(Expression e) {
                return column;
            }
        });
    }

    /** Spark's default value of a type (Literal.default, whose name Java cannot call). */
    private static Expression defaultValue(DataType type) {
        try {
            return (Expression)
                    Literal.class.getMethod("default", DataType.class).invoke(null, type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Literal.default(DataType) is part of Spark 3.5's catalyst", e);
        }
    }

    /**
     * A JDBC URL's settings ({@code ?key=value}, {@code #key=value}) are set on the connection's session
     * without a {@code SET} statement; they could point a file system at another endpoint or define a catalog
     * that opens any JDBC URL. Only the settings the server itself gives a session, and the protocol's, are accepted.
     */
    private void checkSettings(SparkSession session) {
        for (Map.Entry<String, String> setting : JavaConverters.mapAsJavaMap(
                        session.sessionState().conf().getAllConfs())
                .entrySet()) {
            String key = setting.getKey();
            if (!THRIFT_SERVER_SETTINGS.contains(key)
                    && !key.startsWith(PROTOCOL_SETTINGS)
                    && !setting.getValue().equals(settings.get(key))) {
                throw refused("the connection setting " + key + " is refused");
            }
        }
    }

    /** Relation, table function and function names of the statement, before analysis resolves them. */
    private void checkNames(LogicalPlan plan) {
        List<String> name = null;
        if (plan instanceof UnresolvedRelation r) {
            name = parts(r.multipartIdentifier());
        } else if (plan instanceof UnresolvedTableOrView t) {
            name = parts(t.multipartIdentifier());
        } else if (plan instanceof UnresolvedTable t) {
            name = parts(t.multipartIdentifier());
        } else if (plan instanceof UnresolvedView v) {
            name = parts(v.multipartIdentifier());
        } else if (plan instanceof UnresolvedTableValuedFunction f) {
            checkTableFunction(parts(f.name()));
        } else if (plan instanceof PlanWithUnresolvedIdentifier) {
            throw refused(IDENTIFIER_CLAUSE);
        }
        // One part names a table of the current schema or a common table expression; a path is always
        // qualified by its format (text.`/etc/passwd`).
        if (name != null && name.size() > 1 && !isLakeTable(name)) {
            throw refused(quoted(name) + " is not one of the lake's tables");
        }
        for (Expression expression : JavaConverters.seqAsJavaList(plan.expressions())) {
            expression.foreach(e -> {
                if (e instanceof ExpressionWithUnresolvedIdentifier) {
                    throw refused(IDENTIFIER_CLAUSE);
                }
                if (e instanceof UnresolvedFunction f && f.nameParts().size() == 1) {
                    Option<ExpressionInfo> info = FunctionRegistry.builtin()
                            .lookupFunction(
                                    FunctionIdentifier.apply(f.nameParts().head()));
                    if (info.isDefined() && info.get().getClassName().equals(CallMethodViaReflection.class.getName())) {
                        throw refused(f.nameParts().head() + " is refused (it calls Java methods)");
                    }
                }
                return BoxedUnit.UNIT;
            });
        }
        nested(plan).forEach(this::checkNames);
    }

    /** Spark's own table functions (range, explode, ...) compute rows from their arguments; others, such as Delta's, read tables. */
    private static void checkTableFunction(List<String> name) {
        if (name.size() != 1
                || !TableFunctionRegistry.builtin().functionExists(FunctionIdentifier.apply(name.get(0)))) {
            throw refused("the table function " + quoted(name) + " is refused");
        }
    }

    private void checkAnalyzed(LogicalPlan plan) {
        if (plan instanceof View view) {
            TableIdentifier id = view.desc().identifier();
            if (view.isTempView() || !isLakeTable(id)) {
                throw refused("the view " + id.quotedString() + " is not one of the lake's tables");
            }
            // The lake's view reads the table's Delta folder by path: that plan is the lake's, not the client's.
            return;
        }
        Function<LogicalPlan, TableIdentifier> described = TABLE_DESCRIPTIONS.get(plan.getClass());
        if (described != null) {
            TableIdentifier id = described.apply(plan);
            if (!isLakeTable(id)) {
                throw refused(id.quotedString() + " is not one of the lake's tables");
            }
        } else if (!QUERY_OPERATORS.contains(plan.getClass()) && !CATALOG_READS.contains(plan.getClass())) {
            throw refused(describe(plan) + " is refused");
        }
        for (Expression expression : JavaConverters.seqAsJavaList(plan.expressions())) {
            expression.foreach(e -> {
                if (e instanceof CallMethodViaReflection) {
                    throw refused(e.prettyName() + " is refused (it calls Java methods)");
                }
                if (e instanceof UserDefinedExpression u) {
                    throw refused("the user-defined function " + u.name() + " is refused");
                }
                return BoxedUnit.UNIT;
            });
        }
        nested(plan).forEach(this::checkAnalyzed);
    }

    /** The plan's children and the plans nested in it: subqueries, common table expressions. */
    private static Set<LogicalPlan> nested(LogicalPlan plan) {
        Set<LogicalPlan> nested = Collections.newSetFromMap(new IdentityHashMap<>());
        nested.addAll(JavaConverters.seqAsJavaList(plan.children()));
        nested.addAll(JavaConverters.seqAsJavaList(plan.subqueries()));
        for (QueryPlan<?> inner : JavaConverters.seqAsJavaList(plan.innerChildren())) {
            if (inner instanceof LogicalPlan p) {
                nested.add(p);
            }
        }
        return nested;
    }

    private static String describe(LogicalPlan plan) {
        if (plan instanceof LogicalRelation r) {
            if (r.catalogTable().isDefined()) {
                return "reading the table "
                        + r.catalogTable().get().identifier().quotedString();
            }
            if (r.relation() instanceof HadoopFsRelation files) {
                return "reading files at " + files.location().rootPaths().mkString(", ");
            }
            return "reading " + r.relation().getClass().getSimpleName();
        }
        if (plan instanceof DataSourceV2Relation r) {
            return "reading the table " + r.table().name();
        }
        // A command without arguments is a Scala object: its class name ends with $.
        return (plan instanceof Command ? "the command " : "the operator ")
                + plan.nodeName().replace("$", "");
    }

    private boolean isLakeTable(TableIdentifier id) {
        return id.database().isDefined()
                && (id.catalog().isEmpty() || id.catalog().get().equalsIgnoreCase(SESSION_CATALOG))
                && isLakeTable(List.of(id.database().get(), id.table()));
    }

    private boolean isLakeTable(List<String> name) {
        List<String> schemaAndTable =
                name.size() == 3 && name.get(0).equalsIgnoreCase(SESSION_CATALOG) ? name.subList(1, 3) : name;
        return schemaAndTable.size() == 2
                && tables.contains(String.join(".", schemaAndTable).toLowerCase(Locale.ROOT));
    }

    private static List<String> parts(scala.collection.Seq<String> name) {
        return JavaConverters.seqAsJavaList(name);
    }

    private static String quoted(List<String> name) {
        return name.stream().map(Lake::quote).collect(Collectors.joining("."));
    }

    private static C360Exception refused(String what) {
        return new C360Exception(REFUSED + what);
    }
}
