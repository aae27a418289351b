package org.ringfellow.api.app;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The app's answer to an {@link HttpRequest}.
 *
 * @param status the HTTP status
 * @param headers the response headers
 * @param body the response body
 */
public record HttpResponse(int status, Map<String, String> headers, byte[] body) {

    /**
     * A response with a text body.
     *
     * @param status the HTTP status
     * @param contentType the content type, such as {@code application/json}
     * @param body the text
     * @return the response
     */
    public static HttpResponse text(int status, String contentType, String body) {
        return new HttpResponse(status, Map.of("Content-Type", contentType + "; charset=utf-8"),
                body.getBytes(StandardCharsets.UTF_8));
    }
}
