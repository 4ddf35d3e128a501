package org.dimse4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.pdu.AssociateDecoder;
import org.dimse4j.pdu.AssociatePdu;
import org.dimse4j.pdu.FixedPduCodec;
import org.dimse4j.pdu.PDataDecoder;
import org.dimse4j.pdu.PduDescriptor;
import org.dimse4j.pdu.PduFramer;
import org.dimse4j.pdu.PdvDescriptor;
import org.dimse4j.pdu.ProtocolException;

/**
 * Received bytes, as a peer may send them: frame PDU after PDU with {@link PduFramer}, then decode each by type
 * (A-ASSOCIATE-RQ/AC with {@link AssociateDecoder}, P-DATA-TF with a {@link PDataDecoder} walk and, for a whole
 * command in one PDV, {@link CommandDecoder}, the fixed PDUs with {@link FixedPduCodec}'s readers).
 * <p>
 * Only {@link ProtocolException} may escape a decoder (it ends the stream, as it would abort the association). Each
 * PDU is decoded through a view of exactly its own bytes, and surefire runs with Agrona's bounds checks on, so a
 * read past the PDU is an {@link IndexOutOfBoundsException} and a finding. Checked too: a positive frame length
 * makes progress and lies within the bytes present; a negative one asks for more than is present; every PDV lies
 * inside its PDU.
 * <p>
 * {@link AllocationBound}: the stream's decoding allocates at most 16 bytes per input byte + 16 KB (the associate
 * model's text is not counted).
 */
class PduFuzzTest
{
    private static final int MAX_P_DATA_LENGTH = 16_384;
    private static final int MAX_OTHER_LENGTH = 65_536;

    static final AllocationBound BOUND = new AllocationBound("Pdu", 16, 16 * 1024);

    private final PduFramer framer = new PduFramer(MAX_P_DATA_LENGTH, MAX_OTHER_LENGTH);
    private final AssociateDecoder associateDecoder = new AssociateDecoder();
    private final AssociatePdu associatePdu = new AssociatePdu();
    private final PDataDecoder pDataDecoder = new PDataDecoder();
    private final CommandDecoder commandDecoder = new CommandDecoder();
    private final UnsafeBuffer pdu = new UnsafeBuffer(0, 0);

    @FuzzTest(maxDuration = "20s")
    void framePduStream(final byte[] input)
    {
        BOUND.check(input.length, () -> framePduStreamOnce(input));
    }

    private void framePduStreamOnce(final byte[] input)
    {
        final UnsafeBuffer received = new UnsafeBuffer(input);
        int offset = 0;
        try
        {
            while (offset < input.length)
            {
                final int available = input.length - offset;
                final int framed = framer.frame(received, offset, available);
                if (framed < 0)
                {
                    if (-framed < PduDescriptor.HEADER_LENGTH)
                    {
                        throw new AssertionError("needs fewer bytes than a header: " + framed);
                    }
                    if (-framed <= available)
                    {
                        throw new AssertionError("asks for " + -framed + " bytes with " + available + " present");
                    }
                    return;
                }
                if (framed < PduDescriptor.HEADER_LENGTH)
                {
                    throw new AssertionError("frame shorter than a header: " + framed);
                }
                if (framed > available)
                {
                    throw new AssertionError("frame of " + framed + " bytes with " + available + " present");
                }
                pdu.wrap(received, offset, framed);
                decode(pdu, framed);
                offset += framed;
            }
        }
        catch (final ProtocolException expected)
        {
            check(expected.getMessage() != null, "ProtocolException without a message");
        }
    }

    private void decode(final UnsafeBuffer pdu, final int length)
    {
        final int type = PduDescriptor.pduType(pdu, 0);
        switch (type)
        {
            case PduDescriptor.A_ASSOCIATE_RQ:
            case PduDescriptor.A_ASSOCIATE_AC:
                associateDecoder.decode(pdu, 0, length, associatePdu);
                if (associatePdu.pduType() != type)
                {
                    throw new AssertionError("decoded PDU type " + associatePdu.pduType());
                }
                AllocationBound.outside(associatePdu::toString);
                break;

            case PduDescriptor.P_DATA_TF:
                walkPdvs(pdu, length);
                break;

            case PduDescriptor.A_ASSOCIATE_RJ:
                check(FixedPduCodec.describeReject(FixedPduCodec.rejectResult(pdu, 0),
                    FixedPduCodec.rejectSource(pdu, 0), FixedPduCodec.rejectReason(pdu, 0)) != null, "reject");
                break;

            case PduDescriptor.A_ABORT:
                check(FixedPduCodec.abortSource(pdu, 0) + FixedPduCodec.abortReason(pdu, 0) >= 0, "abort");
                break;

            case PduDescriptor.A_RELEASE_RQ:
            case PduDescriptor.A_RELEASE_RP:
                if (length != PduDescriptor.FIXED_PDU_LENGTH)
                {
                    throw new AssertionError("release PDU of " + length + " bytes");
                }
                break;

            default:
                throw new AssertionError("framer let through PDU type 0x" + Integer.toHexString(type));
        }
    }

    private void walkPdvs(final UnsafeBuffer pdu, final int length)
    {
        pDataDecoder.wrap(pdu, 0, length);
        int previousEnd = PduDescriptor.HEADER_LENGTH;
        while (pDataDecoder.nextPdv())
        {
            final int pdvOffset = pDataDecoder.pdvOffset();
            final int fragmentOffset = pDataDecoder.fragmentOffset();
            final int fragmentLength = pDataDecoder.fragmentLength();
            if (pdvOffset != previousEnd)
            {
                throw new AssertionError("PDV at " + pdvOffset + " after one ending at " + previousEnd);
            }
            if (fragmentOffset != pdvOffset + PdvDescriptor.HEADER_LENGTH)
            {
                throw new AssertionError("fragment offset " + fragmentOffset);
            }
            if (!(fragmentLength >= 0 && fragmentOffset + fragmentLength <= length))
            {
                throw new AssertionError("fragment " + fragmentOffset + "+" + fragmentLength + " outside a PDU of " +
                    length);
            }
            check((pDataDecoder.controlHeader() & ~PdvDescriptor.CONTROL_MASK) == 0, "control header bits");
            check(pDataDecoder.contextId() >= 0 && pDataDecoder.contextId() <= 255, "context ID");
            previousEnd = fragmentOffset + fragmentLength;
            if (pDataDecoder.isCommand() && pDataDecoder.isLast())
            {
                commandDecoder.wrap(pdu, fragmentOffset, fragmentLength).validate();
                check(commandDecoder.encodedLength() == fragmentLength, "command length");
            }
        }
        if (previousEnd != length)
        {
            throw new AssertionError("PDVs end at " + previousEnd + " in a PDU of " + length);
        }
    }

    private static void check(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new AssertionError(what);
        }
    }
}
