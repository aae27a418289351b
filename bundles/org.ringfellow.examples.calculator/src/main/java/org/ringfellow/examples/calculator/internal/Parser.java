package org.ringfellow.examples.calculator.internal;

import java.math.BigDecimal;

/**
 * Parses an arithmetic expression by recursive descent:
 *
 * <pre>
 * expr    = term { ("+" | "-") term }
 * term    = unary { ("*" | "/") unary }
 * unary   = "-" unary | power
 * power   = primary [ "^" unary ]        (right-associative; -2^2 = -(2^2), 2^-1 = 0.5)
 * primary = number | "(" expr ")"
 * number  = digits [ "." digits ] | "." digits
 * </pre>
 *
 * Bounded: the text's length, the nesting depth, a number's length and the count of operations are
 * limited, so a hostile input costs little.
 */
final class Parser {

    /** The longest expression accepted, in characters. */
    static final int MAX_LENGTH = 1000;
    /** The deepest nesting of parentheses, unary minuses and powers. */
    static final int MAX_DEPTH = 50;
    /** The most operations (parts) in one expression. */
    static final int MAX_OPERATIONS = 200;
    /** The longest number literal, in characters. */
    static final int MAX_NUMBER = 100;

    private final String text;
    private int pos;
    private int depth;
    private int operations;

    private Parser(String text) {
        this.text = text;
    }

    /**
     * Parses an expression.
     *
     * @param text the expression
     * @return its tree
     * @throws CalcException of kind SYNTAX with the position of the problem
     */
    static Expr parse(String text) throws CalcException {
        if (text.length() > MAX_LENGTH) {
            throw CalcException.syntax("the expression is " + text.length() + " characters long; at most "
                    + MAX_LENGTH + " are accepted", MAX_LENGTH);
        }
        Parser p = new Parser(text);
        p.skipSpace();
        if (p.atEnd()) {
            throw CalcException.syntax("the expression is empty", 0);
        }
        Expr e = p.expr();
        p.skipSpace();
        if (!p.atEnd()) {
            throw CalcException.syntax(p.peek() == ')' ? "a ')' closes nothing" : "unexpected '" + p.peek() + "'",
                    p.pos);
        }
        return e;
    }

    private Expr expr() throws CalcException {
        Expr left = term();
        while (true) {
            skipSpace();
            if (atEnd() || (peek() != '+' && peek() != '-')) {
                return left;
            }
            Expr.Op op = Expr.Op.of(text.charAt(pos++));
            left = binary(op, left, term());
        }
    }

    private Expr term() throws CalcException {
        Expr left = unary();
        while (true) {
            skipSpace();
            if (atEnd() || (peek() != '*' && peek() != '/')) {
                return left;
            }
            Expr.Op op = Expr.Op.of(text.charAt(pos++));
            left = binary(op, left, unary());
        }
    }

    private Expr unary() throws CalcException {
        skipSpace();
        if (!atEnd() && peek() == '-') {
            int at = pos++;
            enter(at);
            Expr operand = unary();
            depth--;
            if (operand instanceof Expr.Num n) {
                return new Expr.Num(n.value().negate());
            }
            count(at);
            return new Expr.Neg(operand);
        }
        return power();
    }

    private Expr power() throws CalcException {
        Expr base = primary();
        skipSpace();
        if (!atEnd() && peek() == '^') {
            int at = pos++;
            enter(at);
            Expr exponent = unary();
            depth--;
            return binary(Expr.Op.POW, base, exponent);
        }
        return base;
    }

    private Expr primary() throws CalcException {
        skipSpace();
        if (atEnd()) {
            throw CalcException.syntax("the expression ends where a number or '(' is expected", pos);
        }
        char c = peek();
        if (c == '(') {
            int open = pos++;
            enter(open);
            Expr inner = expr();
            depth--;
            skipSpace();
            if (atEnd() || peek() != ')') {
                throw CalcException.syntax("the '(' at " + open + " is not closed", open);
            }
            pos++;
            return inner;
        }
        if (isDigit(c) || c == '.') {
            return number();
        }
        throw CalcException.syntax("expected a number or '(' but found '" + c + "'", pos);
    }

    private Expr number() throws CalcException {
        int start = pos;
        while (!atEnd() && isDigit(peek())) {
            pos++;
        }
        int intDigits = pos - start;
        if (!atEnd() && peek() == '.') {
            pos++;
            int fracStart = pos;
            while (!atEnd() && isDigit(peek())) {
                pos++;
            }
            if (pos == fracStart) {
                throw CalcException.syntax("a '.' must be followed by digits", pos);
            }
        } else if (intDigits == 0) {
            throw CalcException.syntax("expected a number", start);
        }
        if (pos - start > MAX_NUMBER) {
            throw CalcException.syntax("a number may have at most " + MAX_NUMBER + " characters", start);
        }
        // 34 significant digits, like every result: a part on the wire stays short
        return new Expr.Num(new BigDecimal(text.substring(start, pos), Arithmetic.CONTEXT));
    }

    private Expr binary(Expr.Op op, Expr left, Expr right) throws CalcException {
        count(pos);
        return new Expr.Bin(op, left, right);
    }

    private void count(int at) throws CalcException {
        if (++operations > MAX_OPERATIONS) {
            throw CalcException.syntax("the expression has more than " + MAX_OPERATIONS + " operations", at);
        }
    }

    private void enter(int at) throws CalcException {
        if (++depth > MAX_DEPTH) {
            throw CalcException.syntax("the expression nests deeper than " + MAX_DEPTH + " levels", at);
        }
    }

    private void skipSpace() {
        while (!atEnd() && Character.isWhitespace(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private char peek() {
        return text.charAt(pos);
    }
}
