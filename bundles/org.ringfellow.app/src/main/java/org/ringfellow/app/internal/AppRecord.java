package org.ringfellow.app.internal;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.fellowship.FellowshipId;

/**
 * What every member of an app keeps about it in its node store: enough to start its part,
 * to hand the app to a new member, and to clean up after a restart.
 *
 * @param name the app's name
 * @param digest the artifact's digest, {@code sha256:<hex>}
 * @param length the artifact's size in bytes
 * @param headers the artifact's manifest headers the descriptor was read from
 * @param founder the node id of the node that deployed it
 * @param size the fellowship's target size now (the descriptor's, until scaled)
 * @param containerId this node's container for the app, or null while none runs
 */
record AppRecord(String name, String digest, long length, Map<String, String> headers, String founder, int size,
        String containerId) {

    static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    /** Prefix of the fellowship ids of apps. */
    static final String FELLOWSHIP_PREFIX = "app.";

    AppRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(digest, "digest");
        if (!DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("artifact digest must be sha256:<64 hex>, got " + digest);
        }
        if (length <= 0 || length > ArtifactStore.MAX_ARTIFACT) {
            throw new IllegalArgumentException("artifact length out of range: " + length);
        }
        headers = Map.copyOf(headers);
        Objects.requireNonNull(founder, "founder");
        if (size < 1 || size > AppDescriptor.MAX_SIZE) {
            throw new IllegalArgumentException("app size must be 1.." + AppDescriptor.MAX_SIZE + ", got " + size);
        }
        // validates the name and every header
        AppDescriptor d = AppDescriptor.fromHeaders(headers);
        if (!d.name().equals(name)) {
            throw new IllegalArgumentException("record name " + name + " differs from its manifest's " + d.name());
        }
        HttpMode.of(headers);
    }

    /** Which members answer the app's HTTP ({@link HttpMode#HEADER}). */
    HttpMode http() {
        return HttpMode.of(headers);
    }

    AppDescriptor descriptor() {
        AppDescriptor d = AppDescriptor.fromHeaders(headers);
        return new AppDescriptor(d.name(), d.version(), size, d.perMember(), d.runtime(), d.entry(), d.labels());
    }

    FellowshipId fellowship() {
        return fellowshipOf(name);
    }

    AppRecord withContainer(String id) {
        return new AppRecord(name, digest, length, headers, founder, size, id);
    }

    AppRecord withSize(int newSize) {
        return new AppRecord(name, digest, length, headers, founder, newSize, containerId);
    }

    static FellowshipId fellowshipOf(String appName) {
        return new FellowshipId(FELLOWSHIP_PREFIX + appName);
    }

    /** The app's name if the fellowship is an app's, else null. */
    static String appOf(FellowshipId id) {
        String v = id.value();
        return v.startsWith(FELLOWSHIP_PREFIX) && v.length() > FELLOWSHIP_PREFIX.length()
                ? v.substring(FELLOWSHIP_PREFIX.length()) : null;
    }
}
