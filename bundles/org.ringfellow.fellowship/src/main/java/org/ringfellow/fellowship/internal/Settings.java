package org.ringfellow.fellowship.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.ringfellow.api.fellowship.AdmissionPolicy;
import org.ringfellow.api.node.NodeId;

/**
 * The fellowship configuration, parsed and validated as a whole.
 *
 * @param policy the admission policy
 * @param bindHost where the channel listens
 * @param port the channel port, 0 for any
 * @param advertisedHost the host other members dial, if not the Ring address's
 * @param tick how often each fellowship checks its coordinator, members and size
 * @param voteTimeout how long a candidate waits for votes before asking again
 * @param welcomeTimeout how long an accepted candidate keeps its reservation waiting for the roster
 */
record Settings(AdmissionPolicy policy, String bindHost, int port, Optional<String> advertisedHost, Duration tick,
        Duration voteTimeout, Duration welcomeTimeout) {

    static final int DEFAULT_PORT = 7790;
    /** The advert label where a member tells where its fellowship channel listens ({@code host:port}). */
    static final String CHANNEL_LABEL = "fellowship.channel";
    private static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9._:/-]{0,128}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,255}");

    static Settings defaults() {
        return new Settings(AdmissionPolicy.OPEN, "0.0.0.0", DEFAULT_PORT, Optional.empty(), Duration.ofMillis(500),
                Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    Settings withPolicy(AdmissionPolicy p) {
        return new Settings(p, bindHost, port, advertisedHost, tick, voteTimeout, welcomeTimeout);
    }

    Settings withChannel(String host, int p, Optional<String> advertised) {
        return new Settings(policy, host, p, advertised, tick, voteTimeout, welcomeTimeout);
    }

    /**
     * Parses Config Admin values.
     *
     * @throws IllegalArgumentException naming the bad key and value
     */
    static Settings parse(Map<String, ?> config) {
        int max = integer(config, "maxFellowships", 8);
        int lend = integer(config, "lendPercent", 100);
        Set<NodeId> allowed = nodes(config, "allowedFounders");
        Set<NodeId> refused = nodes(config, "refusedFounders");
        Map<String, String> labels = labels(text(config, "requiredLabels").orElse(""));
        AdmissionPolicy policy = new AdmissionPolicy(max, lend, allowed, refused, labels);
        String bind = text(config, "channelBind").orElse("0.0.0.0");
        if (!HOST.matcher(bind).matches()) {
            throw new IllegalArgumentException("channelBind = '" + clip(bind) + "' is not an address");
        }
        int port = integer(config, "channelPort", DEFAULT_PORT);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("channelPort = " + port + " is not a port (0 to 65535)");
        }
        Optional<String> advertised = text(config, "advertisedHost");
        if (advertised.isPresent() && !HOST.matcher(advertised.get()).matches()) {
            throw new IllegalArgumentException("advertisedHost = '" + clip(advertised.get()) + "' is not an address");
        }
        return defaults().withPolicy(policy).withChannel(bind, port, advertised);
    }

    private static int integer(Map<String, ?> config, String key, int fallback) {
        Optional<String> t = text(config, key);
        if (t.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(t.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + clip(t.get()) + "' is not a whole number");
        }
    }

    private static Set<NodeId> nodes(Map<String, ?> config, String key) {
        Set<NodeId> out = new LinkedHashSet<>();
        for (String part : text(config, key).orElse("").split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                out.add(NodeId.parse(part));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": '" + clip(part.trim()) + "' is not a node id (64 hex digits)");
            }
            if (out.size() > 1024) {
                throw new IllegalArgumentException(key + ": more than 1024 node ids");
            }
        }
        return out;
    }

    static Map<String, String> labels(String value) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String part : value.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String k = eq < 0 ? p : p.substring(0, eq).trim();
            String v = eq < 0 ? "" : p.substring(eq + 1).trim();
            if (!LABEL_KEY.matcher(k).matches() || !LABEL_VALUE.matcher(v).matches()) {
                throw new IllegalArgumentException("label '" + clip(p) + "' is not valid: use key=value, keys of "
                        + "[a-z0-9._-], values of [A-Za-z0-9._:/-]");
            }
            labels.put(k, v);
            if (labels.size() > 32) {
                throw new IllegalArgumentException("more than 32 labels");
            }
        }
        return labels;
    }

    private static Optional<String> text(Map<String, ?> config, String key) {
        Object v = config.get(key);
        if (v == null) {
            return Optional.empty();
        }
        String s = (v instanceof String[] arr ? String.join(",", arr) : v.toString()).trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
