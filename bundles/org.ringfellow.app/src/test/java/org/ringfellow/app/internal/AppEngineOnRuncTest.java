package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.container.runc.internal.RuncDriver;

/**
 * Real engines, each with its own node store, container manager, runc driver and command
 * runtime, deploying real apps into real runc containers; only the fellowship between them
 * is simulated ({@link FakeFellowships}).
 */
class AppEngineOnRuncTest {

    static final Path UPPER = Path.of("..", "org.ringfellow.runtime.command", "examples", "upper");

    @TempDir
    Path dir;
    final FakeFellowships net = new FakeFellowships();
    final List<TestNode> nodes = new ArrayList<>();

    TestNode node(String name) throws Exception {
        TestNode n = new TestNode(dir, net, name, TestNode.RUNC);
        nodes.add(n);
        return n;
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (TestNode n : nodes) {
            n.engine.close();
        }
        net.close();
        for (TestNode n : nodes) {
            n.destroyOwnedContainers();
        }
    }

    // ------------------------------------------------------------------ artifacts

    Path upperJar(int size) throws IOException {
        Manifest mf;
        try (var in = Files.newInputStream(UPPER.resolve("MANIFEST.MF"))) {
            mf = new Manifest(in);
        }
        mf.getMainAttributes().putValue("Ringfellow-App-Size", Integer.toString(size));
        return jar("upper.jar", mf, Map.of("upper.sh", Files.readAllBytes(UPPER.resolve("upper.sh"))));
    }

    Path jar(String file, Manifest mf, Map<String, byte[]> entries) throws IOException {
        Path jar = dir.resolve(file);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, mf)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                j.putNextEntry(new JarEntry(e.getKey()));
                j.write(e.getValue());
                j.closeEntry();
            }
        }
        return jar;
    }

    Path scriptApp(String name, String script, String resources) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Ringfellow-App", name);
        a.putValue("Ringfellow-App-Runtime", "command");
        a.putValue("Ringfellow-App-Entry", "app.sh");
        a.putValue("Ringfellow-App-Resources", resources);
        return jar(name + ".jar", mf, Map.of("app.sh", script.getBytes(StandardCharsets.UTF_8)));
    }

    List<TestNode> members(AppStatus s) {
        return s.members().stream().map(m -> nodes.stream().filter(n -> n.id.hex().equals(m.node())).findFirst()
                .orElseThrow()).toList();
    }

    /** A stand-in for a node's HTTP ingress: /apps/upper/... to the node's gateway. */
    static com.sun.net.httpserver.HttpServer miniIngress(TestNode n) throws IOException {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/apps/upper", ex -> {
            String path = ex.getRequestURI().getRawPath().substring("/apps/upper".length());
            Map<String, List<String>> headers = new java.util.HashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
            HttpResponse r = n.engine.forward("upper", new HttpRequest(ex.getRequestMethod(), path,
                    ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery(), headers,
                    ex.getRequestBody().readAllBytes())).toCompletableFuture().join();
            r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
            ex.getResponseBody().write(r.body());
            ex.close();
        });
        server.start();
        return server;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    static List<String> files(Path p) throws IOException {
        if (!Files.exists(p)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).map(Path::toString).toList();
        }
    }

    /**
     * Kills the app's process in n's only container with SIGKILL, by its host pid: the child of
     * the container's init (the init itself if it has none). Returns the pid killed.
     */
    static long killApp(TestNode n) throws Exception {
        RuncDriver runc = (RuncDriver) n.driver;
        List<String> owned = runc.listOwned(n.id.hex());
        assertEquals(1, owned.size(), n.name + "'s containers: " + owned);
        long init = runc.inspect(new ContainerHandle(owned.get(0), "runc", java.time.Instant.now(), Map.of())).pid();
        assertTrue(init > 0, "the container's init runs");
        String children = Files.readString(Path.of("/proc", Long.toString(init), "task", Long.toString(init),
                "children")).trim();
        long victim = children.isEmpty() ? init : Long.parseLong(children.split(" ")[0]);
        ProcessHandle p = ProcessHandle.of(victim).orElseThrow(() -> new AssertionError("no process " + victim));
        assertTrue(p.destroyForcibly(), "SIGKILL sent to " + victim);
        return victim;
    }

    static Optional<MemberStatus> memberOf(TestNode asker, TestNode member, String app) {
        return asker.engine.status(app).flatMap(s -> s.members().stream().filter(m -> m.node().equals(member.id.hex()))
                .findFirst());
    }

    static String body(HttpResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void givenFourNodes_whenTheShellAppIsDeployedOnThree_thenEveryMemberRunsItAndHttpAndRequestsReachIt()
            throws Exception {
        TestNode a = node("a");
        node("b");
        node("c");
        node("d");
        List<String> progress = new CopyOnWriteArrayList<>();
        AppStatus s = a.engine.deploy(upperJar(3).toUri(), progress::add);

        assertEquals(AppState.RUNNING, s.state(), s.message());
        assertEquals(3, s.members().size());
        assertTrue(progress.stream().anyMatch(l -> l.startsWith("Recruiting 3 member(s)")), progress.toString());
        assertTrue(progress.stream().anyMatch(l -> l.contains("is running on 3 member(s)")), progress.toString());
        for (MemberStatus m : s.members()) {
            assertEquals(AppState.RUNNING, m.state(), m.toString());
            assertEquals("runc", m.driver());
        }
        // each member runs one container of the app; the fourth node is spare
        List<TestNode> members = members(s);
        assertTrue(members.contains(a));
        TestNode spare = nodes.stream().filter(n -> !members.contains(n)).findFirst().orElseThrow();
        for (TestNode n : members) {
            assertEquals(1, n.manager.list().size(), n.name);
            // the artifact travelled and was kept under its digest
            assertTrue(Files.exists(n.appsDir().resolve("artifacts").resolve(s.digest().substring(7) + ".jar")),
                    n.name);
        }
        assertEquals(0, spare.manager.list().size());
        TestNode b = members.stream().filter(n -> n != a).findFirst().orElseThrow();
        TestNode c = members.stream().filter(n -> n != a && n != b).findFirst().orElseThrow();
        // every member knows every member's status
        await("b sees the app running", () -> b.engine.status("upper").map(x -> x.state() == AppState.RUNNING)
                .orElse(false));

        // HTTP through a member that is not the coordinator reaches the coordinator's app (upper keeps
        // the default HTTP mode)
        HttpResponse r = b.engine.forward("upper", new HttpRequest("GET", "/shout", "", Map.of(), new byte[0]))
                .toCompletableFuture().get();
        assertEquals(200, r.status(), body(r));
        assertEquals("/SHOUT", body(r));
        NodeId coordinatorId = net.serviceOf(a.id).get(AppRecord.fellowshipOf("upper")).orElseThrow().roster()
                .coordinator();
        assertTrue(r.headers().get(AppInstance.SERVED_BY).endsWith("(" + coordinatorId.shortId() + ")"),
                r.headers().toString());
        // an app nobody runs here
        HttpResponse missing = spare.engine.forward("nothing", new HttpRequest("GET", "/", "", Map.of(), new byte[0]))
                .toCompletableFuture().get();
        assertEquals(404, missing.status());

        // a node outside the fellowship passes the request to the ingress of a node that runs the app
        assertEquals("upper", b.node.labels().get(AppEngine.APPS_LABEL));
        assertEquals(null, spare.node.labels().get(AppEngine.APPS_LABEL));
        com.sun.net.httpserver.HttpServer ingress = miniIngress(c);
        try {
            c.node.publishLabel(org.ringfellow.api.node.Labels.HTTP, Integer.toString(ingress.getAddress().getPort()));
            HttpResponse viaRing = spare.engine.forward("upper", new HttpRequest("GET", "/from/afar", "x=1",
                    Map.of(), new byte[0])).toCompletableFuture().get();
            assertEquals(200, viaRing.status(), body(viaRing));
            assertEquals("/FROM/AFAR", body(viaRing));
            // never passed on twice
            HttpResponse hop = spare.engine.forward("upper", new HttpRequest("GET", "/x", "",
                    Map.of(org.ringfellow.api.app.AppGateway.HOP_HEADER, List.of("1")), new byte[0])).toCompletableFuture().get();
            assertEquals(404, hop.status());
        } finally {
            ingress.stop(0);
        }

        // a request from b's engine to c's app, answered by the app through the bridge
        FellowshipMessage reply = b.engine.request("upper", c.id, Wire.REQUEST,
                Wire.encode(new Wire.Envelope("upper", "to the top".getBytes(StandardCharsets.UTF_8))),
                Duration.ofSeconds(20)).get();
        Wire.Answer answer = Wire.decode(reply.payload(), Wire.Answer.class);
        assertTrue(answer.ok(), answer.error());
        assertEquals("TO THE TOP", new String(answer.payload(), StandardCharsets.UTF_8));

        // logs of another member, read through the fellowship
        await("c's log shows the app connected", () -> {
            try {
                return a.engine.logs("upper", c.id.hex().substring(0, 10), 0).text().contains("the app connected");
            } catch (AppException e) {
                return false;
            }
        });
        assertTrue(a.engine.logs("upper", c.id.hex(), 0).text().contains("upper started as member " + c.id.hex()));
    }

    @Test
    void givenARunningApp_whenAMemberDies_thenTheReplacementStartsItAndUndeployLeavesNothing() throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");
        TestNode c = node("c");
        TestNode d = node("d");
        AppStatus s = a.engine.deploy(upperJar(3).toUri(), l -> { });
        assertEquals(AppState.RUNNING, s.state());
        TestNode victim = s.members().stream().map(m -> nodes.stream().filter(n -> n.id.hex().equals(m.node()))
                .findFirst().orElseThrow()).filter(n -> n != a).findFirst().orElseThrow();
        TestNode spare = d.manager.list().isEmpty() ? d : nodes.stream().filter(n -> n.manager.list().isEmpty())
                .findFirst().orElseThrow();

        net.kill(victim.id);
        victim.engine.close();

        await("the app is back at full size with the spare", () -> a.engine.status("upper").map(x ->
                x.state() == AppState.RUNNING && x.members().stream().anyMatch(m -> m.node().equals(spare.id.hex())))
                .orElse(false));
        assertEquals(1, spare.manager.list().size());
        // the others heard that a member left and that one joined
        TestNode witness = nodes.stream().filter(n -> n != a && n != victim && n != spare).findFirst().orElseThrow();
        assertTrue(witness.seen.contains("MEMBER_LEFT"), witness.seen.toString());

        // undeploy from a member that is not the coordinator
        witness.engine.undeploy("upper");
        for (TestNode n : List.of(a, b, c, d)) {
            if (n == victim) {
                continue;
            }
            await(n.name + " has removed everything", () -> n.manager.list().isEmpty()
                    && n.engine.status("upper").isEmpty());
            assertEquals(List.of(), files(n.appsDir()), n.name + " left files behind");
            assertTrue(n.store.namespace(AppEngine.STORE_NAMESPACE).entries().isEmpty(), n.name);
        }
    }

    @Test
    void givenEveryMemberCrashed_whenAllAreBack_thenTheFounderFoundsTheAppAgainButNotWhileOneIsAway()
            throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");
        TestNode c = node("c");
        AppStatus s = a.engine.deploy(upperJar(3).toUri(), l -> { });
        assertEquals(AppState.RUNNING, s.state());
        List<NodeId> roster = List.of(a.id, b.id, c.id).stream().sorted().toList();
        assertEquals(roster, s.members().stream().map(m -> new NodeId(m.node())).sorted().toList());

        // every seat lost: the three crash, and memberships do not outlive a restart
        for (TestNode n : List.of(a, b, c)) {
            net.kill(n.id);
            n.engine.close();
        }
        nodes.clear();
        TestNode a2 = restart(a);
        TestNode b2 = restart(b);

        // c is away (as it would be on the other side of a partition): a waits, and says why
        await("a says it waits for c", () -> a2.engine.status("upper").map(x -> x.message().contains(
                "node " + c.id.shortId() + " of its last fellowship is not alive")).orElse(false));
        Thread.sleep(3 * AppEngine.STATUS_PERIOD.toMillis());
        assertTrue(a2.engine.status("upper").map(x -> x.members().isEmpty()).orElse(false),
                "founded again while a node of its last fellowship was away: " + a2.engine.status("upper"));
        assertTrue(b2.manager.list().isEmpty(), "b runs a part while c is away");

        TestNode c2 = restart(c);
        await("the app runs again on a, b and c", () -> a2.engine.status("upper").map(x ->
                x.state() == AppState.RUNNING && x.members().size() == 3).orElse(false));
        for (TestNode n : List.of(a2, b2, c2)) {
            await(n.name + " runs one part", () -> n.manager.list().size() == 1);
        }
        // the app works, and the founder keeps the new roster
        await("b sees the app running", () -> b2.engine.status("upper").map(x -> x.state() == AppState.RUNNING)
                .orElse(false));
        HttpResponse r = b2.engine.forward("upper", new HttpRequest("GET", "/again", "", Map.of(), new byte[0]))
                .toCompletableFuture().get();
        assertEquals(200, r.status(), body(r));
        assertEquals("/AGAIN", body(r));
        assertEquals(roster.stream().map(NodeId::hex).sorted().reduce((x, y) -> x + "," + y).orElseThrow(),
                a2.store.namespace(AppEngine.STORE_NAMESPACE + ".rosters").get("upper").orElseThrow());

        // undeploy removes the kept roster with the record
        a2.engine.undeploy("upper");
        await("a has forgotten the app", () -> a2.engine.status("upper").isEmpty()
                && a2.store.namespace(AppEngine.STORE_NAMESPACE + ".rosters").entries().isEmpty());
    }

    @Test
    void givenTheFounderDiesBeforeAnyMemberHasTheArtifact_whenNobodyCanGiveIt_thenTheMembersGiveUpAndTheFounderFoundsItAgain()
            throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");
        TestNode c = node("c");
        // nobody gets the artifact from the founder, which then dies: only it ever held the artifact
        net.muted.add(a.id.hex() + "/" + Wire.FETCH);
        Thread deploy = new Thread(() -> {
            try {
                a.engine.deploy(upperJar(3).toUri(), l -> { });
            } catch (Exception e) {
                // the founder dies in the middle of it
            }
        });
        deploy.setDaemon(true);
        deploy.start();
        await("b and c joined and fetch", () -> Stream.of(b, c).allMatch(n -> n.engine.status("upper").isPresent()
                || net.serviceOf(n.id).get(AppRecord.fellowshipOf("upper")).isPresent()));
        net.kill(a.id);
        a.engine.close();
        nodes.remove(a);
        deploy.join(Duration.ofSeconds(30).toMillis());

        // b and c ask each other in vain for the fetch time, then give their seats up: the app is cleanly absent
        for (TestNode n : List.of(b, c)) {
            await(n.name + " gave its seat up and kept nothing", () -> net.serviceOf(n.id).get(
                    AppRecord.fellowshipOf("upper")).isEmpty() && n.engine.status("upper").isEmpty()
                    && n.manager.list().isEmpty());
        }

        // the founder restarts, with its record and artifact, and founds it again
        net.muted.clear();
        TestNode a2 = restart(a);
        await("the app runs again on a, b and c", () -> a2.engine.status("upper").map(x ->
                x.state() == AppState.RUNNING && x.members().size() == 3).orElse(false));
        for (TestNode n : List.of(a2, b, c)) {
            await(n.name + " runs one part", () -> n.manager.list().size() == 1);
        }
    }

    @Test
    void givenTheFounderRestartedOutsideItsRunningApp_whenAMemberUndeploys_thenItIsRefusedUntilTheFounderDropsItsRecord()
            throws Exception {
        TestNode a = node("a");
        node("b");
        node("c");
        node("d");
        AppStatus s = a.engine.deploy(upperJar(3).toUri(), l -> { });
        net.kill(a.id);
        a.engine.close();
        nodes.remove(a);
        TestNode a2 = restart(a);
        TestNode member = members(s).stream().filter(n -> !n.id.equals(a.id)).findFirst().orElseThrow();
        try {
            await("the app runs on three others", () -> member.engine.status("upper").map(x -> x.state()
                    == AppState.RUNNING && x.members().size() == 3 && x.members().stream().noneMatch(m ->
                            m.node().equals(a.id.hex()))).orElse(false));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + member.engine.status("upper"), e);
        }
        List<String> runners = member.engine.status("upper").orElseThrow().members().stream().map(m -> m.node())
                .sorted().toList();

        // the founder says it holds the record, and counts the recruit it never saw in the roster it waits for
        await("a advertises its claim and keeps the new members", () -> a2.node.labels()
                .getOrDefault(AppEngine.APPS_LABEL, "").contains(Advertiser.FOUNDER_MARK + "upper")
                && a2.store.namespace(AppEngine.STORE_NAMESPACE + ".rosters").get("upper").map(v -> List.of(
                        v.split(",")).containsAll(runners)).orElse(false));
        assertTrue(a2.engine.status("upper").orElseThrow().message().contains("runs a part of it"),
                a2.engine.status("upper").toString());

        AppException refused = assertThrows(AppException.class, () -> member.engine.undeploy("upper"));
        assertTrue(refused.getMessage().contains("founder a (" + a.id.shortId() + ")")
                && refused.getMessage().contains("first"), refused.getMessage());
        AppException dropped = assertThrows(AppException.class, () -> a2.engine.undeploy("upper"));
        assertTrue(dropped.getMessage().contains("removed this node's record") && dropped.getMessage()
                .contains("still runs on its members"), dropped.getMessage());
        assertFalse(a2.node.labels().getOrDefault(AppEngine.APPS_LABEL, "").contains("upper"));

        member.engine.undeploy("upper");
        for (TestNode n : nodes) {
            await(n.name + " has removed everything", () -> n.manager.list().isEmpty()
                    && n.engine.status("upper").isEmpty());
        }
        // the founder dropped its record: nothing brings the app back
        Thread.sleep(2 * AppEngine.STATUS_PERIOD.toMillis());
        assertTrue(net.serviceOf(a2.id).get(AppRecord.fellowshipOf("upper")).isEmpty());
        assertTrue(a2.engine.status("upper").isEmpty());
    }

    TestNode restart(TestNode crashed) throws Exception {
        TestNode n = new TestNode(dir, net, crashed, TestNode.RUNC);
        nodes.add(n);
        return n;
    }

    @Test
    void givenARunningApp_whenScaledDownAndUp_thenMembersStopAndStartTheirParts() throws Exception {
        TestNode a = node("a");
        node("b");
        node("c");
        node("d");
        AppStatus s = a.engine.deploy(upperJar(3).toUri(), l -> { });
        TestNode member = members(s).stream().filter(n -> n != a).findFirst().orElseThrow();

        AppException tooBig = assertThrows(AppException.class, () -> a.engine.scale("upper", 5));
        assertTrue(tooBig.getMessage().contains("cannot grow to 5"), tooBig.getMessage());

        // from a member that is not the coordinator: it asks the coordinator
        AppStatus two = member.engine.scale("upper", 2);
        assertEquals(2, two.members().size());
        TestNode removed = members(s).stream().filter(n -> !members(two).contains(n)).findFirst().orElseThrow();
        await("the removed member has no container, record or file left", () -> removed.manager.list().isEmpty()
                && removed.engine.status("upper").isEmpty());
        assertEquals(List.of(), files(removed.appsDir()));

        AppStatus four = a.engine.scale("upper", 4);
        assertEquals(4, four.members().size());
        for (TestNode n : nodes) {
            assertEquals(1, n.manager.list().size(), n.name);
            await(n.name + " knows the new size", () -> n.engine.status("upper").map(x -> x.members().size() == 4
                    && x.state() == AppState.RUNNING).orElse(false));
        }
    }

    @Test
    void givenBadApps_whenDeployed_thenEachGetsAClearMessageAndNothingIsLeft() throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");

        Manifest plain = new Manifest();
        plain.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        Path notAnApp = jar("plain.jar", plain, Map.of("x.txt", new byte[] {1}));
        AppException e1 = assertThrows(AppException.class, () -> a.engine.deploy(notAnApp.toUri(), l -> { }));
        assertTrue(e1.getMessage().contains("is not an app") && e1.getMessage().contains("Ringfellow-App"),
                e1.getMessage());

        Path greedy = scriptApp("greedy", "#!/bin/sh\nexit 0\n", "cpu=250m, memory=8g, pids=16");
        AppException e2 = assertThrows(AppException.class, () -> a.engine.deploy(greedy.toUri(), l -> { }));
        assertTrue(e2.getMessage().contains("more than this node contributes"), e2.getMessage());

        a.runtimes.remove("bundle");
        Manifest bundleApp = new Manifest();
        bundleApp.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        bundleApp.getMainAttributes().putValue("Ringfellow-App", "jvmapp");
        bundleApp.getMainAttributes().putValue("Ringfellow-App-Entry", "org.example.App");
        Path noRuntime = jar("jvm.jar", bundleApp, Map.of("x.txt", new byte[] {1}));
        AppException e3 = assertThrows(AppException.class, () -> a.engine.deploy(noRuntime.toUri(), l -> { }));
        assertTrue(e3.getMessage().contains("runtime 'bundle' is not installed on this node: feature:install "
                + "ringfellow-runtime-bundle"), e3.getMessage());

        Path tooBig = upperJar(3);
        AppException e4 = assertThrows(AppException.class, () -> a.engine.deploy(tooBig.toUri(), l -> { }));
        assertTrue(e4.getMessage().contains("needs 3 member(s)") && e4.getMessage().contains("offers 2"),
                e4.getMessage());

        Path crashes = scriptApp("crashes", "#!/bin/sh\necho 'cannot start: no config' >&2\nexit 3\n",
                "cpu=250m, memory=16m, pids=16");
        List<String> progress = new CopyOnWriteArrayList<>();
        AppException e5 = assertThrows(AppException.class, () -> a.engine.deploy(crashes.toUri(), progress::add));
        assertTrue(e5.getMessage().contains("exited with code 3"), e5.getMessage());
        assertTrue(progress.stream().anyMatch(l -> l.contains("undeploying")), progress.toString());

        for (TestNode n : List.of(a, b)) {
            await(n.name + " is clean", () -> n.manager.list().isEmpty());
            assertTrue(n.store.namespace(AppEngine.STORE_NAMESPACE).entries().isEmpty(), n.name);
            assertEquals(List.of(), files(n.appsDir()), n.name + " left files behind");
        }
        assertTrue(a.engine.list().isEmpty());
    }

    @Test
    void givenAnAppMember_whenGarbageArrivesOnItsTopics_thenItIsCountedAndTheAppCarriesOn() throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");
        assertEquals(AppState.RUNNING, a.engine.deploy(upperJar(2).toUri(), l -> { }).state());
        long before = a.engine.malformedCount();
        b.engine.send("upper", a.id, Wire.MESSAGE, "{not json".getBytes(StandardCharsets.UTF_8));
        b.engine.send("upper", a.id, Wire.STATUS, Wire.encode(new Wire.Status(b.id.hex().replace('a', 'b')
                .replace('0', '1'), "liar", null, null, AppState.FAILED, "forged")));
        b.engine.send("upper", a.id, "app.unknown", new byte[] {1, 2});
        await("three drops counted", () -> a.engine.malformedCount() >= before + 3);
        // nobody can make another member look failed, and the app still answers
        assertEquals(AppState.RUNNING, a.engine.status("upper").orElseThrow().state());
        HttpResponse r = b.engine.forward("upper", new HttpRequest("GET", "/ok", "", Map.of(), new byte[0]))
                .toCompletableFuture().get();
        assertEquals("/OK", body(r));
        assertFalse(a.engine.status("upper").orElseThrow().members().stream().anyMatch(m -> m.nodeName()
                .equals("liar")));
    }

    @Test
    void givenAStatelessApp_whenEveryMemberIsAsked_thenItsOwnAppAnswersAndWhileOnePartRestartsTheOthersDo()
            throws Exception {
        TestNode a = node("a");
        node("b");
        node("c");
        for (TestNode n : nodes) {
            // long enough that the restart is still waiting when the requests below are sent
            n.engine.restartPolicy(new RestartPolicy(Duration.ofSeconds(20), Duration.ofSeconds(40), 3,
                    Duration.ofMinutes(10)));
        }
        Path jar = upperJar(3);
        Manifest mf;
        try (var in = new java.util.jar.JarInputStream(Files.newInputStream(jar))) {
            mf = in.getManifest();
        }
        mf.getMainAttributes().putValue(HttpMode.HEADER, "stateless");
        AppStatus s = a.engine.deploy(jar("upper-stateless.jar", mf, Map.of("upper.sh",
                Files.readAllBytes(UPPER.resolve("upper.sh")))).toUri(), l -> { });
        assertEquals(AppState.RUNNING, s.state(), s.message());
        for (TestNode n : nodes) {
            await(n.name + " sees every member running", () -> n.engine.status("upper").map(x -> x.state()
                    == AppState.RUNNING && x.members().stream().allMatch(m -> m.state() == AppState.RUNNING))
                    .orElse(false));
        }
        // every member's own app answers what reaches it, the coordinator's or not
        for (TestNode n : nodes) {
            for (int k = 0; k < 5; k++) {
                HttpResponse r = n.engine.forward("upper", new HttpRequest("GET", "/here" + k, "", Map.of(),
                        new byte[0])).toCompletableFuture().get();
                assertEquals(200, r.status(), body(r));
                assertEquals("/HERE" + k, body(r));
                assertTrue(r.headers().get(AppInstance.SERVED_BY).endsWith("(" + n.id.shortId() + ")"),
                        n.name + " answered by " + r.headers());
            }
        }
        // b's app dies; while b waits to restart it, b passes requests to the running members
        TestNode b = nodes.get(1);
        Thread.sleep(600); // past the settle time, so the failure is restarted (after 20 s)
        killApp(b);
        await("b's part waits for its restart", () -> memberOf(b, b, "upper").map(m -> m.state()
                != AppState.RUNNING).orElse(false));
        await("a and c see b not running", () -> memberOf(a, b, "upper").map(m -> m.state() != AppState.RUNNING)
                .orElse(false) && memberOf(nodes.get(2), b, "upper").map(m -> m.state() != AppState.RUNNING)
                        .orElse(false));
        java.util.Set<String> servers = new java.util.HashSet<>();
        for (int k = 0; k < 20; k++) {
            HttpResponse r = b.engine.forward("upper", new HttpRequest("GET", "/elsewhere", "", Map.of(),
                    new byte[0])).toCompletableFuture().get();
            assertEquals(200, r.status(), body(r));
            assertEquals("/ELSEWHERE", body(r));
            servers.add(r.headers().get(AppInstance.SERVED_BY));
            // and a and c do not send b any: each serves itself
            for (TestNode n : List.of(a, nodes.get(2))) {
                HttpResponse own = n.engine.forward("upper", new HttpRequest("GET", "/own", "", Map.of(),
                        new byte[0])).toCompletableFuture().get();
                assertTrue(own.headers().get(AppInstance.SERVED_BY).endsWith("(" + n.id.shortId() + ")"),
                        own.headers().toString());
            }
        }
        assertFalse(servers.stream().anyMatch(x -> x.endsWith("(" + b.id.shortId() + ")")), servers.toString());
        assertEquals(2, servers.size(), "both running members share b's requests: " + servers);
    }

    @Test
    void givenARunningApp_whenItsProcessIsKilledInsideTheContainer_thenTheMemberRestartsItWithBackoff()
            throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");
        for (TestNode n : nodes) {
            n.engine.restartPolicy(new RestartPolicy(Duration.ofMillis(300), Duration.ofSeconds(2), 3,
                    Duration.ofMinutes(10)));
        }
        assertEquals(AppState.RUNNING, a.engine.deploy(upperJar(2).toUri(), l -> { }).state());
        // the founder coordinates: its app answers every HTTP request
        java.time.Instant before = a.manager.list().get(0).startedAt();
        assertEquals(0, a.engine.restarts("upper"));
        Thread.sleep(600); // longer than the settle time: the part has run, so a failure now is restarted

        long killed = killApp(a);

        await("a's part is running again after one restart", () -> a.engine.restarts("upper") == 1
                && memberOf(a, a, "upper").map(m -> m.state() == AppState.RUNNING).orElse(false));
        MemberStatus m = memberOf(a, a, "upper").orElseThrow();
        assertTrue(m.message().contains("restarted 1 time(s)") && m.message().contains("exited with code"),
                m.message());
        // a new container (same name) replaced the old one, whose process is gone
        assertEquals(1, a.manager.list().size());
        assertTrue(a.manager.list().get(0).startedAt().isAfter(before), a.manager.list().toString());
        assertFalse(ProcessHandle.of(killed).map(ProcessHandle::isAlive).orElse(false));
        // the other member sees it too, and the app works end to end again
        await("b sees a running after its restart", () -> memberOf(b, a, "upper").map(x -> x.state()
                == AppState.RUNNING && x.message().contains("restarted 1 time(s)")).orElse(false));
        HttpResponse r = b.engine.forward("upper", new HttpRequest("GET", "/again", "", Map.of(), new byte[0]))
                .toCompletableFuture().get();
        assertEquals(200, r.status(), body(r));
        assertEquals("/AGAIN", body(r));
        String log = a.engine.logs("upper", a.id.hex(), 0).text();
        assertTrue(log.contains("restarting in 300 ms (failure 1 within 600 s"), log);
        assertTrue(log.contains("restart 1 of this part"), log);
        assertEquals(AppState.RUNNING, a.engine.status("upper").orElseThrow().state());
        // still one fellowship member each: nobody gave a seat up
        assertEquals(2, a.engine.status("upper").orElseThrow().members().size());
    }

    @Test
    void givenAMemberWhosePartKeepsFailing_whenItFailsMoreThanThePolicyAllows_thenItGivesItsSeatToAnotherNode()
            throws Exception {
        TestNode a = node("a");
        node("b");
        node("c");
        for (TestNode n : nodes) {
            n.engine.restartPolicy(new RestartPolicy(Duration.ofMillis(200), Duration.ofMillis(400), 1,
                    Duration.ofMinutes(10)));
        }
        AppStatus s = a.engine.deploy(upperJar(2).toUri(), l -> { });
        assertEquals(AppState.RUNNING, s.state());
        TestNode victim = members(s).stream().filter(n -> n != a).findFirst().orElseThrow();
        TestNode spare = nodes.stream().filter(n -> !members(s).contains(n)).findFirst().orElseThrow();
        Thread.sleep(600);

        killApp(victim);
        await("the victim restarted once", () -> victim.engine.restarts("upper") == 1
                && memberOf(victim, victim, "upper").map(m -> m.state() == AppState.RUNNING).orElse(false));
        Thread.sleep(100);
        // the second failure within the window is one more than the one restart allowed
        killApp(victim);

        await("the spare took the victim's seat and the app is running at full size", () -> a.engine.status("upper")
                .map(x -> x.state() == AppState.RUNNING && x.members().size() == 2 && x.members().stream()
                        .anyMatch(m -> m.node().equals(spare.id.hex())) && x.members().stream()
                                .noneMatch(m -> m.node().equals(victim.id.hex()))).orElse(false));
        await("the victim removed its part", () -> victim.manager.list().isEmpty()
                && victim.engine.status("upper").isEmpty());
        assertEquals(List.of(), files(victim.appsDir()), "the victim left files behind");
        assertEquals(-1, victim.engine.restarts("upper"));
        assertEquals(1, spare.manager.list().size());
        assertEquals(0, spare.engine.restarts("upper"));
        HttpResponse r = spare.engine.forward("upper", new HttpRequest("GET", "/new/seat", "", Map.of(), new byte[0]))
                .toCompletableFuture().get();
        assertEquals("/NEW/SEAT", body(r));
    }

    @Test
    void givenTheOnlyMemberOfAnApp_whenItsPartFailsTooOften_thenItKeepsItsSeatAndThePartStaysFailed()
            throws Exception {
        TestNode a = node("a");
        node("b");
        a.engine.restartPolicy(new RestartPolicy(Duration.ofMillis(100), Duration.ofMillis(100), 1,
                Duration.ofMinutes(10)));
        assertEquals(AppState.RUNNING, a.engine.deploy(upperJar(1).toUri(), l -> { }).state());
        Thread.sleep(600);
        killApp(a);
        await("a restarted its part once", () -> a.engine.restarts("upper") == 1
                && memberOf(a, a, "upper").map(m -> m.state() == AppState.RUNNING).orElse(false));
        Thread.sleep(600);
        killApp(a);

        await("the part is failed for good", () -> a.engine.status("upper").map(x -> x.state() == AppState.FAILED
                && x.message().contains("keeps its seat")).orElse(false));
        AppStatus s = a.engine.status("upper").orElseThrow();
        assertEquals(1, s.members().size());
        assertEquals(a.id.hex(), s.members().get(0).node());
        assertTrue(s.message().contains("failed 2 time(s) within 600 s"), s.message());
        assertTrue(a.manager.list().isEmpty(), "the failed container was removed");
        Thread.sleep(500);
        assertEquals(1, a.engine.restarts("upper"), "not restarted again");
        // still the app's: it can be undeployed as usual
        a.engine.undeploy("upper");
        await("a is clean", () -> a.engine.status("upper").isEmpty());
        assertEquals(List.of(), files(a.appsDir()));
    }

    @Test
    void givenTheFounderAfterTheWholeRingRestarted_whenNobodyRunsTheAppAnyMore_thenUndeployRemovesItsRecord()
            throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");
        assertEquals(AppState.RUNNING, a.engine.deploy(upperJar(2).toUri(), l -> { }).state());
        // both nodes restart: their parts stop, memberships do not survive, the records do
        a.engine.close();
        b.engine.close();
        FakeFellowships after = new FakeFellowships();
        for (TestNode n : nodes) {
            after.add(n.id, n.name);
            after.labels.put(n.id, n.node::labels);
        }
        AppEngine restarted = new AppEngine(a.node, a.store, after.serviceOf(a.id), a.manager,
                t -> Optional.ofNullable(a.runtimes.get(t)), after.ringOf(a.id), TestNode.FAST);
        after.listen(a.id, restarted::onEvent);
        restarted.start();
        try {
            AppStatus kept = restarted.status("upper").orElseThrow();
            assertTrue(kept.message().contains("not in the app's fellowship"), kept.message());
            AppException again = assertThrows(AppException.class, () -> restarted.deploy(upperJar(1).toUri(),
                    l -> { }));
            assertTrue(again.getMessage().contains("already deployed"), again.getMessage());

            // while another node says it runs a part, this node drops only its record and says where the app runs
            b.node.publishLabel(AppEngine.APPS_LABEL, "upper");
            AppException elsewhere = assertThrows(AppException.class, () -> restarted.undeploy("upper"));
            assertTrue(elsewhere.getMessage().contains("still runs on its members: run app:undeploy upper on one "
                    + "of them to stop it: [b]"), elsewhere.getMessage());
            assertTrue(restarted.status("upper").isEmpty());
            assertTrue(a.store.namespace(AppEngine.STORE_NAMESPACE).entries().isEmpty());
            AppException gone = assertThrows(AppException.class, () -> restarted.undeploy("upper"));
            assertTrue(gone.getMessage().contains("no app named upper"), gone.getMessage());
            b.node.withdrawLabel(AppEngine.APPS_LABEL);
            // and the name is free again
            assertEquals(AppState.RUNNING, restarted.deploy(upperJar(1).toUri(), l -> { }).state());
            restarted.undeploy("upper");
            await("a is clean", () -> a.manager.list().isEmpty());
            assertEquals(List.of(), files(a.appsDir()));
        } finally {
            restarted.close();
            after.close();
        }
    }

    @Test
    void givenAnAppThatFailsBeforeItEverRan_whenDeployed_thenItIsNotRestartedAndTheDeployFails() throws Exception {
        TestNode a = node("a");
        a.engine.restartPolicy(new RestartPolicy(Duration.ofMillis(100), Duration.ofMillis(100), 100,
                Duration.ofMinutes(10)));
        Path crashes = scriptApp("crashes", "#!/bin/sh\nsleep 0.2\nexit 4\n", "cpu=250m, memory=16m, pids=16");
        AppException e = assertThrows(AppException.class, () -> a.engine.deploy(crashes.toUri(), l -> { }));
        assertTrue(e.getMessage().contains("exited with code 4"), e.getMessage());
        await("a is clean", () -> a.manager.list().isEmpty());
    }
}
