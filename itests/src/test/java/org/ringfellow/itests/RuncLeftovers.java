package org.ringfellow.itests;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The runc containers a node's driver left behind: a node killed with SIGKILL leaves them running. */
final class RuncLeftovers {

    private RuncLeftovers() {
    }

    /**
     * Kills and deletes every container in the node's runc root ({@code data/ringfellow/drivers/runc/root}).
     *
     * @param home the node's home directory
     */
    static void remove(Path home) throws Exception {
        Path root = home.resolve("data/ringfellow/drivers/runc/root");
        if (!Files.isDirectory(root)) {
            return;
        }
        Process p = new ProcessBuilder("runc", "--root", root.toString(), "list", "-q").redirectErrorStream(true)
                .start();
        String ids = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        for (String id : ids.split("\\R")) {
            if (id.isBlank() || !id.trim().matches("[A-Za-z0-9_.-]{1,128}")) {
                continue;
            }
            new ProcessBuilder("runc", "--root", root.toString(), "delete", "-f", id.trim()).inheritIO().start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }
}
