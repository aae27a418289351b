package org.ringfellow.examples.calculator.internal;

import java.math.BigDecimal;

/** A parsed expression: numbers, negations and binary operations. */
sealed interface Expr {

    /**
     * The expression written back out with the parentheses it needs, such as {@code (1 + 2) * 3}.
     *
     * @return the text
     */
    String text();

    /** How tightly the expression binds, to decide where {@link #text()} needs parentheses. */
    int precedence();

    /** A number literal (a leading minus folded in). */
    record Num(BigDecimal value) implements Expr {
        @Override
        public String text() {
            return Arithmetic.format(value);
        }

        @Override
        public int precedence() {
            // a negative literal reads like a negation: 2 ^ (-1) keeps its parentheses off, (-2) ^ 2 needs them
            return value.signum() < 0 ? Op.NEG_PRECEDENCE : Integer.MAX_VALUE;
        }
    }

    /** Unary minus of something that is not a literal. */
    record Neg(Expr operand) implements Expr {
        @Override
        public String text() {
            return "-" + wrap(operand, Op.NEG_PRECEDENCE, false);
        }

        @Override
        public int precedence() {
            return Op.NEG_PRECEDENCE;
        }
    }

    /** A binary operation. */
    record Bin(Op op, Expr left, Expr right) implements Expr {
        @Override
        public String text() {
            boolean rightAssoc = op == Op.POW;
            return wrap(left, op.precedence, rightAssoc) + " " + op.symbol + " " + wrap(right, op.precedence,
                    !rightAssoc);
        }

        @Override
        public int precedence() {
            return op.precedence;
        }
    }

    /** Puts parentheses around a child that binds less tightly than its parent needs. */
    private static String wrap(Expr child, int parent, boolean strict) {
        boolean needs = strict ? child.precedence() <= parent : child.precedence() < parent;
        return needs ? "(" + child.text() + ")" : child.text();
    }

    /** The binary operators, with their precedence. */
    enum Op {
        ADD('+', 1), SUB('-', 1), MUL('*', 2), DIV('/', 2), POW('^', 4);

        /** Unary minus binds between * and ^: -2^2 is -(2^2). */
        static final int NEG_PRECEDENCE = 3;

        final char symbol;
        final int precedence;

        Op(char symbol, int precedence) {
            this.symbol = symbol;
            this.precedence = precedence;
        }

        static Op of(char c) {
            for (Op op : values()) {
                if (op.symbol == c) {
                    return op;
                }
            }
            throw new IllegalArgumentException("not an operator: " + c);
        }
    }
}
