/*
 * ringfellow-monitor: the per-container monitor of the runc and LXC drivers.
 *
 *   ringfellow-monitor EXIT_FILE PID_FILE -- COMMAND [ARG...]
 *
 * Leaves the node's process group, runs COMMAND as its child and writes the container's exit
 * code to EXIT_FILE (atomically: a temporary file renamed), then exits. A container so outlives
 * the JVM that started it, and its exit code is kept.
 *
 * A process group of its own (setpgid), not a session (setsid): either keeps the signals of the
 * node's terminal and process group (Ctrl-C, kill -- -PGID) away from the container, but a new
 * session is also a new scheduler autogroup, which a loaded host places behind every other
 * group: that cost ~10 ms per start, and runc would run in it too.
 *
 * Standard streams: COMMAND (and so the container) gets this program's standard input and its
 * standard error as both output streams (the container's output file). Standard output is the
 * starter's notice: once COMMAND has started the container (it exited, or at once for a COMMAND
 * that lasts as long as the container) its exit code is written there as one line and it is
 * closed, so a starter waits by reading a pipe instead of polling. Nothing else is written to
 * it, and a starter that went away meanwhile does no harm.
 *
 * PID_FILE "-": COMMAND is the container's monitor itself (lxc-execute); its exit code is the
 * container's (or 128 + the signal that killed it).
 *
 * Otherwise COMMAND starts the container detached (runc run --detach --pid-file PID_FILE) and
 * exits; this process is a child subreaper, so the container's init, orphaned by COMMAND, is
 * reparented here and its exit code is collected. If COMMAND fails, its own exit code is
 * written. A static C program of a few KiB instead of a foreground runc (a Go program of
 * ~10 MiB resident) per container.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int code_of(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return 255;
}

static void write_exit(const char *path, int code) {
    char tmp[4096];
    char text[16];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int) sizeof tmp) {
        return;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return;
    }
    int n = snprintf(text, sizeof text, "%d\n", code);
    ssize_t w = write(fd, text, (size_t) n);
    close(fd);
    if (w == n) {
        rename(tmp, path);
    } else {
        unlink(tmp);
    }
}

static long read_pid(const char *path) {
    char buf[32];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return -1;
    }
    buf[n] = 0;
    char *end;
    long pid = strtol(buf, &end, 10);
    return pid > 0 && (*end == 0 || *end == '\n') ? pid : -1;
}

static pid_t wait_retry(pid_t pid, int *status) {
    pid_t r;
    do {
        r = waitpid(pid, status, 0);
    } while (r < 0 && errno == EINTR);
    return r;
}

int main(int argc, char **argv) {
    if (argc < 5 || strcmp(argv[3], "--") != 0) {
        fprintf(stderr, "usage: ringfellow-monitor EXIT_FILE PID_FILE|- -- COMMAND [ARG...]\n");
        return 2;
    }
    const char *exit_file = argv[1];
    const char *pid_file = argv[2];
    int detached = strcmp(pid_file, "-") != 0;
    /* the node's terminal and process group are not the container's: no SIGINT or SIGHUP from them */
    setpgid(0, 0);
    signal(SIGPIPE, SIG_IGN);
    if (detached && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
        perror("ringfellow-monitor: prctl(PR_SET_CHILD_SUBREAPER)");
        return 2;
    }
    pid_t child = fork();
    if (child < 0) {
        perror("ringfellow-monitor: fork");
        return 2;
    }
    if (child == 0) {
        signal(SIGPIPE, SIG_DFL);
        dup2(STDERR_FILENO, STDOUT_FILENO);
        execvp(argv[4], argv + 4);
        fprintf(stderr, "ringfellow-monitor: cannot run %s: %s\n", argv[4], strerror(errno));
        _exit(127);
    }
    int status;
    if (!detached) {
        close(STDOUT_FILENO);
    }
    if (wait_retry(child, &status) < 0) {
        write_exit(exit_file, 255);
        return 1;
    }
    if (detached) {
        char line[16];
        int n = snprintf(line, sizeof line, "%d\n", code_of(status));
        if (write(STDOUT_FILENO, line, (size_t) n) != n) {
            /* the starter is gone: nobody to tell */
        }
        close(STDOUT_FILENO);
    }
    if (!detached || code_of(status) != 0) {
        write_exit(exit_file, code_of(status));
        return 0;
    }
    long init = read_pid(pid_file);
    if (init <= 0) {
        fprintf(stderr, "ringfellow-monitor: no pid in %s\n", pid_file);
        write_exit(exit_file, 255);
        return 1;
    }
    /* reap every orphan reparented here until the init is among them */
    for (;;) {
        pid_t r = wait_retry(-1, &status);
        if (r < 0) {
            /* no child left: the init was never reparented here (it is someone else's now) */
            write_exit(exit_file, 255);
            return 1;
        }
        if (r == (pid_t) init) {
            write_exit(exit_file, code_of(status));
            return 0;
        }
    }
}
