package org.ringfellow.app.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.ringfellow.api.app.AppService;

/** What the app commands share. Karaf shows a thrown exception's message as the command's error. */
abstract class AppCommand implements Action {

    static final int MAX_NAME = 32;

    @Reference
    AppService apps;

    @Override
    public final Object execute() throws Exception {
        return run();
    }

    abstract Object run() throws Exception;

    static String name(String name) {
        String n = name == null ? "" : name.trim();
        if (n.isEmpty() || n.length() > MAX_NAME) {
            throw new IllegalArgumentException("an app name is 1-" + MAX_NAME + " characters");
        }
        return n;
    }
}
