package org.ringfellow.examples.calculator.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One expression being computed: its operations as tasks in post-order, each done when a member
 * has computed it. Owned by the coordinator's one thread; nothing here is shared.
 */
final class Evaluation {

    /** One operation of the expression. */
    static final class Task {
        final Expr expr;
        final List<Task> children = new ArrayList<>(2);
        Task parent;
        /** The operands that are literals, by position; null where a child task gives the value. */
        final BigDecimal[] literals;
        BigDecimal value;
        String member = "";
        String memberId = "";
        String computed = "";
        /** The member asked now, and how many times a member was asked. */
        String assignee = "";
        int attempts;
        /** Members that failed to answer this task: never asked again for it. */
        final Set<String> failed = new HashSet<>();

        Task(Expr expr, int operands) {
            this.expr = expr;
            this.literals = new BigDecimal[operands];
        }

        boolean done() {
            return value != null;
        }

        boolean ready() {
            return children.stream().allMatch(Task::done);
        }

        /** The operands' values, literals and children's results in order. */
        BigDecimal[] operands() {
            BigDecimal[] out = literals.clone();
            int c = 0;
            for (int i = 0; i < out.length; i++) {
                if (out[i] == null) {
                    out[i] = children.get(c++).value;
                }
            }
            return out;
        }
    }

    final long id;
    final String text;
    final Expr root;
    /** Post-order: every task comes after its children. */
    final List<Task> tasks = new ArrayList<>();
    private int remaining;

    Evaluation(long id, String text, Expr root) {
        this.id = id;
        this.text = text;
        this.root = root;
        build(root);
        remaining = tasks.size();
    }

    private Task build(Expr e) {
        if (e instanceof Expr.Num) {
            return null;
        }
        List<Expr> operands = e instanceof Expr.Bin b ? List.of(b.left(), b.right()) : List.of(((Expr.Neg) e).operand());
        Task t = new Task(e, operands.size());
        for (int i = 0; i < operands.size(); i++) {
            Expr o = operands.get(i);
            if (o instanceof Expr.Num n) {
                t.literals[i] = n.value();
            } else {
                Task child = build(o);
                child.parent = t;
                t.children.add(child);
            }
        }
        tasks.add(t);
        return t;
    }

    /** The tasks whose operands are all known at the start. */
    List<Task> initiallyReady() {
        return tasks.stream().filter(t -> t.children.isEmpty()).toList();
    }

    /**
     * Records a task's value.
     *
     * @return true if the whole expression is now computed
     */
    boolean complete(Task t, BigDecimal value, String member, String memberId, String computed) {
        t.value = value;
        t.member = member;
        t.memberId = memberId;
        t.computed = computed;
        return --remaining == 0;
    }

    /** The expression's value: the root task's, or the literal when there is no operation. */
    BigDecimal result() {
        return root instanceof Expr.Num n ? n.value() : tasks.get(tasks.size() - 1).value;
    }

    /** The answer: {@code {"expr": ..., "result": ..., "resultText": ..., "parts": [{"expr", "computed", "value", "member", ...}]}}. */
    String json() {
        StringBuilder b = new StringBuilder(256 + 160 * tasks.size());
        b.append("{\"expr\": ").append(Json.string(root.text()))
                .append(", \"result\": ").append(Arithmetic.format(result()))
                // beyond 1e308 a JavaScript number is Infinity: the text keeps every digit shown
                .append(", \"resultText\": ").append(Json.string(Arithmetic.format(result())))
                .append(", \"parts\": [");
        for (int i = 0; i < tasks.size(); i++) {
            Task t = tasks.get(i);
            b.append(i == 0 ? "" : ", ")
                    .append("{\"expr\": ").append(Json.string(t.expr.text()))
                    .append(", \"computed\": ").append(Json.string(t.computed))
                    .append(", \"value\": ").append(Arithmetic.format(t.value))
                    .append(", \"valueText\": ").append(Json.string(Arithmetic.format(t.value)))
                    .append(", \"member\": ").append(Json.string(t.member))
                    .append(", \"memberId\": ").append(Json.string(t.memberId))
                    .append(", \"attempts\": ").append(t.attempts).append('}');
        }
        return b.append("]}").toString();
    }
}
