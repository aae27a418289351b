package org.ringfellow.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.ringfellow.api.node.NodeInfo;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.Resources;

/** The node's reservations: durable, bounded, subtracted from what is free, and heard by listeners. */
class ReservationsTest {

    @TempDir
    Path dir;

    private BundleContext context() {
        Bundle bundle = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (p, m, a) -> m.getName().equals("getVersion") ? new Version(1, 0, 0) : null);
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> switch (m.getName()) {
                    case "getProperty" -> NodeComponent.DATA_PROPERTY.equals(a[0]) ? dir.toString() : null;
                    case "getBundle" -> bundle;
                    default -> null;
                });
    }

    private static Map<String, Object> config() {
        return Map.of("name", "n1", "cpus", "4", "memory", "8g", "disk", "100g");
    }

    @Test
    void givenReservations_whenMadeAndReleased_thenUnreservedShrinksAndGrowsListenersHearAndTheyOutliveARestart() {
        Resources one = new Resources(1000, 1L << 30, 10L << 30);
        NodeComponent node = new NodeComponent(context(), config());
        Resources contributed = node.contributed();
        assertEquals(contributed, node.unreserved(), "nothing reserved yet");
        List<NodeInfo> heard = new CopyOnWriteArrayList<>();
        node.addListener(heard::add);

        node.reserve("fellowship/calc", one);
        node.reserve("fellowship/web", one);
        assertEquals(contributed.minus(one).minus(one), node.unreserved());
        assertEquals(2, heard.size(), "a listener hears each reservation");
        node.reserve("fellowship/web", one);
        assertEquals(2, heard.size(), "the same reservation again changes nothing");
        assertTrue(node.release("fellowship/web"));
        assertFalse(node.release("fellowship/web"), "released once");
        assertEquals(3, heard.size());
        assertEquals(contributed.minus(one), node.unreserved());
        node.deactivate();

        NodeComponent again = new NodeComponent(context(), config());
        assertEquals(Map.of("fellowship/calc", one), again.reserved(), "reservations are durable");
        assertEquals(contributed.minus(one), again.unreserved());
        // More than contributed: nothing is free, never a negative amount.
        again.reserve("huge", new Resources(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE));
        assertEquals(Resources.NONE, again.unreserved());
        again.deactivate();
    }

    @Test
    void givenBadKeysOrTooMany_whenReserving_thenRefusedWithAReason() {
        NodeComponent node = new NodeComponent(context(), config());
        try {
            assertThrows(IllegalArgumentException.class, () -> node.reserve("", Resources.NONE));
            assertThrows(IllegalArgumentException.class, () -> node.reserve("has space", Resources.NONE));
            assertThrows(IllegalArgumentException.class, () -> node.reserve("k".repeat(129), Resources.NONE));
            for (int i = 0; i < NodeService.MAX_RESERVATIONS; i++) {
                node.reserve("r" + i, Resources.NONE);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> node.reserve("one-more", Resources.NONE));
            assertTrue(e.getMessage().contains("1024"), e.getMessage());
            node.reserve("r0", new Resources(1, 1, 1)); // an existing key may still change
            assertEquals(new Resources(1, 1, 1), node.reserved().get("r0"));
        } finally {
            node.deactivate();
        }
    }

    @Test
    void givenPublishedLabels_whenPublishedAndWithdrawn_thenLabelsShowThemListenersHearAndBadOnesAreRefused() {
        NodeComponent node = new NodeComponent(context(), config());
        List<NodeInfo> heard = new CopyOnWriteArrayList<>();
        node.addListener(heard::add);

        node.publishLabel("ringfellow.apps", "calculator,upper");
        assertEquals("calculator,upper", node.labels().get("ringfellow.apps"));
        assertEquals("calculator,upper", node.info().labels().get("ringfellow.apps"));
        assertEquals(1, heard.size());
        node.publishLabel("ringfellow.apps", "calculator,upper");
        assertEquals(1, heard.size(), "the same value again changes nothing");

        assertThrows(IllegalArgumentException.class, () -> node.publishLabel("zone", "eu"), "not a published key");
        assertThrows(IllegalArgumentException.class, () -> node.publishLabel("ringfellow.", "x"));
        assertThrows(IllegalArgumentException.class, () -> node.publishLabel("ringfellow.apps", "x".repeat(65)));
        assertThrows(IllegalArgumentException.class, () -> node.publishLabel("ringfellow.apps", "a\nb"));

        assertThrows(IllegalArgumentException.class, () -> node.publishLabel("zone", "eu"), "not a published key");
        node.publishLabel("ringfellow.http", "8181");
        node.publishLabel("ringfellow.fellowship", "7947");
        IllegalArgumentException full = assertThrows(IllegalArgumentException.class,
                () -> node.publishLabel("ringfellow.extra", "1"));
        assertTrue(full.getMessage().contains("room"), full.getMessage());
        node.publishLabel("ringfellow.http", "8282");
        assertEquals("8282", node.labels().get("ringfellow.http"), "a key already published may change");
        assertTrue(node.withdrawLabel("ringfellow.http"));
        assertTrue(node.withdrawLabel("ringfellow.fellowship"));

        assertTrue(node.withdrawLabel("ringfellow.apps"));
        assertFalse(node.withdrawLabel("ringfellow.apps"));
        assertFalse(node.labels().containsKey("ringfellow.apps"));
        assertEquals(7, heard.size(), "three publications, one change, three withdrawals");
    }
}
