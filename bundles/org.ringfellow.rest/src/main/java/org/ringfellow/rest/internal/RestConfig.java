package org.ringfellow.rest.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** PID {@value RestServlet#PID}: who may call the node's API. */
@ObjectClassDefinition(name = "Ringfellow REST API", description = "Who may call /api/v1 on this node")
@interface RestConfig {

    @AttributeDefinition(description = "Client addresses the API answers: loopback (default), any, or a comma-"
            + "separated list of IP addresses and CIDR blocks (loopback may be one of them)")
    String allowedClients() default ClientFilter.LOOPBACK;
}
