package org.dimse4j.pdu;

import org.agrona.DirectBuffer;

import static org.dimse4j.pdu.ItemDescriptor.*;

/**
 * A re-pointable flyweight that walks a run of items or sub-items in place (PS3.8 §9.3.2), checking each header
 * and declared length against the region before it is read.
 * <pre>
 *  cursor.wrap(buffer, offset, length);
 *  while (cursor.next()) { switch (cursor.type()) { ... cursor.valueOffset(), cursor.valueLength() ... } }
 * </pre>
 * No allocation: one cursor per nesting level, reused.
 */
public final class ItemCursor
{
    private DirectBuffer buffer;
    private int limit;
    private int end;
    private int itemOffset;
    private int type;
    private int valueLength;
    private String context;

    /**
     * @param buffer  holding the items.
     * @param offset  of the first item header.
     * @param length  bytes of items (the enclosing item's value length).
     * @param context names the enclosing structure, for error messages.
     * @return this.
     */
    public ItemCursor wrap(final DirectBuffer buffer, final int offset, final int length, final String context)
    {
        this.buffer = buffer;
        this.limit = offset;
        this.end = offset + length;
        this.itemOffset = -1;
        this.type = -1;
        this.valueLength = 0;
        this.context = context;
        return this;
    }

    /**
     * Moves to the next item.
     *
     * @return false when the run is exhausted.
     * @throws ProtocolException if a header or a declared length runs past the run's end.
     */
    public boolean next()
    {
        final int remaining = end - limit;
        if (remaining == 0)
        {
            return false;
        }
        if (remaining < HEADER_LENGTH)
        {
            throw new ProtocolException(AbortReason.INVALID_PDU_PARAMETER_VALUE,
                context + ": " + remaining + " trailing bytes are too short for an item header");
        }
        final int length = buffer.getShort(limit + LENGTH_OFFSET, PduDescriptor.BYTE_ORDER) & 0xFFFF;
        final int t = buffer.getByte(limit + TYPE_OFFSET) & 0xFF;
        if (length > remaining - HEADER_LENGTH)
        {
            throw new ProtocolException(AbortReason.INVALID_PDU_PARAMETER_VALUE,
                context + ": " + name(t) + " length " + length + " exceeds the " + (remaining - HEADER_LENGTH) +
                " bytes left");
        }
        itemOffset = limit;
        type = t;
        valueLength = length;
        limit += HEADER_LENGTH + length;
        return true;
    }

    /** @return the current item's type. */
    public int type()
    {
        return type;
    }

    /** @return the current item's reserved byte (the sub-item version of 0x57). */
    public int reserved()
    {
        return buffer.getByte(itemOffset + RESERVED_OFFSET) & 0xFF;
    }

    /** @return offset of the current item's header. */
    public int itemOffset()
    {
        return itemOffset;
    }

    /** @return offset of the current item's value. */
    public int valueOffset()
    {
        return itemOffset + HEADER_LENGTH;
    }

    /** @return the current item's value length. */
    public int valueLength()
    {
        return valueLength;
    }

    /** @return the buffer being walked. */
    public DirectBuffer buffer()
    {
        return buffer;
    }
}
