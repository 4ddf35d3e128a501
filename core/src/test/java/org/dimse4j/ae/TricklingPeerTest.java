package org.dimse4j.ae;

import org.dimse4j.testing.HostilePeer;
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
 * another association; a peer that merely pauses between whole PDUs is not. One that trickles its A-ASSOCIATE-RQ at
 * 1 byte per second (Sta2) is closed by ARTIM.
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
            HostilePeer.assertEchoes(server.port());

            // AA-8: A-ABORT source 2 (service-provider), reason 0 (reason-not-specified)
            final byte[] abort = RawPdu.read(socket.getInputStream());
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstByteNs);
            assertArrayEquals(HexFormat.of().parseHex("07000000000400000200"), abort);
            assertTrue(elapsedMs >= PDU_TIMEOUT_MS, "aborted after the deadline, not before: " + elapsedMs);
            assertTrue(sent.get() < ECHO_RQ_PDATA.length, "cut off before the PDU completed: " + sent.get());
            trickle.cancel(true);
        }
        assertEventually(() -> server.openAssociations() == 0, "the trickling association is gone");
        HostilePeer.assertEchoes(server.port());
    }

    /**
     * A peer that trickles its A-ASSOCIATE-RQ at 1 byte per second (slowloris in Sta2). The per-PDU deadline guards
     * established associations only (Sta6); before that, ARTIM, started when the connection was accepted (AE-5),
     * bounds the whole wait for the A-ASSOCIATE-RQ however the bytes come: it expires (Evt18) and AA-2 closes the
     * connection without sending a PDU. So the end comes ARTIM after the connection, not at the shorter PDU deadline
     * (whose A-ABORT would be a PDU) and not when the trickle would have ended (after 68 s). Meanwhile, with the
     * trickler still connected, another association is served.
     */
    @Test
    void shouldCloseAnAssociateRequestTricklingOneBytePerSecondWhenArtimExpires() throws Exception
    {
        final long artimMs = 2_500;
        final long byteIntervalMs = 1_000;
        assertTrue(byteIntervalMs > PDU_TIMEOUT_MS && artimMs < HostilePeer.ASSOCIATE_RQ.length * byteIntervalMs,
            "each byte comes after the PDU deadline, and the trickle outlasts ARTIM");
        final AtomicInteger sent = new AtomicInteger();
        try (Server slow = ApplicationEntity.named("ECHOSCP").acceptVerification().acseTimeoutMs(artimMs)
            .pduTimeoutMs(PDU_TIMEOUT_MS).build().listen(new InetSocketAddress("127.0.0.1", 0));
            HostilePeer peer = HostilePeer.connect(slow.port()))
        {
            final long connectedNs = System.nanoTime();
            final Thread trickle = new Thread(() ->
            {
                try
                {
                    for (final byte b : HostilePeer.ASSOCIATE_RQ)
                    {
                        peer.send(new byte[] {b});
                        sent.incrementAndGet();
                        Thread.sleep(byteIntervalMs);
                    }
                }
                catch (final IOException | InterruptedException ex)
                {
                    // closed by the server, or stopped by the test
                }
            }, "trickle-1-byte-per-second");
            trickle.start();
            try
            {
                assertEventually(() -> sent.get() >= 2, "two bytes sent, the second past the PDU deadline");
                HostilePeer.assertEchoes(slow.port());
                assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectedNs) < artimMs,
                    "the other association was served before ARTIM ended the trickler");
                assertTrue(slow.openAssociations() >= 1, "the trickler is still connected");

                final byte[] answer = peer.answer();
                final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectedNs);
                assertNull(answer, "AA-2: the connection closed without a PDU");
                assertTrue(elapsedMs >= artimMs && elapsedMs < artimMs + 2_000,
                    "closed by ARTIM, " + artimMs + " ms after the connection: " + elapsedMs + " ms");
                assertTrue(sent.get() < HostilePeer.ASSOCIATE_RQ.length, "cut off mid PDU: " + sent.get());
            }
            finally
            {
                trickle.interrupt();
                trickle.join(5_000);
            }
            assertEventually(() -> slow.openAssociations() == 0, "the trickling association is gone");
            HostilePeer.assertEchoes(slow.port());
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
