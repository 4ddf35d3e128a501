package org.dimse4j.ae;

import org.dimse4j.archive.DirectoryStore;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.pdu.PduDescriptor;
import org.dimse4j.testing.DirectMemory;
import org.dimse4j.testing.HostilePeer;
import org.dimse4j.testing.TruncatedStore;
import org.dimse4j.ul.AssociationSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The items of the hostile-peer list that {@link HostilePeerTest} does not cover, over real sockets on 127.0.0.1:
 * random garbage, a TLS ClientHello on the plain port, PDUs cut short (then closed, or left hanging until the ARTIM
 * timer), a PDV longer than the PDU that holds it, and peers that vanish in the middle of a data set, over and over,
 * after which no file is left and the direct memory (buffer pool MX bean) is back at its level. Every answer is
 * compared byte for byte with what PS3.8 Table 9-10 prescribes in the state the peer left us in. While each broken
 * peer is still connected, the server completes a C-ECHO on another association ({@link HostilePeer}), and again
 * once the broken association is gone.
 */
@Timeout(120)
class BrokenPeerTest
{
    /** A-ABORT, source service-user (0), reason 0: AA-1 for an unrecognized PDU in Sta2 (and an A-ABORT to send). */
    private static final String ABORT_IN_STA2 = "07000000000400000000";
    /** A-ABORT, source service-provider (2), reason invalid-PDU-parameter-value (6): AA-8. */
    private static final String ABORT_INVALID_PARAMETER = "07000000000400000206";
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    @TempDir
    Path temp;

    /**
     * Random bytes in Sta2. The PDU-length of random bytes is a random 32-bit number: above every limit of ours, or
     * (for the fixed-length PDUs) not 4. So each round is an unrecognized or invalid PDU (Evt19), answered in Sta2
     * by AA-1: A-ABORT source 0, reason 0, exactly; never a plain close (AA-2 is for an A-ABORT received, Evt16, or
     * ARTIM expiry, Evt18) and never a hang.
     */
    @Test
    void shouldAbortRandomGarbage() throws Exception
    {
        try (Server server = echoServer())
        {
            final Random random = new Random(7);
            for (int round = 0; round < 20; round++)
            {
                final byte[] garbage = new byte[PduDescriptor.HEADER_LENGTH + random.nextInt(4096)];
                random.nextBytes(garbage);
                final int type = garbage[0] & 0xFF;
                final long length = ByteBuffer.wrap(garbage, 2, 4).getInt() & 0xFFFF_FFFFL;
                assertTrue(type < PduDescriptor.A_ASSOCIATE_RQ || type > PduDescriptor.A_ABORT ||
                    length > AssociationSettings.DEFAULT_MAX_ASSOCIATE_PDU_LENGTH,
                    "round " + round + ": the seed gives a header that is Evt19 whatever the state");
                try (HostilePeer peer = HostilePeer.connect(server.port()))
                {
                    peer.send(garbage);
                    final byte[] answer = peer.answerWhileOthersAreServed();
                    assertEquals(ABORT_IN_STA2, answer == null ? "closed" : HexFormat.of().formatHex(answer),
                        "round " + round + ": PDU type 0x" + Integer.toHexString(type) + ", PDU-length " + length);
                }
            }
            awaitNoAssociation(server);
            HostilePeer.assertEchoes(server.port());
        }
    }

    /** A well-formed A-ABORT in Sta2 is Evt16: AA-2 closes the connection and sends nothing, without waiting. */
    @Test
    void shouldCloseWithoutAnswerOnAnAbortInSta2() throws Exception
    {
        try (Server server = echoServer(); HostilePeer peer = HostilePeer.connect(server.port()))
        {
            final long start = System.nanoTime();
            peer.send(HexFormat.of().parseHex(ABORT_IN_STA2));
            assertNull(peer.answerWhileOthersAreServed(), "AA-2: closed, no PDU");
            final long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMs < 1_500, "closed at once, not by the 2 s ARTIM timer: " + waitedMs + " ms");
            awaitNoAssociation(server);
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
        try (Server server = echoServer(); HostilePeer peer = HostilePeer.connect(server.port()))
        {
            peer.send(hello);
            final byte[] answer = peer.answerWhileOthersAreServed();
            assertEquals(ABORT_IN_STA2, answer == null ? "closed" : HexFormat.of().formatHex(answer),
                "PDU type 0x16 is not ours: AA-1");
        }
    }

    /** Each cut-short PDU waits in Sta2 while the server serves another association; each close is AA-5. */
    @Test
    void shouldForgetAPduCutShortByAClose() throws Exception
    {
        try (Server server = echoServer())
        {
            final List<HostilePeer> peers = new ArrayList<>();
            try
            {
                for (final int cut : new int[] {1, 5, 6, 50, HostilePeer.ASSOCIATE_RQ.length - 1})
                {
                    peers.add(HostilePeer.connect(server.port()).send(Arrays.copyOf(HostilePeer.ASSOCIATE_RQ, cut)));
                }
                HostilePeer.assertEchoes(server.port());
                awaitAssociations(server, peers.size(), "the cut-short ones still waiting, the other one gone");
            }
            finally
            {
                for (final HostilePeer peer : peers)
                {
                    peer.close();
                }
            }
            awaitNoAssociation(server);
            HostilePeer.assertEchoes(server.port());
        }
    }

    /** A PDU left hanging in Sta2: ARTIM expires (Evt18) and AA-2 closes the connection without a PDU. */
    @Test
    void shouldAbortAPduLeftHangingWhenTheArtimTimerExpires() throws Exception
    {
        try (Server server = echoServer(); HostilePeer peer = HostilePeer.connect(server.port()))
        {
            final long start = System.nanoTime();
            peer.send(Arrays.copyOf(HostilePeer.ASSOCIATE_RQ, 50));
            final byte[] answer = peer.answerWhileOthersAreServed();
            final long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertNull(answer, "AA-2: closed, no PDU");
            assertTrue(waitedMs >= 1_500 && waitedMs < 10_000, "ended by the 2 s ARTIM timer, after " + waitedMs);
            awaitNoAssociation(server);
            HostilePeer.assertEchoes(server.port());
        }
    }

    @Test
    void shouldAbortAPdvLongerThanItsPdu() throws Exception
    {
        try (Server server = echoServer())
        {
            try (HostilePeer peer = HostilePeer.connect(server.port()).associate())
            {
                // P-DATA-TF of PDU-length 12 whose one PDV claims an item length of 100
                peer.send(HexFormat.of().parseHex("04000000000c" + "00000064" + "0103" + "000000000000"));
                final byte[] answer = peer.answerWhileOthersAreServed();
                assertEquals(ABORT_INVALID_PARAMETER, answer == null ? "closed" : HexFormat.of().formatHex(answer));
            }
            awaitNoAssociation(server);
            HostilePeer.assertEchoes(server.port());
        }
    }

    @Test
    void shouldFreeEverythingWhenPeersVanishMidDataSet() throws Exception
    {
        final Path archive = temp.resolve("archive");
        final ApplicationEntity scp = ApplicationEntity.named("ARCHIVE").acceptVerification()
            .acceptStorage(TransferSyntax.ALL_KNOWN, DirectoryStore.of(archive)).build();
        final ApplicationEntity scu = ApplicationEntity.named("SCU").dimseTimeoutMs(10_000).build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            vanishMidDataSet(server, scu, 0); // first use: thread-local buffers of the loop and the store
            awaitNoAssociation(server);
            final long before = DirectMemory.used();
            for (int i = 1; i <= 30; i++)
            {
                vanishMidDataSet(server, scu, i);
            }
            awaitNoAssociation(server);
            final long after = DirectMemory.used();
            assertTrue(after - before < 1024 * 1024,
                "direct memory back to its level after 30 vanished peers: before " + before + ", after " + after);
            try (Stream<Path> files = Files.walk(archive))
            {
                assertEquals(0, files.filter(Files::isRegularFile).count(), "no file, partial or whole");
            }
            HostilePeer.assertEchoes(server.port());
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
            HostilePeer.assertEchoes(server.port()); // while this one hangs in the middle of its data set
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

    private static void awaitNoAssociation(final Server server) throws InterruptedException
    {
        awaitAssociations(server, 0, "every broken association is gone");
    }

    private static void awaitAssociations(final Server server, final int count, final String what)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.openAssociations() != count && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        assertEquals(count, server.openAssociations(), what);
    }
}
