package org.ringfellow.rest.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The job bundle's service ({@code org.ringfellow.job.internal.host.JobService}, the one the {@code job:*}
 * console commands use) as the API calls it. That interface is in a package the job bundle does not export, so
 * this bundle cannot import it: the service is found by its {@code objectClass} name and called by its method
 * names through the interface's public methods, and its answers (records: {@code JobView}, {@code TaskLine})
 * are turned into plain maps component by component. The REST bundle therefore has no package dependency on the
 * job bundle and runs where {@code ringfellow-jobs} is not installed. {@code JobsClientTest} calls it over an
 * implementation of the real interface, so a change of that interface breaks this bundle's build, not a node.
 */
final class JobsClient {

    /** The service's interface, by name. */
    static final String SERVICE = "org.ringfellow.job.internal.host.JobService";
    /** The job service's refusal, by name: its message is the console's. */
    static final String REFUSAL = "org.ringfellow.job.internal.host.JobException";

    /** A refusal of the job service, with its message. */
    static final class Refused extends Exception {

        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private final Object service;
    private final Method submit;
    private final Method list;
    private final Method status;
    private final Method tasks;
    private final Method cancel;

    /**
     * @param service an object implementing the job service's interface
     * @throws IllegalArgumentException if it does not, or the interface lacks a method this client calls
     */
    JobsClient(Object service) {
        this.service = Objects.requireNonNull(service, "service");
        Class<?> api = find(service.getClass());
        if (api == null) {
            throw new IllegalArgumentException(service.getClass().getName() + " does not implement " + SERVICE);
        }
        try {
            submit = api.getMethod("submit", Path.class);
            list = api.getMethod("list");
            status = api.getMethod("status", String.class);
            tasks = api.getMethod("tasks", String.class);
            cancel = api.getMethod("cancel", String.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(SERVICE + " lacks a method the REST API calls: " + e.getMessage(), e);
        }
    }

    /** @return the object this client calls */
    Object service() {
        return service;
    }

    private static Class<?> find(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Class<?> i : k.getInterfaces()) {
                if (i.getName().equals(SERVICE)) {
                    return i;
                }
                Class<?> deeper = find(i);
                if (deeper != null) {
                    return deeper;
                }
            }
        }
        return null;
    }

    /** {@code JobService.submit(file)}: the job as it stands. */
    Map<String, Object> submit(Path file) throws Refused {
        return asMap(call(submit, file));
    }

    /** {@code JobService.list()}. */
    List<Object> list() throws Refused {
        return asList(call(list));
    }

    /** {@code JobService.status(id)}. */
    Optional<Map<String, Object>> status(String id) throws Refused {
        Object o = call(status, id);
        return o instanceof Optional<?> opt && opt.isPresent() ? Optional.of(asMap(opt.get())) : Optional.empty();
    }

    /** {@code JobService.tasks(id)}: one entry per task with its result. */
    List<Object> tasks(String id) throws Refused {
        return asList(call(tasks, id));
    }

    /** {@code JobService.cancel(id)}: the job as it stands. */
    Map<String, Object> cancel(String id) throws Refused {
        return asMap(call(cancel, id));
    }

    private Object call(Method m, Object... args) throws Refused {
        try {
            return m.invoke(service, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause != null && cause.getClass().getName().equals(REFUSAL)) {
                throw new Refused(String.valueOf(cause.getMessage()));
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("the job service failed: " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the job service cannot be called: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        Object p = plain(o);
        if (!(p instanceof Map)) {
            throw new IllegalStateException("the job service answered " + (o == null ? "null" : o.getClass().getName())
                    + ", not a record");
        }
        return (Map<String, Object>) p;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object o) {
        Object p = plain(o);
        if (!(p instanceof List)) {
            throw new IllegalStateException("the job service answered " + (o == null ? "null" : o.getClass().getName())
                    + ", not a list");
        }
        return (List<Object>) p;
    }

    /**
     * A value of the job service as JSON-ready Java: a record becomes a map of its components in declaration
     * order, an empty {@link Optional} {@code null}, a {@link Duration} its seconds (the component's name gets
     * {@code Seconds} appended), a collection a list; strings, numbers and booleans stay; anything else is its
     * text.
     */
    static Object plain(Object o) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean) {
            return o;
        }
        if (o instanceof Optional<?> opt) {
            return opt.map(JobsClient::plain).orElse(null);
        }
        if (o instanceof Duration d) {
            return d.toMillis() / 1000.0;
        }
        if (o instanceof Enum<?> e) {
            return e.name();
        }
        if (o instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            c.forEach(x -> out.add(plain(x)));
            return out;
        }
        if (o.getClass().isRecord()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (RecordComponent rc : o.getClass().getRecordComponents()) {
                Object v;
                try {
                    v = rc.getAccessor().invoke(o);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + rc.getName() + " of " + o.getClass().getName(), e);
                }
                boolean duration = rc.getType() == Duration.class
                        || rc.getGenericType().getTypeName().equals("java.util.Optional<java.time.Duration>");
                out.put(duration ? rc.getName() + "Seconds" : rc.getName(), plain(v));
            }
            return out;
        }
        return o.toString();
    }
}
