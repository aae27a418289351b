package org.ringfellow.api.runtime;

/**
 * How the node side of the bridge is reached from inside the container. The node creates the
 * endpoint in the member's bridge directory, which the runtime bind-mounts into the container;
 * both transports carry the same protocol: one JSON object per line, in each direction.
 */
public enum BridgeTransport {

    /**
     * A unix-domain stream socket named {@value #SOCKET_FILE} that the node listens on; app code
     * connects to it (the bundle runtime's launcher does).
     */
    UNIX_SOCKET,

    /**
     * A pair of named pipes: the node writes events into {@value #EVENTS_FIFO} and reads commands
     * from {@value #COMMANDS_FIFO}. For programs that only speak on stdin and stdout and cannot
     * open a socket themselves (the command runtime connects their stdio to the pipes).
     */
    FIFO_PAIR;

    /** The socket's file name in the bridge directory. */
    public static final String SOCKET_FILE = "bridge.sock";
    /** The pipe carrying events from the node to the app. */
    public static final String EVENTS_FIFO = "events";
    /** The pipe carrying commands from the app to the node. */
    public static final String COMMANDS_FIFO = "commands";
}
