package org.dimse4j.ae;

import org.dimse4j.archive.DirectoryStore;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.SyntheticInstance;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.service.Verification;
import org.dimse4j.testing.RawPdu;
import org.dimse4j.testing.TestKeys;
import org.dimse4j.ul.AssociationException;
import org.dimse4j.ul.TlsSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * TLS between our SCU and our SCP over loopback: certificates made at test time with the JDK's keytool
 * ({@link TestKeys}: PKCS#12 key stores, exported PEM certificates), mutual authentication, a multi-megabyte
 * C-STORE, configured protocols and cipher suites (the session a JSSE peer sees), and the failures that must end the
 * connection cleanly while the server goes on serving.
 */
@Timeout(120)
class TlsLoopbackTest
{
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    @TempDir
    static Path pki;

    @TempDir
    Path temp;

    @BeforeAll
    static void makeKeys() throws Exception
    {
        TestKeys.make(pki, "server", "client", "stranger");
    }

    /** Our key from its PKCS#12 store, trusting the PEM certificates of {@code trusted}. */
    private static TlsSettings tls(final String who, final String... trusted) throws IOException
    {
        return TestKeys.tls(pki, who, trusted);
    }

    private static ApplicationEntity echoScp(final TlsSettings tls)
    {
        return ApplicationEntity.named("TLSSCP").acceptVerification().acseTimeoutMs(5_000).tls(tls).build();
    }

    private static ClientAssociation echoClient(final TlsSettings tls, final int port) throws IOException
    {
        return ApplicationEntity.named("TLSSCU").acseTimeoutMs(5_000).dimseTimeoutMs(10_000).tls(tls).build()
            .connect("127.0.0.1", port, "TLSSCP", ContextRequest.of(Verification.SOP_CLASS));
    }

    @Test
    void shouldEchoWithMutualAuthentication() throws Exception
    {
        try (Server server = echoScp(tls("server", "client")).listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = echoClient(tls("client", "server"), server.port()))
        {
            assertTrue(assoc.association().isTls());
            for (int i = 0; i < 100; i++)
            {
                assertEquals(0, assoc.echo());
            }
            assoc.release();
            assertEquals(org.dimse4j.ul.Outcome.RELEASED, assoc.association().outcome());
        }
    }

    @Test
    void shouldStoreMultiMegabyteInstancesByteForByteOverTls() throws Exception
    {
        final Path archive = temp.resolve("archive");
        final DirectoryStore store = DirectoryStore.of(archive);
        final ApplicationEntity scp = ApplicationEntity.named("TLSSCP").maxPduLength(131072)
            .acceptStorage(TransferSyntax.ALL_KNOWN, store).tls(tls("server", "client")).build();
        final ApplicationEntity scu = ApplicationEntity.named("TLSSCU").maxPduLength(65536).dimseTimeoutMs(30_000)
            .requestAsyncWindow(4).tls(tls("client", "server")).build();
        final long[] sizes = {2, 16_384, 1_000_000, 8_000_000};
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = scu.connect("127.0.0.1", server.port(), "TLSSCP",
                ContextRequest.of(CT, TransferSyntax.UNCOMPRESSED)))
        {
            for (int i = 0; i < sizes.length; i++)
            {
                final String uid = "1.2.826.0.1.3680043.2.1143.7." + (i + 1);
                final Path file = temp.resolve(uid + ".dcm");
                SyntheticInstance.write(file, CT, uid, "1.2.3", "1.2.3.4", sizes[i]);
                assertEquals(0, assoc.store(file), "status for " + sizes[i] + " pixel bytes");
                assertArrayEquals(dataSet(file), dataSet(store.pathOf(uid)), "data set of " + sizes[i] + " bytes");
            }
            assoc.release();
        }
    }

    @Test
    void shouldRejectARequestorWithoutCertificateWhenRequired() throws Exception
    {
        try (Server server = echoScp(tls("server", "client")).listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            final AssociationException ex = assertThrows(AssociationException.class,
                () -> echoClient(tls(null, "server"), server.port()).close());
            assertTrue(ex.getMessage().contains("TLS") || ex.getMessage().contains("closed"), ex.getMessage());
            assertServes(server, tls("client", "server"));
        }
    }

    @Test
    void shouldAcceptARequestorWithoutCertificateWhenOptional() throws Exception
    {
        try (Server server = echoScp(tls("server", "client").clientAuth(TlsSettings.ClientAuth.OPTIONAL))
            .listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            assertServes(server, tls(null, "server"));
            assertServes(server, tls("client", "server"));
        }
    }

    @Test
    void shouldRefuseAServerSignedByNobodyWeTrust() throws Exception
    {
        try (Server server = echoScp(tls("stranger", "client")).listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            final AssociationException ex = assertThrows(AssociationException.class,
                () -> echoClient(tls("client", "server"), server.port()));
            assertTrue(ex.getMessage().contains("TLS handshake failed"), ex.getMessage());
            assertEquals(0, awaitNoAssociations(server));
        }
    }

    @Test
    void shouldCloseAPlainRequestorOnATlsPortAndKeepServing() throws Exception
    {
        try (Server server = echoScp(tls("server", "client")).listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            // a plain DICOM requestor: its A-ASSOCIATE-RQ is not a TLS record
            final AssociationException ex = assertThrows(AssociationException.class,
                () -> echoClient(null, server.port()));
            assertNotEquals(org.dimse4j.ul.Outcome.OPEN, ex.outcome());
            // raw bytes: the server answers at most with a TLS alert, then closes; it never hangs
            try (Socket socket = new Socket("127.0.0.1", server.port()))
            {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(org.dimse4j.pdu.Vectors.hex(org.dimse4j.pdu.Vectors.V1_HEX));
                final byte[] answer = readToEnd(socket.getInputStream());
                assertTrue(answer.length == 0 || answer[0] == 0x15, "nothing, or a TLS alert record: " +
                    java.util.HexFormat.of().formatHex(answer));
            }
            assertServes(server, tls("client", "server"));
        }
    }

    @Test
    void shouldFailCleanlyWhenATlsRequestorMeetsAPlainPort() throws Exception
    {
        try (Server server = echoScp(null).listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            final AssociationException ex = assertThrows(AssociationException.class,
                () -> echoClient(tls("client", "server"), server.port()));
            assertTrue(ex.getMessage().contains("TLS handshake failed"), ex.getMessage());
            try (ClientAssociation plain = ApplicationEntity.named("PLAIN").build().connect("127.0.0.1",
                server.port(), "TLSSCP", ContextRequest.of(Verification.SOP_CLASS)))
            {
                assertEquals(0, plain.echo());
            }
        }
    }

    /** ECDSA suites (our test keys are EC): one TLS 1.2 suite to configure, one to miss it with. */
    private static final String SUITE = "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256";
    private static final String OTHER_SUITE = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";

    /** What a JSSE peer saw of its handshake with us. */
    private record Negotiated(String protocol, String cipherSuite)
    {
        static Negotiated of(final SSLSocket socket)
        {
            return new Negotiated(socket.getSession().getProtocol(), socket.getSession().getCipherSuite());
        }
    }

    /**
     * Our server restricted to TLS 1.2 and one cipher suite, against a JSSE client that offers the JDK's defaults
     * (TLS 1.3 and 1.2, every default suite): the session is TLS 1.2 with that suite, where the same client gets
     * TLS 1.3 and another suite from a server left at its defaults.
     */
    @Test
    void shouldNegotiateOnlyTheConfiguredProtocolAndCipherSuiteAsAcceptor() throws Exception
    {
        final Negotiated defaults;
        try (Server server = echoScp(tls("server", "client")).listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            defaults = jsseRequestor(server.port());
        }
        assertEquals("TLSv1.3", defaults.protocol(), "by default: " + defaults);
        assertNotEquals(SUITE, defaults.cipherSuite(), "by default: " + defaults);
        try (Server server = echoScp(tls("server", "client").protocols("TLSv1.2").cipherSuites(SUITE))
            .listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            assertEquals(new Negotiated("TLSv1.2", SUITE), jsseRequestor(server.port()));
        }
    }

    /** As the acceptor test, the other way round: our requestor restricted, a JSSE acceptor at the JDK's defaults. */
    @Test
    void shouldNegotiateOnlyTheConfiguredProtocolAndCipherSuiteAsRequestor() throws Exception
    {
        final Negotiated defaults = jsseAcceptor(tls("client", "server"));
        assertEquals("TLSv1.3", defaults.protocol(), "by default: " + defaults);
        assertNotEquals(SUITE, defaults.cipherSuite(), "by default: " + defaults);
        assertEquals(new Negotiated("TLSv1.2", SUITE),
            jsseAcceptor(tls("client", "server").protocols("TLSv1.2").cipherSuites(SUITE)));
    }

    /**
     * TLS 1.3 only against TLS 1.2 only, and two disjoint cipher suites: the handshake fails with a clear message,
     * the failed association is gone, and the server serves a requestor whose TLS settings meet its own.
     */
    @Test
    void shouldFailTheHandshakeWhenProtocolsOrCipherSuitesDoNotMeetAndKeepServing() throws Exception
    {
        try (Server server = echoScp(tls("server", "client").protocols("TLSv1.3"))
            .listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            final AssociationException ex = assertThrows(AssociationException.class,
                () -> echoClient(tls("client", "server").protocols("TLSv1.2"), server.port()));
            assertTrue(ex.getMessage().contains("TLS handshake failed"), ex.getMessage());
            assertEquals(0, awaitNoAssociations(server));
            assertServes(server, tls("client", "server"));
        }
        try (Server server = echoScp(tls("server", "client").protocols("TLSv1.2").cipherSuites(SUITE))
            .listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            final AssociationException ex = assertThrows(AssociationException.class,
                () -> echoClient(tls("client", "server").cipherSuites(OTHER_SUITE), server.port()));
            assertTrue(ex.getMessage().contains("TLS handshake failed"), ex.getMessage());
            assertEquals(0, awaitNoAssociations(server));
            assertServes(server, tls("client", "server").cipherSuites(OTHER_SUITE, SUITE));
        }
    }

    /**
     * Connects to our server as a JSSE client with the JDK's default protocols and suites (the client's key, trusting
     * the server), and sends V1's A-ASSOCIATE-RQ over the session: the A-ASSOCIATE-AC must come back over it.
     */
    private static Negotiated jsseRequestor(final int port) throws IOException
    {
        final SSLContext context = tls("client", "server").context();
        try (SSLSocket socket = (SSLSocket)context.getSocketFactory().createSocket("127.0.0.1", port))
        {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            socket.getOutputStream().write(org.dimse4j.pdu.Vectors.hex(org.dimse4j.pdu.Vectors.V1_HEX));
            assertEquals(0x02, RawPdu.read(socket.getInputStream())[0], "A-ASSOCIATE-AC over the session");
            return Negotiated.of(socket);
        }
    }

    /**
     * Lets our requestor with {@code client} connect to a JSSE acceptor with the JDK's defaults (the server's key,
     * client certificates required), which reads the A-ASSOCIATE-RQ over the session and answers A-ASSOCIATE-RJ
     * (rejected-permanent, service-user, no-reason-given): our requestor must see the rejection.
     */
    private static Negotiated jsseAcceptor(final TlsSettings client) throws Exception
    {
        final SSLContext context = tls("server", "client").context();
        try (SSLServerSocket listener = (SSLServerSocket)context.getServerSocketFactory()
            .createServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            listener.setNeedClientAuth(true);
            listener.setSoTimeout(10_000);
            final CompletableFuture<Negotiated> seen = new CompletableFuture<>();
            final Thread acceptor = new Thread(() ->
            {
                try (SSLSocket socket = (SSLSocket)listener.accept())
                {
                    socket.setSoTimeout(10_000);
                    socket.startHandshake();
                    final byte[] rq = RawPdu.read(socket.getInputStream());
                    socket.getOutputStream().write(HexFormat.of().parseHex("03000000000400010101"));
                    socket.getOutputStream().flush();
                    seen.complete(rq[0] == 0x01 ? Negotiated.of(socket) : null);
                    socket.getInputStream().read(); // until our requestor closes, as the receiver of the RJ must
                }
                catch (final IOException | RuntimeException | AssertionError ex)
                {
                    seen.completeExceptionally(ex);
                }
            }, "jsse-acceptor");
            acceptor.start();
            try
            {
                final AssociationException ex = assertThrows(AssociationException.class,
                    () -> echoClient(client, listener.getLocalPort()));
                assertEquals(org.dimse4j.ul.Outcome.REJECTED, ex.outcome(), ex.getMessage());
                final Negotiated negotiated = seen.get(10, TimeUnit.SECONDS);
                assertNotNull(negotiated, "an A-ASSOCIATE-RQ arrived over the session");
                return negotiated;
            }
            finally
            {
                acceptor.join(10_000);
            }
        }
    }

    /**
     * Bytes allocated per C-ECHO round trip on the requestor's thread, TLS against plain, after warm-up. The JDK's
     * SSLEngine allocates per record (an SSLEngineResult per wrap and unwrap, and per-record cipher set-up: about
     * 6.7 KB per round trip on JDK 17), so TLS cannot be allocation-free; the bound catches a buffer of our own
     * allocated per record (16 KB and more) on top of that, and the figure is printed.
     */
    @Test
    void shouldAllocateLittlePerEchoOverTls() throws Exception
    {
        final long tlsBytes = bytesPerEcho(tls("server", "client"), tls("client", "server"));
        final long plainBytes = bytesPerEcho(null, null);
        assertTrue(plainBytes < 256, "plain allocation per echo " + plainBytes);
        System.out.println("allocated per C-ECHO on the requestor thread: TLS " + tlsBytes + " B, plain " +
            plainBytes + " B");
        assertTrue(tlsBytes < 20_000, "TLS allocation per echo " + tlsBytes);
    }

    private static long bytesPerEcho(final TlsSettings server, final TlsSettings client) throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (Server s = echoScp(server).listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = echoClient(client, s.port()))
        {
            for (int i = 0; i < 3_000; i++)
            {
                assoc.echo();
            }
            final int n = 2_000;
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < n; i++)
            {
                assoc.echo();
            }
            return (threads.getCurrentThreadAllocatedBytes() - before) / n;
        }
    }

    private static void assertServes(final Server server, final TlsSettings client) throws IOException
    {
        try (ClientAssociation assoc = echoClient(client, server.port()))
        {
            assertEquals(0, assoc.echo());
        }
    }

    private static int awaitNoAssociations(final Server server) throws InterruptedException
    {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.openAssociations() > 0 && System.nanoTime() < end)
        {
            Thread.sleep(10);
        }
        return server.openAssociations();
    }

    private static byte[] readToEnd(final InputStream in) throws IOException
    {
        try
        {
            return new DataInputStream(in).readAllBytes();
        }
        catch (final java.net.SocketException ex)
        {
            return new byte[0]; // reset by the server: a clean end too
        }
    }

    private static byte[] dataSet(final Path file) throws IOException
    {
        final Part10Info info = Part10Reader.read(file);
        final byte[] all = Files.readAllBytes(file);
        return Arrays.copyOfRange(all, info.dataSetOffset(), all.length);
    }
}
