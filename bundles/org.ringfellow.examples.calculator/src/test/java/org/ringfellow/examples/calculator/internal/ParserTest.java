package org.ringfellow.examples.calculator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ParserTest {

    /** Evaluates a tree here, one operation after the other, as the members would. */
    static BigDecimal eval(Expr e) throws CalcException {
        if (e instanceof Expr.Num n) {
            return n.value();
        }
        if (e instanceof Expr.Neg n) {
            return Arithmetic.negate(eval(n.operand()));
        }
        Expr.Bin b = (Expr.Bin) e;
        return Arithmetic.apply(b.op(), eval(b.left()), eval(b.right()));
    }

    static String value(String text) throws CalcException {
        return Arithmetic.format(eval(Parser.parse(text)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "1 + 2 * 3 | 7",
        "(1 + 2) * 3 | 9",
        "2 ^ 3 ^ 2 | 512",
        "(2 ^ 3) ^ 2 | 64",
        "-2 ^ 2 | -4",
        "(-2) ^ 2 | 4",
        "2 ^ -1 | 0.5",
        "--3 | 3",
        "-(1 + 2) * 4 | -12",
        "10 - 4 - 3 | 3",
        "100 / 10 / 5 | 2",
        "0.1 + 0.2 | 0.3",
        "1 / 3 * 3 | 1",
        "1 / 3 | 0.3333333333333333",
        ".5 * 4 | 2",
        "2 ^ 0.5 | 1.414213562373095",
        "(-1) ^ 1000001 | -1",
        "1 ^ 123456789012345678901234567890 | 1",
        "10 ^ 999 / 10 ^ 998 | 10",
        "2 ^ 100 | 1.267650600228229E+30",
        "0.000001 | 0.000001",
        "1 / 10 ^ 10 | 1E-10",
    })
    void givenAnExpression_whenParsedAndComputed_thenTheValueHasTheUsualPrecedenceAndAssociativity(String text,
            String expected) throws CalcException {
        assertEquals(expected, value(text));
    }

    @Test
    void givenTabsAndNewlines_whenParsed_thenTheyAreSpace() throws CalcException {
        assertEquals("42", value("  7\t*\n6  "));
    }

    @Test
    void givenATree_whenWrittenBack_thenOnlyTheNeededParenthesesRemainAndItParsesToTheSameTree() throws Exception {
        for (String text : new String[] {"(1+2)*3", "2^3^2", "(2^3)^2", "-(1+2)", "1-(2-3)", "(1-2)-3", "-2^2",
            "(-2)^2", "2^-1", "8/(4/2)", "-(2^2)^3"}) {
            Expr e = Parser.parse(text);
            assertEquals(e, Parser.parse(e.text()), text + " -> " + e.text());
        }
        assertEquals("(1 + 2) * 3", Parser.parse("((1+2))*3").text());
        assertEquals("2 ^ 3 ^ 2", Parser.parse("2^(3^2)").text());
        assertEquals("(2 ^ 3) ^ 2", Parser.parse("(2^3)^2").text());
        assertEquals("1 - (2 - 3)", Parser.parse("1-(2-3)").text());
        assertEquals("1 - 2 - 3", Parser.parse("(1-2)-3").text());
    }

    @ParameterizedTest(name = "''{0}'' refused at {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "1 + | 3 | ends where a number",
        "(1 + 2 | 0 | is not closed",
        "1 + 2) | 5 | closes nothing",
        "2 * * 3 | 4 | expected a number",
        "1 2 | 2 | unexpected '2'",
        "1. + 2 | 2 | must be followed by digits",
        "abc | 0 | expected a number",
        "3 % 2 | 2 | unexpected '%'",
        "'' | 0 | empty",
        "'   ' | 3 | empty",
    })
    void givenAMalformedExpression_whenParsed_thenTheErrorSaysWhatAndWhere(String text, int position, String what) {
        CalcException e = assertThrows(CalcException.class, () -> Parser.parse(text));
        assertEquals(CalcException.Kind.SYNTAX, e.kind());
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains(what), e.getMessage());
        if (!text.isBlank()) {
            assertEquals(position, e.position(), e.getMessage());
        }
    }

    @Test
    void givenHostileSizes_whenParsed_thenBoundedWithAClearMessage() {
        CalcException tooLong = assertThrows(CalcException.class, () -> Parser.parse("1+".repeat(500) + "1"));
        assertTrue(tooLong.getMessage().contains("at most 1000"), tooLong.getMessage());

        CalcException deep = assertThrows(CalcException.class,
                () -> Parser.parse("(".repeat(51) + "1" + ")".repeat(51)));
        assertTrue(deep.getMessage().contains("deeper than 50"), deep.getMessage());
        CalcException deepMinus = assertThrows(CalcException.class, () -> Parser.parse("-".repeat(60) + "1"));
        assertTrue(deepMinus.getMessage().contains("deeper than 50"), deepMinus.getMessage());
        CalcException deepPower = assertThrows(CalcException.class, () -> Parser.parse("2^".repeat(60) + "1"));
        assertTrue(deepPower.getMessage().contains("deeper than 50"), deepPower.getMessage());

        CalcException many = assertThrows(CalcException.class, () -> Parser.parse("1+".repeat(201) + "1"));
        assertTrue(many.getMessage().contains("more than 200 operations"), many.getMessage());

        CalcException longNumber = assertThrows(CalcException.class, () -> Parser.parse("1".repeat(101)));
        assertTrue(longNumber.getMessage().contains("at most 100"), longNumber.getMessage());
    }

    @Test
    void givenExpressionsWithoutAValue_whenComputed_thenRefusedAsMathErrors() {
        for (String[] c : new String[][] {
            {"1 / 0", "division by zero"},
            {"1 / (2 - 2)", "division by zero"},
            {"0 ^ -1", "division by zero"},
            {"10 ^ 1000", "too large"},
            {"9 ^ 9 ^ 9", "too large"},
            {"2 ^ 10000", "too large"},
            {"(10 ^ 999) * 10", "too large"},
            {"(-8) ^ 0.5", "no real value"},
        }) {
            CalcException e = assertThrows(CalcException.class, () -> value(c[0]), c[0]);
            assertEquals(422, e.status(), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
        }
    }

    @Test
    void givenATinyResult_whenComputed_thenItIsZero() throws CalcException {
        assertEquals("0", value("10 ^ -2000"));
        assertEquals("0", value("0.5 ^ 100000"));
    }
}
