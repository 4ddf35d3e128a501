package org.dimse4j.ae;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.SyntheticInstance;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.pdu.AssociateEncoder;
import org.dimse4j.pdu.AssociatePdu;
import org.dimse4j.pdu.PduDescriptor;
import org.dimse4j.testing.DirectMemory;
import org.dimse4j.ul.AssociationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A peer that accepts the association and then reads nothing: our SCU's writes back off (its send buffer is fixed,
 * the kernel's fills), its direct memory stays bounded (buffer pool MX bean, sampled while it waits), and the DIMSE
 * timeout ends the wait with an A-ABORT instead of hanging.
 */
@Timeout(60)
class NonReadingPeerTest
{
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    /**
     * Direct memory our SCU may add while a 20 MB data set waits on a deaf peer: its receive ring, send buffer and
     * file-transfer buffer, far below the data set. Unbounded buffering would take the 20 MB.
     */
    private static final long DIRECT_MEMORY_BOUND = 8L << 20;

    @TempDir
    Path temp;

    @Test
    void shouldGiveUpOnAPeerThatStopsReading() throws Exception
    {
        final Path file = temp.resolve("big.dcm");
        SyntheticInstance.write(file, CT, "1.2.3.4.5.6.7", "1.2.3.4", "1.2.3.4.5", 20_000_000);
        final CountDownLatch done = new CountDownLatch(1);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final Thread peer = new Thread(() ->
            {
                try (Socket socket = listener.accept())
                {
                    final InputStream in = socket.getInputStream();
                    final byte[] header = new byte[6];
                    new DataInputStream(in).readFully(header);
                    final int length = ((header[2] & 0xFF) << 24) | ((header[3] & 0xFF) << 16) |
                        ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
                    new DataInputStream(in).readFully(new byte[length]);
                    final AssociatePdu ac = new AssociatePdu().pduType(PduDescriptor.A_ASSOCIATE_AC)
                        .calledAeTitle("DEAF").callingAeTitle("SCU").maxLength(16384).implementationClassUid("1.2.3");
                    ac.presentationContexts().add(AssociatePdu.PresentationContext.result(1,
                        AssociatePdu.PresentationContext.ACCEPTANCE, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
                    final UnsafeBuffer out = new UnsafeBuffer(new byte[AssociateEncoder.encodedLength(ac)]);
                    final int n = new AssociateEncoder().encode(ac, out, 0);
                    socket.getOutputStream().write(out.byteArray(), 0, n);
                    done.await(30, TimeUnit.SECONDS); // and never read again
                }
                catch (final Exception ignore)
                {
                    // the test decides
                }
            }, "deaf-peer");
            peer.start();
            final ApplicationEntity scu = ApplicationEntity.named("SCU").dimseTimeoutMs(2_000).build();
            final long directBefore = DirectMemory.used();
            final AtomicLong directPeak = new AtomicLong(directBefore);
            final AtomicBoolean storing = new AtomicBoolean(true);
            final Thread sampler = new Thread(() ->
            {
                while (storing.get())
                {
                    directPeak.accumulateAndGet(DirectMemory.used(), Math::max);
                    LockSupport.parkNanos(1_000_000);
                }
            }, "direct-memory-sampler");
            sampler.start();
            final long start = System.nanoTime();
            try (ClientAssociation assoc = scu.connect("127.0.0.1", listener.getLocalPort(), "DEAF",
                ContextRequest.of(CT, java.util.List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN))))
            {
                final AssociationException ex = assertThrows(AssociationException.class, () -> assoc.store(file));
                assertTrue(ex.getMessage().contains("read nothing"), ex.getMessage());
                assertTrue(assoc.association().isClosed());
            }
            finally
            {
                storing.set(false);
                sampler.join(5_000);
                done.countDown();
                peer.join(5_000);
            }
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "gave up within the timeout");
            final long peakGrowth = Math.max(directPeak.get(), DirectMemory.used()) - directBefore;
            assertTrue(peakGrowth < DIRECT_MEMORY_BOUND, "direct memory grew by " + peakGrowth +
                " bytes at most while the 20 MB data set waited on a peer that reads nothing (bound " +
                DIRECT_MEMORY_BOUND + ")");
            final long kept = DirectMemory.used() - directBefore;
            assertTrue(kept < 1 << 20, "the association's buffers are freed once it is closed: " + kept + " kept");
        }
    }
}
