package org.ringfellow.fellowship.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipService;

/** What the fellowship commands share: the service and finding a fellowship by id. */
abstract class FellowshipCommand implements Action {

    @Reference
    FellowshipService fellowships;

    /** Karaf shows a thrown exception's message as the command's error, so errors are thrown, not printed. */
    @Override
    public final Object execute() throws Exception {
        return run();
    }

    abstract Object run() throws Exception;

    Fellowship fellowship(String id) {
        FellowshipId fid = new FellowshipId(id.trim());
        return fellowships.get(fid).orElseThrow(() -> new IllegalArgumentException("this node is not in fellowship "
                + fid));
    }
}
