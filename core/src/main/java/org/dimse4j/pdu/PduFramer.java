package org.dimse4j.pdu;

import org.agrona.DirectBuffer;

import static org.dimse4j.pdu.PduDescriptor.*;

/**
 * Finds whole PDUs in received bytes, in place, and rejects bad headers before any body byte is read.
 * <p>
 * A P-DATA-TF may not be longer than the Maximum Length we announced; other PDUs (A-ASSOCIATE-RQ/AC can be
 * large) are bounded by a separate cap, which must not exceed what the receive buffer can hold contiguously.
 * The fixed-length PDUs must say 4. A declared length is never used to size anything before these checks.
 * <pre>
 *   offset                          offset + frame(..)
 *     |  type | 0 | length (BE) |  body (length bytes)  |  next PDU ...
 * </pre>
 */
public final class PduFramer
{
    private static final long MAX_BODY_LENGTH = Integer.MAX_VALUE - HEADER_LENGTH;

    private long maxPDataLength;
    private long maxOtherLength;

    /**
     * @param maxPDataLength our Maximum Length for received P-DATA-TF PDU-length values (0 = no limit announced;
     *                       then {@code maxOtherLength} bounds it).
     * @param maxOtherLength largest PDU-length accepted for any other PDU, {@code 68 .. Integer.MAX_VALUE - 6}.
     */
    public PduFramer(final long maxPDataLength, final long maxOtherLength)
    {
        limits(maxPDataLength, maxOtherLength);
    }

    /**
     * Changes the limits, e.g. once the association's Maximum Length is known.
     *
     * @param maxPDataLength limit for P-DATA-TF PDU-length (0 = bounded by {@code maxOtherLength} only).
     * @param maxOtherLength limit for any other PDU-length; at most {@code Integer.MAX_VALUE - 6}, so that every
     *                       frame length fits the {@code int} that {@link #frame} returns.
     */
    public void limits(final long maxPDataLength, final long maxOtherLength)
    {
        if (maxOtherLength < MIN_ASSOCIATE_BODY_LENGTH || maxOtherLength > MAX_BODY_LENGTH)
        {
            throw new IllegalArgumentException("maxOtherLength must be from " + MIN_ASSOCIATE_BODY_LENGTH + " to " +
                MAX_BODY_LENGTH + ": " + maxOtherLength);
        }
        this.maxOtherLength = maxOtherLength;
        // independent limits: a Maximum Length above the A-ASSOCIATE limit is ours to announce and honour
        this.maxPDataLength = maxPDataLength == 0 ? maxOtherLength : Math.min(maxPDataLength, MAX_BODY_LENGTH);
    }

    /**
     * @return the largest total frame (header included) this framer lets through.
     */
    public long maxFrameLength()
    {
        return HEADER_LENGTH + Math.max(maxPDataLength, maxOtherLength);
    }

    /**
     * Looks at the bytes from {@code offset} and says whether a whole PDU is there.
     *
     * @param buffer    holding received bytes.
     * @param offset    of the first byte of the next PDU.
     * @param available bytes present from {@code offset}.
     * @return the PDU's total length (header included) when all of it is present; otherwise the negative of the
     * total length it will have (or of {@link PduDescriptor#HEADER_LENGTH} while the header is incomplete), so
     * that the caller knows how much room the PDU needs.
     * @throws ProtocolException if the header is invalid: unknown type, wrong fixed length, over a limit.
     */
    public int frame(final DirectBuffer buffer, final int offset, final int available)
    {
        if (available < HEADER_LENGTH)
        {
            return -HEADER_LENGTH;
        }
        final int type = pduType(buffer, offset);
        final long length = pduLength(buffer, offset);
        checkHeader(type, length);
        final int total = (int)(HEADER_LENGTH + length);
        return available >= total ? total : -total;
    }

    private void checkHeader(final int type, final long length)
    {
        switch (type)
        {
            case P_DATA_TF:
                if (length > maxPDataLength)
                {
                    throw tooLong(type, length, maxPDataLength);
                }
                if (length < PdvDescriptor.HEADER_LENGTH)
                {
                    throw invalidLength(type, length, "holds no PDV item");
                }
                break;

            case A_ASSOCIATE_RQ:
            case A_ASSOCIATE_AC:
                if (length > maxOtherLength)
                {
                    throw tooLong(type, length, maxOtherLength);
                }
                if (length < MIN_ASSOCIATE_BODY_LENGTH)
                {
                    throw invalidLength(type, length, "is shorter than the fixed fields");
                }
                break;

            case A_ASSOCIATE_RJ:
            case A_RELEASE_RQ:
            case A_RELEASE_RP:
            case A_ABORT:
                if (length != FIXED_BODY_LENGTH)
                {
                    throw invalidLength(type, length, "must be 4");
                }
                break;

            default:
                throw new ProtocolException(AbortReason.UNRECOGNIZED_PDU, "unrecognized PDU type 0x" +
                    Integer.toHexString(type) + " (PDU-length " + length + ")");
        }
    }

    private static ProtocolException tooLong(final int type, final long length, final long max)
    {
        return new ProtocolException(AbortReason.INVALID_PDU_PARAMETER_VALUE,
            name(type) + " PDU-length " + length + " exceeds the maximum " + max);
    }

    private static ProtocolException invalidLength(final int type, final long length, final String why)
    {
        return new ProtocolException(AbortReason.INVALID_PDU_PARAMETER_VALUE,
            name(type) + " PDU-length " + length + " " + why);
    }
}
