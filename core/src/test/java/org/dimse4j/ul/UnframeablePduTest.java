package org.dimse4j.ul;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A PDU header the framer rejects (here an unknown PDU type) leaves the stream unframeable: the acceptor sends one
 * A-ABORT, then ignores whatever is buffered or follows until the peer closes or ARTIM expires.
 */
@Timeout(30)
class UnframeablePduTest
{
    @Test
    void shouldAbortOnceAndNotReparseAnUnrecognizedPdu() throws Exception
    {
        final ApplicationEntity scp = ApplicationEntity.named("ECHOSCP").acceptVerification()
            .acseTimeoutMs(1_000).build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0));
            Socket socket = new Socket("127.0.0.1", server.port()))
        {
            socket.setSoTimeout(10_000);
            // PDU type 0x09 does not exist; 4 bytes of body
            socket.getOutputStream().write(HexFormat.of().parseHex("090000000004616263640900"));
            socket.getOutputStream().flush();

            final ByteArrayOutputStream received = new ByteArrayOutputStream();
            final InputStream in = socket.getInputStream();
            final byte[] chunk = new byte[256];
            for (int n; (n = in.read(chunk)) >= 0; )
            {
                received.write(chunk, 0, n); // until the acceptor closes the connection (ARTIM)
            }
            // exactly one A-ABORT PDU (Sta2 + Evt19: AA-1), then nothing until the close
            final String hex = HexFormat.of().formatHex(received.toByteArray());
            assertEquals(20, hex.length(), "one 10-byte A-ABORT PDU, got " + hex);
            assertEquals("070000000004", hex.substring(0, 12), "an A-ABORT PDU");
        }
    }
}
