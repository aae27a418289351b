package org.ringfellow.app.internal;

import java.util.Locale;
import java.util.Map;

/**
 * Which of an app's members answer its HTTP, as the app declares it in its manifest header
 * {@value #HEADER}: {@code coordinator} (the default: only the fellowship's coordinator's app
 * does, as an app with state needs) or {@code stateless} (the app's HTTP handler keeps no state
 * between requests, so every member's app answers and the engines spread requests over them).
 */
enum HttpMode {
    /** Only the coordinator's app answers HTTP; every other member passes requests to it. */
    COORDINATOR,
    /** Every running member's app answers HTTP; a member prefers its own part. */
    STATELESS;

    /** The manifest header. */
    static final String HEADER = "Ringfellow-App-Http";

    /**
     * The mode the manifest declares.
     *
     * @param headers the manifest's main attributes, by header name
     * @return {@link #COORDINATOR} when the header is absent
     * @throws IllegalArgumentException naming the header and the values it may take
     */
    static HttpMode of(Map<String, String> headers) {
        String v = headers.get(HEADER);
        if (v == null) {
            return COORDINATOR;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "coordinator" -> COORDINATOR;
            case "stateless" -> STATELESS;
            default -> throw new IllegalArgumentException(HEADER + " must be 'coordinator' (the default: only the "
                    + "coordinator's app answers HTTP) or 'stateless' (every member's app answers), got '"
                    + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "'");
        };
    }
}
