package org.dimse4j.dimse;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.dimse4j.dimse.CommandElement.HEADER_LENGTH;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Re-pointable flyweight that writes a DIMSE command set, Implicit VR Little Endian, into a
 * {@link MutableDirectBuffer} (PS3.7 Annex E; dimse.md §1). Layout of each element:
 * <pre>
 *  +------------+--------------+-------------------+--------------------------------+
 *  | group (LE) | element (LE) | value length (LE) | value, padded to even length   |
 *  |  2 bytes   |   2 bytes    |      4 bytes      | UI: 0x00 pad, AE/LO: 0x20 pad  |
 *  +------------+--------------+-------------------+--------------------------------+
 * </pre>
 * {@link #wrap(MutableDirectBuffer, int)} writes Command Group Length (0000,0000) first; every {@code put…} appends
 * one element and rewrites the group length, so the command set is complete after each call and
 * {@link #encodedLength()} bytes can be sent at any point.
 * <p>
 * Tags must be put in strictly ascending order; a tag out of order is a programming error and throws
 * {@link IllegalStateException}. A known tag put with the wrong value representation, a value too long for its VR
 * or a non-ASCII character throw {@link IllegalArgumentException}. A put that throws writes nothing and leaves the
 * encoder as it was. Retired or unknown group 0000 tags are accepted by any {@code put…} method (for
 * interoperability tests); other groups are not.
 * <p>
 * No method allocates on success: {@link CharSequence} values are written one character at a time as ASCII.
 * The buffer must have room; with an expandable buffer it grows. Not thread-safe.
 */
public final class CommandEncoder
{
    /** Verification SOP Class UID, the Affected SOP Class UID of C-ECHO. */
    public static final String VERIFICATION_SOP_CLASS_UID = "1.2.840.10008.1.1";

    /** Length of the Command Group Length element: header (8) + UL value (4). */
    public static final int GROUP_LENGTH_ELEMENT_LENGTH = HEADER_LENGTH + 4;

    private MutableDirectBuffer buffer;
    private int offset;
    private int limit;
    private int lastTag;

    /**
     * Points this encoder at a buffer and writes Command Group Length (0000,0000) with value 0.
     *
     * @param buffer where to write.
     * @param offset where the command set starts.
     * @return this.
     */
    public CommandEncoder wrap(final MutableDirectBuffer buffer, final int offset)
    {
        if (buffer != this.buffer)
        {
            this.buffer = buffer;
        }
        this.offset = offset;
        buffer.putInt(offset, CommandElement.COMMAND_GROUP_LENGTH, LITTLE_ENDIAN);
        buffer.putInt(offset + 4, 4, LITTLE_ENDIAN);
        buffer.putInt(offset + HEADER_LENGTH, 0, LITTLE_ENDIAN);
        limit = offset + GROUP_LENGTH_ELEMENT_LENGTH;
        lastTag = CommandElement.COMMAND_GROUP_LENGTH;
        return this;
    }

    /**
     * @return the buffer written to.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the offset of the command set.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return the offset just past the last element written.
     */
    public int limit()
    {
        return limit;
    }

    /**
     * @return the number of bytes of the command set written so far, Command Group Length included.
     */
    public int encodedLength()
    {
        return limit - offset;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Elements

    /**
     * Appends a US element.
     *
     * @param tag   a tag with VR US, greater than the last one put.
     * @param value 0 to 65535.
     * @return this.
     */
    public CommandEncoder putUS(final int tag, final int value)
    {
        if ((value & 0xFFFF_0000) != 0)
        {
            throw new IllegalArgumentException(CommandElement.name(tag) + " US value out of range: " + value);
        }
        final int valueOffset = header(tag, CommandElement.VR_US, 2);
        buffer.putShort(valueOffset, (short)value, LITTLE_ENDIAN);
        return end(valueOffset + 2);
    }

    /**
     * Appends a UL element (no non-retired command element other than the group length, which {@link #wrap} writes,
     * has VR UL; this is for retired or private uses).
     *
     * @param tag   a tag with VR UL, greater than the last one put.
     * @param value 0 to 2^32 - 1.
     * @return this.
     */
    public CommandEncoder putUL(final int tag, final long value)
    {
        if ((value & 0xFFFF_FFFF_0000_0000L) != 0)
        {
            throw new IllegalArgumentException(CommandElement.name(tag) + " UL value out of range: " + value);
        }
        final int valueOffset = header(tag, CommandElement.VR_UL, 4);
        buffer.putInt(valueOffset, (int)value, LITTLE_ENDIAN);
        return end(valueOffset + 4);
    }

    /**
     * Appends a UI element, padded with one NUL to even length.
     *
     * @param tag a tag with VR UI, greater than the last one put.
     * @param uid the UID, ASCII, at most 64 characters, without padding.
     * @return this.
     */
    public CommandEncoder putUid(final int tag, final CharSequence uid)
    {
        return putChars(tag, CommandElement.VR_UI, uid, CommandElement.MAX_UI_LENGTH, (byte)0);
    }

    /**
     * Appends a UI element copied from bytes, for example a UID read by {@link CommandDecoder}. Trailing NUL or space
     * padding in the source is dropped, then one NUL pads to even length.
     *
     * @param tag       a tag with VR UI, greater than the last one put.
     * @param src       the UID bytes.
     * @param srcOffset where they start.
     * @param srcLength their length, padding included or not.
     * @return this.
     */
    public CommandEncoder putUid(final int tag, final DirectBuffer src, final int srcOffset, final int srcLength)
    {
        return putBytes(tag, CommandElement.VR_UI, src, srcOffset, srcLength, CommandElement.MAX_UI_LENGTH, (byte)0);
    }

    /**
     * Appends an AE element, padded with one space to even length.
     *
     * @param tag a tag with VR AE, greater than the last one put.
     * @param ae  the AE title, ASCII, at most 16 characters.
     * @return this.
     */
    public CommandEncoder putAE(final int tag, final CharSequence ae)
    {
        return putChars(tag, CommandElement.VR_AE, ae, CommandElement.MAX_AE_LENGTH, (byte)' ');
    }

    /**
     * Appends an AE element copied from bytes; trailing NUL/space padding of the source is dropped, then one space
     * pads to even length.
     *
     * @param tag       a tag with VR AE, greater than the last one put.
     * @param src       the AE title bytes.
     * @param srcOffset where they start.
     * @param srcLength their length.
     * @return this.
     */
    public CommandEncoder putAE(final int tag, final DirectBuffer src, final int srcOffset, final int srcLength)
    {
        return putBytes(tag, CommandElement.VR_AE, src, srcOffset, srcLength, CommandElement.MAX_AE_LENGTH,
            (byte)' ');
    }

    /**
     * Appends an LO element (Error Comment), padded with one space to even length.
     *
     * @param tag   a tag with VR LO, greater than the last one put.
     * @param value the text, ASCII, at most 64 characters.
     * @return this.
     */
    public CommandEncoder putString(final int tag, final CharSequence value)
    {
        return putChars(tag, CommandElement.VR_LO, value, CommandElement.MAX_LO_LENGTH, (byte)' ');
    }

    /**
     * Appends an AT element with one value.
     *
     * @param tag    a tag with VR AT, greater than the last one put.
     * @param oneTag the attribute tag, {@code group << 16 | element}.
     * @return this.
     */
    public CommandEncoder putAT(final int tag, final int oneTag)
    {
        final int valueOffset = header(tag, CommandElement.VR_AT, 4);
        putTag(valueOffset, oneTag);
        return end(valueOffset + 4);
    }

    /**
     * Appends an AT element with the first {@code count} tags of an array, without allocating.
     *
     * @param tag   a tag with VR AT, greater than the last one put.
     * @param tags  the attribute tags, {@code group << 16 | element}.
     * @param count how many of them to write.
     * @return this.
     */
    public CommandEncoder putAT(final int tag, final int[] tags, final int count)
    {
        if (count < 0 || count > tags.length)
        {
            throw new IllegalArgumentException("count " + count + " outside 0.." + tags.length);
        }
        final int valueOffset = header(tag, CommandElement.VR_AT, count << 2);
        for (int i = 0; i < count; i++)
        {
            putTag(valueOffset + (i << 2), tags[i]);
        }
        return end(valueOffset + (count << 2));
    }

    /**
     * Appends an AT element with several values. The varargs call allocates an array: off the hot path use
     * {@link #putAT(int, int)} or {@link #putAT(int, int[], int)}.
     *
     * @param tag  a tag with VR AT, greater than the last one put.
     * @param tags the attribute tags.
     * @return this.
     */
    public CommandEncoder putAT(final int tag, final int... tags)
    {
        return putAT(tag, tags, tags.length);
    }

    private void putTag(final int position, final int attributeTag)
    {
        buffer.putShort(position, (short)(attributeTag >>> 16), LITTLE_ENDIAN);
        buffer.putShort(position + 2, (short)attributeTag, LITTLE_ENDIAN);
    }

    private CommandEncoder putChars(
        final int tag, final int vr, final CharSequence chars, final int maxLength, final byte pad)
    {
        final int length = chars.length();
        if (length > maxLength)
        {
            throw new IllegalArgumentException(CommandElement.name(tag) + " value longer than " + maxLength +
                " characters: " + length);
        }
        for (int i = 0; i < length; i++)
        {
            if (chars.charAt(i) > 0x7F)
            {
                throw new IllegalArgumentException(CommandElement.name(tag) + " has a non-ASCII character at " + i);
            }
        }
        final int paddedLength = length + (length & 1);
        final int valueOffset = header(tag, vr, paddedLength);
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(valueOffset + i, (byte)chars.charAt(i));
        }
        if (paddedLength != length)
        {
            buffer.putByte(valueOffset + length, pad);
        }
        return end(valueOffset + paddedLength);
    }

    private CommandEncoder putBytes(
        final int tag,
        final int vr,
        final DirectBuffer src,
        final int srcOffset,
        final int srcLength,
        final int maxLength,
        final byte pad)
    {
        int length = srcLength;
        while (length > 0 && isPad(src.getByte(srcOffset + length - 1)))
        {
            length--;
        }
        if (length > maxLength)
        {
            throw new IllegalArgumentException(CommandElement.name(tag) + " value longer than " + maxLength +
                " bytes: " + length);
        }
        final int paddedLength = length + (length & 1);
        final int valueOffset = header(tag, vr, paddedLength);
        buffer.putBytes(valueOffset, src, srcOffset, length);
        if (paddedLength != length)
        {
            buffer.putByte(valueOffset + length, pad);
        }
        return end(valueOffset + paddedLength);
    }

    private static boolean isPad(final byte b)
    {
        return b == 0 || b == ' ';
    }

    private int header(final int tag, final int vr, final int valueLength)
    {
        if ((tag >>> 16) != 0 || tag == CommandElement.COMMAND_GROUP_LENGTH)
        {
            throw new IllegalArgumentException("cannot put " + CommandElement.toString(tag) +
                ": only group 0000 elements after Command Group Length, which wrap() writes");
        }
        if (tag <= lastTag)
        {
            throw new IllegalStateException(CommandElement.name(tag) + " put out of order: it must come after " +
                CommandElement.name(lastTag) + " and tags must ascend");
        }
        final int knownVr = CommandElement.vr(tag);
        if (knownVr != CommandElement.VR_UNKNOWN && knownVr != vr)
        {
            throw new IllegalArgumentException(CommandElement.name(tag) + " has VR " +
                CommandElement.vrName(knownVr) + ", not " + CommandElement.vrName(vr));
        }
        buffer.putShort(limit, (short)0, LITTLE_ENDIAN);
        buffer.putShort(limit + 2, (short)tag, LITTLE_ENDIAN);
        buffer.putInt(limit + 4, valueLength, LITTLE_ENDIAN);
        lastTag = tag;
        return limit + HEADER_LENGTH;
    }

    private CommandEncoder end(final int newLimit)
    {
        limit = newLimit;
        buffer.putInt(offset + HEADER_LENGTH, newLimit - (offset + GROUP_LENGTH_ELEMENT_LENGTH), LITTLE_ENDIAN);
        return this;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Whole messages (allocation-free)

    /**
     * Writes a complete C-ECHO-RQ (dimse.md §4.10).
     *
     * @param buffer    where to write.
     * @param offset    where to start.
     * @param messageId Message ID.
     * @return this; {@link #encodedLength()} is 68.
     */
    public CommandEncoder encodeEchoRq(final MutableDirectBuffer buffer, final int offset, final int messageId)
    {
        return wrap(buffer, offset)
            .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, VERIFICATION_SOP_CLASS_UID)
            .putUS(CommandElement.COMMAND_FIELD, CommandField.C_ECHO_RQ)
            .putUS(CommandElement.MESSAGE_ID, messageId)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_NONE);
    }

    /**
     * Writes a complete C-ECHO-RSP echoing the Verification SOP Class UID (dimse.md §4.11).
     *
     * @param buffer                    where to write.
     * @param offset                    where to start.
     * @param messageIdBeingRespondedTo the request's Message ID.
     * @param status                    Status, normally {@link Status#SUCCESS}.
     * @return this; {@link #encodedLength()} is 78.
     */
    public CommandEncoder encodeEchoRsp(
        final MutableDirectBuffer buffer, final int offset, final int messageIdBeingRespondedTo, final int status)
    {
        return wrap(buffer, offset)
            .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, VERIFICATION_SOP_CLASS_UID)
            .putUS(CommandElement.COMMAND_FIELD, CommandField.C_ECHO_RSP)
            .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, messageIdBeingRespondedTo)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_NONE)
            .putUS(CommandElement.STATUS, status);
    }

    /**
     * Writes a complete C-STORE-RQ (dimse.md §4.1) without the optional Move Originator elements; append those with
     * {@link #putAE(int, CharSequence)} and {@link #putUS(int, int)} if needed.
     *
     * @param buffer         where to write.
     * @param offset         where to start.
     * @param sopClassUid    Affected SOP Class UID.
     * @param sopInstanceUid Affected SOP Instance UID.
     * @param messageId      Message ID.
     * @param priority       Priority.
     * @return this.
     */
    public CommandEncoder encodeStoreRq(
        final MutableDirectBuffer buffer,
        final int offset,
        final CharSequence sopClassUid,
        final CharSequence sopInstanceUid,
        final int messageId,
        final int priority)
    {
        return wrap(buffer, offset)
            .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, sopClassUid)
            .putUS(CommandElement.COMMAND_FIELD, CommandField.C_STORE_RQ)
            .putUS(CommandElement.MESSAGE_ID, messageId)
            .putUS(CommandElement.PRIORITY, priority)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_PRESENT)
            .putUid(CommandElement.AFFECTED_SOP_INSTANCE_UID, sopInstanceUid);
    }

    /**
     * Starts the response to a decoded request (status.md §6): Affected SOP Class UID echoed from the request's
     * Affected or Requested SOP Class UID (if it has one), Command Field = request | 0x8000, Message ID Being
     * Responded To = request Message ID, Command Data Set Type and Status. Status-related elements
     * (0000,0901)-(0000,0903) may follow, then {@link #putAffectedSopInstanceUid(CommandDecoder)} and the rest.
     *
     * @param buffer      where to write.
     * @param offset      where to start.
     * @param request     the decoded request.
     * @param dataSetType {@link CommandElement#DATA_SET_TYPE_NONE} or {@link CommandElement#DATA_SET_TYPE_PRESENT}.
     * @param status      Status.
     * @return this.
     */
    public CommandEncoder encodeResponse(
        final MutableDirectBuffer buffer,
        final int offset,
        final CommandDecoder request,
        final int dataSetType,
        final int status)
    {
        wrap(buffer, offset);
        final int classTag = request.contains(CommandElement.AFFECTED_SOP_CLASS_UID) ?
            CommandElement.AFFECTED_SOP_CLASS_UID : CommandElement.REQUESTED_SOP_CLASS_UID;
        if (request.contains(classTag))
        {
            putUid(CommandElement.AFFECTED_SOP_CLASS_UID, request.buffer(), request.valueOffset(classTag),
                request.valueLength(classTag));
        }
        return putUS(CommandElement.COMMAND_FIELD, request.commandField() | CommandField.RESPONSE_BIT)
            .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, request.messageId())
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, dataSetType)
            .putUS(CommandElement.STATUS, status);
    }

    /**
     * Appends Affected SOP Instance UID (0000,1000) copied from the request's Affected or Requested SOP Instance
     * UID; does nothing if the request has neither.
     *
     * @param request the decoded request.
     * @return this.
     */
    public CommandEncoder putAffectedSopInstanceUid(final CommandDecoder request)
    {
        final int instanceTag = request.contains(CommandElement.AFFECTED_SOP_INSTANCE_UID) ?
            CommandElement.AFFECTED_SOP_INSTANCE_UID : CommandElement.REQUESTED_SOP_INSTANCE_UID;
        if (request.contains(instanceTag))
        {
            putUid(CommandElement.AFFECTED_SOP_INSTANCE_UID, request.buffer(), request.valueOffset(instanceTag),
                request.valueLength(instanceTag));
        }
        return this;
    }

    /**
     * Writes a complete C-STORE-RSP to a decoded C-STORE-RQ, echoing both UIDs as DCMTK, dcm4che and pynetdicom do
     * (dimse.md §4.2).
     *
     * @param buffer  where to write.
     * @param offset  where to start.
     * @param request the decoded C-STORE-RQ.
     * @param status  Status.
     * @return this.
     */
    public CommandEncoder encodeStoreRsp(
        final MutableDirectBuffer buffer, final int offset, final CommandDecoder request, final int status)
    {
        return encodeResponse(buffer, offset, request, CommandElement.DATA_SET_TYPE_NONE, status)
            .putAffectedSopInstanceUid(request);
    }
}
