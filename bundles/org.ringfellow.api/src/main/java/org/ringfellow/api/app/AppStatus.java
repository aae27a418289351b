package org.ringfellow.api.app;

import java.util.List;

/**
 * The status of a deployed app, for {@code app:status}.
 *
 * @param descriptor what the app declared
 * @param digest the SHA-256 of its artifact
 * @param state its overall state
 * @param message why it is in this state, for the developer
 * @param members each member's part
 */
public record AppStatus(AppDescriptor descriptor, String digest, AppState state, String message,
        List<MemberStatus> members) {

    /** Makes the member list immutable. */
    public AppStatus {
        members = List.copyOf(members);
    }
}
