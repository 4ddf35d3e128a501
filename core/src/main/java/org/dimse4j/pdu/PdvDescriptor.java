package org.dimse4j.pdu;

/**
 * Layout of a Presentation-Data-Value item inside a P-DATA-TF PDU (PS3.8 Table 9-23, Annex E.2).
 * <pre>
 *  +---------------------------+------------+----------------+------------------ - -
 *  | item-length 4 (uint32 BE) | context ID | message control| fragment
 *  |  = 2 + fragment length    |   (odd)    | header         | (item-length - 2 bytes, even)
 *  +---------------------------+------------+----------------+------------------ - -
 * </pre>
 * Message control header: bit 0 set = command fragment (clear = data set), bit 1 set = last fragment. Bits 2-7
 * are sent as 0 and never tested. There is no item-type byte.
 */
public final class PdvDescriptor
{
    /** Offset of the 4-byte item-length. */
    public static final int ITEM_LENGTH_OFFSET = 0;
    /** Offset of the presentation context ID. */
    public static final int CONTEXT_ID_OFFSET = 4;
    /** Offset of the message control header. */
    public static final int CONTROL_HEADER_OFFSET = 5;
    /** Offset of the first fragment byte; also the per-PDV overhead. */
    public static final int HEADER_LENGTH = 6;
    /** The bytes the item-length counts before the fragment: context ID and control header. */
    public static final int ITEM_LENGTH_OVERHEAD = 2;

    /** Control header bit 0: command information. */
    public static final int COMMAND = 0x01;
    /** Control header bit 1: last fragment. */
    public static final int LAST = 0x02;
    /** The bits of the control header a receiver looks at. */
    public static final int CONTROL_MASK = 0x03;

    private PdvDescriptor()
    {
    }

    /**
     * The largest even fragment that fits one PDV per P-DATA-TF within a peer's maximum PDU length.
     *
     * @param maxPduLength the peer's Maximum Length (0 = unlimited is to be replaced by a local cap first).
     * @return {@code (max - 6)} rounded down to even.
     */
    public static int maxFragmentLength(final int maxPduLength)
    {
        return (maxPduLength - HEADER_LENGTH) & ~1;
    }
}
