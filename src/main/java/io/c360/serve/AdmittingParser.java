package io.c360.serve;

import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;

/**
 * The served sessions' SQL parser: every statement ({@link #parsePlan}, what {@code SparkSession.sql}
 * calls) goes through its {@link Admission}, which returns the plan Spark runs. Everything else is the
 * session's own parser, {@link #parseQuery} included: Spark parses a view's text with it, and the lake's
 * views read their Delta folders by path.
 */
final class AdmittingParser implements ParserInterface {
    /** What becomes of a client's statement. */
    interface Admission {
        /** The plan Spark runs for the statement, or an exception refusing it. */
        LogicalPlan admit(String statement, LogicalPlan parsed);

        /** A statement that is not SQL Spark can parse. */
        void unparsable(String statement);
    }

    private final ParserInterface parser;
    private final Admission admission;

    AdmittingParser(ParserInterface parser, Admission admission) {
        this.parser = parser;
        this.admission = admission;
    }

    @Override
    public LogicalPlan parsePlan(String sqlText) throws ParseException {
        LogicalPlan parsed;
        try {
            parsed = parser.parsePlan(sqlText);
        } catch (ParseException e) {
            admission.unparsable(sqlText);
            throw e;
        }
        return admission.admit(sqlText, parsed);
    }

    @Override
    public LogicalPlan parseQuery(String sqlText) throws ParseException {
        return parser.parseQuery(sqlText);
    }

    @Override
    public Expression parseExpression(String sqlText) throws ParseException {
        return parser.parseExpression(sqlText);
    }

    @Override
    public TableIdentifier parseTableIdentifier(String sqlText) throws ParseException {
        return parser.parseTableIdentifier(sqlText);
    }

    @Override
    public FunctionIdentifier parseFunctionIdentifier(String sqlText) throws ParseException {
        return parser.parseFunctionIdentifier(sqlText);
    }

    @Override
    public Seq<String> parseMultipartIdentifier(String sqlText) throws ParseException {
        return parser.parseMultipartIdentifier(sqlText);
    }

    @Override
    public StructType parseTableSchema(String sqlText) throws ParseException {
        return parser.parseTableSchema(sqlText);
    }

    @Override
    public DataType parseDataType(String sqlText) throws ParseException {
        return parser.parseDataType(sqlText);
    }
}
