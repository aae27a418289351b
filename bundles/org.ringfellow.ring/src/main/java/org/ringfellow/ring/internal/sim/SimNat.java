package org.ringfellow.ring.internal.sim;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.ringfellow.api.ring.Endpoint;

/**
 * A NAT router of the {@link SimNetwork}, as RFC 4787 describes them: the endpoints placed
 * behind it are private (only endpoints behind the same router reach them), and what they
 * send out leaves from a public mapping on the router's {@link #publicHost}.
 */
public final class SimNat {

    /** How a router maps and filters. */
    public enum Type {
        /** Endpoint-independent mapping (port preserved) and filtering: anyone may send to a mapping. */
        FULL_CONE,
        /**
         * Endpoint-independent mapping (port preserved), address-and-port-dependent filtering:
         * only the endpoints the private endpoint sent to may answer (Linux {@code MASQUERADE}).
         */
        PORT_RESTRICTED,
        /** A new mapping per destination, and only that destination may answer ({@code MASQUERADE --random}). */
        SYMMETRIC
    }

    private static final int FIRST_RANDOM_PORT = 20_000;

    private final String publicHost;
    private final Type type;
    private final Map<String, Endpoint> mappings = new HashMap<>();
    private final Map<Endpoint, Endpoint> inbound = new HashMap<>();
    private final Set<String> permits = new HashSet<>();
    private int nextPort = FIRST_RANDOM_PORT;

    SimNat(String publicHost, Type type) {
        this.publicHost = publicHost;
        this.type = type;
    }

    public String publicHost() {
        return publicHost;
    }

    public Type type() {
        return type;
    }

    /** @return the public endpoint a datagram from {@code source} to {@code to} leaves from */
    Endpoint outbound(Endpoint source, Endpoint to) {
        String key = type == Type.SYMMETRIC ? source + ">" + to : source.toString();
        Endpoint mapping = mappings.get(key);
        if (mapping == null) {
            Endpoint preserved = new Endpoint(publicHost, source.port());
            mapping = type != Type.SYMMETRIC && !inbound.containsKey(preserved) ? preserved
                    : new Endpoint(publicHost, nextPort++);
            mappings.put(key, mapping);
            inbound.put(mapping, source);
        }
        permits.add(mapping + ">" + to);
        return mapping;
    }

    /** @return the private endpoint {@code from} reaches at {@code mapping}, or null if the router drops it */
    Endpoint inbound(Endpoint from, Endpoint mapping) {
        Endpoint target = inbound.get(mapping);
        if (target == null) {
            return null;
        }
        return type == Type.FULL_CONE || permits.contains(mapping + ">" + from) ? target : null;
    }
}
