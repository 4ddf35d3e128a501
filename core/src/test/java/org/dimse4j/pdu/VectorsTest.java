package org.dimse4j.pdu;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documented vectors V1..V8 of {@code shared/spec/vectors.md}: framing, decoding into the documented fields
 * and byte-identical re-encoding.
 */
class VectorsTest
{
    private static final String VERIFICATION = "1.2.840.10008.1.1";
    private static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    private static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";

    private final PduFramer framer = new PduFramer(16384, 1 << 20);
    private final AssociateDecoder associateDecoder = new AssociateDecoder();
    private final AssociateEncoder associateEncoder = new AssociateEncoder();
    private final PDataDecoder pDataDecoder = new PDataDecoder();
    private final PDataEncoder pDataEncoder = new PDataEncoder();

    @Test
    void shouldFrameEveryVectorToItsFullLength()
    {
        for (int i = 0; i < Vectors.HEX.length; i++)
        {
            final byte[] bytes = Vectors.bytes(i);
            assertEquals(Vectors.LENGTHS[i], bytes.length, Vectors.NAMES[i]);
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[bytes.length + 7]);
            buffer.putBytes(3, bytes);
            assertEquals(bytes.length, framer.frame(buffer, 3, bytes.length), Vectors.NAMES[i]);
            assertEquals(bytes.length, framer.frame(buffer, 3, bytes.length + 4), Vectors.NAMES[i]);
            assertEquals(-bytes.length, framer.frame(buffer, 3, bytes.length - 1), Vectors.NAMES[i]);
        }
    }

    @Test
    void shouldDecodeV1IntoTheDocumentedFields()
    {
        final UnsafeBuffer buffer = Vectors.buffer(0);
        final AssociatePdu pdu = associateDecoder.decode(buffer, 0, 295, new AssociatePdu());

        assertEquals(PduDescriptor.A_ASSOCIATE_RQ, pdu.pduType());
        assertTrue(pdu.isRequest());
        assertEquals(0x0001, pdu.protocolVersion());
        assertEquals("ECHOSCP", pdu.calledAeTitle());
        assertEquals("ECHOSCU", pdu.callingAeTitle());
        assertEquals("1.2.840.10008.3.1.1.1", pdu.applicationContextName());

        assertEquals(1, pdu.presentationContexts().size());
        final AssociatePdu.PresentationContext pc = pdu.presentationContexts().get(0);
        assertEquals(1, pc.id());
        assertEquals(VERIFICATION, pc.abstractSyntax());
        assertEquals(List.of(IMPLICIT_LE, EXPLICIT_LE), pc.transferSyntaxes());
        assertEquals(AssociatePdu.PresentationContext.ACCEPTANCE, pc.result());
        assertEquals(AssociatePdu.PresentationContext.proposed(1, VERIFICATION, IMPLICIT_LE, EXPLICIT_LE), pc);

        assertEquals(16384, pdu.maxLength());
        assertEquals("2.25.126339825240971530378163658722455146079", pdu.implementationClassUid());
        assertEquals("JDUL_RQ_0.1", pdu.implementationVersionName());
        assertTrue(pdu.hasAsyncOperationsWindow());
        assertEquals(1, pdu.maxOperationsInvoked());
        assertEquals(1, pdu.maxOperationsPerformed());
        assertEquals(List.of(new AssociatePdu.RoleSelection(VERIFICATION, true, true)), pdu.roleSelections());
        assertTrue(pdu.extendedNegotiations().isEmpty());
        assertTrue(pdu.commonExtendedNegotiations().isEmpty());

        final AssociatePdu.UserIdentity identity = pdu.userIdentity();
        assertNotNull(identity);
        assertEquals(AssociatePdu.UserIdentity.USERNAME, identity.type());
        assertFalse(identity.positiveResponseRequested());
        assertArrayEquals("alice".getBytes(StandardCharsets.US_ASCII), identity.primaryField());
        assertArrayEquals(new byte[0], identity.secondaryField());
        assertNull(pdu.userIdentityServerResponse());
    }

    @Test
    void shouldDecodeV2IntoTheDocumentedFields()
    {
        final UnsafeBuffer buffer = Vectors.buffer(1);
        final AssociatePdu pdu = associateDecoder.decode(buffer, 0, 236, new AssociatePdu());

        assertEquals(PduDescriptor.A_ASSOCIATE_AC, pdu.pduType());
        assertFalse(pdu.isRequest());
        assertEquals(0x0001, pdu.protocolVersion());
        assertEquals("ECHOSCP", pdu.calledAeTitle());
        assertEquals("ECHOSCU", pdu.callingAeTitle());
        assertEquals("1.2.840.10008.3.1.1.1", pdu.applicationContextName());

        assertEquals(1, pdu.presentationContexts().size());
        final AssociatePdu.PresentationContext pc = pdu.presentationContexts().get(0);
        assertEquals(1, pc.id());
        assertNull(pc.abstractSyntax());
        assertEquals(AssociatePdu.PresentationContext.ACCEPTANCE, pc.result());
        assertTrue(pc.isAccepted());
        assertEquals(IMPLICIT_LE, pc.transferSyntax());
        assertEquals(List.of(IMPLICIT_LE), pc.transferSyntaxes());
        assertEquals(AssociatePdu.PresentationContext.result(1, 0, IMPLICIT_LE), pc);

        assertEquals(32768, pdu.maxLength());
        assertEquals("2.25.166478566933196006674068608263986748205", pdu.implementationClassUid());
        assertEquals("JDUL_AC_0.1", pdu.implementationVersionName());
        assertTrue(pdu.hasAsyncOperationsWindow());
        assertEquals(1, pdu.maxOperationsInvoked());
        assertEquals(1, pdu.maxOperationsPerformed());
        assertEquals(List.of(new AssociatePdu.RoleSelection(VERIFICATION, true, false)), pdu.roleSelections());
        assertTrue(pdu.extendedNegotiations().isEmpty());
        assertTrue(pdu.commonExtendedNegotiations().isEmpty());
        assertNull(pdu.userIdentity());
        assertNull(pdu.userIdentityServerResponse());
    }

    @Test
    void shouldReEncodeV1AndV2ByteIdentically()
    {
        for (int i = 0; i < 2; i++)
        {
            final byte[] expected = Vectors.bytes(i);
            final AssociatePdu pdu = associateDecoder.decode(new UnsafeBuffer(expected), 0, expected.length,
                new AssociatePdu());
            assertEquals(expected.length, AssociateEncoder.encodedLength(pdu), Vectors.NAMES[i]);

            final UnsafeBuffer out = new UnsafeBuffer(new byte[expected.length + 16]);
            out.setMemory(0, out.capacity(), (byte)0x5A);
            final int written = associateEncoder.encode(pdu, out, 5);
            assertEquals(expected.length, written, Vectors.NAMES[i]);
            final byte[] actual = new byte[written];
            out.getBytes(5, actual);
            assertEquals(Vectors.toHex(expected), Vectors.toHex(actual), Vectors.NAMES[i]);
            assertEquals((byte)0x5A, out.getByte(4), "wrote before its offset");
            assertEquals((byte)0x5A, out.getByte(5 + written), "wrote past its length");
        }
    }

    @Test
    void shouldWalkV3AndV4AsOneCommandPdv()
    {
        final int[] fragmentLengths = {68, 78};
        for (int i = 2; i < 4; i++)
        {
            final UnsafeBuffer buffer = Vectors.buffer(i);
            final int length = framer.frame(buffer, 0, buffer.capacity());
            pDataDecoder.wrap(buffer, 0, length);

            assertTrue(pDataDecoder.nextPdv(), Vectors.NAMES[i]);
            assertEquals(6, pDataDecoder.pdvOffset());
            assertEquals(1, pDataDecoder.contextId());
            assertEquals(0x03, pDataDecoder.controlHeader());
            assertTrue(pDataDecoder.isCommand());
            assertTrue(pDataDecoder.isLast());
            assertEquals(12, pDataDecoder.fragmentOffset());
            assertEquals(fragmentLengths[i - 2], pDataDecoder.fragmentLength());
            assertEquals(length, pDataDecoder.fragmentOffset() + pDataDecoder.fragmentLength());
            assertFalse(pDataDecoder.nextPdv(), Vectors.NAMES[i]);
        }
    }

    @Test
    void shouldReEncodeV3AndV4ByteIdentically()
    {
        for (int i = 2; i < 4; i++)
        {
            final byte[] expected = Vectors.bytes(i);
            final UnsafeBuffer in = new UnsafeBuffer(expected);
            pDataDecoder.wrap(in, 0, expected.length);
            assertTrue(pDataDecoder.nextPdv());

            final UnsafeBuffer out = new UnsafeBuffer(new byte[expected.length + 3]);
            pDataEncoder.wrap(out, 3);
            assertEquals(PduDescriptor.HEADER_LENGTH, pDataEncoder.encodedLength());
            pDataEncoder.putPdv(pDataDecoder.contextId(), pDataDecoder.controlHeader(), in,
                pDataDecoder.fragmentOffset(), pDataDecoder.fragmentLength());
            assertEquals(expected.length, pDataEncoder.encodedLength(), Vectors.NAMES[i]);
            final byte[] actual = new byte[expected.length];
            out.getBytes(3, actual);
            assertEquals(Vectors.toHex(expected), Vectors.toHex(actual), Vectors.NAMES[i]);
        }
    }

    @Test
    void shouldReEncodeV3WithBeginAndEndPdvByteIdentically()
    {
        final byte[] expected = Vectors.bytes(2);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[expected.length]);
        pDataEncoder.wrap(out, 0);
        final int at = pDataEncoder.beginPdv(1, PdvDescriptor.COMMAND | PdvDescriptor.LAST);
        assertEquals(12, at);
        out.putBytes(at, expected, 12, 68);
        pDataEncoder.endPdv(68);
        assertEquals(80, pDataEncoder.encodedLength());
        assertArrayEquals(expected, out.byteArray());
    }

    @Test
    void shouldReadAndReEncodeTheReleasePdus()
    {
        for (int i = 4; i < 6; i++)
        {
            final byte[] expected = Vectors.bytes(i);
            final UnsafeBuffer in = new UnsafeBuffer(expected);
            assertEquals(10, framer.frame(in, 0, 10));
            assertEquals(i == 4 ? PduDescriptor.A_RELEASE_RQ : PduDescriptor.A_RELEASE_RP,
                PduDescriptor.pduType(in, 0));
            assertEquals(4, PduDescriptor.pduLength(in, 0));

            final UnsafeBuffer out = new UnsafeBuffer(new byte[10]);
            out.setMemory(0, 10, (byte)0xEE);
            final int written = i == 4 ? FixedPduCodec.encodeReleaseRq(out, 0) : FixedPduCodec.encodeReleaseRp(out, 0);
            assertEquals(10, written);
            assertArrayEquals(expected, out.byteArray(), Vectors.NAMES[i]);
        }
    }

    @Test
    void shouldReadAndReEncodeV7Abort()
    {
        final byte[] expected = Vectors.bytes(6);
        final UnsafeBuffer in = new UnsafeBuffer(expected);
        assertEquals(10, framer.frame(in, 0, 10));
        assertEquals(PduDescriptor.A_ABORT, PduDescriptor.pduType(in, 0));
        assertEquals(AbortReason.SOURCE_SERVICE_PROVIDER, FixedPduCodec.abortSource(in, 0));
        assertEquals(AbortReason.UNEXPECTED_PDU, FixedPduCodec.abortReason(in, 0));

        final UnsafeBuffer out = new UnsafeBuffer(new byte[10]);
        out.setMemory(0, 10, (byte)0xEE);
        assertEquals(10, FixedPduCodec.encodeAbort(out, 0, FixedPduCodec.abortSource(in, 0),
            FixedPduCodec.abortReason(in, 0)));
        assertArrayEquals(expected, out.byteArray());
    }

    @Test
    void shouldReadAndReEncodeV8AssociateReject()
    {
        final byte[] expected = Vectors.bytes(7);
        final UnsafeBuffer in = new UnsafeBuffer(expected);
        assertEquals(10, framer.frame(in, 0, 10));
        assertEquals(PduDescriptor.A_ASSOCIATE_RJ, PduDescriptor.pduType(in, 0));
        assertEquals(FixedPduCodec.REJECTED_PERMANENT, FixedPduCodec.rejectResult(in, 0));
        assertEquals(FixedPduCodec.REJECT_SOURCE_SERVICE_USER, FixedPduCodec.rejectSource(in, 0));
        assertEquals(FixedPduCodec.REJECT_CALLED_AE_NOT_RECOGNIZED, FixedPduCodec.rejectReason(in, 0));

        final UnsafeBuffer out = new UnsafeBuffer(new byte[10]);
        out.setMemory(0, 10, (byte)0xEE);
        assertEquals(10, FixedPduCodec.encodeAssociateReject(out, 0, FixedPduCodec.rejectResult(in, 0),
            FixedPduCodec.rejectSource(in, 0), FixedPduCodec.rejectReason(in, 0)));
        assertArrayEquals(expected, out.byteArray());
    }
}
