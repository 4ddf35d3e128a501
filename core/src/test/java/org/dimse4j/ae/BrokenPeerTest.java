package org.dimse4j.ae;

import org.dimse4j.archive.DirectoryStore;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.service.Verification;
import org.dimse4j.testing.RawPdu;
import org.dimse4j.testing.TruncatedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The items of the hostile-peer list that {@link HostilePeerTest} does not cover, over real sockets on 127.0.0.1:
 * random garbage, a TLS ClientHello on the plain port, PDUs cut short (then closed, or left hanging until the ARTIM
 * timer), a PDV longer than the PDU that holds it, and peers that vanish in the middle of a data set, over and over,
 * after which no file is left and the direct memory (buffer pool MX bean) is back at its level. After each, the
 * server serves another association.
 */
@Timeout(120)
class BrokenPeerTest
{
    /** V1 of the spec vectors: an A-ASSOCIATE-RQ for Verification. */
    private static final byte[] ASSOCIATE_RQ = org.dimse4j.pdu.Vectors.hex(org.dimse4j.pdu.Vectors.V1_HEX);
    /** A-ABORT, source service-user (0), reason 0: AA-1 for an unrecognized PDU in Sta2. */
    private static final String ABORT_IN_STA2 = "07000000000400000000";
    /** A-ABORT, source service-provider (2), reason invalid-PDU-parameter-value (6): AA-8. */
    private static final String ABORT_INVALID_PARAMETER = "07000000000400000206";
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    @TempDir
    Path temp;

    @Test
    void shouldAbortRandomGarbage() throws Exception
    {
        try (Server server = echoServer())
        {
            final Random random = new Random(7);
            for (int round = 0; round < 20; round++)
            {
                final byte[] garbage = new byte[1 + random.nextInt(4096)];
                random.nextBytes(garbage);
                try (Socket socket = socket(server))
                {
                    socket.getOutputStream().write(garbage);
                    final byte[] answer = readPduOrEnd(socket.getInputStream());
                    // whatever the first bytes, the answer is an A-ABORT or the connection closes; never a hang
                    assertTrue(answer == null || answer[0] == 0x07 || answer[0] == 0x03,
                        "round " + round + ": " + (answer == null ? "closed" : HexFormat.of().formatHex(answer)));
                }
            }
            awaitNoAssociation(server);
            assertServes(server);
        }
    }

    @Test
    void shouldAbortATlsClientHelloOnThePlainPort() throws Exception
    {
        // the start of a TLS 1.2 ClientHello record: content type 0x16 (handshake), version 3.1, length 0x00c8
        final byte[] hello = new byte[5 + 200];
        new Random(1).nextBytes(hello);
        final byte[] head = HexFormat.of().parseHex("16030100c8010000c40303");
        System.arraycopy(head, 0, hello, 0, head.length);
        try (Server server = echoServer(); Socket socket = socket(server))
        {
            socket.getOutputStream().write(hello);
            assertEquals(ABORT_IN_STA2, HexFormat.of().formatHex(readPduOrEnd(socket.getInputStream())),
                "PDU type 0x16 is not ours: AA-1");
            assertServes(server);
        }
    }

    @Test
    void shouldForgetAPduCutShortByAClose() throws Exception
    {
        try (Server server = echoServer())
        {
            for (final int cut : new int[] {1, 5, 6, 50, ASSOCIATE_RQ.length - 1})
            {
                try (Socket socket = socket(server))
                {
                    socket.getOutputStream().write(Arrays.copyOf(ASSOCIATE_RQ, cut));
                }
            }
            awaitNoAssociation(server);
            assertServes(server);
        }
    }

    @Test
    void shouldAbortAPduLeftHangingWhenTheArtimTimerExpires() throws Exception
    {
        try (Server server = echoServer(); Socket socket = socket(server))
        {
            socket.getOutputStream().write(Arrays.copyOf(ASSOCIATE_RQ, 50));
            final long start = System.nanoTime();
            final byte[] answer = readPduOrEnd(socket.getInputStream());
            final long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(answer == null || answer[0] == 0x07, "closed or aborted");
            assertTrue(waitedMs >= 1_500 && waitedMs < 10_000, "ended by the 2 s ARTIM timer, after " + waitedMs);
            awaitNoAssociation(server);
            assertServes(server);
        }
    }

    @Test
    void shouldAbortAPdvLongerThanItsPdu() throws Exception
    {
        try (Server server = echoServer(); Socket socket = socket(server))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(ASSOCIATE_RQ);
            assertEquals(0x02, readPduOrEnd(socket.getInputStream())[0], "A-ASSOCIATE-AC");
            // P-DATA-TF of PDU-length 12 whose one PDV claims an item length of 100
            out.write(HexFormat.of().parseHex("04000000000c" + "00000064" + "0103" + "000000000000"));
            assertEquals(ABORT_INVALID_PARAMETER, HexFormat.of().formatHex(readPduOrEnd(socket.getInputStream())));
            awaitNoAssociation(server);
            assertServes(server);
        }
    }

    @Test
    void shouldFreeEverythingWhenPeersVanishMidDataSet() throws Exception
    {
        final BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(pool -> "direct".equals(pool.getName())).findFirst().orElseThrow();
        final Path archive = temp.resolve("archive");
        final ApplicationEntity scp = ApplicationEntity.named("ARCHIVE").acceptVerification()
            .acceptStorage(TransferSyntax.ALL_KNOWN, DirectoryStore.of(archive)).build();
        final ApplicationEntity scu = ApplicationEntity.named("SCU").dimseTimeoutMs(10_000).build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            vanishMidDataSet(server, scu, 0); // first use: thread-local buffers of the loop and the store
            awaitNoAssociation(server);
            final long before = direct.getMemoryUsed();
            for (int i = 1; i <= 30; i++)
            {
                vanishMidDataSet(server, scu, i);
            }
            awaitNoAssociation(server);
            final long after = direct.getMemoryUsed();
            assertTrue(after - before < 1024 * 1024,
                "direct memory back to its level after 30 vanished peers: before " + before + ", after " + after);
            try (Stream<Path> files = Files.walk(archive))
            {
                assertEquals(0, files.filter(Files::isRegularFile).count(), "no file, partial or whole");
            }
            assertServes(server);
        }
    }

    private static void vanishMidDataSet(final Server server, final ApplicationEntity scu, final int n)
        throws IOException
    {
        final ClientAssociation assoc = scu.connect("127.0.0.1", server.port(), "ARCHIVE",
            ContextRequest.of(CT, TransferSyntax.DEFAULT));
        try
        {
            TruncatedStore.send(assoc, CT, "1.2.3.999." + n);
        }
        finally
        {
            assoc.association().close(); // the TCP connection drops: no A-RELEASE, no A-ABORT
            assoc.close();
        }
    }

    private static Server echoServer() throws IOException
    {
        return ApplicationEntity.named("ECHOSCP").acceptVerification().acseTimeoutMs(2_000).build()
            .listen(new InetSocketAddress("127.0.0.1", 0));
    }

    private static Socket socket(final Server server) throws IOException
    {
        final Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(15_000);
        return socket;
    }

    private static void awaitNoAssociation(final Server server) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.openAssociations() > 0 && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        assertEquals(0, server.openAssociations(), "every broken association is gone");
    }

    private static void assertServes(final Server server) throws IOException
    {
        try (ClientAssociation assoc = ApplicationEntity.named("CHECK").dimseTimeoutMs(5_000).build()
            .connect("127.0.0.1", server.port(), "ANY", ContextRequest.of(Verification.SOP_CLASS)))
        {
            assertEquals(0, assoc.echo());
            assoc.release();
        }
    }

    /** @return the next PDU, or null if the peer closed (or reset) first; fails on a read timeout. */
    private static byte[] readPduOrEnd(final InputStream in) throws IOException
    {
        try
        {
            return RawPdu.read(in);
        }
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("no answer and no close within the read timeout", ex);
        }
        catch (final EOFException | java.net.SocketException closed)
        {
            return null;
        }
    }
}
