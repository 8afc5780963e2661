package io.c360.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The access log keeps what a statement did, not the values it looked for. */
@Tag("unit")
class AccessLogTest {
    @Test
    void literalsAndCommentsBecomeQuestionMarks() {
        assertEquals(
                "SELECT `e-mail`, count(*) FROM gold.customer WHERE email = ? AND phone = ? AND x > ? ?\nLIMIT ?",
                AccessLog.maskLiterals("SELECT `e-mail`, count(*) FROM gold.customer WHERE email = 'ann@x.com'"
                        + " AND phone = \"+1 555\" AND x > 1.5e3 -- find Ann\nLIMIT 10"));
    }

    @Test
    void namesWithDigitsAndEscapedQuotesStayWhole() {
        assertEquals(
                "SELECT t1.c2 FROM t1 WHERE name = ? ?",
                AccessLog.maskLiterals("SELECT t1.c2 FROM t1 WHERE name = 'O''Brien \\' x' /* Ann */"));
    }
}
