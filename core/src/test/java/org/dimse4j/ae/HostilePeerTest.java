package org.dimse4j.ae;

import org.dimse4j.service.Verification;
import org.dimse4j.testing.RawPdu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad bytes from a raw socket get the standard's A-ABORT, and the server goes on serving others.
 */
@Timeout(60)
class HostilePeerTest
{
    /** V1 of the spec vectors: an A-ASSOCIATE-RQ for Verification. */
    private static final byte[] ASSOCIATE_RQ = org.dimse4j.pdu.Vectors.hex(org.dimse4j.pdu.Vectors.V1_HEX);

    /** V3: P-DATA-TF with a C-ECHO-RQ on context 1. */
    private static final String ECHO_RQ_PDATA = org.dimse4j.pdu.Vectors.V3_HEX;

    private Server server;

    @BeforeEach
    void start() throws IOException
    {
        server = ApplicationEntity.named("ECHOSCP").acceptVerification().acseTimeoutMs(2_000).build()
            .listen(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stop()
    {
        server.close();
    }

    @Test
    void shouldAbortAnHttpRequestAsServiceUserInSta2() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // Evt19 in Sta2 is AA-1: A-ABORT with source 0 (service-user), reason 0
            assertArrayEquals(HexFormat.of().parseHex("07000000000400000000"), RawPdu.read(socket.getInputStream()));
        }
        assertServerStillServes();
    }

    @Test
    void shouldAbortAnOversizedPDataAsProviderInSta6() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(ASSOCIATE_RQ);
            assertEquals(0x02, RawPdu.read(socket.getInputStream())[0], "A-ASSOCIATE-AC");
            // P-DATA-TF with PDU-length 0xFFFFFFFF: over our maximum; never allocated
            out.write(HexFormat.of().parseHex("04 00 ff ff ff ff 00 00 00 02 01 03".replace(" ", "")));
            // Evt19 in Sta6 is AA-8: A-ABORT source 2, reason 6 invalid-PDU-parameter value
            assertArrayEquals(HexFormat.of().parseHex("07000000000400000206"), RawPdu.read(socket.getInputStream()));
        }
        assertServerStillServes();
    }

    @Test
    void shouldAbortADataSetPdvWithoutCommand() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(ASSOCIATE_RQ);
            assertEquals(0x02, RawPdu.read(socket.getInputStream())[0], "A-ASSOCIATE-AC");
            // one data set PDV (control header 0x02) on context 1 before any command
            out.write(HexFormat.of().parseHex("040000000008000000040102abcd"));
            final byte[] abort = RawPdu.read(socket.getInputStream());
            assertEquals(0x07, abort[0], "A-ABORT");
        }
        assertServerStillServes();
    }

    @Test
    void shouldAbortAPdvOnAContextThatWasNotAccepted() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(ASSOCIATE_RQ);
            assertEquals(0x02, RawPdu.read(socket.getInputStream())[0], "A-ASSOCIATE-AC");
            // the C-ECHO-RQ of V3, but on context 3, which was never proposed
            final byte[] pdata = HexFormat.of().parseHex(ECHO_RQ_PDATA);
            pdata[10] = 3;
            out.write(pdata);
            assertEquals(0x07, RawPdu.read(socket.getInputStream())[0], "A-ABORT");
        }
        assertServerStillServes();
    }

    @Test
    void shouldAbortACommandWhoseGroupLengthDisagrees() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(ASSOCIATE_RQ);
            assertEquals(0x02, RawPdu.read(socket.getInputStream())[0], "A-ASSOCIATE-AC");
            final byte[] pdata = HexFormat.of().parseHex(ECHO_RQ_PDATA);
            pdata[20] = 0x3A; // Command Group Length 58 instead of 56
            out.write(pdata);
            assertEquals(0x07, RawPdu.read(socket.getInputStream())[0], "A-ABORT");
        }
        assertServerStillServes();
    }

    @Test
    void shouldAnswerAnUnknownCommandFieldWithUnrecognizedOperation() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(ASSOCIATE_RQ);
            assertEquals(0x02, RawPdu.read(socket.getInputStream())[0], "A-ASSOCIATE-AC");
            final byte[] pdata = HexFormat.of().parseHex(ECHO_RQ_PDATA);
            pdata[58] = 0x77; // Command Field 0x0077: no such message
            out.write(pdata);
            final byte[] rsp = RawPdu.read(socket.getInputStream());
            assertEquals(0x04, rsp[0], "a P-DATA-TF with the response");
            // Command Field 0x8077 and Status 0x0211 in the response command set
            final String hex = HexFormat.of().formatHex(rsp);
            assertTrue(hex.contains("00000001020000007780"), hex);
            assertTrue(hex.contains("00000009020000001102"), hex);
        }
        assertServerStillServes();
    }

    @Test
    void shouldRejectProtocolVersionWithoutBitZero() throws Exception
    {
        final byte[] rq = ASSOCIATE_RQ.clone();
        rq[7] = 0x02;
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            socket.getOutputStream().write(rq);
            // AE-6 reject path: A-ASSOCIATE-RJ (1, 2, 2) protocol-version-not-supported
            assertArrayEquals(HexFormat.of().parseHex("03000000000400010202"), RawPdu.read(socket.getInputStream()));
        }
        assertServerStillServes();
    }

    private void assertServerStillServes() throws IOException
    {
        try (ClientAssociation assoc = ApplicationEntity.named("CHECK").dimseTimeoutMs(5_000).build()
            .connect("127.0.0.1", server.port(), "ECHOSCP", ContextRequest.of(Verification.SOP_CLASS)))
        {
            assertEquals(0, assoc.echo());
        }
    }
}
