package org.ringfellow.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Server-Sent Events a log stream writes. */
class LogStreamTest {

    @Test
    void eachLineIsADataLine_andTheIdIsTheOffsetToResumeFrom() {
        assertEquals("event: log\nid: 42\ndata: one\ndata: two\n\n", LogStream.event("log", "42", "one\ntwo\n"));
        assertEquals("event: log\ndata: a\ndata: b\ndata: c\n\n", LogStream.event("log", null, "a\r\nb\rc"));
    }

    @Test
    void blankLinesStayInsideTheEvent_soTheyCannotEndItEarly() {
        assertEquals("event: log\ndata: a\ndata: \ndata: b\n\n", LogStream.event("log", null, "a\n\nb\n"));
        assertEquals("event: end\ndata: app calc was undeployed\n\n", LogStream.event("end", null,
                "app calc was undeployed"));
    }
}
