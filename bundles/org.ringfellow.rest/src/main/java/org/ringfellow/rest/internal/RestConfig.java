package org.ringfellow.rest.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** PID {@value RestServlet#PID}: who may call the node's API, its dashboard and /metrics. */
@ObjectClassDefinition(name = "Ringfellow REST API", description = "Who may call /api/v1, /ui/ and /metrics on this node")
@interface RestConfig {

    @AttributeDefinition(description = "Client addresses the API answers: loopback (default), any, or a comma-"
            + "separated list of IP addresses and CIDR blocks (loopback may be one of them)")
    String allowedClients() default ClientFilter.LOOPBACK;

    @AttributeDefinition(description = "Client addresses /metrics answers, in the same form (loopback by default: a "
            + "Prometheus on this host scrapes it; list the Prometheus server's address to scrape from elsewhere)")
    String metricsAllowedClients() default ClientFilter.LOOPBACK;

    @AttributeDefinition(description = "Whether /metrics also asks for the API's bearer token (Prometheus: "
            + "authorization.credentials_file pointing at a copy of data/ringfellow/api-token)")
    boolean metricsRequireToken() default false;
}
