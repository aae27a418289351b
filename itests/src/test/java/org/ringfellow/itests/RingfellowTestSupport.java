package org.ringfellow.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.junit.After;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Boots the built Ringfellow distribution under Pax Exam and gives tests a console and the
 * node's services. Nothing but the local Maven repository and Maven Central is used.
 */
public abstract class RingfellowTestSupport {

    /** How long a test waits for something asynchronous before it fails. */
    protected static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected SessionFactory sessionFactory;

    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    /**
     * The options every Ringfellow test container starts with; subclasses add their own.
     *
     * @return the options
     */
    protected Option[] baseConfig() {
        String distribution = new File(System.getProperty("ringfellow.distribution")).toURI().toString();
        String localRepo = System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository");
        List<Option> options = new ArrayList<>(Arrays.asList(
                karafDistributionConfiguration()
                        .frameworkUrl(distribution)
                        .karafVersion(System.getProperty("karaf.version"))
                        .name("Ringfellow")
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevelOption.LogLevel.INFO),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        localRepo),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories",
                        "https://repo1.maven.org/maven2@id=central"),
                systemProperty("pax.exam.osgi.unresolved.fail").value("true")));
        if (Boolean.getBoolean("itests.keep")) {
            options.add(keepRuntimeFolder());
        }
        return options.toArray(new Option[0]);
    }

    /**
     * Runs a console command as the operator would type it and returns what it printed.
     *
     * @param command the command line
     * @return its output, with the printed form of its result if it returned one
     */
    protected String executeCommand(String command) {
        // The operator's roles: Karaf hides commands guarded by ACLs from a session without them.
        Subject operator = new Subject();
        operator.getPrincipals().add(new UserPrincipal("karaf"));
        for (String role : new String[] {"admin", "manager", "viewer", "systembundles"}) {
            operator.getPrincipals().add(new RolePrincipal(role));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessionFactory.create(System.in, out, out)) {
            Object result = Subject.doAs(operator, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
            if (result != null) {
                out.println(result);
            }
        } catch (Exception e) {
            Throwable cause = e instanceof PrivilegedActionException ? e.getCause() : e;
            out.println("ERROR: " + cause.getMessage());
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Waits for an OSGi service.
     *
     * @param <T> the service type
     * @param type the service type
     * @return the service
     * @throws AssertionError if it does not come within {@link #PATIENCE}
     */
    protected <T> T getOsgiService(Class<T> type) {
        // The tracker stays open until the test ends: closing it ungets the service, and some
        // services (Configuration Admin) dispose of the caller's instance when it is ungot.
        ServiceTracker<T, T> tracker = new ServiceTracker<>(bundleContext, type, null);
        tracker.open();
        trackers.add(tracker);
        try {
            T service = tracker.waitForService(PATIENCE.toMillis());
            if (service == null) {
                throw new AssertionError("no " + type.getName() + " service after " + PATIENCE);
            }
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + type.getName(), e);
        }
    }

    /** Releases the services the test used. */
    @After
    public void releaseServices() {
        trackers.forEach(ServiceTracker::close);
        trackers.clear();
    }

    /**
     * Tells whether the node's log file (what the operator reads in {@code data/log}) has a text.
     *
     * @param text the text
     * @return true if a line of {@code karaf.log} contains it
     */
    protected static boolean nodeLogContains(String text) {
        Path log = Path.of(System.getProperty("karaf.log", System.getProperty("karaf.data") + "/log"), "karaf.log");
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.anyMatch(l -> l.contains(text));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /**
     * Polls until a condition holds.
     *
     * @param what what is awaited, for the failure message
     * @param condition the condition
     */
    protected static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + PATIENCE + " waiting for " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
