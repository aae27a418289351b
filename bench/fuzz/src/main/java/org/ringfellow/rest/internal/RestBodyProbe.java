package org.ringfellow.rest.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppService;
import org.ringfellow.api.app.AppStatus;

/**
 * Reaches the REST API's package-private router ({@code Api.handle}) with the JSON bodies it
 * reads ({@code POST /api/v1/apps}, {@code POST /api/v1/apps/{name}/scale}) for the fuzz
 * target {@code org.ringfellow.bench.fuzz.RestBodyTarget}; not part of any bundle. The app
 * engine behind it is a stand-in that refuses every call once the body has been accepted, and
 * checks that what reached it is within the API's bounds.
 */
public final class RestBodyProbe {

    private static final Api API = new Api(new Api.Services(Optional::empty, Optional::empty, Optional::empty,
            Optional::empty, () -> Optional.of(new Refusing())),
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT), new byte[0],
            Path.of(System.getProperty("java.io.tmpdir"), "rest-fuzz-uploads"));

    private RestBodyProbe() {
    }

    /**
     * Sends a body to the route its first byte picks.
     *
     * @param data a route selector byte, then the body
     * @return the HTTP status the API answered (a refusal's too)
     */
    public static int post(byte[] data) {
        if (data.length == 0) {
            return 0;
        }
        String path = (data[0] & 1) == 0 ? "/apps" : "/apps/calculator/scale";
        byte[] body = java.util.Arrays.copyOfRange(data, 1, data.length);
        try {
            return API.handle("POST", path, Map.of(), "application/json; charset=utf-8", body).status();
        } catch (ApiException refused) {
            if (refused.status() < 400 || refused.status() > 599 || refused.getMessage() == null
                    || refused.getMessage().isBlank()) {
                throw new IllegalStateException("a refusal with status " + refused.status() + " and message '"
                        + refused.getMessage() + "'", refused);
            }
            return refused.status();
        }
    }

    /** An app engine that refuses every deploy and scale, once it has checked what it was given. */
    private static final class Refusing implements AppService {

        @Override
        public AppStatus deploy(URI artifact, Consumer<String> progress) throws AppException {
            String s = artifact.toString();
            if (!s.startsWith("mvn:") || s.length() > Api.MAX_LOCATION) {
                throw new IllegalStateException("the API passed on an artifact it should refuse: " + s);
            }
            throw new AppException("fuzz: not deploying " + s);
        }

        @Override
        public List<AppStatus> list() {
            return List.of();
        }

        @Override
        public Optional<AppStatus> status(String name) {
            return Optional.empty();
        }

        @Override
        public AppStatus scale(String name, int size) throws AppException {
            if (size < 1 || size > AppDescriptor.MAX_SIZE) {
                throw new IllegalStateException("the API passed on a size it should refuse: " + size);
            }
            throw new AppException("fuzz: not scaling " + name);
        }

        @Override
        public LogSlice logs(String name, String member, long fromOffset) throws AppException {
            throw new AppException("fuzz: no logs");
        }

        @Override
        public int send(String name, String member, String topic, byte[] payload) throws AppException {
            throw new AppException("fuzz: no send");
        }

        @Override
        public void undeploy(String name) throws AppException {
            throw new AppException("fuzz: no undeploy");
        }
    }
}
