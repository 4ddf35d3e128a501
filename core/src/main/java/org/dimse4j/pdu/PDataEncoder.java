package org.dimse4j.pdu;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static org.dimse4j.pdu.PdvDescriptor.*;

/**
 * A re-pointable flyweight that writes a P-DATA-TF PDU in place: the header, then PDV items whose fragments are
 * either copied in or written by the caller straight behind the PDV header.
 * <pre>
 *  encoder.wrap(buffer, 0);
 *  int at = encoder.beginPdv(contextId, PdvDescriptor.COMMAND | PdvDescriptor.LAST);
 *  int n = commandEncoder.wrap(buffer, at)...encodedLength();
 *  encoder.endPdv(n);
 *  int length = encoder.encodedLength();   // PDU-length already set
 * </pre>
 */
public final class PDataEncoder
{
    private MutableDirectBuffer buffer;
    private int offset;
    private int limit;
    private int pdvOffset = -1;

    /**
     * @param buffer to write into.
     * @param offset of the PDU-type byte.
     * @return this.
     */
    public PDataEncoder wrap(final MutableDirectBuffer buffer, final int offset)
    {
        if (this.buffer != buffer)
        {
            this.buffer = buffer;
        }
        this.offset = offset;
        buffer.putByte(offset + PduDescriptor.TYPE_OFFSET, (byte)PduDescriptor.P_DATA_TF);
        buffer.putByte(offset + 1, (byte)0);
        this.limit = offset + PduDescriptor.HEADER_LENGTH;
        this.pdvOffset = -1;
        setPduLength();
        return this;
    }

    /**
     * Writes a PDV header; the caller writes the fragment from the returned offset and then calls
     * {@link #endPdv(int)}.
     *
     * @param contextId     presentation context ID.
     * @param controlHeader {@link PdvDescriptor#COMMAND} and/or {@link PdvDescriptor#LAST}.
     * @return offset at which the fragment goes.
     */
    public int beginPdv(final int contextId, final int controlHeader)
    {
        pdvOffset = limit;
        buffer.putByte(limit + CONTEXT_ID_OFFSET, (byte)contextId);
        buffer.putByte(limit + CONTROL_HEADER_OFFSET, (byte)controlHeader);
        return limit + HEADER_LENGTH;
    }

    /**
     * Completes the PDV begun last.
     *
     * @param fragmentLength bytes the caller wrote behind the PDV header.
     * @return this.
     */
    public PDataEncoder endPdv(final int fragmentLength)
    {
        buffer.putInt(pdvOffset + ITEM_LENGTH_OFFSET, fragmentLength + ITEM_LENGTH_OVERHEAD, PduDescriptor.BYTE_ORDER);
        limit = pdvOffset + HEADER_LENGTH + fragmentLength;
        pdvOffset = -1;
        setPduLength();
        return this;
    }

    /**
     * Appends a PDV whose fragment is copied from {@code src}.
     *
     * @param contextId     presentation context ID.
     * @param controlHeader {@link PdvDescriptor#COMMAND} and/or {@link PdvDescriptor#LAST}.
     * @param src           fragment bytes.
     * @param srcOffset     of the first fragment byte.
     * @param length        fragment length (even).
     * @return this.
     */
    public PDataEncoder putPdv(
        final int contextId, final int controlHeader, final DirectBuffer src, final int srcOffset, final int length)
    {
        final int at = beginPdv(contextId, controlHeader);
        buffer.putBytes(at, src, srcOffset, length);
        return endPdv(length);
    }

    /** @return total bytes of the PDU so far (header included). */
    public int encodedLength()
    {
        return limit - offset;
    }

    private void setPduLength()
    {
        buffer.putInt(offset + PduDescriptor.LENGTH_OFFSET, limit - offset - PduDescriptor.HEADER_LENGTH,
            PduDescriptor.BYTE_ORDER);
    }
}
