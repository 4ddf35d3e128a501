package org.dimse4j.ae;

import org.dimse4j.service.Verification;
import org.dimse4j.testing.RawPdu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A peer that trickles a PDU a byte at a time after the association is established (slowloris in Sta6) is cut off
 * by the per-PDU deadline with A-ABORT (service-provider, reason-not-specified), while the server goes on serving
 * another association; a peer that merely pauses between whole PDUs is not.
 */
@Timeout(60)
class TricklingPeerTest
{
    private static final byte[] ASSOCIATE_RQ = org.dimse4j.pdu.Vectors.hex(org.dimse4j.pdu.Vectors.V1_HEX);
    private static final byte[] ECHO_RQ_PDATA = org.dimse4j.pdu.Vectors.hex(org.dimse4j.pdu.Vectors.V3_HEX);
    private static final long PDU_TIMEOUT_MS = 600;
    private static final long BYTE_INTERVAL_MS = 100;

    private Server server;

    @BeforeEach
    void start() throws IOException
    {
        server = ApplicationEntity.named("ECHOSCP").acceptVerification().acseTimeoutMs(5_000)
            .pduTimeoutMs(PDU_TIMEOUT_MS).build().listen(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stop()
    {
        server.close();
    }

    @Test
    void shouldAbortAPDataTricklingOneByteAtATimeWhileServingOthers() throws Exception
    {
        assertTrue(ECHO_RQ_PDATA.length * BYTE_INTERVAL_MS > 4 * PDU_TIMEOUT_MS, "the trickle outlasts the deadline");
        final AtomicInteger sent = new AtomicInteger();
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            socket.setTcpNoDelay(true);
            final OutputStream out = socket.getOutputStream();
            out.write(ASSOCIATE_RQ);
            assertEquals(0x02, RawPdu.read(socket.getInputStream())[0], "A-ASSOCIATE-AC");

            final long firstByteNs = System.nanoTime();
            final CompletableFuture<Void> trickle = CompletableFuture.runAsync(() ->
            {
                try
                {
                    for (final byte b : ECHO_RQ_PDATA)
                    {
                        out.write(b);
                        out.flush();
                        sent.incrementAndGet();
                        Thread.sleep(BYTE_INTERVAL_MS);
                    }
                }
                catch (final IOException | InterruptedException ex)
                {
                    // the server closed the connection after its A-ABORT: expected
                }
            });

            // meanwhile, another association is served normally
            try (ClientAssociation other = ApplicationEntity.named("OTHER").dimseTimeoutMs(5_000).build()
                .connect("127.0.0.1", server.port(), "ECHOSCP", ContextRequest.of(Verification.SOP_CLASS)))
            {
                assertEquals(0, other.echo());
                assertEquals(0, other.echo());
            }

            // AA-8: A-ABORT source 2 (service-provider), reason 0 (reason-not-specified)
            final byte[] abort = RawPdu.read(socket.getInputStream());
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstByteNs);
            assertArrayEquals(HexFormat.of().parseHex("07000000000400000200"), abort);
            assertTrue(elapsedMs >= PDU_TIMEOUT_MS, "aborted after the deadline, not before: " + elapsedMs);
            assertTrue(sent.get() < ECHO_RQ_PDATA.length, "cut off before the PDU completed: " + sent.get());
            trickle.cancel(true);
        }
        assertEventually(() -> server.openAssociations() == 0, "the trickling association is gone");
        try (ClientAssociation again = ApplicationEntity.named("AGAIN").dimseTimeoutMs(5_000).build()
            .connect("127.0.0.1", server.port(), "ECHOSCP", ContextRequest.of(Verification.SOP_CLASS)))
        {
            assertEquals(0, again.echo());
        }
    }

    @Test
    void shouldNotCountThePauseBetweenWholePdus() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            socket.setTcpNoDelay(true);
            final OutputStream out = socket.getOutputStream();
            final InputStream in = socket.getInputStream();
            out.write(ASSOCIATE_RQ);
            assertEquals(0x02, RawPdu.read(in)[0], "A-ASSOCIATE-AC");
            for (int i = 0; i < 2; i++)
            {
                Thread.sleep(3 * PDU_TIMEOUT_MS); // idle between PDUs: the idle timeout's business, not this one's
                out.write(ECHO_RQ_PDATA);
                final byte[] rsp = RawPdu.read(in);
                assertEquals(0x04, rsp[0], "P-DATA-TF with the C-ECHO-RSP, not an A-ABORT");
            }
            // a PDU split in two parts, well within the deadline, is fine too
            out.write(ECHO_RQ_PDATA, 0, 20);
            out.flush();
            Thread.sleep(PDU_TIMEOUT_MS / 4);
            out.write(ECHO_RQ_PDATA, 20, ECHO_RQ_PDATA.length - 20);
            assertEquals(0x04, RawPdu.read(in)[0], "C-ECHO-RSP");
        }
    }

    private static void assertEventually(final java.util.function.BooleanSupplier condition, final String what)
        throws InterruptedException
    {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < end, what);
            Thread.sleep(20);
        }
    }
}
