package org.dimse4j.cli;

import org.dimse4j.ae.RemoteAe;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class QrScpTest
{
    @Test
    void shouldParseMoveDestinations()
    {
        assertEquals(new RemoteAe("STORESCP", "127.0.0.1", 11113), QrScp.parseDestination("STORESCP=127.0.0.1:11113"));
        assertEquals(new RemoteAe("A=B", "host.example", 104), QrScp.parseDestination("A=B=host.example:104"));
        for (final String bad : new String[] {"STORESCP", "=h:1", "A=:1", "A=h:", "A=h:x", "A=h:0", "A=h:70000",
            "THIS-TITLE-IS-TOO-LONG=h:1", "A=h"})
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> QrScp.parseDestination(bad), bad);
            assertNotNull(ex.getMessage(), bad);
        }
    }
}
