package org.ringfellow.bench.fuzz;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Manifest;
import org.ringfellow.api.app.AppDescriptor;

/**
 * An app's manifest, as {@code app:deploy} reads it from an artifact anyone may hand a node:
 * the JDK's manifest parser, then {@code AppDescriptor.fromHeaders}, which refuses with an
 * {@link IllegalArgumentException} naming the header.
 */
public final class AppManifestTarget {

    private AppManifestTarget() {
    }

    /**
     * One input.
     *
     * @param data a manifest's bytes
     */
    public static void fuzzerTestOneInput(byte[] data) {
        Manifest mf;
        try {
            mf = new Manifest(new ByteArrayInputStream(data));
        } catch (IOException | RuntimeException notAManifest) {
            return; // the JDK's own parser refused it; the deployer reports that as a bad artifact
        }
        Map<String, String> headers = new LinkedHashMap<>();
        mf.getMainAttributes().forEach((k, v) -> headers.put(k.toString(), v.toString()));
        AppDescriptor d;
        try {
            d = AppDescriptor.fromHeaders(headers);
        } catch (IllegalArgumentException refused) {
            if (refused.getMessage() == null || refused.getMessage().isBlank()) {
                throw new IllegalStateException("a refusal must say why", refused);
            }
            return;
        }
        if (d.size() < 1 || d.size() > AppDescriptor.MAX_SIZE || d.name().isBlank() || d.entry().isBlank()) {
            throw new IllegalStateException("an accepted descriptor breaks its own bounds: " + d);
        }
    }
}
