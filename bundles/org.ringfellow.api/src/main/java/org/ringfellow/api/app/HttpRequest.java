package org.ringfellow.api.app;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request to the app, forwarded by the ingress of any node to the app's coordinator.
 *
 * @param method the HTTP method
 * @param path the path below {@code /apps/<name>}, starting with {@code /}
 * @param query the raw query string, or an empty string
 * @param headers the request headers (names in lower case)
 * @param body the request body, bounded by the ingress
 */
public record HttpRequest(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
}
