package org.ringfellow.rest.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppService;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.job.JobException;
import org.ringfellow.api.job.JobService;
import org.ringfellow.api.job.JobView;
import org.ringfellow.job.internal.model.JobFileException;
import org.ringfellow.job.internal.model.JobFileReader;

/**
 * Reaches the REST API's package-private router ({@code Api.handle}) with the bodies it
 * reads ({@code POST /api/v1/apps}, {@code POST /api/v1/apps/{name}/scale}, and a job file,
 * JSON or YAML, {@code POST /api/v1/jobs}) for the fuzz target
 * {@code org.ringfellow.bench.fuzz.RestBodyTarget}; not part of any bundle. The app engine
 * behind it is a stand-in that refuses every call once the body has been accepted, and checks
 * that what reached it is within the API's bounds; the job service behind it reads the job file
 * it is handed with the job bundle's own reader (as the job host does), checks the file is the
 * body, then refuses it.
 */
public final class RestBodyProbe {

    private static final Api API = new Api(new Api.Services(Optional::empty, Optional::empty, Optional::empty,
            Optional::empty, () -> Optional.of(new Refusing()), () -> Optional.of(new RefusingJobs())),
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT), new byte[0],
            Path.of(System.getProperty("java.io.tmpdir"), "rest-fuzz-uploads"));

    private RestBodyProbe() {
    }

    /**
     * Sends a body to the route its first byte picks.
     *
     * @param data a route selector byte (bit 1 clear: bit 0 picks deploy or scale; bit 1 set: a job
     *     file, bit 2 picks JSON or YAML), then the body
     * @return the HTTP status the API answered (a refusal's too)
     */
    public static int post(byte[] data) {
        if (data.length == 0) {
            return 0;
        }
        boolean job = (data[0] & 2) != 0;
        String path = job ? "/jobs" : (data[0] & 1) == 0 ? "/apps" : "/apps/calculator/scale";
        String type = job && (data[0] & 4) != 0 ? "application/yaml" : "application/json; charset=utf-8";
        byte[] body = java.util.Arrays.copyOfRange(data, 1, data.length);
        try {
            int status = API.handle("POST", path, Map.of(), type, body).status();
            if (job) {
                throw new IllegalStateException("a job file was accepted by a service that refuses all: " + status);
            }
            return status;
        } catch (ApiException refused) {
            if (refused.status() < 400 || refused.status() > 599 || refused.getMessage() == null
                    || refused.getMessage().isBlank()) {
                throw new IllegalStateException("a refusal with status " + refused.status() + " and message '"
                        + refused.getMessage() + "'", refused);
            }
            return refused.status();
        }
    }

    /** A job service that reads the job file it is given, checks it is the body, and refuses it. */
    private static final class RefusingJobs implements JobService {

        private final JobFileReader reader = new JobFileReader();

        @Override
        public JobView submit(Path file) throws JobException {
            try {
                if (Files.size(file) == 0 || Files.size(file) > RestServlet.MAX_JOB_FILE) {
                    throw new IllegalStateException("the API passed on a job file of " + Files.size(file) + " bytes");
                }
                reader.read(file);
            } catch (JobFileException e) {
                throw new JobException(e.getMessage(), e);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the API's job file cannot be read: " + e, e);
            }
            throw new JobException("fuzz: not submitting a valid job");
        }

        @Override
        public List<JobView> list() {
            return List.of();
        }

        @Override
        public Optional<JobView> status(String id) {
            return Optional.empty();
        }

        @Override
        public List<TaskLine> tasks(String id) throws JobException {
            throw new JobException("fuzz: no tasks");
        }

        @Override
        public int results(String id, Path dir) throws JobException {
            throw new JobException("fuzz: no results");
        }

        @Override
        public JobView cancel(String id) throws JobException {
            throw new JobException("fuzz: no cancel");
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
