package org.ringfellow.ring.internal.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.RingEvent;
import org.ringfellow.ring.internal.codec.Interner;
import org.ringfellow.ring.internal.config.RingConfig;
import org.ringfellow.ring.internal.crypto.LocalIdentity;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;
import org.ringfellow.ring.internal.membership.Swim;

/** A whole ring on a {@link SimNetwork}, for tests and scale simulations. Everything derives from one seed. */
public final class SimCluster {

    /** One simulated member. */
    public final class Node {
        public final int index;
        public final NodeIdentity identity;
        public final Endpoint address;
        public VirtualClock.Host host;
        public Swim swim;
        ResourceAdvert advert = ResourceAdvert.EMPTY;
        /** Runs reachability detection in its next life (off by default, as it changes the random draws). */
        public boolean detectReachability;

        Node(int index, NodeIdentity identity, Endpoint address) {
            this.index = index;
            this.identity = identity;
            this.address = address;
        }

        /** Starts a (new) life of this member, alone until it joins. */
        public Node start() {
            return startWithIncarnation(clock.now() + 1);
        }

        /** Starts a life at a chosen incarnation (a restart that forgot its previous one). */
        public Node startWithIncarnation(long incarnation) {
            host = new VirtualClock.Host();
            SimTransport t = network.transport(address, host);
            swim = new Swim(config, identity, "n" + index, advert, incarnation, t, clock.scheduler(host),
                    new Random(random.nextLong()), verifier, e -> listener.event(this, e));
            swim.setInterner(interner);
            swim.detectReachability(detectReachability);
            swim.start();
            return this;
        }

        /** Joins through the given seeds; the answer comes later in simulated time. */
        public void join(Endpoint... seeds) {
            swim.join(List.of(seeds), n -> { });
        }

        /** Fails without a word. */
        public void crash() {
            host.crash();
            swim.stop();
        }

        public void leave() {
            swim.leave(() -> { });
        }

        public MemberState stateOf(Node other) {
            return swim.stateOf(other.identity.id());
        }

        public void setAdvert(ResourceAdvert advert) {
            this.advert = advert;
            if (swim != null) {
                swim.updateAdvert("n" + index, advert);
            }
        }
    }

    /** Hears every event of every member, with the member that heard it. */
    public interface Listener {
        void event(Node at, RingEvent event);
    }

    private final VirtualClock clock = new VirtualClock();
    private final SimNetwork network;
    private final RingConfig config;
    private final Random random;
    private final SignatureVerifier verifier;
    private final List<Node> nodes = new ArrayList<>();
    private final Interner interner = new Interner();
    private Listener listener = (n, e) -> { };

    /**
     * @param verifier shared by all members: each statement's signature is checked once per
     *     simulation instead of once per member, which only saves time
     */
    public SimCluster(RingConfig config, long seed, SignatureVerifier verifier) {
        this.config = config;
        this.random = new Random(seed);
        this.network = new SimNetwork(clock, seed ^ 0x5deece66dL);
        this.verifier = verifier;
    }

    public SimCluster(RingConfig config, long seed) {
        this(config, seed, new SignatureVerifier(1 << 20));
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    public VirtualClock clock() {
        return clock;
    }

    public SimNetwork network() {
        return network;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Node node(int i) {
        return nodes.get(i);
    }

    /** Adds a member (not started) with a seeded identity. */
    public Node add() {
        int i = nodes.size();
        NodeIdentity id = LocalIdentity.generate(LocalIdentity.seeded(random.nextLong()));
        Node n = new Node(i, id, new Endpoint("10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255),
                7946));
        nodes.add(n);
        return n;
    }

    /** Adds, starts and joins {@code count} members through member 0, one every {@code spacingMillis}. */
    public void grow(int count, long spacingMillis) {
        for (int i = 0; i < count; i++) {
            Node n = add().start();
            if (n.index > 0) {
                n.join(nodes.get(0).address);
            }
            clock.advance(spacingMillis);
        }
    }

    /** @return how many running members see {@code subject} in {@code state} (the subject excluded) */
    public int countSeeing(Node subject, MemberState state) {
        int c = 0;
        for (Node n : nodes) {
            if (n != subject && n.swim != null && n.swim.running() && n.swim.stateOf(subject.identity.id()) == state) {
                c++;
            }
        }
        return c;
    }

    /** @return running members other than {@code subject} */
    public int running(Node subject) {
        int c = 0;
        for (Node n : nodes) {
            if (n != subject && n.swim != null && n.swim.running()) {
                c++;
            }
        }
        return c;
    }

    /** @return true when every running member sees every other running member alive */
    public boolean converged() {
        int running = 0;
        for (Node n : nodes) {
            if (n.swim != null && n.swim.running()) {
                running++;
            }
        }
        for (Node n : nodes) {
            if (n.swim != null && n.swim.running() && n.swim.countInState(MemberState.ALIVE) != running) {
                return false;
            }
        }
        return true;
    }

    public void forEach(Consumer<Node> action) {
        nodes.forEach(action);
    }
}
