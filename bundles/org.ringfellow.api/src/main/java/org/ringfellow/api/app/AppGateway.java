package org.ringfellow.api.app;

import java.util.concurrent.CompletionStage;

/**
 * Carries an HTTP request from a node's ingress to an app's coordinator, wherever it runs, and
 * its response back. Provided by the deployment engine; used by the HTTP ingress.
 */
public interface AppGateway {

    /** Header of a 503 response telling the client when to try again, in seconds. */
    String RETRY_AFTER = "Retry-After";

    /**
     * Header (lower case, as the ingress passes header names on) marking a request that one
     * node's gateway passed to another node's ingress because it runs no part of the app; a
     * request carrying it is never passed on again, so a request hops at most once.
     */
    String HOP_HEADER = "x-ringfellow-hop";

    /**
     * Forwards a request to an app.
     *
     * @param app the app's name, as in {@code /apps/<name>/}
     * @param request the request, its path below {@code /apps/<name>}
     * @return the app's response; for an app nobody runs, a 404 with a clear body; for an app
     *     still starting, a 503 with {@value #RETRY_AFTER}; for an app that fails or does not
     *     answer in time, a 502 or 504 with a clear body. The stage never completes exceptionally.
     */
    CompletionStage<HttpResponse> forward(String app, HttpRequest request);
}
