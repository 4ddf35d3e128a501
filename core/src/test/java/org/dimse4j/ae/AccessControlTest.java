package org.dimse4j.ae;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.pdu.AssociateEncoder;
import org.dimse4j.pdu.AssociatePdu;
import org.dimse4j.pdu.PduDescriptor;
import org.dimse4j.service.Verification;
import org.dimse4j.ul.AssociationException;
import org.dimse4j.ul.UsernamePasswordVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Access control over real sockets: allowed calling AE titles per called AE title, the user identity hook with
 * username and passcode, and the limit of associations per calling AE title beside the server-wide one. Each
 * rejection is checked as the A-ASSOCIATE-RJ bytes (result, source, reason) the peer receives, and each time the
 * server goes on accepting those it should.
 */
@Timeout(60)
class AccessControlTest
{
    /** A-ASSOCIATE-RJ: rejected-permanent, service-user, calling-AE-title-not-recognized. */
    private static final String RJ_CALLING = "03000000000400010103";
    /** A-ASSOCIATE-RJ: rejected-permanent, service-user, called-AE-title-not-recognized. */
    private static final String RJ_CALLED = "03000000000400010107";
    /** A-ASSOCIATE-RJ: rejected-permanent, service-provider (ACSE), no-reason-given (PS3.7 D.3.3.7.3). */
    private static final String RJ_IDENTITY = "03000000000400010201";
    /** A-ASSOCIATE-RJ: rejected-transient, service-provider (presentation), local-limit-exceeded. */
    private static final String RJ_LIMIT = "03000000000400020302";

    @Test
    void shouldAllowCallingAeTitlesPerCalledAeTitle() throws Exception
    {
        final ApplicationEntity scp = ApplicationEntity.named("ARCHIVE").acceptVerification()
            .requireCalledAeTitle(true)
            .allowedCallingAeTitles("ARCHIVE", Set.of("CT1", "CT2"))
            .allowedCallingAeTitles("RESEARCH", Set.of("MR1"))
            .allowedCallingAeTitles("OPEN", Set.of())
            .build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            assertEchoes(server, "CT1", "ARCHIVE", null);
            assertEchoes(server, "MR1", "RESEARCH", null);
            assertEchoes(server, "ANYONE", "OPEN", null);
            assertEquals(RJ_CALLING, rawReject(server, "MR1", "ARCHIVE", null));
            assertEquals(RJ_CALLING, rawReject(server, "CT1", "RESEARCH", null));
            assertEquals(RJ_CALLED, rawReject(server, "CT1", "UNKNOWN", null));
            final AssociationException rejected = assertThrows(AssociationException.class,
                () -> connect(server, "CT2", "RESEARCH", null));
            assertEquals(3, rejected.rejectReason(), rejected.getMessage());
            assertEchoes(server, "CT2", "ARCHIVE", null);
        }
    }

    @Test
    void shouldVerifyUsernameAndPasscode() throws Exception
    {
        final ApplicationEntity scp = ApplicationEntity.named("SECURE").acceptVerification()
            .userIdentityVerifier(new UsernamePasswordVerifier(Map.of("alice", "s3cret", "bob", "hunter2")))
            .requireUserIdentity(true)
            .build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            assertEchoes(server, "SCU", "SECURE", identity(2, "alice", "s3cret", false));
            try (ClientAssociation assoc = connect(server, "SCU", "SECURE", identity(2, "bob", "hunter2", true)))
            {
                assertArrayEquals(new byte[0], assoc.association().associateAccept().userIdentityServerResponse(),
                    "an empty 0x59 answers the positive response request");
                assertEquals(0, assoc.echo());
                assoc.release();
            }
            assertEquals(RJ_IDENTITY, rawReject(server, "SCU", "SECURE", identity(2, "alice", "wrong", true)));
            assertEquals(RJ_IDENTITY, rawReject(server, "SCU", "SECURE", identity(2, "mallory", "s3cret", false)));
            assertEquals(RJ_IDENTITY, rawReject(server, "SCU", "SECURE", identity(2, "alice", "s3cre", false)));
            assertEquals(RJ_IDENTITY, rawReject(server, "SCU", "SECURE", identity(1, "alice", "", false)),
                "a username without passcode proves nothing");
            assertEquals(RJ_IDENTITY, rawReject(server, "SCU", "SECURE", null), "no identity at all");
            assertEchoes(server, "SCU", "SECURE", identity(2, "alice", "s3cret", true));
        }
    }

    @Test
    void shouldLimitAssociationsPerCallingAeTitle() throws Exception
    {
        final ApplicationEntity scp = ApplicationEntity.named("SCP").acceptVerification()
            .maxAssociationsPerCallingAeTitle(2).maxAssociations(4).build();
        final List<ClientAssociation> open = new ArrayList<>();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            open.add(connect(server, "CT1", "SCP", null));
            open.add(connect(server, "CT1", "SCP", null));
            assertEquals(RJ_LIMIT, rawReject(server, "CT1", "SCP", null), "a third from CT1");
            assertEquals(2, scp.policy().openAssociations("CT1"));
            // the rejected connection holds its server-wide place until it has closed (Sta13)
            awaitOpen(server, 2);
            open.add(connect(server, "MR1", "SCP", null));
            open.add(connect(server, "MR1", "SCP", null));
            assertEquals(RJ_LIMIT, rawReject(server, "US1", "SCP", null), "the server-wide limit of 4");
            for (final ClientAssociation assoc : open)
            {
                assertEquals(0, assoc.echo(), "those accepted are unaffected");
            }
            open.remove(0).release();
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while ((scp.policy().openAssociations("CT1") != 1 || server.openAssociations() != 3) &&
                System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            assertEquals(1, scp.policy().openAssociations("CT1"), "a release frees the caller's place");
            open.add(connect(server, "CT1", "SCP", null));
            assertEquals(RJ_LIMIT, rawReject(server, "CT1", "SCP", null));
            for (final ClientAssociation assoc : open)
            {
                assoc.abort();
            }
            final long gone = System.nanoTime() + 10_000_000_000L;
            while ((scp.policy().openAssociations("CT1") + scp.policy().openAssociations("MR1") > 0 ||
                server.openAssociations() > 0) && System.nanoTime() < gone)
            {
                Thread.sleep(5);
            }
            assertEquals(0, scp.policy().openAssociations("CT1"), "an abort frees the place too");
            assertEquals(0, scp.policy().openAssociations("MR1"));
            assertEchoes(server, "CT1", "SCP", null);
        }
        finally
        {
            open.forEach(ClientAssociation::close);
        }
    }

    private static void awaitOpen(final Server server, final int count) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.openAssociations() != count && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        assertEquals(count, server.openAssociations(), "open associations");
    }

    private static AssociatePdu.UserIdentity identity(final int type, final String user, final String passcode,
        final boolean positiveResponse)
    {
        return new AssociatePdu.UserIdentity(type, positiveResponse, user.getBytes(StandardCharsets.UTF_8),
            passcode.getBytes(StandardCharsets.UTF_8));
    }

    private static ClientAssociation connect(final Server server, final String calling, final String called,
        final AssociatePdu.UserIdentity identity) throws IOException
    {
        final Consumer<AssociatePdu> extra = identity == null ? null : rq -> rq.userIdentity(identity);
        return ApplicationEntity.named(calling).dimseTimeoutMs(5_000).build().connect("127.0.0.1", server.port(),
            called, List.of(ContextRequest.of(Verification.SOP_CLASS)), extra);
    }

    private static void assertEchoes(final Server server, final String calling, final String called,
        final AssociatePdu.UserIdentity identity) throws IOException
    {
        try (ClientAssociation assoc = connect(server, calling, called, identity))
        {
            assertEquals(0, assoc.echo(), calling + " -> " + called);
            assoc.release();
        }
    }

    /** Sends an A-ASSOCIATE-RQ over a plain socket and returns the answer's bytes in hex (an RJ is 10 bytes). */
    private static String rawReject(final Server server, final String calling, final String called,
        final AssociatePdu.UserIdentity identity) throws IOException
    {
        final AssociatePdu rq = new AssociatePdu().pduType(PduDescriptor.A_ASSOCIATE_RQ).calledAeTitle(called)
            .callingAeTitle(calling).maxLength(16384).implementationClassUid("1.2.3.4");
        rq.presentationContexts().add(AssociatePdu.PresentationContext.proposed(1, Verification.SOP_CLASS,
            "1.2.840.10008.1.2"));
        if (identity != null)
        {
            rq.userIdentity(identity);
        }
        final UnsafeBuffer out = new UnsafeBuffer(new byte[AssociateEncoder.encodedLength(rq)]);
        final int length = new AssociateEncoder().encode(rq, out, 0);
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(out.byteArray(), 0, length);
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final byte[] header = new byte[6];
            in.readFully(header);
            final int pduLength = ((header[2] & 0xFF) << 24) | ((header[3] & 0xFF) << 16) |
                ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
            assertTrue(pduLength >= 0 && pduLength < 65536, "PDU length " + pduLength);
            final byte[] pdu = new byte[6 + pduLength];
            System.arraycopy(header, 0, pdu, 0, 6);
            in.readFully(pdu, 6, pduLength);
            return HexFormat.of().formatHex(pdu);
        }
    }
}
