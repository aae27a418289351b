package org.ringfellow.ring.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.node.NodeInfo;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.RingEvent;
import org.ringfellow.api.ring.RingException;
import org.ringfellow.ring.internal.crypto.LocalIdentity;
import org.ringfellow.ring.internal.discovery.QueryParser;

/** The DS component outside OSGi: a fake NodeService, configuration as annotation proxies, real loopback sockets. */
class RingComponentTest {

    private final List<RingComponent> components = new ArrayList<>();

    @AfterEach
    void tearDown() {
        components.forEach(RingComponent::deactivate);
    }

    static final class FakeNode implements NodeService {
        final NodeIdentity identity;
        final String name;
        volatile Resources contributed;
        final Map<String, String> labels;

        FakeNode(long seed, String name, Resources contributed, Map<String, String> labels) {
            this.identity = LocalIdentity.generate(LocalIdentity.seeded(seed));
            this.name = name;
            this.contributed = contributed;
            this.labels = labels;
        }

        @Override public NodeIdentity identity() { return identity; }
        @Override public String name() { return name; }
        @Override public Resources contributed() { return contributed; }
        @Override public Map<String, String> labels() { return labels; }
        @Override public NodeInfo info() {
            return new NodeInfo(identity.id(), name, "test", contributed, labels, List.of(), List.of(),
                    Optional.empty());
        }
        @Override public Path dataDirectory() { return Path.of(System.getProperty("java.io.tmpdir")); }

        volatile Map<String, Resources> reserved = Map.of();
        @Override public Map<String, Resources> reserved() { return reserved; }
    }

    static RingConfiguration config(Map<String, Object> values) {
        return (RingConfiguration) Proxy.newProxyInstance(RingConfiguration.class.getClassLoader(),
                new Class<?>[] {RingConfiguration.class},
                (proxy, method, args) -> values.getOrDefault(method.getName(), method.getDefaultValue()));
    }

    static Map<String, Object> loopback() {
        Map<String, Object> m = new HashMap<>();
        m.put("bindHost", "127.0.0.1");
        m.put("port", 0);
        m.put("probeIntervalMillis", 200L);
        m.put("probeTimeoutMillis", 100L);
        m.put("gossipIntervalMillis", 50L);
        return m;
    }

    private RingComponent start(FakeNode node, Map<String, Object> cfg) {
        RingComponent c = new RingComponent(node, config(cfg));
        components.add(c);
        return c;
    }

    private static boolean poll(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    @SuppressWarnings("unchecked")
    private static ServiceReference<ContainerDriver> driverRef(String type) {
        return (ServiceReference<ContainerDriver>) Proxy.newProxyInstance(RingComponentTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> ContainerDriver.TYPE_PROPERTY.equals(args[0]) ? type : null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "ref(" + type + ")";
                    default -> null;
                });
    }

    @Test
    void givenTwoNodes_whenOneJoinsTheOther_thenTheySeeEachOtherAndFindTheDriverAdvertised() throws Exception {
        FakeNode a = new FakeNode(1, "alpha", new Resources(4000, 8L << 30, 0), Map.of("zone", "eu"));
        FakeNode b = new FakeNode(2, "beta", new Resources(1000, 1L << 30, 0), Map.of("zone", "us"));
        RingComponent ca = start(a, loopback());
        Map<String, Object> cfgB = loopback();
        cfgB.put("seeds", new String[] {ca.self().address().toString()});
        RingComponent cb = start(b, cfgB);
        List<RingEvent> eventsAtA = new CopyOnWriteArrayList<>();
        ca.addListener(eventsAtA::add);
        assertTrue(poll(() -> ca.members().size() == 2 && cb.members().size() == 2), "the seed config should join");
        assertTrue(poll(() -> eventsAtA.stream().anyMatch(e -> e.type() == RingEvent.Type.JOINED)
                || ca.member(b.identity.id()).isPresent()));

        ServiceReference<ContainerDriver> runc = driverRef("runc");
        ca.bindDriver(runc);
        assertTrue(poll(() -> !cb.find(QueryParser.parse(List.of("driver=runc"))).isEmpty()),
                "the new driver should reach the other node's view");
        List<Member> found = cb.find(QueryParser.parse(List.of("driver=runc", "label.zone=eu", "cpus=2")));
        assertEquals(List.of(a.identity.id()), found.stream().map(Member::id).toList());
        ca.unbindDriver(runc);
        assertTrue(poll(() -> cb.find(QueryParser.parse(List.of("driver=runc"))).isEmpty()));
        assertTrue(cb.stats().messagesIn() > 0);
    }

    @Test
    void givenAReservation_whenTheNodeSaysSo_thenTheAdvertSeenByOthersHasLessFreeUntilItIsReleased() throws Exception {
        Resources contributed = new Resources(4000, 8L << 30, 0);
        Resources lent = new Resources(3000, 2L << 30, 0);
        FakeNode a = new FakeNode(6, "zeta", contributed, Map.of());
        FakeNode b = new FakeNode(7, "eta", contributed, Map.of());
        RingComponent ca = start(a, loopback());
        Map<String, Object> cfgB = loopback();
        cfgB.put("seeds", new String[] {ca.self().address().toString()});
        RingComponent cb = start(b, cfgB);
        assertTrue(poll(() -> cb.member(a.identity.id()).isPresent()));
        assertEquals(contributed, cb.member(a.identity.id()).orElseThrow().advert().free());

        a.reserved = Map.of("fellowship/x", lent);
        ca.nodeChanged(a.info()); // what the node bundle does after a reservation
        assertTrue(poll(() -> cb.member(a.identity.id()).map(m -> m.advert().free()
                .equals(contributed.minus(lent))).orElse(false)), "the other node sees less free");
        assertEquals(contributed, cb.member(a.identity.id()).orElseThrow().advert().contributed());
        assertTrue(cb.find(QueryParser.parse(List.of("cpus=2"))).stream().noneMatch(m -> m.id().equals(
                a.identity.id())), "no room for two cores any more");

        a.reserved = Map.of();
        ca.nodeChanged(a.info());
        assertTrue(poll(() -> cb.find(QueryParser.parse(List.of("cpus=2"))).stream().anyMatch(m -> m.id().equals(
                a.identity.id()))), "released: offered again");
    }

    @Test
    void givenABadConfiguration_whenModified_thenTheLastGoodOneStays() throws Exception {
        FakeNode a = new FakeNode(3, "gamma", Resources.NONE, Map.of());
        RingComponent ca = start(a, loopback());
        var before = ca.self().address();
        Map<String, Object> bad = loopback();
        bad.put("probeTimeoutMillis", 5_000L); // longer than the probe interval
        ca.modified(config(bad));
        assertEquals(before, ca.self().address());
        Map<String, Object> badSeed = loopback();
        badSeed.put("seeds", new String[] {"host:no-port-here"});
        ca.modified(config(badSeed));
        assertEquals(before, ca.self().address());
        assertEquals(MemberState.ALIVE, ca.self().state());
    }

    @Test
    void givenAJoinedNode_whenOnlyItsTimingsAndSeedsChange_thenItStaysInTheRingWithoutLeaving() throws Exception {
        FakeNode a = new FakeNode(6, "zeta", Resources.NONE, Map.of());
        FakeNode b = new FakeNode(7, "eta", Resources.NONE, Map.of());
        RingComponent ca = start(a, loopback());
        Map<String, Object> cfgB = loopback();
        cfgB.put("seeds", new String[] {ca.self().address().toString()});
        RingComponent cb = start(b, cfgB);
        assertTrue(poll(() -> ca.members().size() == 2 && cb.members().size() == 2));
        List<RingEvent> eventsAtA = new CopyOnWriteArrayList<>();
        ca.addListener(eventsAtA::add);
        Member before = cb.self();

        Map<String, Object> changed = loopback();
        changed.put("seeds", new String[] {ca.self().address().toString(), "127.0.0.1:1"});
        changed.put("probeIntervalMillis", 300L);
        cb.modified(config(changed));

        Member after = cb.self();
        assertEquals(before.address(), after.address());
        assertEquals(before.incarnation(), after.incarnation(), "no new life: the incarnation stays");
        assertEquals(MemberState.ALIVE, after.state());
        // Applied on the Ring's loop, after modified() returned.
        assertTrue(poll(() -> {
            var stats = cb.stats();
            return 300L * (stats.healthMultiplier() + 1) == stats.protocolPeriodMillis();
        }), "the new period applies");
        assertEquals(before.incarnation(), cb.self().incarnation(), "no new life: the incarnation stays");
        assertEquals(MemberState.ALIVE, ca.member(b.identity.id()).orElseThrow().state());
        assertTrue(eventsAtA.stream().noneMatch(e -> e.type() == RingEvent.Type.LEFT), eventsAtA.toString());
    }

    @Test
    void givenANodeThatLeft_whenJoiningAgain_thenItRestartsAndJoins() throws Exception {
        FakeNode a = new FakeNode(4, "delta", Resources.NONE, Map.of());
        FakeNode b = new FakeNode(5, "epsilon", Resources.NONE, Map.of());
        RingComponent ca = start(a, loopback());
        RingComponent cb = start(b, loopback());
        cb.join(List.of(ca.self().address()));
        assertTrue(poll(() -> ca.members().size() == 2));
        cb.leave();
        assertTrue(poll(() -> ca.member(b.identity.id()).map(m -> m.state() == MemberState.LEFT).orElse(false)));
        assertEquals(org.ringfellow.api.ring.RingView.EMPTY, cb.view(), "a member that left reads as empty");
        assertEquals(List.of(), cb.members());
        assertThrows(IllegalStateException.class, cb::self);
        cb.join(List.of(ca.self().address()));
        assertTrue(poll(() -> ca.member(b.identity.id()).map(m -> m.state() == MemberState.ALIVE).orElse(false)),
                "a rejoin after leave should be seen alive");
        RingException e = assertThrows(RingException.class,
                () -> cb.join(List.of(org.ringfellow.api.ring.Endpoint.parse("127.0.0.1:1"))));
        assertTrue(e.getMessage().contains("no seed answered"), e.getMessage());
        assertTrue(Set.of(MemberState.values()).contains(cb.self().state()));
    }

    @Test
    void givenTheRingPortBusyAtBoot_whenThePortFrees_thenTheMemberComesUp() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        java.net.ServerSocket tcp = new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"));
        java.net.DatagramSocket udp = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", port));
        Map<String, Object> cfg = loopback();
        cfg.put("port", port);
        RingComponent c;
        try {
            c = start(new FakeNode(11, "busy", new Resources(1000, 1L << 30, 0), Map.of()), cfg);
            assertEquals(org.ringfellow.api.ring.RingView.EMPTY, c.view());
            assertEquals(List.of(), c.members());
            assertEquals(List.of(), c.successors(new byte[] {1}, 3));
            assertEquals(List.of(), c.find(QueryParser.parse(List.of("limit=5"))));
        } finally {
            tcp.close();
            udp.close();
        }
        assertTrue(poll(() -> c.view().isRunning()), "the member never came up after its port freed");
        assertEquals(port, c.view().self().orElseThrow().address().port());
    }
}
