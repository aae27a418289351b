package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.ResourceLimits;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.container.tck.InMemoryNode;

/** The engine's smaller parts on their own: the leftover sweeper, the apps label, the member protocol's dispatch. */
class EnginePartsTest {

    // ------------------------------------------------------------------ LeftoverSweeper

    @Test
    void givenLeftoverContainers_whenSwept_thenGoneOnesAreForgottenLiveOnesRemovedAndDetachedOnesKeptForLater() {
        InMemoryNode.Store store = new InMemoryNode.Store();
        Map<String, ContainerState> states = new java.util.HashMap<>(Map.of("live", ContainerState.RUNNING,
                "detached", ContainerState.DETACHED, "gone", ContainerState.GONE, "broken", ContainerState.RUNNING));
        List<String> calls = new CopyOnWriteArrayList<>();
        ContainerManager containers = (ContainerManager) Proxy.newProxyInstance(
                ContainerManager.class.getClassLoader(), new Class<?>[] {ContainerManager.class}, (p, m, a) -> {
                    String id = (String) a[0];
                    switch (m.getName()) {
                        case "get":
                            return Optional.ofNullable(states.get(id)).map(s -> new ContainerInfo(id, "runc", s,
                                    "i", "i", ResourceLimits.SMALL, Instant.now(), Optional.empty()));
                        case "stop":
                            if (id.equals("broken")) {
                                throw new IllegalStateException("the engine is busy");
                            }
                            calls.add("stop " + id);
                            return null;
                        case "destroy":
                            calls.add("destroy " + id);
                            return null;
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
        LeftoverSweeper sweeper = new LeftoverSweeper(store.namespace("app.leftovers"), containers);
        for (String id : List.of("live", "detached", "gone", "broken", "unknown")) {
            sweeper.removeLater(id, "calc");
        }

        sweeper.sweep();

        assertEquals(List.of("stop live", "destroy live"), calls);
        assertEquals(Map.of("detached", "calc", "broken", "calc"), sweeper.pending(),
                "a detached container waits for its driver, a failed removal is retried");
        states.put("detached", ContainerState.EXITED);
        states.remove("broken");
        sweeper.sweep();
        assertEquals(Map.of(), sweeper.pending());
        assertTrue(calls.contains("destroy detached"));
    }

    // ------------------------------------------------------------------ Advertiser

    @Test
    void givenApps_whenTheirLabelIsMade_thenNamesAreSortedAndThoseBeyondTheLabelLeftOut() {
        assertEquals("", Advertiser.label(List.of()));
        assertEquals("calc,upper,wiki", Advertiser.label(List.of("wiki", "calc", "upper")));
        String a = "a".repeat(32);
        String b = "b".repeat(30);
        String c = "c".repeat(31);
        // a and b fit (63 with the comma); c does not
        assertEquals(a + "," + b, Advertiser.label(List.of(c, b, a)));
        assertEquals(a + "," + "b".repeat(20) + ",d", Advertiser.label(List.of(a, "b".repeat(20), "c".repeat(12), "d")),
                "a name that fits after one that did not");
        assertTrue(Advertiser.label(List.of(a, b, c, "d", "e")).length() <= Advertiser.MAX_LABEL);
    }

    // ------------------------------------------------------------------ MemberProtocol

    final List<String> log = new CopyOnWriteArrayList<>();
    final NodeId coordinator = new NodeId(InMemoryNode.randomId());
    final NodeId other = new NodeId(InMemoryNode.randomId());
    volatile AppRecord saved;

    final MemberProtocol protocol = new MemberProtocol(new MemberProtocol.Engine() {
        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void reply(Fellowship f, FellowshipMessage request, byte[] payload) {
            log.add("reply " + request.topic() + " " + new String(payload, java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void countMalformed(FellowshipMessage m, Exception e) {
            log.add("malformed " + m.topic() + ": " + e.getMessage());
        }

        @Override
        public void statusChanged() {
            log.add("status changed");
        }

        @Override
        public byte[] chunk(AppRecord record, Wire.Fetch q) throws IOException {
            throw new IOException("not this app's artifact: " + q.digest());
        }

        @Override
        public Optional<AppRecord> loadRecord(String app) {
            return Optional.of(EngineThreadsTest.record(app, coordinator.hex()));
        }

        @Override
        public void saveRecord(AppRecord r) {
            saved = r;
        }

        @Override
        public void scaleAsCoordinator(String app, Fellowship f, int size) {
            log.add("scale " + size);
        }

        @Override
        public void undeployAsCoordinator(String app, Fellowship f) throws AppException {
            throw new AppException("not now");
        }

        @Override
        public void removeLocally(String app, String why) {
            log.add("remove " + why);
        }
    });

    /** A fellowship of two, seen from the member that is not the coordinator. */
    Fellowship fellowship() {
        Roster r = new Roster(new FellowshipId("app.calc"), 1, 1, coordinator, List.of(
                new FellowshipMember(coordinator, "k", new Endpoint("127.0.0.1", 1)),
                new FellowshipMember(other, "k", new Endpoint("127.0.0.1", 2))));
        return (Fellowship) Proxy.newProxyInstance(Fellowship.class.getClassLoader(),
                new Class<?>[] {Fellowship.class}, (p, m, a) -> switch (m.getName()) {
                    case "roster" -> r;
                    case "isCoordinator" -> false;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    void dispatch(NodeId from, String topic, byte[] body) {
        protocol.dispatch(new MemberProtocol.Inbound("calc", fellowship(), new FellowshipMessage(
                new FellowshipId("app.calc"), from, topic, body, 1), null, null));
    }

    @Test
    void givenEveryTopic_thenEachHasItsHandlerAndAnUnknownOneIsCounted() {
        assertEquals(java.util.Set.of(Wire.RECORD, Wire.FETCH, Wire.MESSAGE, Wire.REQUEST, Wire.STATUS, Wire.HTTP,
                Wire.LOGS, Wire.UNDEPLOY, Wire.SCALE, Wire.SIZE, Wire.STOP), protocol.topics());
        dispatch(other, "app.nonsense", new byte[0]);
        assertEquals(List.of("malformed app.nonsense: unknown topic app.nonsense"), log);
    }

    @Test
    void givenASizeOrRequestsThatMayNotBe_whenDispatched_thenTheyAreRefusedOrCountedAndNothingChanges() {
        byte[] three = Wire.encode(new Wire.Scale(3));
        dispatch(other, Wire.SIZE, three);
        assertEquals(null, saved, "a size from a member that is not the coordinator");
        dispatch(coordinator, Wire.SIZE, "{\"size\":".getBytes());
        assertEquals(null, saved, "a malformed size");
        dispatch(coordinator, Wire.SIZE, three);
        assertEquals(3, saved.size(), "the coordinator's size is kept");

        log.clear();
        dispatch(other, Wire.SCALE, three);
        dispatch(other, Wire.UNDEPLOY, new byte[0]);
        assertEquals(List.of(
                "reply app.scale {\"ok\":false,\"payload\":null,\"error\":\"this member is not the coordinator\"}",
                "reply app.undeploy {\"ok\":false,\"payload\":null,\"error\":\"this member is not the coordinator\"}"), log);
        dispatch(other, Wire.STOP, new byte[0]);
        assertEquals("remove undeployed by the coordinator", log.get(2));
        assertTrue(log.get(3).startsWith("reply app.stop {\"ok\":true"), log.get(3));
    }

    @Test
    void givenAStatusForAnotherMember_whenDispatched_thenItIsRefused() {
        MemberStatus s = new MemberStatus(coordinator.hex(), "c", null, null, AppState.RUNNING, "running");
        dispatch(other, Wire.STATUS, Wire.encode(Wire.Status.of(s)));
        assertEquals(List.of("malformed app.status: a status for another member"), log);
    }
}
