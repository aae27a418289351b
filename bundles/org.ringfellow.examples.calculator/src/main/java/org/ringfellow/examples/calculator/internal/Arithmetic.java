package org.ringfellow.examples.calculator.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The four operations and powers on decimals with 34 significant digits, refusing results that do
 * not exist (division by zero, a negative number to a fractional power) or that are too large
 * ({@link #MAX_EXPONENT}). Results too small to tell from zero are zero.
 */
final class Arithmetic {

    /** Every operation rounds to this. */
    static final MathContext CONTEXT = MathContext.DECIMAL128;
    /** Results shown to people round to this: 1/3*3 shows as 1. */
    static final MathContext SHOWN = new MathContext(16, RoundingMode.HALF_EVEN);
    /** The largest decimal exponent of a result: |x| must stay below 10^1000. */
    static final int MAX_EXPONENT = 1000;
    /** The longest number accepted in a part sent between members, in characters. */
    static final int MAX_WIRE_NUMBER = 64;

    private Arithmetic() {
    }

    /**
     * Applies a binary operation.
     *
     * @param op the operation
     * @param a the left operand
     * @param b the right operand
     * @return the result, rounded to {@link #CONTEXT}
     * @throws CalcException of kind MATH if it has no value or is too large
     */
    static BigDecimal apply(Expr.Op op, BigDecimal a, BigDecimal b) throws CalcException {
        BigDecimal r = switch (op) {
            case ADD -> a.add(b, CONTEXT);
            case SUB -> a.subtract(b, CONTEXT);
            case MUL -> a.multiply(b, CONTEXT);
            case DIV -> {
                if (b.signum() == 0) {
                    throw CalcException.math("division by zero");
                }
                yield a.divide(b, CONTEXT);
            }
            case POW -> power(a, b);
        };
        return bounded(r);
    }

    /**
     * Negates a number.
     *
     * @param a the number
     * @return its negation
     */
    static BigDecimal negate(BigDecimal a) {
        return a.negate();
    }

    private static BigDecimal power(BigDecimal base, BigDecimal exponent) throws CalcException {
        if (base.signum() == 0) {
            if (exponent.signum() < 0) {
                throw CalcException.math("division by zero (0 to a negative power)");
            }
            return exponent.signum() == 0 ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        BigDecimal e = exponent.stripTrailingZeros();
        boolean whole = e.scale() <= 0;
        // a whole exponent ending in 0 (scale < 0) is even; otherwise its last digit tells
        boolean odd = whole && e.scale() == 0 && e.unscaledValue().testBit(0);
        if (base.abs().compareTo(BigDecimal.ONE) == 0 && whole) {
            return base.signum() > 0 || !odd ? BigDecimal.ONE : BigDecimal.ONE.negate();
        }
        if (!whole && base.signum() < 0) {
            throw CalcException.math("a negative number to a fractional power has no real value");
        }
        // log10 |base| * exponent estimates the result's size before any digit is computed
        double magnitude = log10(base.abs()) * e.doubleValue();
        if (magnitude >= MAX_EXPONENT) {
            throw tooLarge();
        }
        if (magnitude < -MAX_EXPONENT - 10) {
            return BigDecimal.ZERO;
        }
        if (whole && e.precision() - e.scale() <= 9) {
            return base.pow(e.intValueExact(), CONTEXT);
        }
        // a fractional exponent, or a huge whole one on a base very near 1: doubles are precise enough
        double r = Math.pow(base.abs().doubleValue(), e.doubleValue());
        if (Double.isInfinite(r) || Double.isNaN(r)) {
            throw tooLarge();
        }
        BigDecimal v = new BigDecimal(r, CONTEXT);
        return base.signum() < 0 && odd ? v.negate() : v;
    }

    private static double log10(BigDecimal positive) {
        // unscaledValue × 10^-scale; bitLength keeps huge unscaled values out of double overflow
        BigInteger unscaled = positive.unscaledValue();
        int shift = Math.max(0, unscaled.bitLength() - 900);
        double lead = Math.log10(unscaled.shiftRight(shift).doubleValue()) + shift * Math.log10(2);
        return lead - positive.scale();
    }

    /**
     * Refuses a result at or above 10^{@value #MAX_EXPONENT}; flushes one below 10^-{@value #MAX_EXPONENT} to zero.
     *
     * @param r the result
     * @return the result
     * @throws CalcException if it is too large
     */
    static BigDecimal bounded(BigDecimal r) throws CalcException {
        if (r.signum() == 0) {
            return BigDecimal.ZERO;
        }
        long exponent = (long) r.precision() - r.scale() - 1;
        if (exponent >= MAX_EXPONENT) {
            throw tooLarge();
        }
        if (exponent < -MAX_EXPONENT) {
            return BigDecimal.ZERO;
        }
        return r;
    }

    private static CalcException tooLarge() {
        return CalcException.math("the result is too large (at most 10^" + MAX_EXPONENT + ")");
    }

    /**
     * Writes a number as a JSON number for people: 16 significant digits, no trailing zeros, plain
     * notation unless the exponent is large.
     *
     * @param v the number
     * @return its text, a valid JSON number
     */
    static String format(BigDecimal v) {
        BigDecimal s = v.round(SHOWN).stripTrailingZeros();
        if (s.signum() == 0) {
            return "0";
        }
        long exponent = (long) s.precision() - s.scale() - 1;
        return exponent >= -7 && exponent < 21 ? s.toPlainString() : s.toString();
    }

    /**
     * Writes a number exactly, for a part sent to another member.
     *
     * @param v the number
     * @return its text
     */
    static String wire(BigDecimal v) {
        return v.toString();
    }

    /**
     * Reads a number written by {@link #wire}, bounded.
     *
     * @param text the text
     * @return the number
     * @throws CalcException if it is not a number or too long
     */
    static BigDecimal fromWire(String text) throws CalcException {
        if (text.isEmpty() || text.length() > MAX_WIRE_NUMBER) {
            throw CalcException.syntax("a part's number is empty or longer than " + MAX_WIRE_NUMBER + " characters",
                    -1);
        }
        try {
            return bounded(new BigDecimal(text));
        } catch (NumberFormatException e) {
            throw CalcException.syntax("a part's number is not a number: " + text, -1);
        }
    }
}
