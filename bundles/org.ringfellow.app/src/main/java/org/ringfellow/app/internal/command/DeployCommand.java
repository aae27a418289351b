package org.ringfellow.app.internal.command;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.app.AppStatus;

/** {@code app:deploy}: deploys an app bundle and shows each step while it runs. */
@Command(scope = "app", name = "deploy", description = "Deploys an app from a mvn: URL, a file: URL or a file path, "
        + "showing progress until every member started it")
@Service
public class DeployCommand extends AppCommand {

    static final int MAX_LOCATION = 2048;

    @Argument(index = 0, name = "artifact", required = true,
            description = "mvn:group/artifact/version, file:/path/app.jar or a path")
    String artifact;

    @Override
    Object run() throws Exception {
        URI uri = uri(artifact);
        AppStatus s = apps.deploy(uri, line -> {
            System.out.println(line);
            System.out.flush();
        });
        System.out.println("Deployed " + s.descriptor().name() + ": " + s.message());
        return null;
    }

    static URI uri(String text) throws URISyntaxException {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty() || t.length() > MAX_LOCATION) {
            throw new IllegalArgumentException("an artifact location is 1-" + MAX_LOCATION + " characters");
        }
        if (t.startsWith("/") || t.startsWith(".") || !t.contains(":")) {
            Path p = Path.of(t).toAbsolutePath().normalize();
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("no such file: " + p);
            }
            return p.toUri();
        }
        return new URI(t);
    }
}
