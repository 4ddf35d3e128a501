package org.dimse4j.pdu;

import org.agrona.DirectBuffer;

import static org.dimse4j.pdu.PdvDescriptor.*;

/**
 * A re-pointable flyweight over a P-DATA-TF PDU that walks its PDV items in place (PS3.8 §9.3.5, Annex E).
 * <pre>
 *  decoder.wrap(buffer, offset, length);
 *  while (decoder.nextPdv()) { decoder.contextId(); decoder.isCommand(); decoder.fragmentOffset(); ... }
 * </pre>
 * The PDU-length field must agree with the framed length and leave room for at least one PDV. Each PDV's
 * item-length is checked against what is left of the PDU before any of it is read: it must be at least 2 and
 * must not run past the PDU. Nothing is copied and nothing is allocated.
 */
public final class PDataDecoder
{
    private DirectBuffer buffer;
    private int limit;
    private int end;
    private int pdvOffset;
    private int fragmentLength;

    /**
     * @param buffer holding the PDU.
     * @param offset of the PDU-type byte.
     * @param length total PDU length as framed (header included).
     * @return this.
     * @throws ProtocolException if {@code length} leaves no room for a PDV or disagrees with the PDU-length field.
     */
    public PDataDecoder wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < PduDescriptor.HEADER_LENGTH + HEADER_LENGTH ||
            PduDescriptor.pduLength(buffer, offset) != length - PduDescriptor.HEADER_LENGTH)
        {
            throw badPduLength(buffer, offset, length);
        }
        if (this.buffer != buffer)
        {
            this.buffer = buffer;
        }
        this.limit = offset + PduDescriptor.HEADER_LENGTH;
        this.end = offset + length;
        this.pdvOffset = -1;
        this.fragmentLength = 0;
        return this;
    }

    /**
     * Moves to the next PDV.
     *
     * @return false when the PDU holds no more.
     * @throws ProtocolException if a PDV's item-length is below 2 or runs past the PDU.
     */
    public boolean nextPdv()
    {
        final int remaining = end - limit;
        if (remaining == 0)
        {
            return false;
        }
        if (remaining < HEADER_LENGTH)
        {
            throw truncated(remaining);
        }
        final long itemLength = buffer.getInt(limit + ITEM_LENGTH_OFFSET, PduDescriptor.BYTE_ORDER) & 0xFFFF_FFFFL;
        if (itemLength < ITEM_LENGTH_OVERHEAD || itemLength > remaining - ITEM_LENGTH_OFFSET - 4)
        {
            throw badItemLength(itemLength, remaining);
        }
        pdvOffset = limit;
        fragmentLength = (int)itemLength - ITEM_LENGTH_OVERHEAD;
        limit += HEADER_LENGTH + fragmentLength;
        return true;
    }

    /** @return the current PDV's presentation context ID. */
    public int contextId()
    {
        return buffer.getByte(pdvOffset + CONTEXT_ID_OFFSET) & 0xFF;
    }

    /** @return the current PDV's message control header, masked to the two defined bits. */
    public int controlHeader()
    {
        return buffer.getByte(pdvOffset + CONTROL_HEADER_OFFSET) & CONTROL_MASK;
    }

    /** @return true if the current PDV holds command information. */
    public boolean isCommand()
    {
        return (buffer.getByte(pdvOffset + CONTROL_HEADER_OFFSET) & COMMAND) != 0;
    }

    /** @return true if the current PDV is the last fragment of its command or data set. */
    public boolean isLast()
    {
        return (buffer.getByte(pdvOffset + CONTROL_HEADER_OFFSET) & LAST) != 0;
    }

    /** @return offset of the current PDV's item header. */
    public int pdvOffset()
    {
        return pdvOffset;
    }

    /** @return offset of the current PDV's first fragment byte. */
    public int fragmentOffset()
    {
        return pdvOffset + HEADER_LENGTH;
    }

    /** @return the current PDV's fragment length. */
    public int fragmentLength()
    {
        return fragmentLength;
    }

    /** @return the buffer being walked. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    private static ProtocolException badPduLength(final DirectBuffer buffer, final int offset, final int length)
    {
        return new ProtocolException(AbortReason.INVALID_PDU_PARAMETER_VALUE, length < PduDescriptor.HEADER_LENGTH ?
            "P-DATA-TF of " + length + " bytes is shorter than its header" :
            "P-DATA-TF PDU-length " + PduDescriptor.pduLength(buffer, offset) + " disagrees with the " + length +
            " bytes framed or leaves no room for a PDV item");
    }

    private static ProtocolException truncated(final int remaining)
    {
        return new ProtocolException(AbortReason.INVALID_PDU_PARAMETER_VALUE,
            "P-DATA-TF ends with " + remaining + " bytes, too short for a PDV item header");
    }

    private static ProtocolException badItemLength(final long itemLength, final int remaining)
    {
        return new ProtocolException(AbortReason.INVALID_PDU_PARAMETER_VALUE,
            "PDV item-length " + itemLength + " does not fit the " + (remaining - 4) + " bytes left in the P-DATA-TF");
    }
}
