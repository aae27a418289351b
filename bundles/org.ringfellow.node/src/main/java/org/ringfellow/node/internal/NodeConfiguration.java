package org.ringfellow.node.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Metatype of PID {@code org.ringfellow.node}. Every value is text so that a bad value is
 * refused with a clear message instead of being silently converted.
 */
@ObjectClassDefinition(id = NodeComponent.PID, name = "Ringfellow node",
        description = "What this node is called and what it contributes to the Ring.")
@interface NodeConfiguration {

    @AttributeDefinition(name = "Name", required = false,
            description = "The node's name (1-64 of letters, digits, '.', '_', '-'); if empty, the host name and the node's short id (host-1a2b3c4d5e6f).")
    String name() default "";

    @AttributeDefinition(name = "CPUs", required = false,
            description = "Cores contributed, up to 3 decimals, e.g. 2 or 1.5.")
    String cpus() default "1";

    @AttributeDefinition(name = "Memory", required = false,
            description = "Memory contributed, with a unit k, m, g or t (powers of 1024), e.g. 2g.")
    String memory() default "1g";

    @AttributeDefinition(name = "Disk", required = false,
            description = "Disk contributed, with a unit k, m, g or t (powers of 1024), e.g. 20g.")
    String disk() default "10g";

    @AttributeDefinition(name = "Labels", required = false,
            description = "Comma-separated key=value labels, e.g. zone=eu,owner=alice: at most 8, keys of 1-20 "
                    + "of [a-z0-9._-] (not starting with 'ringfellow.'), values of 0-20 of [A-Za-z0-9._:/-]. "
                    + "Labels beyond these limits are refused, never dropped.")
    String labels() default "";
}
