package org.dimse4j.ae;

import org.dimse4j.testing.HostilePeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad bytes from a raw socket get the standard's answer, compared byte for byte, and while each hostile peer is still
 * connected the server completes a C-ECHO on another association ({@link HostilePeer#answerWhileOthersAreServed()}).
 */
@Timeout(60)
class HostilePeerTest
{
    /** V3: P-DATA-TF with a C-ECHO-RQ on context 1. */
    private static final String ECHO_RQ_PDATA = org.dimse4j.pdu.Vectors.V3_HEX;
    /** A-ABORT by AA-1: source 0 (service-user), reason 0. */
    private static final String ABORT_AA1 = "07000000000400000000";
    /** A-ABORT by AA-8: source 2 (service-provider), reason 6 (invalid-PDU-parameter value). */
    private static final String ABORT_INVALID_PARAMETER = "07000000000400000206";

    private Server server;

    @BeforeEach
    void start() throws IOException
    {
        server = ApplicationEntity.named("ECHOSCP").acceptVerification().acseTimeoutMs(2_000).build()
            .listen(new InetSocketAddress("127.0.0.1", 0));
    }

    /** Once the hostile peer has gone, so has its association, and the server still serves. */
    @AfterEach
    void stop() throws Exception
    {
        try
        {
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (server.openAssociations() > 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            assertEquals(0, server.openAssociations(), "the hostile association ended");
            HostilePeer.assertEchoes(server.port());
        }
        finally
        {
            server.close();
        }
    }

    @Test
    void shouldAbortAnHttpRequestAsServiceUserInSta2() throws Exception
    {
        try (HostilePeer peer = HostilePeer.connect(server.port()))
        {
            peer.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // Evt19 in Sta2 is AA-1: A-ABORT with source 0 (service-user), reason 0
            assertArrayEquals(HexFormat.of().parseHex(ABORT_AA1), peer.answerWhileOthersAreServed());
        }
    }

    @Test
    void shouldAbortAnOversizedPDataAsProviderInSta6() throws Exception
    {
        try (HostilePeer peer = HostilePeer.connect(server.port()).associate())
        {
            // P-DATA-TF with PDU-length 0xFFFFFFFF: over our maximum; never allocated
            peer.send(HexFormat.of().parseHex("04 00 ff ff ff ff 00 00 00 02 01 03".replace(" ", "")));
            // Evt19 in Sta6 is AA-8: A-ABORT source 2, reason 6 invalid-PDU-parameter value
            assertArrayEquals(HexFormat.of().parseHex(ABORT_INVALID_PARAMETER), peer.answerWhileOthersAreServed());
        }
    }

    /**
     * A data set PDV before any command breaks the DIMSE message structure (PS3.7 §6.3.1, PS3.8 Annex E.1: the
     * command comes first). The PDU itself is valid, so the UL delivers it (Evt10, DT-2); the fault is found by the
     * DIMSE provider, which is a service-user of the UL, and it ends the association with an A-ABORT request (Evt15,
     * AA-1): source 0 (service-user), reason 0, as DCMTK's DIMSE layer does. The standard prescribes no other answer.
     */
    @Test
    void shouldAbortADataSetPdvWithoutCommand() throws Exception
    {
        try (HostilePeer peer = HostilePeer.connect(server.port()).associate())
        {
            // one data set PDV (control header 0x02) on context 1 before any command
            peer.send(HexFormat.of().parseHex("040000000008000000040102abcd"));
            assertArrayEquals(HexFormat.of().parseHex(ABORT_AA1), peer.answerWhileOthersAreServed());
        }
    }

    /**
     * The Presentation-context-ID is a parameter of the P-DATA-TF PDU (PS3.8 Table 9-23), and presentation contexts
     * are the UL's own (it negotiated them): a PDV on one that was never accepted is an invalid PDU (Evt19), which
     * in Sta6 is AA-8, A-ABORT source 2 (service-provider) with reason 6 invalid-PDU-parameter value.
     */
    @Test
    void shouldAbortAPdvOnAContextThatWasNotAccepted() throws Exception
    {
        try (HostilePeer peer = HostilePeer.connect(server.port()).associate())
        {
            // the C-ECHO-RQ of V3, but on context 3, which was never proposed
            final byte[] pdata = HexFormat.of().parseHex(ECHO_RQ_PDATA);
            pdata[10] = 3;
            peer.send(pdata);
            assertArrayEquals(HexFormat.of().parseHex(ABORT_INVALID_PARAMETER), peer.answerWhileOthersAreServed());
        }
    }

    /** A command set that does not decode: found by the DIMSE provider, so AA-1 as for a PDV without command. */
    @Test
    void shouldAbortACommandWhoseGroupLengthDisagrees() throws Exception
    {
        try (HostilePeer peer = HostilePeer.connect(server.port()).associate())
        {
            final byte[] pdata = HexFormat.of().parseHex(ECHO_RQ_PDATA);
            pdata[20] = 0x3A; // Command Group Length 58 instead of 56
            peer.send(pdata);
            assertArrayEquals(HexFormat.of().parseHex(ABORT_AA1), peer.answerWhileOthersAreServed());
        }
    }

    @Test
    void shouldAnswerAnUnknownCommandFieldWithUnrecognizedOperation() throws Exception
    {
        try (HostilePeer peer = HostilePeer.connect(server.port()).associate())
        {
            final byte[] pdata = HexFormat.of().parseHex(ECHO_RQ_PDATA);
            pdata[58] = 0x77; // Command Field 0x0077: no such message
            peer.send(pdata);
            final byte[] rsp = peer.answerWhileOthersAreServed();
            assertNotNull(rsp, "an answer, not a close");
            assertEquals(0x04, rsp[0], "a P-DATA-TF with the response");
            // Command Field 0x8077 and Status 0x0211 in the response command set
            final String hex = HexFormat.of().formatHex(rsp);
            assertTrue(hex.contains("00000001020000007780"), hex);
            assertTrue(hex.contains("00000009020000001102"), hex);
        }
    }

    @Test
    void shouldRejectProtocolVersionWithoutBitZero() throws Exception
    {
        final byte[] rq = HostilePeer.ASSOCIATE_RQ.clone();
        rq[7] = 0x02;
        try (HostilePeer peer = HostilePeer.connect(server.port()))
        {
            peer.send(rq);
            // AE-6 reject path: A-ASSOCIATE-RJ (1, 2, 2) protocol-version-not-supported
            assertArrayEquals(HexFormat.of().parseHex("03000000000400010202"), peer.answerWhileOthersAreServed());
        }
    }
}
