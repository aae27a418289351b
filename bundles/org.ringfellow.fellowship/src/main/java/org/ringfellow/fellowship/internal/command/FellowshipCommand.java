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

    @Override
    public final Object execute() throws Exception {
        try {
            return run();
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage());
            return null;
        }
    }

    abstract Object run() throws Exception;

    Fellowship fellowship(String id) {
        FellowshipId fid = new FellowshipId(id.trim());
        return fellowships.get(fid).orElseThrow(() -> new IllegalArgumentException("this node is not in fellowship "
                + fid));
    }
}
