package org.ringfellow.api.container;

/**
 * The result of a command run in a container.
 *
 * @param exitCode its exit code (-1 if it timed out and was killed)
 * @param stdout what it wrote to standard output, truncated to a bounded size
 * @param stderr what it wrote to standard error, truncated to a bounded size
 */
public record ExecResult(int exitCode, String stdout, String stderr) {
}
