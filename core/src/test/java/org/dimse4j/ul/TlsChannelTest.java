package org.dimse4j.ul;

import org.dimse4j.testing.TestKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link TlsChannel} as the acceptor, against a JSSE client engine over a plain socket whose records the test writes
 * in pieces of its choosing.
 */
@Timeout(60)
class TlsChannelTest
{
    @TempDir
    static Path pki;

    @BeforeAll
    static void makeKeys() throws Exception
    {
        TestKeys.make(pki, "server");
    }

    /**
     * JSSE's unwrap says BUFFER_OVERFLOW when the destination cannot hold a record's plaintext before it looks whether
     * the whole record has arrived. With a record only partly received and little room in the destination (the
     * receive ring's free region near the end of a lap), the rest of the record must still be read from the socket:
     * it once was not, the socket stayed readable, and the I/O loop spun on it while the transfer stood still (seen
     * with DCMTK's storescu sending over TLS 1.3).
     */
    @Test
    void shouldReadTheRestOfARecordWhileTheDestinationIsSmall() throws Exception
    {
        final TlsSettings settings = TestKeys.tls(pki, "server").clientAuth(TlsSettings.ClientAuth.NONE);
        try (ServerSocketChannel listener = ServerSocketChannel.open()
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel client = SocketChannel.open(listener.getLocalAddress());
            SocketChannel accepted = listener.accept())
        {
            accepted.configureBlocking(false);
            final TlsChannel tls = new TlsChannel(accepted, settings.newEngine(false, null, -1), "test");
            final SSLEngine engine = TestKeys.tls(pki, null, "server").context().createSSLEngine();
            engine.setUseClientMode(true);
            handshake(tls, client, engine);

            final byte[] plain = new byte[16_000];
            new Random(3).nextBytes(plain);
            final ByteBuffer record = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            assertEquals(SSLEngineResult.Status.OK, engine.wrap(ByteBuffer.wrap(plain), record).getStatus());
            record.flip();
            final int end = record.limit();
            assertTrue(end > plain.length && end < 2 * plain.length, "one record of " + end + " bytes");

            final ByteBuffer received = ByteBuffer.allocate(plain.length);
            record.limit(1_000);
            write(client, record);
            for (int i = 0; i < 20; i++)
            {
                assertEquals(0, readSmall(tls, received), "a partial record yields nothing yet");
                Thread.sleep(5);
            }
            record.limit(end);
            write(client, record);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (received.position() < plain.length && System.nanoTime() < deadline)
            {
                if (readSmall(tls, received) == 0)
                {
                    Thread.sleep(1);
                }
            }
            assertEquals(plain.length, received.position(), "plaintext bytes read through a 100-byte window");
            assertArrayEquals(plain, received.array());
            tls.close();
        }
    }

    /** Reads through a window of at most 100 bytes at the destination's position. */
    private static int readSmall(final TlsChannel tls, final ByteBuffer dst) throws IOException
    {
        dst.limit(Math.min(dst.capacity(), dst.position() + 100));
        return tls.read(dst);
    }

    private static void write(final SocketChannel socket, final ByteBuffer bytes) throws IOException
    {
        while (bytes.hasRemaining())
        {
            socket.write(bytes);
        }
    }

    /**
     * Runs the client's side of the handshake on a blocking socket in a thread, while this thread drives the
     * acceptor's side through {@link TlsChannel#read}, until both are done.
     */
    private static void handshake(final TlsChannel tls, final SocketChannel client, final SSLEngine engine)
        throws Exception
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread peer = new Thread(() ->
        {
            try
            {
                clientHandshake(client, engine);
            }
            catch (final Exception | AssertionError ex)
            {
                failure.set(ex);
            }
        }, "tls-client-handshake");
        peer.start();
        final ByteBuffer sink = ByteBuffer.allocate(1 << 16);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((peer.isAlive() || !tls.isHandshakeComplete()) && System.nanoTime() < deadline && failure.get() == null)
        {
            assertEquals(0, tls.read(sink), "no application data during the handshake");
            Thread.sleep(1);
        }
        peer.join(1_000);
        assertNull(failure.get(), () -> "client handshake: " + failure.get());
        assertTrue(tls.isHandshakeComplete() && !peer.isAlive(), "handshake complete on both sides");
    }

    private static void clientHandshake(final SocketChannel socket, final SSLEngine engine) throws Exception
    {
        final int packet = engine.getSession().getPacketBufferSize();
        final ByteBuffer netIn = ByteBuffer.allocate(2 * packet);
        final ByteBuffer netOut = ByteBuffer.allocate(packet);
        final ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        final ByteBuffer empty = ByteBuffer.allocate(0);
        engine.beginHandshake();
        for (int step = 0; step < 1_000; step++)
        {
            switch (engine.getHandshakeStatus())
            {
                case NEED_WRAP:
                    netOut.clear();
                    engine.wrap(empty, netOut);
                    netOut.flip();
                    write(socket, netOut);
                    break;

                case NEED_UNWRAP:
                    netIn.flip();
                    final SSLEngineResult result = engine.unwrap(netIn, app);
                    netIn.compact();
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && socket.read(netIn) < 0)
                    {
                        throw new EOFException("the acceptor closed during the handshake");
                    }
                    break;

                case NEED_TASK:
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null)
                    {
                        task.run();
                    }
                    break;

                default:
                    assertEquals(0, app.position(), "no application data from the acceptor: " +
                        Arrays.toString(Arrays.copyOf(app.array(), app.position())));
                    return;
            }
        }
        fail("the client handshake did not finish");
    }
}
