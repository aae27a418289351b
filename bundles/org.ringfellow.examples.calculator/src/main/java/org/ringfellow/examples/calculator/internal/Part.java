package org.ringfellow.examples.calculator.internal;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * One operation sent to a member: its wire form, the request's topic, and the computation a member
 * does when it receives one. A request's payload is {@code <op> <a> [<b>]} in UTF-8, {@code op}
 * one of {@code + - * / ^ neg}; the reply is {@code ok <value>} or {@code err <message>} (the
 * operation has no value: the whole expression has none). Numbers are exact decimals.
 */
final class Part {

    /** The request topic members answer. */
    static final String TOPIC = "calculator.part";
    /** The longest payload a member reads. */
    static final int MAX_PAYLOAD = 3 * Arithmetic.MAX_WIRE_NUMBER;
    static final String NEG = "neg";

    private Part() {
    }

    /**
     * The payload asking for a binary operation.
     *
     * @param op the operation
     * @param a the left operand
     * @param b the right operand
     * @return the payload
     */
    static byte[] binary(Expr.Op op, BigDecimal a, BigDecimal b) {
        return (op.symbol + " " + Arithmetic.wire(a) + " " + Arithmetic.wire(b)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The payload asking for a negation.
     *
     * @param a the operand
     * @return the payload
     */
    static byte[] negation(BigDecimal a) {
        return (NEG + " " + Arithmetic.wire(a)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Computes a part, as every member does when asked.
     *
     * @param payload the request's payload
     * @return the reply's payload
     * @throws CalcException of kind SYNTAX if the payload is not a part (a bug or a stranger: the
     *     request fails and the coordinator asks someone else)
     */
    static byte[] compute(byte[] payload) throws CalcException {
        if (payload.length > MAX_PAYLOAD) {
            throw CalcException.syntax("a part is longer than " + MAX_PAYLOAD + " bytes", -1);
        }
        String[] f = new String(payload, StandardCharsets.UTF_8).split(" ", -1);
        try {
            BigDecimal value;
            if (f.length == 2 && f[0].equals(NEG)) {
                value = Arithmetic.negate(Arithmetic.fromWire(f[1]));
            } else if (f.length == 3 && f[0].length() == 1 && "+-*/^".indexOf(f[0].charAt(0)) >= 0) {
                value = Arithmetic.apply(Expr.Op.of(f[0].charAt(0)), Arithmetic.fromWire(f[1]),
                        Arithmetic.fromWire(f[2]));
            } else {
                throw CalcException.syntax("not a part: " + new String(payload, StandardCharsets.UTF_8), -1);
            }
            return ("ok " + Arithmetic.wire(value)).getBytes(StandardCharsets.UTF_8);
        } catch (CalcException e) {
            if (e.kind() == CalcException.Kind.MATH) {
                return ("err " + e.getMessage()).getBytes(StandardCharsets.UTF_8);
            }
            throw e;
        }
    }

    /**
     * Reads a reply.
     *
     * @param reply the reply's payload
     * @return the value
     * @throws CalcException of kind MATH for an {@code err} reply, SYNTAX for a malformed one
     */
    static BigDecimal result(byte[] reply) throws CalcException {
        if (reply.length > MAX_PAYLOAD + 200) {
            throw CalcException.syntax("a reply is longer than allowed", -1);
        }
        String s = new String(reply, StandardCharsets.UTF_8);
        if (s.startsWith("ok ")) {
            return Arithmetic.fromWire(s.substring(3));
        }
        if (s.startsWith("err ")) {
            throw CalcException.math(s.substring(4));
        }
        throw CalcException.syntax("not a part's reply: " + s.substring(0, Math.min(80, s.length())), -1);
    }
}
