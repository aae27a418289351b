package org.ringfellow.job.internal.host;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code org.ringfellow.job}: what this node lends to jobs and where it keeps them. */
@ObjectClassDefinition(name = "Ringfellow jobs", description = "Batch jobs: how many tasks this node runs at once, "
        + "in how many jobs, and where job files live.")
@interface JobsConfiguration {

    @AttributeDefinition(name = "Slots per job", required = false,
            description = "The most tasks this node runs at once for one job, 1 to 64, whatever the job asks.")
    int maxSlots() default 2;

    @AttributeDefinition(name = "Jobs", required = false,
            description = "The most jobs of other submitters this node takes part in at once, 1 to 64.")
    int maxJobs() default 8;

    @AttributeDefinition(name = "Data directory", required = false,
            description = "An absolute directory for task files and kept results; empty: <node data dir>/jobs.")
    String dataDir() default "";

    @AttributeDefinition(name = "Idle wait (ms)", required = false,
            description = "How long a member waits before asking again when it got no work, 50 to 60,000 ms.")
    long idleMillis() default 500;

    @AttributeDefinition(name = "Answer timeout (s)", required = false,
            description = "How long a request between a member and its submitter waits for its answer, 1 to 600 s.")
    long answerTimeoutSeconds() default 30;

    @AttributeDefinition(name = "Tick (ms)", required = false,
            description = "How often the submitter ends leases past their deadline, 100 to 60,000 ms.")
    long tickMillis() default 1000;
}
