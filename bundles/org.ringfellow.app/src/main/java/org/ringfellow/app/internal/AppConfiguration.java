package org.ringfellow.app.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code org.ringfellow.app}: how members restart parts of apps that failed. */
@ObjectClassDefinition(name = "Ringfellow apps", description = "How a member restarts its part of an app that "
        + "failed after it had run, and when it gives its seat up to another node.")
@interface AppConfiguration {

    @AttributeDefinition(name = "Restart backoff (ms)", required = false,
            description = "The wait before the first restart, 100 to 3,600,000 ms; it doubles with every failure "
                    + "inside the window.")
    long restartBackoffMillis() default 1000;

    @AttributeDefinition(name = "Longest restart backoff (ms)", required = false,
            description = "The longest wait before a restart, from the first wait to 3,600,000 ms.")
    long restartMaxBackoffMillis() default 30_000;

    @AttributeDefinition(name = "Max restarts", required = false,
            description = "Restarts allowed within the window, 0 to 100; the next failure makes this node leave "
                    + "the app's fellowship so that another node takes its part.")
    int restartMax() default 5;

    @AttributeDefinition(name = "Restart window (s)", required = false,
            description = "How far back failures count, 1 to 86,400 s.")
    long restartWindowSeconds() default 600;
}
