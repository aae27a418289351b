package org.ringfellow.examples.summarizer.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
 * The multi-document summarizer: a genetic algorithm distributed as an island model over the app's
 * fellowship. The coordinator serves the page at {@code /} and {@code POST /api/summarize}; for each
 * run it sends the documents and the budget to every member ({@value #START}), each member evolves
 * an island, every {@code migrateEvery} generations sends its best to the next member by id
 * ({@value #MIGRATE}) and its progress to the coordinator ({@value #PROGRESS}). Every received
 * individual, migrant or reported best, is re-evaluated by its receiver and refused when its claimed
 * fitness is not the recomputed one. The coordinator stops the run ({@value #STOP}) on its budget
 * (generations, evaluations, wall time) or on convergence, and answers with the best it checked.
 * A member that leaves loses only its island; a member that joins mid-run gets an island of its own.
 *
 * <p>All state belongs to one thread ({@link #loop}); handlers only hand events to it.
 */
public final class SummarizerApp implements App {

    static final String START = "summarizer.start";
    static final String MIGRATE = "summarizer.migrate";
    static final String PROGRESS = "summarizer.progress";
    static final String STOP = "summarizer.stop";
    /** Runs coordinated at once; more get a 503. */
    static final int MAX_RUNS = 2;
    /** Islands evolved at once on a member (runs of several coordinators); more are refused. */
    static final int MAX_ISLANDS = 4;
    /** The largest message between members (the bridge carries 256 KiB). */
    static final int MAX_MESSAGE = 240 << 10;
    /** Points of history per island in an answer; longer histories are thinned evenly. */
    static final int MAX_POINTS = 400;
    /** How long an island evolves before it lets other events in. */
    static final long SLICE_MILLIS = 20;
    static final String JSON = "application/json";

    private final double lie;
    private final byte[] page;
    private volatile AppContext context;
    private volatile ScheduledExecutorService loop;

    // owned by the loop thread
    private final Map<String, Local> islands = new LinkedHashMap<>();
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private long nextRun;
    private long rejectedMigrants;
    private long malformed;

    /** This member's island of one run. */
    private static final class Local {
        String run;
        String coordinator;
        RunSpec spec;
        int number;
        Island island;
        long deadline;
        int reportedPoints;
        long rejected;
        boolean stopped;
    }

    /** What the coordinator knows of one island. */
    private static final class Report {
        String id;
        String name;
        int number;
        final List<double[]> history = new ArrayList<>();
        Individual best;
        int generation;
        int improvedAt;
        long evaluations;
        long rejected;
        boolean done;
        boolean lost;
        String stoppedBy = "";
    }

    /** One run, on its coordinator. */
    private static final class Run {
        String id;
        RunSpec spec;
        Corpus corpus;
        Fitness judge;
        Operators checker;
        CompletableFuture<HttpResponse> response;
        long started;
        final Map<String, Report> reports = new LinkedHashMap<>();
        int nextIsland;
        long rejectedReports;
    }

    /** The app as the runtime makes it. */
    public SummarizerApp() {
        this(0);
    }

    /**
     * @param lie added to the fitness this member claims for what it sends (0; tests make a liar)
     */
    SummarizerApp(double lie) {
        this.lie = lie;
        try (InputStream in = SummarizerApp.class.getResourceAsStream("index.html")) {
            if (in == null) {
                throw new IllegalStateException("the summarizer's page is missing from its bundle");
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
            Thread t = new Thread(r, "summarizer");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.loop = executor;
        ctx.log("summarizer started on " + ctx.self().name() + " (" + ctx.members().size() + " members)");
    }

    @Override
    public void stopped() {
        ScheduledExecutorService l = loop;
        if (l == null) {
            return;
        }
        try {
            l.submit(() -> {
                for (Run r : List.copyOf(runs.values())) {
                    r.response.complete(error(503, "the summarizer is stopping; try again"));
                }
                runs.clear();
                islands.clear();
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            context.log("summarizer: runs not answered at stop: " + e);
        }
        l.shutdownNow();
    }

    @Override
    public void message(AppMessage m) {
        byte[] payload = m.payload();
        MemberRef from = m.from();
        switch (m.topic()) {
            case START -> onLoop(() -> onStart(from, payload));
            case MIGRATE -> onLoop(() -> onMigrate(from, payload));
            case PROGRESS -> onLoop(() -> onProgress(from, payload));
            case STOP -> onLoop(() -> onStop(payload));
            default -> onLoop(() -> dropped(from, m.topic(), "unknown topic"));
        }
    }

    @Override
    public void memberLeft(MemberRef member) {
        onLoop(() -> {
            for (Run r : List.copyOf(runs.values())) {
                Report rep = r.reports.get(member.id());
                if (rep != null && !rep.done) {
                    rep.lost = true;
                    context.log("summarizer: run " + r.id + " lost island " + rep.number + " of " + member.name());
                    checkStop(r);
                }
            }
        });
    }

    @Override
    public void memberJoined(MemberRef member) {
        onLoop(() -> {
            for (Run r : runs.values()) {
                sendStart(r, member);
            }
        });
    }

    @Override
    public CompletionStage<HttpResponse> http(HttpRequest request) {
        String path = request.path();
        if (path.equals("/") || path.equals("/index.html")) {
            if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
                return done(methodNotAllowed("GET"));
            }
            return done(new HttpResponse(200, Map.of("Content-Type", "text/html; charset=utf-8", "Cache-Control",
                    "no-cache"), page.clone()));
        }
        if (path.equals("/api/summarize")) {
            if (!request.method().equals("POST")) {
                return done(methodNotAllowed("POST"));
            }
            RunSpec spec;
            try {
                spec = RunSpec.parse(request.body());
            } catch (InputException e) {
                return done(error(e.status(), e.getMessage()));
            }
            CompletableFuture<HttpResponse> response = new CompletableFuture<>();
            if (!onLoop(() -> begin(spec, response))) {
                response.complete(error(503, "the summarizer is not running"));
            }
            return response;
        }
        return done(error(404, "no such page: " + (path.length() > 200 ? path.substring(0, 200) + "..." : path)
                + "; the summarizer serves / and POST /api/summarize"));
    }

    // ---- the coordinator, on the loop thread ----

    private void begin(RunSpec spec, CompletableFuture<HttpResponse> response) {
        if (runs.size() >= MAX_RUNS) {
            response.complete(new HttpResponse(503, Map.of("Content-Type", JSON + "; charset=utf-8", "Retry-After",
                    "5"), Wire.write(Map.of("error", "the summarizer is busy with " + runs.size()
                            + " runs; try again in a few seconds"))));
            return;
        }
        Run r = new Run();
        try {
            r.corpus = Corpus.of(spec.documents());
            r.checker = new Operators(r.corpus, spec.budget(), new SplittableRandom(0));
        } catch (InputException e) {
            response.complete(error(e.status(), e.getMessage()));
            return;
        }
        r.judge = new Fitness(r.corpus);
        r.id = context.self().id().substring(0, Math.min(8, context.self().id().length())) + "-" + (++nextRun);
        r.spec = spec;
        r.response = response;
        r.started = System.nanoTime();
        if (Wire.deflate(Wire.write(startBody(r, 0))).length > MAX_MESSAGE) {
            response.complete(error(413, "the documents do not fit in one message to the members ("
                    + MAX_MESSAGE + " bytes deflated); send less text"));
            return;
        }
        runs.put(r.id, r);
        context.log("summarizer: run " + r.id + ": " + r.corpus + ", summary of " + spec.budget() + ", "
                + context.members().size() + " islands");
        for (MemberRef m : sortedMembers()) {
            sendStart(r, m);
        }
        loop.schedule(() -> onLoop(() -> {
            if (runs.containsKey(r.id)) {
                finish(r, "time");
            }
        }), spec.millis() + 2000, TimeUnit.MILLISECONDS);
    }

    private Map<String, Object> startBody(Run r, int island) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", r.id);
        m.put("island", island);
        m.put("spec", r.spec.toMap());
        return m;
    }

    private void sendStart(Run r, MemberRef m) {
        if (r.reports.containsKey(m.id())) {
            return;
        }
        Report rep = new Report();
        rep.id = m.id();
        rep.name = m.name();
        rep.number = r.nextIsland++;
        r.reports.put(m.id(), rep);
        byte[] body = Wire.deflate(Wire.write(startBody(r, rep.number)));
        if (m.id().equals(context.self().id())) {
            onStart(context.self(), body);
        } else {
            try {
                context.send(m.id(), START, body);
            } catch (RuntimeException e) {
                rep.lost = true;
                context.log("summarizer: run " + r.id + ": cannot reach " + m.name() + ": " + e.getMessage());
            }
        }
    }

    private void onProgress(MemberRef from, byte[] payload) {
        Map<String, Object> m;
        Run r;
        try {
            m = Wire.object(Wire.read(payload), "progress");
            r = runs.get(Wire.string(m.get("run"), "run"));
        } catch (IllegalArgumentException e) {
            dropped(from, PROGRESS, e.getMessage());
            return;
        }
        if (r == null) {
            return; // a run already answered
        }
        Report rep = r.reports.get(from.id());
        if (rep == null || rep.lost) {
            return;
        }
        try {
            for (Object p : Wire.list(m.get("points"), "points")) {
                List<?> pair = Wire.list(p, "point");
                if (pair.size() != 2 || rep.history.size() > RunSpec.MAX_GENERATIONS) {
                    throw new IllegalArgumentException("a point is [best, mean]");
                }
                rep.history.add(new double[] {Wire.number(pair.get(0), "best"), Wire.number(pair.get(1), "mean")});
            }
            rep.generation = (int) Wire.integer(m.get("generation"), "generation", 0, RunSpec.MAX_GENERATIONS);
            rep.evaluations = Wire.integer(m.get("evaluations"), "evaluations", 0, 1L << 40);
            rep.rejected = Wire.integer(m.get("rejected"), "rejected", 0, 1L << 40);
            rep.done = Boolean.TRUE.equals(m.get("done"));
            rep.stoppedBy = m.get("stoppedBy") instanceof String s && s.length() < 40 ? s : "";
            Map<String, Object> best = Wire.object(m.get("best"), "best");
            int[] genes = Wire.ints(best.get("genes"), "best.genes", Budget.MAX_LIMIT);
            double claimed = Wire.number(best.get("fitness"), "best.fitness");
            String invalid = r.checker.invalid(genes);
            double f = invalid == null ? r.judge.of(genes) : Double.NaN;
            if (invalid != null || !(Math.abs(f - claimed) <= Island.TOLERANCE)) {
                r.rejectedReports++;
                context.log("summarizer: run " + r.id + ": the best reported by " + from.name() + " is refused: "
                        + (invalid != null ? invalid : "claimed fitness " + claimed + " but it is " + f));
            } else if (rep.best == null || f > rep.best.fitness()) {
                rep.best = new Individual(genes, f);
                rep.improvedAt = rep.generation;
            }
        } catch (IllegalArgumentException e) {
            dropped(from, PROGRESS, e.getMessage());
            return;
        }
        checkStop(r);
    }

    private void checkStop(Run r) {
        if (!runs.containsKey(r.id)) {
            return;
        }
        List<Report> live = r.reports.values().stream().filter(x -> !x.lost).toList();
        if (live.isEmpty() || live.stream().allMatch(x -> x.done)) {
            // every island ended by itself: on its wall time if all say so, else on generations
            finish(r, live.isEmpty() ? "every island lost"
                    : live.stream().allMatch(x -> "time".equals(x.stoppedBy)) ? "time" : "generations");
            return;
        }
        long evaluations = r.reports.values().stream().mapToLong(x -> x.evaluations).sum();
        if (r.spec.evaluations() > 0 && evaluations >= r.spec.evaluations()) {
            finish(r, "evaluations");
            return;
        }
        int p = r.spec.patience();
        if (p > 0 && live.stream().allMatch(x -> x.best != null && x.generation - x.improvedAt >= p)) {
            finish(r, "convergence");
        }
    }

    private void finish(Run r, String why) {
        if (runs.remove(r.id) == null) {
            return;
        }
        try {
            context.broadcast(STOP, Wire.write(Map.of("run", r.id)));
        } catch (RuntimeException e) {
            context.log("summarizer: run " + r.id + ": stop not broadcast: " + e.getMessage());
        }
        onStop(Wire.write(Map.of("run", r.id)));
        Report winner = null;
        for (Report rep : r.reports.values()) {
            if (rep.best != null && (winner == null || rep.best.fitness() > winner.best.fitness())) {
                winner = rep;
            }
        }
        if (winner == null) {
            r.response.complete(error(503, "no island reported a result in time (" + why + ")"));
            return;
        }
        double seconds = (System.nanoTime() - r.started) / 1e9;
        context.log("summarizer: run " + r.id + " stopped by " + why + " after " + String.format("%.1f", seconds)
                + " s; best " + winner.best.fitness() + " from " + winner.name);
        r.response.complete(HttpResponse.text(200, JSON, RunSpec.utf8(Wire.write(answer(r, winner, why, seconds)))));
    }

    private Map<String, Object> answer(Run r, Report winner, String why, double seconds) {
        Map<String, Object> a = new LinkedHashMap<>();
        List<Object> summary = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int words = 0;
        for (int g : winner.best.genes()) {
            Corpus.Sentence s = r.corpus.sentences().get(g);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("text", s.text());
            o.put("document", s.document() + 1);
            o.put("documentName", r.spec.names().get(s.document()));
            o.put("position", s.position() + 1);
            o.put("sentence", s.index());
            summary.add(o);
            text.append(text.length() == 0 ? "" : " ").append(s.text());
            words += s.words();
        }
        a.put("summary", summary);
        a.put("text", text.toString());
        a.put("fitness", winner.best.fitness());
        a.put("words", words);
        a.put("sentences", winner.best.genes().length);
        a.put("budget", r.spec.budget().toString());
        a.put("winner", Map.of("id", winner.id, "name", winner.name, "island", winner.number));
        a.put("stoppedBy", why);
        a.put("seconds", seconds);
        a.put("input", Map.of("documents", r.corpus.documents(), "sentences", r.corpus.sentences().size(), "words",
                r.corpus.words(), "terms", r.corpus.vocabulary()));
        long evaluations = 0;
        long rejected = 0;
        List<Object> members = new ArrayList<>();
        for (Report rep : r.reports.values()) {
            evaluations += rep.evaluations;
            rejected += rep.rejected;
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", rep.id);
            o.put("name", rep.name);
            o.put("island", rep.number);
            o.put("generations", rep.generation);
            o.put("evaluations", rep.evaluations);
            o.put("rejectedMigrants", rep.rejected);
            o.put("lost", rep.lost);
            o.put("best", rep.best == null ? null : rep.best.fitness());
            int every = Math.max(1, (rep.history.size() + MAX_POINTS - 1) / MAX_POINTS);
            List<Object> h = new ArrayList<>();
            for (int i = 0; i < rep.history.size(); i++) {
                if (i % every == 0 || i == rep.history.size() - 1) {
                    h.add(List.of(i, rep.history.get(i)[0], rep.history.get(i)[1]));
                }
            }
            o.put("history", h);
            members.add(o);
        }
        a.put("evaluations", evaluations);
        a.put("rejectedMigrants", rejected);
        a.put("rejectedReports", r.rejectedReports);
        a.put("members", members);
        return a;
    }

    // ---- every member's island, on the loop thread ----

    private void onStart(MemberRef from, byte[] payload) {
        Local l = new Local();
        try {
            Map<String, Object> m = Wire.object(Wire.read(Wire.inflate(payload)), "start");
            l.run = Wire.string(m.get("run"), "run");
            l.number = (int) Wire.integer(m.get("island"), "island", 0, 1000);
            l.spec = RunSpec.fromMap(Wire.object(m.get("spec"), "spec"));
        } catch (IllegalArgumentException e) {
            dropped(from, START, e.getMessage());
            return;
        }
        if (islands.size() >= MAX_ISLANDS || islands.containsKey(l.run)) {
            context.log("summarizer: run " + l.run + " from " + from.name() + " refused: " + islands.size()
                    + " islands already evolve here");
            return;
        }
        l.coordinator = from.id();
        try {
            l.island = new Island(Corpus.of(l.spec.documents()), l.spec.budget(), GaParams.DEFAULTS,
                    l.spec.islandSeed(l.number));
        } catch (InputException e) {
            context.log("summarizer: run " + l.run + " cannot start here: " + e.getMessage());
            return;
        }
        l.deadline = System.nanoTime() + l.spec.millis() * 1_000_000L;
        islands.put(l.run, l);
        loop.execute(() -> evolve(l));
    }

    private void evolve(Local l) {
        if (l.stopped || islands.get(l.run) != l) {
            return;
        }
        long sliceEnd = System.nanoTime() + SLICE_MILLIS * 1_000_000L;
        String stop = null;
        try {
            do {
                l.island.step();
                if (l.island.generation() >= l.spec.generations()) {
                    stop = "generations";
                } else if (System.nanoTime() >= l.deadline) {
                    stop = "time";
                }
                if (stop != null || l.island.generation() % l.spec.migrateEvery() == 0) {
                    migrate(l);
                    report(l, stop);
                }
            } while (stop == null && System.nanoTime() < sliceEnd);
        } catch (RuntimeException e) {
            context.log("summarizer: island of run " + l.run + " failed: " + e);
            stop = "failure";
        }
        if (stop != null) {
            islands.remove(l.run);
            return;
        }
        loop.execute(() -> evolve(l));
    }

    private void migrate(Local l) {
        List<MemberRef> members = sortedMembers();
        if (members.size() < 2) {
            return;
        }
        int self = 0;
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).id().equals(context.self().id())) {
                self = i;
            }
        }
        MemberRef to = members.get((self + 1) % members.size());
        List<Object> migrants = new ArrayList<>();
        for (Individual i : l.island.best(l.spec.migrants())) {
            migrants.add(Map.of("genes", i.genes(), "fitness", i.fitness() + lie));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run", l.run);
        body.put("generation", l.island.generation());
        body.put("migrants", migrants);
        try {
            context.send(to.id(), MIGRATE, Wire.write(body));
        } catch (RuntimeException e) {
            context.log("summarizer: migrants of run " + l.run + " not sent to " + to.name() + ": " + e.getMessage());
        }
    }

    private void report(Local l, String stop) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run", l.run);
        body.put("generation", l.island.generation());
        List<Object> points = new ArrayList<>();
        List<double[]> h = l.island.history();
        for (int i = l.reportedPoints; i < h.size(); i++) {
            points.add(h.get(i));
        }
        l.reportedPoints = h.size();
        body.put("points", points);
        Individual best = l.island.best();
        body.put("best", Map.of("genes", best.genes(), "fitness", best.fitness() + lie));
        body.put("evaluations", l.island.evaluations());
        body.put("rejected", l.rejected);
        body.put("done", stop != null);
        body.put("stoppedBy", stop == null ? "" : stop);
        byte[] payload = Wire.write(body);
        if (l.coordinator.equals(context.self().id())) {
            onProgress(context.self(), payload);
        } else {
            try {
                context.send(l.coordinator, PROGRESS, payload);
            } catch (RuntimeException e) {
                context.log("summarizer: progress of run " + l.run + " not sent: " + e.getMessage());
            }
        }
    }

    private void onMigrate(MemberRef from, byte[] payload) {
        Local l;
        List<Island.Migrant> migrants = new ArrayList<>();
        try {
            Map<String, Object> m = Wire.object(Wire.read(payload), "migration");
            l = islands.get(Wire.string(m.get("run"), "run"));
            if (l == null) {
                return; // the run is over here, or never started
            }
            List<?> list = Wire.list(m.get("migrants"), "migrants");
            if (list.size() > 10) {
                throw new IllegalArgumentException("more than 10 migrants");
            }
            for (Object o : list) {
                Map<String, Object> mi = Wire.object(o, "migrant");
                migrants.add(new Island.Migrant(Wire.ints(mi.get("genes"), "genes", Budget.MAX_LIMIT),
                        Wire.number(mi.get("fitness"), "fitness")));
            }
        } catch (IllegalArgumentException e) {
            dropped(from, MIGRATE, e.getMessage());
            return;
        }
        Island.Reception r = l.island.receive(migrants);
        if (r.rejected() > 0) {
            l.rejected += r.rejected();
            rejectedMigrants += r.rejected();
            context.log("summarizer: run " + l.run + ": " + r.rejected() + " migrant(s) from " + from.name()
                    + " rejected (" + rejectedMigrants + " in all), e.g. " + r.reasons().get(0));
        }
    }

    private void onStop(byte[] payload) {
        try {
            Local l = islands.remove(Wire.string(Wire.object(Wire.read(payload), "stop").get("run"), "run"));
            if (l != null) {
                l.stopped = true;
            }
        } catch (IllegalArgumentException e) {
            malformed++;
        }
    }

    // ---- helpers ----

    private List<MemberRef> sortedMembers() {
        List<MemberRef> m = new ArrayList<>(context.members());
        m.sort(Comparator.comparing(MemberRef::id));
        return m;
    }

    private void dropped(MemberRef from, String topic, String why) {
        malformed++;
        context.log("summarizer: a " + topic + " from " + from.name() + " is dropped (" + malformed + " so far): " + why);
    }

    /** @return rejected migrants on this member (for tests) */
    long rejectedMigrants() {
        return rejectedMigrants;
    }

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
                    context.log("summarizer: " + ex);
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

    private static HttpResponse methodNotAllowed(String allow) {
        return new HttpResponse(405, Map.of("Content-Type", JSON + "; charset=utf-8", "Allow", allow),
                Wire.write(Map.of("error", "only " + allow + " is allowed here")));
    }

    static HttpResponse error(int status, String message) {
        return new HttpResponse(status, Map.of("Content-Type", JSON + "; charset=utf-8"),
                Wire.write(Map.of("error", message)));
    }


    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
