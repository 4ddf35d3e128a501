package org.dimse4j.ae;

import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.pdu.Vectors;
import org.dimse4j.service.Verification;
import org.dimse4j.ul.Association;
import org.dimse4j.ul.AssociationListener;
import org.dimse4j.ul.EventLoop;
import org.dimse4j.ul.Outcome;
import org.dimse4j.ul.SelectorIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our server against a requestor that pipelines C-ECHO-RQs without end and never reads a response: once the kernel's
 * buffers are full our send buffer fills, we stop reading, and TCP pushes back on the peer (its writes stall long
 * before it could have sent what an unbounded server would swallow). Meanwhile the I/O loop neither spins on the
 * unread socket nor blocks: it idles, and another association on it is served. The write-stall timeout then ends the
 * deaf association with an A-ABORT and a log line.
 */
@Timeout(90)
class NonReadingRequestorTest
{
    /** V1 of the spec vectors: A-ASSOCIATE-RQ for Verification, Maximum Length 16384. */
    private static final byte[] ASSOCIATE_RQ = Vectors.hex(Vectors.V1_HEX);
    /** V3: P-DATA-TF with one C-ECHO-RQ on context 1 (80 bytes). */
    private static final byte[] ECHO_RQ = Vectors.hex(Vectors.V3_HEX);
    /** An unbounded server would take this much and more; a bounded one pushes back far earlier. */
    private static final long MAX_ACCEPTED = 256L << 20;
    /** Direct memory one association may hold: receive ring, send buffer, command buffer, well under this. */
    private static final long DIRECT_MEMORY_BOUND = 8L << 20;

    /** Counts the loop's duty cycles that did work and those that found nothing to do. */
    private static final class CountingIdle implements IdleStrategy
    {
        private final IdleStrategy delegate;
        final AtomicLong busy = new AtomicLong();
        final AtomicLong quiet = new AtomicLong();

        CountingIdle(final IdleStrategy delegate)
        {
            this.delegate = delegate;
        }

        @Override
        public void idle(final int workCount)
        {
            (workCount > 0 ? busy : quiet).incrementAndGet();
            delegate.idle(workCount);
        }

        @Override
        public void idle()
        {
            quiet.incrementAndGet();
            delegate.idle();
        }

        @Override
        public void reset()
        {
            delegate.reset();
        }
    }

    @Test
    void shouldPushBackOnAFloodOfEchoesWithoutSpinningOrBlockingTheLoop() throws Exception
    {
        pushBackWithoutSpinningOrBlocking(ASSOCIATE_RQ, echoes(1000, 1));
    }

    /**
     * One P-DATA-TF may carry many PDVs: 221 C-ECHO-RQs fill our 16384-byte Maximum Length, and each answer claims
     * room for a whole PDU of the peer's (64 KiB here, so that the send buffer holds just two). The requests wait in
     * the ring until the answers can go; the association was once aborted here ("send buffer full").
     */
    @Test
    void shouldPushBackOnEchoesPackedManyToAPdu() throws Exception
    {
        pushBackWithoutSpinningOrBlocking(Vectors.hex(Vectors.V1_HEX.replace("5100000400004000", "5100000400010000")),
            echoes(50, 221));
    }

    private void pushBackWithoutSpinningOrBlocking(final byte[] associateRq, final ByteBuffer pdus) throws Exception
    {
        final ApplicationEntity ae = ApplicationEntity.named("ECHOSCP").acceptVerification().build();
        final BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(pool -> "direct".equals(pool.getName())).findFirst().orElseThrow();
        final EventLoop loop = new EventLoop("deaf-requestor-io", null);
        final CountingIdle idle = new CountingIdle(new SelectorIdleStrategy(loop.selector(), loop.onWake(), 50_000, 10));
        final ServerSocketChannel listener = ServerSocketChannel.open()
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        final int port = ((InetSocketAddress)listener.getLocalAddress()).getPort();
        final java.util.Queue<Association> established = new java.util.concurrent.ConcurrentLinkedQueue<>();
        loop.listen(listener, new EventLoop.Acceptor(ae.settings(), ae.policy(),
            () -> new Recording(new DimseProvider(new ServiceDispatcher(null)), established),
            new EventLoop.ServerCounter(0)));
        final AgentRunner runner = new AgentRunner(idle, Throwable::printStackTrace, null, loop);
        AgentRunner.startOnThread(runner);
        try (SocketChannel deaf = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)))
        {
            final long directBefore = direct.getMemoryUsed();
            associate(deaf, associateRq);
            final long accepted = floodUntilPushedBack(deaf, pdus);
            assertTrue(accepted < MAX_ACCEPTED, "TCP pushed back after " + accepted + " bytes");

            // the loop idles although the deaf peer's requests lie unread in the socket (no spinning on OP_READ)
            final long quietBefore = idle.quiet.get();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (idle.quiet.get() - quietBefore < 200 && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
            }
            assertTrue(idle.quiet.get() - quietBefore >= 200, "the I/O loop never idles: " + idle.busy.get() +
                " busy and " + (idle.quiet.get() - quietBefore) + " idle cycles since the peer was pushed back");

            // and it is not blocked: another association on it is served meanwhile
            try (ClientAssociation other = ApplicationEntity.named("OTHER").dimseTimeoutMs(10_000).build()
                .connect("127.0.0.1", port, "ECHOSCP", ContextRequest.of(Verification.SOP_CLASS)))
            {
                assertEquals(0, other.echo());
            }
            final Association deafOne = established.peek();
            assertNotNull(deafOne);
            assertEquals(Outcome.OPEN, deafOne.outcome(), "merely waiting: " + deafOne.failure());
            final long grown = direct.getMemoryUsed() - directBefore;
            assertTrue(grown < DIRECT_MEMORY_BOUND, "direct memory grew by " + grown + " bytes");
            assertEquals(0, deaf.write(pdus.duplicate()), "still pushed back (and not reset: no timeout yet)");
        }
        finally
        {
            runner.close();
        }
    }

    /** Passes everything to the DIMSE provider and remembers each association once established. */
    private record Recording(DimseProvider provider, java.util.Queue<Association> established)
        implements AssociationListener
    {
        @Override
        public void onEstablished(final Association association)
        {
            established.add(association);
            provider.onEstablished(association);
        }

        @Override
        public void onPdv(final Association association, final int contextId, final int controlHeader,
            final org.agrona.DirectBuffer buffer, final int offset, final int length)
        {
            provider.onPdv(association, contextId, controlHeader, buffer, offset, length);
        }

        @Override
        public void onReleaseRequested(final Association association)
        {
            provider.onReleaseRequested(association);
        }

        @Override
        public int onIdle(final Association association)
        {
            return provider.onIdle(association);
        }

        @Override
        public void onClosed(final Association association)
        {
            provider.onClosed(association);
        }
    }

    @Test
    void shouldAbortARequestorThatReadsNothingAfterTheWriteStallTimeout() throws Exception
    {
        final PrintStream stderr = System.err;
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Server server = ApplicationEntity.named("ECHOSCP").acceptVerification().writeStallTimeoutMs(1_000)
            .acseTimeoutMs(30_000).build().listen(new InetSocketAddress("127.0.0.1", 0));
             SocketChannel deaf = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port())))
        {
            System.setErr(new PrintStream(new TeeStream(stderr, log), true, StandardCharsets.UTF_8));
            associate(deaf, ASSOCIATE_RQ);
            try
            {
                final long accepted = floodUntilPushedBack(deaf, echoes(1000, 1));
                assertTrue(accepted < MAX_ACCEPTED, "TCP pushed back after " + accepted + " bytes");
            }
            catch (final IOException reset)
            {
                // the timeout may end the association before our flood notices that it is pushed back
            }
            // no ARTIM wait (30 s here) for a peer that cannot even take the A-ABORT: closed at once
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.openAssociations() > 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
            assertEquals(0, server.openAssociations(), "the deaf association was ended");
            assertTrue(log.toString(StandardCharsets.UTF_8).contains("write-stall timeout"), log.toString());
            assertTrue(endsWithinBound(deaf), "the connection is closed: reading what was sent ends");
            try (ClientAssociation other = ApplicationEntity.named("OTHER").dimseTimeoutMs(10_000).build()
                .connect("127.0.0.1", server.port(), "ECHOSCP", ContextRequest.of(Verification.SOP_CLASS)))
            {
                assertEquals(0, other.echo());
            }
        }
        finally
        {
            System.setErr(stderr);
        }
    }

    /** Sends the A-ASSOCIATE-RQ and reads the A-ASSOCIATE-AC, blocking; leaves the channel non-blocking. */
    private static void associate(final SocketChannel channel, final byte[] associateRq) throws IOException
    {
        channel.configureBlocking(true);
        channel.write(ByteBuffer.wrap(associateRq));
        final ByteBuffer header = ByteBuffer.allocate(6);
        while (header.hasRemaining() && channel.read(header) >= 0)
        {
            // until the header is in
        }
        assertEquals(0x02, header.get(0), "A-ASSOCIATE-AC");
        final ByteBuffer body = ByteBuffer.allocate(header.getInt(2));
        while (body.hasRemaining() && channel.read(body) >= 0)
        {
            // until the PDU is in
        }
        channel.configureBlocking(false);
    }

    /**
     * @param pdus        P-DATA-TF PDUs.
     * @param pdvsPerPdu  C-ECHO-RQ PDVs in each (V3's PDV item repeated behind one PDU header).
     * @return the PDUs, back to back.
     */
    private static ByteBuffer echoes(final int pdus, final int pdvsPerPdu)
    {
        final int pdvItem = ECHO_RQ.length - 6;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(pdus * (6 + pdvsPerPdu * pdvItem));
        for (int i = 0; i < pdus; i++)
        {
            buffer.put((byte)0x04).put((byte)0).putInt(pdvsPerPdu * pdvItem);
            for (int j = 0; j < pdvsPerPdu; j++)
            {
                buffer.put(ECHO_RQ, 6, pdvItem);
            }
        }
        return buffer.flip();
    }

    /**
     * Writes whole C-ECHO-RQ PDUs, never reading, until the peer has taken nothing for 200 tries in a row (about a
     * second) or {@link #MAX_ACCEPTED} bytes went in.
     *
     * @return bytes the server side took.
     */
    private static long floodUntilPushedBack(final SocketChannel channel, final ByteBuffer pdus) throws Exception
    {
        final ByteBuffer echoes = pdus.duplicate();
        long total = 0;
        int stalled = 0;
        while (stalled < 200 && total < MAX_ACCEPTED)
        {
            if (!echoes.hasRemaining())
            {
                echoes.clear();
            }
            final int n = channel.write(echoes);
            total += n;
            if (n > 0)
            {
                stalled = 0;
            }
            else
            {
                stalled++;
                Thread.sleep(5);
            }
        }
        return total;
    }

    /** Reads (and drops) what the server sent until end of stream or reset; false if it goes on past the bound. */
    private static boolean endsWithinBound(final SocketChannel channel) throws IOException
    {
        channel.configureBlocking(true);
        channel.socket().setSoTimeout(10_000);
        long total = 0;
        try
        {
            final java.io.InputStream in = channel.socket().getInputStream();
            final byte[] bytes = new byte[1 << 16];
            while (total < MAX_ACCEPTED)
            {
                final int n = in.read(bytes);
                if (n < 0)
                {
                    return true;
                }
                total += n;
            }
            return false;
        }
        catch (final java.net.SocketException ex)
        {
            return true; // reset: the server closed with our requests unread
        }
    }

    /** Copies what is written to two streams. */
    private static final class TeeStream extends java.io.OutputStream
    {
        private final java.io.OutputStream first;
        private final java.io.OutputStream second;

        TeeStream(final java.io.OutputStream first, final java.io.OutputStream second)
        {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(final int b) throws IOException
        {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException
        {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
