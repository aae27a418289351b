package org.ringfellow.ingress.internal;

import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the Ring on which port this node's ingress listens (the published label
 * {@value #LABEL}), so that a node outside an app's fellowship can pass a request for the app
 * to a node that runs it. The port is Pax Web's, read from its own configuration PID.
 */
@Component(configurationPid = IngressAdvert.PAX_WEB_PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = {})
public final class IngressAdvert {

    static final String PAX_WEB_PID = "org.ops4j.pax.web";
    static final String PORT_PROPERTY = "org.osgi.service.http.port";
    static final String LABEL = Labels.HTTP;
    static final int DEFAULT_PORT = 8181;
    private static final Logger LOG = LoggerFactory.getLogger(IngressAdvert.class);

    private final NodeService node;

    @Activate
    public IngressAdvert(@Reference NodeService node, Map<String, Object> config) {
        this.node = node;
        apply(config);
    }

    @Modified
    void apply(Map<String, Object> config) {
        int port = port(config.get(PORT_PROPERTY));
        try {
            node.publishLabel(LABEL, Integer.toString(port));
            LOG.info("Ingress advertised on port {}", port);
        } catch (RuntimeException e) {
            LOG.warn("The ingress port is not advertised on the Ring: {}", e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        try {
            node.withdrawLabel(LABEL);
        } catch (RuntimeException e) {
            // the node is going away too
        }
    }

    static int port(Object value) {
        if (value == null) {
            return DEFAULT_PORT;
        }
        try {
            int p = Integer.parseInt(value.toString().trim());
            return p >= 1 && p <= 65535 ? p : DEFAULT_PORT;
        } catch (NumberFormatException e) {
            return DEFAULT_PORT;
        }
    }
}
