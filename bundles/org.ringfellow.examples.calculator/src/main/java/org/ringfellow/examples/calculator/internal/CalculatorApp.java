package org.ringfellow.examples.calculator.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.ringfellow.api.app.App;
import org.ringfellow.api.app.AppContext;
import org.ringfellow.api.app.AppMessage;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberRef;

/**
 * The distributed web calculator. Every member serves a page at {@code /} and
 * {@code GET /api/eval?expr=...} (its manifest declares its HTTP stateless, {@code Ringfellow-App-Http:
 * stateless}, so the engine hands a request to any running member's app, the local one first): the
 * member that took the request parses the expression, sends each operation whose operands are
 * known to a member in turn (itself included: it computes its own turns directly), and sends an
 * operation's parent once both operands are back. A member that leaves, fails or does not answer in
 * time has its operation sent to another member; when every other member has failed it, the
 * member that took the request computes it itself, so no request is lost. Every member answers
 * {@value Part#TOPIC} requests.
 *
 * <p>All of a member's evaluations are owned by one thread ({@link #loop}); the runtime's threads
 * only hand events to it.
 */
public final class CalculatorApp implements App {

    /** The most expressions computed at once; more get a 503. */
    static final int MAX_ACTIVE = 64;
    /** The longest query string read (an expression of 1,000 characters, every one percent-encoded). */
    static final int MAX_QUERY = 3 * Parser.MAX_LENGTH + 64;
    static final String JSON = "application/json";

    private final Duration partTimeout;
    private final Duration evalTimeout;
    private final byte[] page;
    private volatile AppContext context;
    private volatile ScheduledExecutorService loop;

    // owned by the loop thread
    private final Map<Long, Pending> active = new LinkedHashMap<>();
    private final Set<String> gone = new HashSet<>();
    private long nextId;
    private long turn;

    private record Pending(Evaluation evaluation, CompletableFuture<HttpResponse> response) {
    }

    /** The app as the runtime makes it: 5 s for a member to answer a part, 30 s for a whole expression. */
    public CalculatorApp() {
        this(Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    CalculatorApp(Duration partTimeout, Duration evalTimeout) {
        this.partTimeout = partTimeout;
        this.evalTimeout = evalTimeout;
        try (InputStream in = CalculatorApp.class.getResourceAsStream("index.html")) {
            if (in == null) {
                throw new IllegalStateException("the calculator's page is missing from its bundle");
            }
            this.page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void started(AppContext ctx) {
        this.context = ctx;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "calculator");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.loop = executor;
        ctx.log("calculator started on " + ctx.self().name() + " (" + ctx.members().size() + " members, coordinator="
                + ctx.isCoordinator() + ")");
    }

    @Override
    public void stopped() {
        ScheduledExecutorService l = loop;
        if (l == null) {
            return;
        }
        try {
            l.submit(() -> {
                for (Pending p : active.values()) {
                    p.response().complete(error(503, "the calculator is stopping; try again", -1, p.evaluation().text));
                }
                active.clear();
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            context.log("calculator: pending requests not answered at stop: " + e);
        }
        l.shutdownNow();
    }

    @Override
    public CompletionStage<byte[]> request(AppMessage request) {
        if (!Part.TOPIC.equals(request.topic())) {
            return App.super.request(request);
        }
        try {
            return CompletableFuture.completedFuture(Part.compute(request.payload()));
        } catch (CalcException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(e.getMessage()));
        }
    }

    @Override
    public void memberLeft(MemberRef member) {
        onLoop(() -> left(member));
    }

    @Override
    public void memberJoined(MemberRef member) {
        onLoop(() -> gone.remove(member.id()));
    }

    @Override
    public CompletionStage<HttpResponse> http(HttpRequest request) {
        String path = request.path();
        if (path.equals("/") || path.equals("/index.html")) {
            if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
                return done(methodNotAllowed());
            }
            return done(new HttpResponse(200, Map.of("Content-Type", "text/html; charset=utf-8",
                    "Cache-Control", "no-cache"), page.clone()));
        }
        if (path.equals("/api/eval")) {
            if (!request.method().equals("GET")) {
                return done(methodNotAllowed());
            }
            String expr;
            try {
                expr = expression(request.query());
            } catch (CalcException e) {
                return done(error(e.status(), e.getMessage(), -1, ""));
            }
            CompletableFuture<HttpResponse> response = new CompletableFuture<>();
            if (!onLoop(() -> begin(expr, response))) {
                response.complete(error(503, "the calculator is not running", -1, expr));
            }
            return response;
        }
        return done(error(404, "no such page: " + (path.length() > 200 ? path.substring(0, 200) + "..." : path)
                + "; the calculator serves / and /api/eval?expr=...", -1, ""));
    }

    /** Reads {@code expr} from the query string. */
    static String expression(String query) throws CalcException {
        if (query.length() > MAX_QUERY) {
            throw CalcException.syntax("the query is too long: an expression has at most " + Parser.MAX_LENGTH
                    + " characters", -1);
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals("expr")) {
                try {
                    return URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw CalcException.syntax("the expr parameter is not properly URL-encoded", -1);
                }
            }
        }
        throw CalcException.syntax("missing parameter: /api/eval?expr=<expression>, such as expr=1%2B2*3", -1);
    }

    // ---- the loop thread from here on ----

    private void begin(String text, CompletableFuture<HttpResponse> response) {
        Expr root;
        try {
            root = Parser.parse(text);
        } catch (CalcException e) {
            response.complete(error(e.status(), e.getMessage(), e.position(), text));
            return;
        }
        if (active.size() >= MAX_ACTIVE) {
            response.complete(new HttpResponse(503, Map.of("Content-Type", JSON + "; charset=utf-8",
                    "Retry-After", "1"), ("{\"error\": \"the calculator is busy; try again in a second\"}")
                            .getBytes(StandardCharsets.UTF_8)));
            return;
        }
        Evaluation e = new Evaluation(++nextId, text, root);
        if (e.tasks.isEmpty()) {
            response.complete(HttpResponse.text(200, JSON, e.json()));
            return;
        }
        active.put(e.id, new Pending(e, response));
        loop.schedule(() -> expire(e.id), evalTimeout.toMillis(), TimeUnit.MILLISECONDS);
        for (Evaluation.Task t : e.initiallyReady()) {
            dispatch(e, t);
        }
    }

    /** Sends a task to the next member in turn, or computes it here when that member is this one. */
    private void dispatch(Evaluation e, Evaluation.Task t) {
        if (!active.containsKey(e.id) || t.done()) {
            return;
        }
        AppContext ctx = context;
        MemberRef self = ctx.self();
        List<MemberRef> candidates = new ArrayList<>();
        for (MemberRef m : ctx.members()) {
            if (m.id().equals(self.id()) || !gone.contains(m.id()) && !t.failed.contains(m.id())) {
                candidates.add(m);
            }
        }
        if (candidates.stream().noneMatch(m -> m.id().equals(self.id()))) {
            candidates.add(self);
        }
        candidates.sort(Comparator.comparing(MemberRef::id));
        MemberRef to = candidates.get((int) (turn++ % candidates.size()));
        BigDecimal[] ops = t.operands();
        byte[] payload = t.expr instanceof Expr.Bin b ? Part.binary(b.op(), ops[0], ops[1]) : Part.negation(ops[0]);
        t.attempts++;
        t.assignee = to.id();
        if (to.id().equals(self.id())) {
            answered(e, t, self, payload, null, null);
            return;
        }
        int attempt = t.attempts;
        CompletionStage<AppMessage> reply;
        try {
            reply = ctx.request(to.id(), Part.TOPIC, payload, partTimeout);
        } catch (RuntimeException ex) {
            reply = CompletableFuture.failedFuture(ex);
        }
        reply.whenComplete((m, error) -> onLoop(() -> answered(e, t, to, payload, m, error)));
        // the node times requests out; this guards against one that never does
        loop.schedule(() -> {
            if (!t.done() && t.attempts == attempt && active.containsKey(e.id)) {
                failed(e, t, to.id(), "no answer in " + partTimeout.toMillis() + " ms");
            }
        }, partTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    }

    private void answered(Evaluation e, Evaluation.Task t, MemberRef by, byte[] payload, AppMessage reply,
            Throwable error) {
        if (!active.containsKey(e.id) || t.done()) {
            return;
        }
        boolean local = by.id().equals(context.self().id());
        if (!local && error != null) {
            if (t.assignee.equals(by.id())) {
                failed(e, t, by.id(), String.valueOf(error.getMessage()));
            }
            return;
        }
        BigDecimal value;
        try {
            value = local ? Part.result(Part.compute(payload)) : Part.result(reply.payload());
        } catch (CalcException ex) {
            if (ex.kind() == CalcException.Kind.MATH) {
                finish(e, error(422, ex.getMessage() + " in " + t.expr.text(), -1, e.text));
            } else if (!local && t.assignee.equals(by.id())) {
                failed(e, t, by.id(), ex.getMessage());
            }
            return;
        }
        BigDecimal[] ops = t.operands();
        String computed = t.expr instanceof Expr.Bin b
                ? Arithmetic.format(ops[0]) + " " + b.op().symbol + " " + Arithmetic.format(ops[1])
                : "-(" + Arithmetic.format(ops[0]) + ")";
        if (e.complete(t, value, by.name(), by.id(), computed)) {
            finish(e, HttpResponse.text(200, JSON, e.json()));
        } else if (t.parent != null && t.parent.ready()) {
            dispatch(e, t.parent);
        }
    }

    private void failed(Evaluation e, Evaluation.Task t, String member, String why) {
        t.failed.add(member);
        context.log("calculator: part " + t.expr.text() + " of request " + e.id + " failed on " + member + " (" + why
                + "); sending it to another member");
        dispatch(e, t);
    }

    private void left(MemberRef member) {
        gone.add(member.id());
        for (Pending p : List.copyOf(active.values())) {
            for (Evaluation.Task t : p.evaluation().tasks) {
                if (!t.done() && t.assignee.equals(member.id())) {
                    failed(p.evaluation(), t, member.id(), "the member left");
                }
            }
        }
    }

    private void expire(long id) {
        Pending p = active.get(id);
        if (p != null) {
            finish(p.evaluation(), error(504, "the members did not compute the expression in "
                    + evalTimeout.toSeconds() + " s", -1, p.evaluation().text));
        }
    }

    private void finish(Evaluation e, HttpResponse response) {
        Pending p = active.remove(e.id);
        if (p != null) {
            p.response().complete(response);
        }
    }

    // ---- helpers ----

    private boolean onLoop(Runnable r) {
        ScheduledExecutorService l = loop;
        if (l == null) {
            return false;
        }
        try {
            l.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException ex) {
                    context.log("calculator: " + ex);
                }
            });
            return true;
        } catch (RejectedExecutionException ex) {
            return false;
        }
    }

    private static CompletionStage<HttpResponse> done(HttpResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    private static HttpResponse methodNotAllowed() {
        return new HttpResponse(405, Map.of("Content-Type", JSON + "; charset=utf-8", "Allow", "GET"),
                "{\"error\": \"only GET is allowed here\"}".getBytes(StandardCharsets.UTF_8));
    }

    /** {@code {"error": ..., "position": ..., "expr": ...}}: what a person needs to fix the expression. */
    static HttpResponse error(int status, String message, int position, String expr) {
        StringBuilder b = new StringBuilder("{\"error\": ").append(Json.string(message));
        if (position >= 0) {
            b.append(", \"position\": ").append(position);
        }
        if (!expr.isEmpty()) {
            b.append(", \"expr\": ").append(Json.string(expr.length() > Parser.MAX_LENGTH
                    ? expr.substring(0, Parser.MAX_LENGTH) + "..." : expr));
        }
        return HttpResponse.text(status, JSON, b.append('}').toString());
    }
}
