package org.dimse4j.pdu;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Layout of the PDU header and of the fixed fields of the seven PDU types (PS3.8 §9.3).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   PDU-type    |   reserved    |   PDU-length (uint32 BE) ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *      ... PDU-length             |   PDU-length bytes of body  ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * A-ASSOCIATE-RQ/AC body: protocol version (2), reserved (2), called AE title (16), calling AE title (16),
 * reserved (32), then variable items from offset 74. A-ASSOCIATE-RJ body: reserved, result, source, reason.
 * A-ABORT body: reserved, reserved, source, reason. A-RELEASE-RQ/RP body: 4 reserved bytes. Every multi-byte
 * field of a PDU is big-endian.
 */
public final class PduDescriptor
{
    /** Byte order of every PDU and item header field. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.BIG_ENDIAN;

    /** Length of the common header: type, reserved, PDU-length. */
    public static final int HEADER_LENGTH = 6;
    /** Offset of the PDU-type byte. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the 4-byte PDU-length field. */
    public static final int LENGTH_OFFSET = 2;

    /** PDU type A-ASSOCIATE-RQ. */
    public static final int A_ASSOCIATE_RQ = 0x01;
    /** PDU type A-ASSOCIATE-AC. */
    public static final int A_ASSOCIATE_AC = 0x02;
    /** PDU type A-ASSOCIATE-RJ. */
    public static final int A_ASSOCIATE_RJ = 0x03;
    /** PDU type P-DATA-TF. */
    public static final int P_DATA_TF = 0x04;
    /** PDU type A-RELEASE-RQ. */
    public static final int A_RELEASE_RQ = 0x05;
    /** PDU type A-RELEASE-RP. */
    public static final int A_RELEASE_RP = 0x06;
    /** PDU type A-ABORT. */
    public static final int A_ABORT = 0x07;

    /** PDU-length of A-ASSOCIATE-RJ, A-RELEASE-RQ, A-RELEASE-RP and A-ABORT. */
    public static final int FIXED_BODY_LENGTH = 4;
    /** Total length of a fixed-length PDU. */
    public static final int FIXED_PDU_LENGTH = HEADER_LENGTH + FIXED_BODY_LENGTH;

    /** A-ASSOCIATE-RQ/AC: offset of the protocol version. */
    public static final int PROTOCOL_VERSION_OFFSET = 6;
    /** A-ASSOCIATE-RQ/AC: offset of the called AE title (echoed as reserved in the AC). */
    public static final int CALLED_AE_TITLE_OFFSET = 10;
    /** A-ASSOCIATE-RQ/AC: offset of the calling AE title (echoed as reserved in the AC). */
    public static final int CALLING_AE_TITLE_OFFSET = 26;
    /** A-ASSOCIATE-RQ/AC: offset of the 32 reserved bytes. */
    public static final int ASSOCIATE_RESERVED_OFFSET = 42;
    /** A-ASSOCIATE-RQ/AC: offset of the first variable item. */
    public static final int VARIABLE_ITEMS_OFFSET = 74;
    /** Length of an AE title field. */
    public static final int AE_TITLE_LENGTH = 16;
    /** Length of the reserved field after the AE titles. */
    public static final int ASSOCIATE_RESERVED_LENGTH = 32;
    /** Smallest PDU-length of an A-ASSOCIATE-RQ/AC: the fixed fields without any item. */
    public static final int MIN_ASSOCIATE_BODY_LENGTH = VARIABLE_ITEMS_OFFSET - HEADER_LENGTH;
    /** The only protocol version: bit 0 set. */
    public static final int PROTOCOL_VERSION = 0x0001;

    /** A-ASSOCIATE-RJ: offset of the result byte. */
    public static final int REJECT_RESULT_OFFSET = 7;
    /** A-ASSOCIATE-RJ: offset of the source byte. */
    public static final int REJECT_SOURCE_OFFSET = 8;
    /** A-ASSOCIATE-RJ: offset of the reason/diag. byte. */
    public static final int REJECT_REASON_OFFSET = 9;
    /** A-ABORT: offset of the source byte. */
    public static final int ABORT_SOURCE_OFFSET = 8;
    /** A-ABORT: offset of the reason/diag. byte. */
    public static final int ABORT_REASON_OFFSET = 9;

    private PduDescriptor()
    {
    }

    /**
     * @param buffer holding the PDU.
     * @param offset of the PDU's first byte.
     * @return the PDU-type byte, 0..255.
     */
    public static int pduType(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    /**
     * @param buffer holding the PDU.
     * @param offset of the PDU's first byte.
     * @return the PDU-length field, unsigned.
     */
    public static long pduLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF_FFFFL;
    }

    /**
     * @param pduType a PDU-type byte.
     * @return true for the four PDU types whose PDU-length is always 4.
     */
    public static boolean isFixedLength(final int pduType)
    {
        return pduType == A_ASSOCIATE_RJ || pduType == A_RELEASE_RQ || pduType == A_RELEASE_RP || pduType == A_ABORT;
    }

    /**
     * @param pduType a PDU-type byte.
     * @return the standard's name of the PDU type, for log lines.
     */
    public static String name(final int pduType)
    {
        switch (pduType)
        {
            case A_ASSOCIATE_RQ: return "A-ASSOCIATE-RQ";
            case A_ASSOCIATE_AC: return "A-ASSOCIATE-AC";
            case A_ASSOCIATE_RJ: return "A-ASSOCIATE-RJ";
            case P_DATA_TF: return "P-DATA-TF";
            case A_RELEASE_RQ: return "A-RELEASE-RQ";
            case A_RELEASE_RP: return "A-RELEASE-RP";
            case A_ABORT: return "A-ABORT";
            default: return "unknown PDU type 0x" + Integer.toHexString(pduType);
        }
    }
}
