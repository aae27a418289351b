package org.ringfellow.api.container;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything a driver needs to start one container. Isolation is the default: no network,
 * read-only root file system, all capabilities dropped, no new privileges.
 *
 * @param name a name unique on this node, 1 to 63 characters from {@code [a-z0-9_-]}, starting alphanumeric
 * @param image the digest ({@code sha256:...}) of an image in the node's {@link ImageStore}
 * @param command the program and its arguments; not empty
 * @param env environment variables
 * @param workingDir the absolute working directory inside the container
 * @param limits cgroup limits
 * @param mounts extra mounts
 * @param network network access
 * @param readOnlyRoot whether the root file system is read-only
 * @param labels free-form labels kept with the container
 * @param stopGrace how long {@link ContainerDriver#stop} waits after the polite signal before it kills
 */
public record ContainerSpec(String name, String image, List<String> command, Map<String, String> env,
        String workingDir, ResourceLimits limits, List<Mount> mounts, NetworkMode network, boolean readOnlyRoot,
        Map<String, String> labels, Duration stopGrace) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** The most arguments a command may have. */
    public static final int MAX_ARGS = 256;

    /**
     * Validates the spec and makes the collections immutable.
     *
     * @throws IllegalArgumentException with a message for the user if any field is invalid
     */
    public ContainerSpec {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("container name must be 1-63 of [a-z0-9_-], starting alphanumeric: '"
                    + name + "'");
        }
        Objects.requireNonNull(image, "image");
        if (!DIGEST.matcher(image).matches()) {
            throw new IllegalArgumentException("image must be an image digest sha256:<64 hex>, got '" + image + "'");
        }
        command = List.copyOf(command);
        if (command.isEmpty() || command.size() > MAX_ARGS) {
            throw new IllegalArgumentException("command must have 1.." + MAX_ARGS + " arguments");
        }
        if (command.get(0).isBlank()) {
            throw new IllegalArgumentException("command program cannot be blank");
        }
        env = Map.copyOf(env);
        for (String key : env.keySet()) {
            if (!ENV_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("invalid environment variable name: '" + key + "'");
            }
        }
        Objects.requireNonNull(workingDir, "workingDir");
        if (!workingDir.startsWith("/")) {
            throw new IllegalArgumentException("working directory must be absolute: " + workingDir);
        }
        Objects.requireNonNull(limits, "limits");
        mounts = List.copyOf(mounts);
        Objects.requireNonNull(network, "network");
        labels = Map.copyOf(labels);
        Objects.requireNonNull(stopGrace, "stopGrace");
        if (stopGrace.isNegative() || stopGrace.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("stop grace must be 0..5 minutes, got " + stopGrace);
        }
    }

    /**
     * Starts a builder with the safe defaults.
     *
     * @param name the container name
     * @param image the image digest
     * @param command the program and its arguments
     * @return a builder
     */
    public static Builder builder(String name, String image, List<String> command) {
        return new Builder(name, image, command);
    }

    /**
     * Returns a builder holding this spec's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(name, image, command);
        b.env.putAll(env);
        b.workingDir = workingDir;
        b.limits = limits;
        b.mounts.addAll(mounts);
        b.network = network;
        b.readOnlyRoot = readOnlyRoot;
        b.labels.putAll(labels);
        b.stopGrace = stopGrace;
        return b;
    }

    /** Builds a {@link ContainerSpec}; defaults: no network, read-only root, {@link ResourceLimits#SMALL}, 5 s grace. */
    public static final class Builder {
        private String name;
        private String image;
        private List<String> command;
        private final Map<String, String> env = new LinkedHashMap<>();
        private String workingDir = "/";
        private ResourceLimits limits = ResourceLimits.SMALL;
        private final List<Mount> mounts = new ArrayList<>();
        private NetworkMode network = NetworkMode.NONE;
        private boolean readOnlyRoot = true;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private Duration stopGrace = Duration.ofSeconds(5);

        private Builder(String name, String image, List<String> command) {
            this.name = name;
            this.image = image;
            this.command = command;
        }

        /**
         * Sets the name.
         *
         * @param value the name
         * @return this builder
         */
        public Builder name(String value) {
            this.name = value;
            return this;
        }

        /**
         * Sets the image digest.
         *
         * @param value the digest
         * @return this builder
         */
        public Builder image(String value) {
            this.image = value;
            return this;
        }

        /**
         * Sets the command.
         *
         * @param value the program and its arguments
         * @return this builder
         */
        public Builder command(List<String> value) {
            this.command = value;
            return this;
        }

        /**
         * Adds an environment variable.
         *
         * @param key the name
         * @param value the value
         * @return this builder
         */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /**
         * Sets the working directory.
         *
         * @param value an absolute path
         * @return this builder
         */
        public Builder workingDir(String value) {
            this.workingDir = value;
            return this;
        }

        /**
         * Sets the limits.
         *
         * @param value the limits
         * @return this builder
         */
        public Builder limits(ResourceLimits value) {
            this.limits = value;
            return this;
        }

        /**
         * Adds a mount.
         *
         * @param value the mount
         * @return this builder
         */
        public Builder mount(Mount value) {
            mounts.add(value);
            return this;
        }

        /**
         * Sets network access.
         *
         * @param value the network mode
         * @return this builder
         */
        public Builder network(NetworkMode value) {
            this.network = value;
            return this;
        }

        /**
         * Sets whether the root file system is read-only.
         *
         * @param value true for read-only
         * @return this builder
         */
        public Builder readOnlyRoot(boolean value) {
            this.readOnlyRoot = value;
            return this;
        }

        /**
         * Adds a label.
         *
         * @param key the label
         * @param value its value
         * @return this builder
         */
        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        /**
         * Sets the stop grace period.
         *
         * @param value the grace period
         * @return this builder
         */
        public Builder stopGrace(Duration value) {
            this.stopGrace = value;
            return this;
        }

        /**
         * Builds and validates the spec.
         *
         * @return the spec
         * @throws IllegalArgumentException if a value is invalid
         */
        public ContainerSpec build() {
            return new ContainerSpec(name, image, command, env, workingDir, limits, mounts, network, readOnlyRoot,
                    labels, stopGrace);
        }
    }
}
