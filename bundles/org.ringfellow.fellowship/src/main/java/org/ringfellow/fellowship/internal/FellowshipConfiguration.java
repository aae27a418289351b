package org.ringfellow.fellowship.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code org.ringfellow.fellowship}: the admission policy and the channel. */
@ObjectClassDefinition(name = "Ringfellow fellowships", description = "Which invitations to fellowships this node "
        + "accepts, and where its fellowship channel listens.")
@interface FellowshipConfiguration {

    @AttributeDefinition(name = "Max fellowships", required = false,
            description = "The most fellowships this node belongs to at once (0 to 1024).")
    int maxFellowships() default 8;

    @AttributeDefinition(name = "Lend percent", required = false,
            description = "The share of the contributed resources that fellowships may reserve, 0 to 100.")
    int lendPercent() default 100;

    @AttributeDefinition(name = "Allowed founders", required = false,
            description = "Comma-separated node ids; if set, only invitations from these founders are accepted.")
    String allowedFounders() default "";

    @AttributeDefinition(name = "Refused founders", required = false,
            description = "Comma-separated node ids whose invitations are always refused.")
    String refusedFounders() default "";

    @AttributeDefinition(name = "Required labels", required = false,
            description = "Comma-separated key=value labels a fellowship's requirement must carry, e.g. project=x.")
    String requiredLabels() default "";

    @AttributeDefinition(name = "Channel bind address", required = false,
            description = "The address the fellowship channel listens on.")
    String channelBind() default "0.0.0.0";

    @AttributeDefinition(name = "Channel port", required = false,
            description = "The TCP port of the fellowship channel (TLS 1.3); 0 picks a free port.")
    int channelPort() default Settings.DEFAULT_PORT;

    @AttributeDefinition(name = "Advertised host", required = false,
            description = "The address other members dial; the host of this node's Ring address if empty.")
    String advertisedHost() default "";
}
