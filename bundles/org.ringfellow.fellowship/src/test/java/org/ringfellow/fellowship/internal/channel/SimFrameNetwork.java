package org.ringfellow.fellowship.internal.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.fellowship.internal.Scheduler;
import org.ringfellow.fellowship.internal.tls.PeerIdentity;
import org.ringfellow.fellowship.internal.tls.PeerTrustManager;
import org.ringfellow.fellowship.internal.tls.Purpose;
import org.ringfellow.fellowship.internal.wire.Frame;
import org.ringfellow.fellowship.internal.wire.FrameCodec;
import org.ringfellow.fellowship.internal.wire.MalformedFrameException;

/**
 * Fellowship channels in memory, on the engines' virtual clock: the {@link FrameTransport} of
 * the deterministic simulation. What it keeps of the real channels:
 * <ul>
 * <li>frames are encoded by {@link ChannelTransport}'s own encoder (length prefix, size limit)
 *     and decoded by {@link FrameCodec} on the receiving side: every frame takes the real
 *     round trip, and a malformed or oversized one is counted and closes its connection;</li>
 * <li>a connection is a stream: frames of one direction arrive in the order sent, each after a
 *     seeded delay; frames on different connections (the invitation link and the fellowship
 *     link, say) may overtake each other;</li>
 * <li>the accepting side's admission gate decides each connection on the acceptor's thread
 *     with the dialler's proven identity and purpose, as the TLS handshake's SNI check does;
 *     the dialler accepts only the node it dialled. TLS itself is not simulated: a node's
 *     identity is its {@link NodeIdentity}'s id and key;</li>
 * <li>outgoing links are pooled per (peer, purpose), queue frames while they connect, retry a
 *     refused dial as {@link ChannelTransport} does (six attempts from 100 ms, doubling), and
 *     drop their queue when they give up;</li>
 * <li>a closed connection delivers what was sent before the close, then the peer sees it close.</li>
 * </ul>
 * Faults, all drawn from one seeded {@link Random}: a lost frame breaks its connection (what a
 * TCP stream can do: the frame and those after it in flight are lost, both ends see the link
 * close); a partition breaks every connection across it and refuses new ones until the heal;
 * a crashed node's host drops whatever arrives. Not simulated: backpressure (no reader is slow).
 * Everything runs on one thread: the simulation's.
 */
public final class SimFrameNetwork {

    /** The simulation's own timer (tasks of no node). */
    public interface Timer {
        void after(long nanos, Runnable task);
    }

    private static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Random random;
    private final Timer timer;
    private final Map<Endpoint, SimTransport> endpoints = new HashMap<>();
    private final Map<NodeId, Integer> groups = new HashMap<>();
    private final Set<Connection> open = new LinkedHashSet<>();
    private long minDelayNanos = TimeUnit.MILLISECONDS.toNanos(1);
    private long maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(20);
    private double loss;
    private int nextPort = 7000;
    private long delivered;
    private long lost;

    public SimFrameNetwork(Random random, Timer timer) {
        this.random = random;
        this.timer = timer;
    }

    /** The delay of every frame and handshake step, drawn uniformly in [min, max]. */
    public void setDelay(long min, long max, TimeUnit unit) {
        minDelayNanos = unit.toNanos(min);
        maxDelayNanos = Math.max(minDelayNanos, unit.toNanos(max));
    }

    /** The probability that a frame breaks its connection (and is lost with the frames after it in flight). */
    public void setLoss(double probability) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("a loss probability is in [0, 1], got " + probability);
        }
        loss = probability;
    }

    /**
     * Cuts the network: nodes of different groups (a node not named is in group 0) reach each
     * other no more; connections across the cut break, each end noticing after a delay.
     */
    public void partition(Map<NodeId, Integer> groupOf) {
        groups.clear();
        groups.putAll(groupOf);
        for (Connection c : List.copyOf(open)) {
            if (cut(c.dialer.self, c.acceptor.self)) {
                c.breakBoth();
            }
        }
    }

    public void heal() {
        groups.clear();
    }

    public boolean cut(NodeId a, NodeId b) {
        return !groups.getOrDefault(a, 0).equals(groups.getOrDefault(b, 0));
    }

    /** Frames handed to a receiver. */
    public long delivered() {
        return delivered;
    }

    /** Frames lost to a broken connection. */
    public long lost() {
        return lost;
    }

    private long delay() {
        return minDelayNanos + (maxDelayNanos > minDelayNanos
                ? (long) (random.nextDouble() * (maxDelayNanos - minDelayNanos)) : 0);
    }

    /**
     * The transport factory of one node.
     *
     * @param identity the node (its id and key are what the handshake would prove)
     * @param host the node's scheduler: every gate decision and frame of this node runs there
     * @param ip the node's address
     */
    public FrameTransport.Factory transports(NodeIdentity identity, Scheduler host, String ip) {
        return (gate, inbound) -> new SimTransport(identity, host, ip, gate, inbound);
    }

    /** Runs a task on a node's thread after a delay; a crashed node drops it. */
    private static void on(Scheduler host, long nanos, Runnable task) {
        try {
            host.schedule(task, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the node is down: nothing arrives
        }
    }

    /** One connection: two ends, a stream each way. */
    private final class Connection {
        final SimTransport dialer;
        final SimTransport acceptor;
        final Purpose purpose;
        OutLink out;
        InLink in;
        boolean broken;
        /** Each end's own close (a closed end writes and reads no more). */
        boolean dialerClosed;
        boolean acceptorClosed;
        /** When the last frame towards each end arrives: a stream keeps its order. */
        long lastToAcceptor;
        long lastToDialer;

        Connection(SimTransport dialer, SimTransport acceptor, Purpose purpose) {
            this.dialer = dialer;
            this.acceptor = acceptor;
            this.purpose = purpose;
        }

        private long arrival(boolean toAcceptor) {
            long now = dialer.host.nanoTime();
            long at = Math.max(now + delay(), toAcceptor ? lastToAcceptor : lastToDialer);
            if (toAcceptor) {
                lastToAcceptor = at;
            } else {
                lastToDialer = at;
            }
            return at - now;
        }

        /** Sends encoded bytes towards one end; false if this end can write no more. */
        boolean transmit(boolean toAcceptor, byte[] bytes) {
            if (broken || (toAcceptor ? dialerClosed : acceptorClosed)) {
                return false;
            }
            if (loss > 0 && random.nextDouble() < loss) {
                lost++;
                breakBoth();
                return true; // written: the sender learns of the loss as the connection breaks
            }
            SimTransport to = toAcceptor ? acceptor : dialer;
            on(to.host, arrival(toAcceptor), () -> {
                if (broken || (toAcceptor ? acceptorClosed : dialerClosed)) {
                    return; // reset, or the receiving end closed
                }
                Link l = toAcceptor ? in : out;
                to.receive(this, l, bytes);
            });
            return true;
        }

        /** One end closes: what it sent arrives first, then the other end sees the close. */
        void close(boolean byDialer) {
            if (byDialer ? dialerClosed : acceptorClosed) {
                return;
            }
            if (byDialer) {
                dialerClosed = true;
                dialer.ended(this, false);
            } else {
                acceptorClosed = true;
                acceptor.ended(this, true);
            }
            if (broken) {
                return;
            }
            boolean toAcceptor = byDialer;
            SimTransport to = toAcceptor ? acceptor : dialer;
            on(to.host, arrival(toAcceptor), () -> close(!byDialer));
        }

        /** A reset: in-flight frames are lost, each end notices after a delay. */
        void breakBoth() {
            if (broken) {
                return;
            }
            broken = true;
            open.remove(this);
            on(dialer.host, delay(), () -> close(true));
            on(acceptor.host, delay(), () -> close(false));
        }
    }

    /** One node's transport. */
    private final class SimTransport implements FrameTransport {
        final NodeIdentity identity;
        final NodeId self;
        final Scheduler host;
        final String ip;
        final PeerTrustManager.Gate gate;
        final ChannelTransport.Inbound inbound;
        final TransportStats stats = new TransportStats();
        final Map<List<Object>, OutLink> outLinks = new LinkedHashMap<>();
        final Set<InLink> inLinks = new LinkedHashSet<>();
        Set<NodeId> blocked = Set.of();
        Endpoint bound;
        boolean closed;
        long rejected;

        SimTransport(NodeIdentity identity, Scheduler host, String ip, PeerTrustManager.Gate gate,
                ChannelTransport.Inbound inbound) {
            this.identity = identity;
            this.self = identity.id();
            this.host = host;
            this.ip = ip;
            this.gate = gate;
            this.inbound = inbound;
        }

        @Override
        public InetSocketAddress bind(String bindHost, int port) {
            if (bound != null) {
                throw new IllegalStateException("already bound to " + bound);
            }
            bound = new Endpoint(ip, port == 0 ? nextPort++ : port);
            if (endpoints.containsKey(bound)) {
                throw new IllegalStateException("address in use: " + bound);
            }
            endpoints.put(bound, this);
            try {
                return new InetSocketAddress(InetAddress.getByName(ip), bound.port());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an address: " + ip, e);
            }
        }

        @Override
        public Link link(NodeId peer, Endpoint at, Purpose purpose) {
            if (closed) {
                OutLink dead = new OutLink(this, peer, at, purpose);
                dead.closed = true;
                return dead;
            }
            return outLinks.computeIfAbsent(List.of(peer, purpose), k -> {
                OutLink l = new OutLink(this, peer, at, purpose);
                l.dial();
                return l;
            });
        }

        @Override
        public void closeWhere(Predicate<Link> which) {
            for (InLink l : List.copyOf(inLinks)) {
                if (which.test(l)) {
                    l.close();
                }
            }
            for (OutLink l : List.copyOf(outLinks.values())) {
                if (which.test(l)) {
                    l.close();
                }
            }
        }

        @Override
        public void block(Set<NodeId> nodes) {
            blocked = Set.copyOf(nodes);
            closeWhere(l -> blocked.contains(l.node()));
        }

        @Override
        public TransportStats stats() {
            return stats;
        }

        @Override
        public long rejectedHandshakes() {
            return rejected;
        }

        @Override
        public void close() {
            closed = true;
            closeWhere(l -> true);
            if (bound != null) {
                endpoints.remove(bound, this);
            }
        }

        /** A dial arrives (this node's thread): the gate decides, as inside the TLS handshake. */
        void accept(SimTransport from, OutLink dialling) {
            boolean ok = !closed && !blocked.contains(from.self) && !cut(self, from.self)
                    && dialling.node.equals(self); // the dialler accepts only the node it dialled
            if (ok && !gate.admit(new PeerIdentity(from.self, from.identity.publicKey()), dialling.purpose)) {
                rejected++;
                ok = false;
            }
            if (!ok) {
                on(from.host, delay(), dialling::connectFailed);
                return;
            }
            Connection c = new Connection(from, this, dialling.purpose);
            c.in = new InLink(this, new PeerIdentity(from.self, from.identity.publicKey()), c);
            c.out = dialling;
            inLinks.add(c.in);
            open.add(c);
            PeerIdentity me = new PeerIdentity(self, identity.publicKey());
            on(from.host, c.arrival(false), () -> dialling.connected(c, me));
        }

        /** Bytes arrive on a connection (this node's thread): decoded as the channel decodes them. */
        void receive(Connection c, Link l, byte[] bytes) {
            if (closed || blocked.contains(l.node())) {
                c.close(l == c.out);
                return;
            }
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            int length = buf.readInt();
            if (length > FrameCodec.MAX_FRAME || length != buf.readableBytes()) {
                stats.oversized.incrementAndGet();
                c.close(l == c.out);
                return;
            }
            Frame frame;
            try {
                frame = FrameCodec.decode(buf, l.purpose().fellowship().orElse(null));
            } catch (MalformedFrameException e) {
                stats.malformed.incrementAndGet();
                c.close(l == c.out);
                return;
            }
            delivered++;
            stats.framesIn.incrementAndGet();
            inbound.onFrame(l, frame);
        }

        /** This end of a connection closed. */
        void ended(Connection c, boolean acceptorSide) {
            Link l = acceptorSide ? c.in : c.out;
            if (acceptorSide) {
                inLinks.remove(c.in);
            } else if (c.out != null) {
                c.out.disconnected(c);
            }
            if (l != null && !closed) {
                inbound.onClosed(l);
            }
        }
    }

    private static byte[] encode(Frame frame) {
        ByteBuf buf = ChannelTransport.encode(frame); // the channel's own framing and size limit
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private final class InLink implements Link {
        final SimTransport owner;
        final PeerIdentity peer;
        final Connection connection;

        InLink(SimTransport owner, PeerIdentity peer, Connection connection) {
            this.owner = owner;
            this.peer = peer;
            this.connection = connection;
        }

        @Override
        public PeerIdentity peer() {
            return peer;
        }

        @Override
        public NodeId node() {
            return peer.node();
        }

        @Override
        public Purpose purpose() {
            return connection.purpose;
        }

        @Override
        public boolean inbound() {
            return true;
        }

        @Override
        public boolean send(Frame frame) {
            byte[] bytes = encode(frame);
            if (!connection.transmit(false, bytes)) {
                owner.stats.undelivered.incrementAndGet();
                return false;
            }
            owner.stats.framesOut.incrementAndGet();
            return true;
        }

        @Override
        public void close() {
            connection.close(false);
        }

        @Override
        public String toString() {
            return "in " + peer + " " + connection.purpose;
        }
    }

    private final class OutLink implements Link {
        final SimTransport owner;
        final NodeId node;
        final Endpoint at;
        final Purpose purpose;
        final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        PeerIdentity peer;
        Connection connection;
        boolean closed;
        int attempts;

        OutLink(SimTransport owner, NodeId node, Endpoint at, Purpose purpose) {
            this.owner = owner;
            this.node = node;
            this.at = at;
            this.purpose = purpose;
            this.peer = new PeerIdentity(node, new byte[0]);
        }

        void dial() {
            if (owner.blocked.contains(node)) {
                on(owner.host, 0, this::connectFailed);
                return;
            }
            SimTransport target = endpoints.get(at);
            if (target == null) {
                on(owner.host, 2 * delay(), this::connectFailed); // refused
                return;
            }
            if (cut(owner.self, target.self)) {
                on(owner.host, CONNECT_TIMEOUT_NANOS, this::connectFailed); // no answer
                return;
            }
            long d = delay();
            timer.after(d, () -> {
                // the dial reaches the acceptor's thread, if it still listens there and is reachable
                SimTransport t = endpoints.get(at);
                if (t == null || cut(owner.self, t.self)) {
                    on(owner.host, delay(), this::connectFailed);
                } else {
                    on(t.host, 0, () -> t.accept(owner, this));
                }
            });
        }

        void connected(Connection c, PeerIdentity verified) {
            if (closed || c.broken || c.acceptorClosed) {
                c.close(true);
                if (!closed) {
                    connectFailed();
                }
                return;
            }
            peer = verified;
            connection = c;
            attempts = 0;
            while (!queue.isEmpty()) {
                write(queue.poll());
            }
        }

        private void write(byte[] bytes) {
            if (connection.transmit(true, bytes)) {
                owner.stats.framesOut.incrementAndGet();
            } else {
                owner.stats.undelivered.incrementAndGet();
            }
        }

        void connectFailed() {
            owner.stats.connectFailures.incrementAndGet();
            boolean retry = !closed && !queue.isEmpty() && ++attempts < ChannelTransport.Limits.defaults()
                    .connectAttempts();
            if (!retry) {
                giveUp();
                return;
            }
            long delay = ChannelTransport.Limits.defaults().firstRetry().toNanos() << Math.min(attempts - 1, 6);
            on(owner.host, delay, () -> {
                if (!closed) {
                    dial();
                }
            });
        }

        void disconnected(Connection c) {
            if (c == connection) {
                giveUp();
            }
        }

        private void giveUp() {
            closed = true;
            owner.stats.undelivered.addAndGet(queue.size());
            queue.clear();
            owner.outLinks.remove(List.of(node, purpose), this);
        }

        @Override
        public PeerIdentity peer() {
            return peer;
        }

        @Override
        public NodeId node() {
            return node;
        }

        @Override
        public Purpose purpose() {
            return purpose;
        }

        @Override
        public boolean inbound() {
            return false;
        }

        @Override
        public boolean send(Frame frame) {
            byte[] bytes = encode(frame);
            if (closed) {
                owner.stats.undelivered.incrementAndGet();
                return false;
            }
            if (connection == null) {
                queue.add(bytes);
            } else {
                write(bytes);
            }
            return true;
        }

        @Override
        public void close() {
            Connection c = connection;
            giveUp();
            if (c != null) {
                c.close(true);
            }
        }

        @Override
        public String toString() {
            return "out " + peer + " " + purpose;
        }
    }
}
