package org.dimse4j.pdu;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static org.dimse4j.pdu.PduDescriptor.*;

/**
 * Encoders and field readers for the four fixed-length PDUs: A-ASSOCIATE-RJ, A-RELEASE-RQ, A-RELEASE-RP and
 * A-ABORT (PS3.8 Tables 9-21, 9-24, 9-25, 9-26). Each is 10 bytes: the 6-byte header with PDU-length 4, then
 * four bytes of which the last three carry result/source/reason where defined. Reserved bytes are written as 0
 * and never tested.
 */
public final class FixedPduCodec
{
    /** A-ASSOCIATE-RJ result: rejected-permanent. */
    public static final int REJECTED_PERMANENT = 1;
    /** A-ASSOCIATE-RJ result: rejected-transient. */
    public static final int REJECTED_TRANSIENT = 2;
    /** A-ASSOCIATE-RJ source: DICOM UL service-user. */
    public static final int REJECT_SOURCE_SERVICE_USER = 1;
    /** A-ASSOCIATE-RJ source: DICOM UL service-provider (ACSE related function). */
    public static final int REJECT_SOURCE_ACSE = 2;
    /** A-ASSOCIATE-RJ source: DICOM UL service-provider (Presentation related function). */
    public static final int REJECT_SOURCE_PRESENTATION = 3;
    /** Reason (source 1): no-reason-given. */
    public static final int REJECT_NO_REASON = 1;
    /** Reason (source 1): application-context-name-not-supported. */
    public static final int REJECT_APPLICATION_CONTEXT_NOT_SUPPORTED = 2;
    /** Reason (source 1): calling-AE-title-not-recognized. */
    public static final int REJECT_CALLING_AE_NOT_RECOGNIZED = 3;
    /** Reason (source 1): called-AE-title-not-recognized. */
    public static final int REJECT_CALLED_AE_NOT_RECOGNIZED = 7;
    /** Reason (source 2): protocol-version-not-supported. */
    public static final int REJECT_PROTOCOL_VERSION_NOT_SUPPORTED = 2;
    /** Reason (source 3): temporary-congestion. */
    public static final int REJECT_TEMPORARY_CONGESTION = 1;
    /** Reason (source 3): local-limit-exceeded. */
    public static final int REJECT_LOCAL_LIMIT_EXCEEDED = 2;

    private FixedPduCodec()
    {
    }

    /**
     * @param buffer to write into.
     * @param offset of the PDU.
     * @param result 1 permanent, 2 transient.
     * @param source 1, 2 or 3.
     * @param reason reason/diag. for the source.
     * @return {@link PduDescriptor#FIXED_PDU_LENGTH}.
     */
    public static int encodeAssociateReject(
        final MutableDirectBuffer buffer, final int offset, final int result, final int source, final int reason)
    {
        header(buffer, offset, A_ASSOCIATE_RJ);
        buffer.putByte(offset + 6, (byte)0);
        buffer.putByte(offset + REJECT_RESULT_OFFSET, (byte)result);
        buffer.putByte(offset + REJECT_SOURCE_OFFSET, (byte)source);
        buffer.putByte(offset + REJECT_REASON_OFFSET, (byte)reason);
        return FIXED_PDU_LENGTH;
    }

    /**
     * @param buffer to write into.
     * @param offset of the PDU.
     * @return {@link PduDescriptor#FIXED_PDU_LENGTH}.
     */
    public static int encodeReleaseRq(final MutableDirectBuffer buffer, final int offset)
    {
        header(buffer, offset, A_RELEASE_RQ);
        buffer.putInt(offset + HEADER_LENGTH, 0);
        return FIXED_PDU_LENGTH;
    }

    /**
     * @param buffer to write into.
     * @param offset of the PDU.
     * @return {@link PduDescriptor#FIXED_PDU_LENGTH}.
     */
    public static int encodeReleaseRp(final MutableDirectBuffer buffer, final int offset)
    {
        header(buffer, offset, A_RELEASE_RP);
        buffer.putInt(offset + HEADER_LENGTH, 0);
        return FIXED_PDU_LENGTH;
    }

    /**
     * @param buffer to write into.
     * @param offset of the PDU.
     * @param source 0 service-user, 2 service-provider.
     * @param reason reason/diag. (0 for source 0).
     * @return {@link PduDescriptor#FIXED_PDU_LENGTH}.
     */
    public static int encodeAbort(final MutableDirectBuffer buffer, final int offset, final int source, final int reason)
    {
        header(buffer, offset, A_ABORT);
        buffer.putShort(offset + HEADER_LENGTH, (short)0);
        buffer.putByte(offset + ABORT_SOURCE_OFFSET, (byte)source);
        buffer.putByte(offset + ABORT_REASON_OFFSET, (byte)reason);
        return FIXED_PDU_LENGTH;
    }

    /**
     * @param buffer holding an A-ASSOCIATE-RJ.
     * @param offset of the PDU.
     * @return the result byte.
     */
    public static int rejectResult(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + REJECT_RESULT_OFFSET) & 0xFF;
    }

    /**
     * @param buffer holding an A-ASSOCIATE-RJ.
     * @param offset of the PDU.
     * @return the source byte.
     */
    public static int rejectSource(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + REJECT_SOURCE_OFFSET) & 0xFF;
    }

    /**
     * @param buffer holding an A-ASSOCIATE-RJ.
     * @param offset of the PDU.
     * @return the reason/diag. byte.
     */
    public static int rejectReason(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + REJECT_REASON_OFFSET) & 0xFF;
    }

    /**
     * @param buffer holding an A-ABORT.
     * @param offset of the PDU.
     * @return the source byte.
     */
    public static int abortSource(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + ABORT_SOURCE_OFFSET) & 0xFF;
    }

    /**
     * @param buffer holding an A-ABORT.
     * @param offset of the PDU.
     * @return the reason/diag. byte.
     */
    public static int abortReason(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + ABORT_REASON_OFFSET) & 0xFF;
    }

    /**
     * @param result A-ASSOCIATE-RJ result.
     * @param source A-ASSOCIATE-RJ source.
     * @param reason A-ASSOCIATE-RJ reason/diag.
     * @return the standard's words, e.g. "rejected-permanent, service-user: called-AE-title-not-recognized".
     */
    public static String describeReject(final int result, final int source, final int reason)
    {
        final String r = result == REJECTED_PERMANENT ? "rejected-permanent" :
            result == REJECTED_TRANSIENT ? "rejected-transient" : "result " + result;
        final String why;
        if (source == REJECT_SOURCE_SERVICE_USER)
        {
            why = "service-user: " + (reason == REJECT_NO_REASON ? "no-reason-given" :
                reason == REJECT_APPLICATION_CONTEXT_NOT_SUPPORTED ? "application-context-name-not-supported" :
                reason == REJECT_CALLING_AE_NOT_RECOGNIZED ? "calling-AE-title-not-recognized" :
                reason == REJECT_CALLED_AE_NOT_RECOGNIZED ? "called-AE-title-not-recognized" : "reason " + reason);
        }
        else if (source == REJECT_SOURCE_ACSE)
        {
            why = "service-provider (ACSE): " + (reason == REJECT_NO_REASON ? "no-reason-given" :
                reason == REJECT_PROTOCOL_VERSION_NOT_SUPPORTED ? "protocol-version-not-supported" :
                "reason " + reason);
        }
        else if (source == REJECT_SOURCE_PRESENTATION)
        {
            why = "service-provider (presentation): " + (reason == REJECT_TEMPORARY_CONGESTION ?
                "temporary-congestion" : reason == REJECT_LOCAL_LIMIT_EXCEEDED ? "local-limit-exceeded" :
                "reason " + reason);
        }
        else
        {
            why = "source " + source + " reason " + reason;
        }
        return r + ", " + why;
    }

    private static void header(final MutableDirectBuffer buffer, final int offset, final int type)
    {
        buffer.putByte(offset + TYPE_OFFSET, (byte)type);
        buffer.putByte(offset + 1, (byte)0);
        buffer.putInt(offset + LENGTH_OFFSET, FIXED_BODY_LENGTH, BYTE_ORDER);
    }
}
