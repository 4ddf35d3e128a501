package org.dimse4j.dimse;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.dimse4j.dimse.CommandElement.HEADER_LENGTH;

import java.util.Arrays;

import org.agrona.AsciiSequenceView;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.dimse4j.pdu.AbortReason;
import org.dimse4j.pdu.ProtocolException;

/**
 * Re-pointable flyweight over a complete DIMSE command set: group 0000 elements, always Implicit VR Little Endian
 * (PS3.7 §6.3.1, Annex E; dimse.md §1). For example a C-ECHO-RQ, 68 bytes:
 * <pre>
 *  offset  tag          length  value
 *  0       (0000,0000)  4       56 = bytes after this element
 *  12      (0000,0002)  18      "1.2.840.10008.1.1" + 0x00
 *  38      (0000,0100)  2       0x0030 Command Field
 *  48      (0000,0110)  2       1      Message ID
 *  58      (0000,0800)  2       0x0101 Command Data Set Type: no data set
 * </pre>
 * {@link #wrap(DirectBuffer, int, int)} walks the elements once and checks every header and declared length
 * against the bytes present <em>before</em> reading anything: each element lies within the command set, the group is
 * 0x0000, tags strictly ascend, value lengths are even and fit their value representation (US 2, UL 4, AT a
 * multiple of 4, UI/LO at most 64, AE at most 16), and Command Group Length, when present, equals the bytes that
 * follow it (its absence is tolerated, as DCMTK does). It records where each known element's value lies in two
 * {@code int} arrays; retired and unknown group 0000 elements are skipped. Bad input throws
 * {@link ProtocolException} with reason {@link AbortReason#INVALID_PDU_PARAMETER_VALUE}; after such an exception the
 * decoder reads as if empty until the next successful wrap.
 * <p>
 * {@link #validate()} then checks the mandatory elements of the message type (dimse.md §4).
 * <p>
 * Accessors read in place and never allocate, except the ones returning {@link String}. A US accessor returns -1
 * when its element is absent. Not thread-safe; one instance per thread, re-wrapped for each message.
 */
public final class CommandDecoder
{
    /** Value returned by the US and UL accessors, {@link #valueOffset(int)} and friends when the element is absent. */
    public static final int ABSENT = -1;

    private static final int REASON = AbortReason.INVALID_PDU_PARAMETER_VALUE;

    private final int[] valueOffsets = new int[CommandElement.COUNT];
    private final int[] valueLengths = new int[CommandElement.COUNT];
    private DirectBuffer buffer;
    private int offset;
    private int length;

    /**
     * Creates an empty decoder; call {@link #wrap(DirectBuffer, int, int)} before reading.
     */
    public CommandDecoder()
    {
        clear();
    }

    /**
     * Points this decoder at a complete command set and checks its structure.
     *
     * @param buffer the bytes.
     * @param offset where the command set starts (the first byte of the Command Group Length element, if present).
     * @param length the length of the whole command set.
     * @return this.
     * @throws ProtocolException if the bytes are not a well-formed group 0000 command set.
     */
    public CommandDecoder wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        if (buffer != this.buffer)
        {
            this.buffer = buffer;
        }
        clear();
        if (offset < 0 || length < 0 || offset > buffer.capacity() - length)
        {
            throw fail("Command set at offset " + offset + " with length " + length +
                " does not lie within a buffer of " + buffer.capacity() + " bytes");
        }
        final int end = offset + length;
        int position = offset;
        int previousTag = -1;
        while (position < end)
        {
            if (end - position < HEADER_LENGTH)
            {
                throw fail("Command set truncated: element header at offset " + (position - offset) + " needs " +
                    HEADER_LENGTH + " bytes, " + (end - position) + " left");
            }
            final int group = buffer.getShort(position, LITTLE_ENDIAN) & 0xFFFF;
            final int tag = group << 16 | (buffer.getShort(position + 2, LITTLE_ENDIAN) & 0xFFFF);
            final int valueLength = buffer.getInt(position + 4, LITTLE_ENDIAN);
            final int valueOffset = position + HEADER_LENGTH;
            if (group != 0)
            {
                throw fail("Command set contains " + CommandElement.toString(tag) + " at offset " +
                    (position - offset) + ": only group 0000 is allowed");
            }
            if (tag <= previousTag)
            {
                throw fail("Command set tags out of order: " + CommandElement.name(tag) + " follows " +
                    CommandElement.name(previousTag));
            }
            if (valueLength < 0 || valueLength > end - valueOffset)
            {
                throw fail(valueLengthBeyond(tag, valueLength, end - valueOffset));
            }
            if ((valueLength & 1) != 0)
            {
                throw fail(CommandElement.name(tag) + " has odd value length " + valueLength);
            }
            final int index = CommandElement.index(tag);
            if (index >= 0)
            {
                checkValueLength(tag, valueLength);
                valueOffsets[index] = valueOffset;
                valueLengths[index] = valueLength;
            }
            previousTag = tag;
            position = valueOffset + valueLength;
        }
        final int groupLengthOffset = valueOffsets[0];
        if (groupLengthOffset >= 0)
        {
            final long groupLength = buffer.getInt(groupLengthOffset, LITTLE_ENDIAN) & 0xFFFF_FFFFL;
            final int expected = end - (groupLengthOffset + 4);
            if (groupLength != expected)
            {
                throw fail("Command Group Length (0000,0000) is " + groupLength + " but " + expected +
                    " bytes follow it");
            }
        }
        this.offset = offset;
        this.length = length;
        return this;
    }

    private void checkValueLength(final int tag, final int valueLength)
    {
        final int vr = CommandElement.vr(tag);
        final boolean ok;
        switch (vr)
        {
            case CommandElement.VR_US: ok = valueLength == 2; break;
            case CommandElement.VR_UL: ok = valueLength == 4; break;
            case CommandElement.VR_AT: ok = (valueLength & 3) == 0; break;
            case CommandElement.VR_UI: ok = valueLength <= CommandElement.MAX_UI_LENGTH; break;
            case CommandElement.VR_AE: ok = valueLength <= CommandElement.MAX_AE_LENGTH; break;
            case CommandElement.VR_LO: ok = valueLength <= CommandElement.MAX_LO_LENGTH; break;
            default: ok = true; break;
        }
        if (!ok)
        {
            throw fail(CommandElement.name(tag) + " " + CommandElement.vrName(vr) + " has invalid value length " +
                valueLength);
        }
    }

    private static String valueLengthBeyond(final int tag, final int valueLength, final int available)
    {
        if (valueLength == -1)
        {
            return CommandElement.name(tag) + " has undefined length 0xFFFFFFFF, not allowed in a command set";
        }
        return CommandElement.name(tag) + " value length " + (valueLength & 0xFFFF_FFFFL) + " exceeds the " +
            available + " bytes left in the command set";
    }

    private ProtocolException fail(final String message)
    {
        clear();
        return new ProtocolException(REASON, message);
    }

    private void clear()
    {
        Arrays.fill(valueOffsets, ABSENT);
        Arrays.fill(valueLengths, ABSENT);
        offset = 0;
        length = 0;
    }

    /**
     * Checks the message as a whole: a known Command Field, every mandatory element of that message type present
     * (UIDs and AE titles non-empty), the Command Data Set Type rule (dimse.md §4: requests that carry a data set
     * must not say 0x0101; those that carry none must say 0x0101; a C-FIND-RSP carries an Identifier only when
     * Pending), Priority 0, 1 or 2, and that N-EVENT-REPORT-RSP / N-ACTION-RSP with a reply carry Event / Action Type
     * ID. Allocation-free unless it throws. Message ID in a response (retired) and unknown elements are ignored.
     *
     * @throws ProtocolException naming the message type and the offending element, e.g.
     *                           "C-STORE-RQ is missing Affected SOP Instance UID (0000,1000)".
     */
    public void validate()
    {
        final int commandField = commandField();
        if (commandField == ABSENT)
        {
            throw fail("Command set is missing Command Field (0000,0100)");
        }
        final MessageType type = MessageType.of(commandField);
        if (null == type)
        {
            throw fail("Command set has unknown Command Field (0000,0100) 0x" + CommandField.hex4(commandField));
        }
        for (int i = 0, n = type.mandatoryElementCount(); i < n; i++)
        {
            final int tag = type.mandatoryElement(i);
            final int valueLength = valueLength(tag);
            if (valueLength == ABSENT)
            {
                throw fail(type.messageName() + " is missing " + CommandElement.name(tag));
            }
            if (valueLength == 0)
            {
                throw fail(type.messageName() + " has an empty " + CommandElement.name(tag));
            }
        }
        final int dataSetType = commandDataSetType();
        switch (type.dataSetRule())
        {
            case REQUIRED:
                if (dataSetType == CommandElement.DATA_SET_TYPE_NONE)
                {
                    throw fail(type.messageName() + " requires a data set but Command Data Set Type (0000,0800) " +
                        "is 0x0101 (none)");
                }
                break;
            case FORBIDDEN:
                if (dataSetType != CommandElement.DATA_SET_TYPE_NONE)
                {
                    throw fail(type.messageName() + " must not carry a data set but Command Data Set Type " +
                        "(0000,0800) is 0x" + CommandField.hex4(dataSetType) + " instead of 0x0101");
                }
                break;
            case ONLY_IF_PENDING:
                if (dataSetType != CommandElement.DATA_SET_TYPE_NONE && !Status.isPending(status()))
                {
                    throw fail(type.messageName() + " with Status 0x" + CommandField.hex4(status()) +
                        " must not carry an Identifier (only Pending responses do)");
                }
                break;
            default:
                break;
        }
        validateConditions(type, dataSetType);
    }

    private void validateConditions(final MessageType type, final int dataSetType)
    {
        final int priority = priority();
        if (priority > CommandElement.PRIORITY_LOW)
        {
            throw fail(type.messageName() + " has invalid Priority (0000,0700) " + priority);
        }
        final boolean hasDataSet = dataSetType != CommandElement.DATA_SET_TYPE_NONE;
        if (type == MessageType.N_EVENT_REPORT_RSP && hasDataSet && !contains(CommandElement.EVENT_TYPE_ID))
        {
            throw fail(type.messageName() + " carries an Event Reply but is missing " +
                CommandElement.name(CommandElement.EVENT_TYPE_ID));
        }
        if (type == MessageType.N_ACTION_RSP && hasDataSet && !contains(CommandElement.ACTION_TYPE_ID))
        {
            throw fail(type.messageName() + " carries an Action Reply but is missing " +
                CommandElement.name(CommandElement.ACTION_TYPE_ID));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Generic access

    /**
     * @return the buffer this decoder is wrapped around.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the offset of the command set in {@link #buffer()}.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return the length of the command set walked by the last successful wrap.
     */
    public int encodedLength()
    {
        return length;
    }

    /**
     * @param tag a command element tag.
     * @return true if the element is a known (non-retired) command element and was present.
     */
    public boolean contains(final int tag)
    {
        final int index = CommandElement.index(tag);
        return index >= 0 && valueOffsets[index] >= 0;
    }

    /**
     * @param tag a command element tag.
     * @return the absolute offset of the element's value in {@link #buffer()}, or {@link #ABSENT}.
     */
    public int valueOffset(final int tag)
    {
        final int index = CommandElement.index(tag);
        return index < 0 ? ABSENT : valueOffsets[index];
    }

    /**
     * @param tag a command element tag.
     * @return the element's value length as encoded (including padding), or {@link #ABSENT}.
     */
    public int valueLength(final int tag)
    {
        final int index = CommandElement.index(tag);
        return index < 0 ? ABSENT : valueLengths[index];
    }

    /**
     * Reads a US element.
     *
     * @param tag a command element tag with VR US.
     * @return the unsigned value 0 to 65535, or {@link #ABSENT} (-1) if the element is absent or not US.
     */
    public int us(final int tag)
    {
        final int index = CommandElement.index(tag);
        if (index < 0 || valueOffsets[index] < 0 || CommandElement.vr(tag) != CommandElement.VR_US)
        {
            return ABSENT;
        }
        return buffer.getShort(valueOffsets[index], LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * @return Command Group Length (0000,0000), or {@link #ABSENT} if absent.
     */
    public long commandGroupLength()
    {
        final int valueOffset = valueOffsets[0];
        return valueOffset < 0 ? ABSENT : buffer.getInt(valueOffset, LITTLE_ENDIAN) & 0xFFFF_FFFFL;
    }

    /**
     * @param tag a command element tag with VR AT.
     * @return the number of tags in the value; 0 if absent or not AT.
     */
    public int atCount(final int tag)
    {
        final int index = CommandElement.index(tag);
        if (index < 0 || valueOffsets[index] < 0 || CommandElement.vr(tag) != CommandElement.VR_AT)
        {
            return 0;
        }
        return valueLengths[index] >> 2;
    }

    /**
     * @param tag a command element tag with VR AT.
     * @param i   0 to {@link #atCount(int)} - 1.
     * @return the i-th attribute tag, {@code group << 16 | element}.
     * @throws IndexOutOfBoundsException if i is not below {@link #atCount(int)} (a caller error).
     */
    public int at(final int tag, final int i)
    {
        if (i < 0 || i >= atCount(tag))
        {
            throw new IndexOutOfBoundsException("index " + i + " of " + atCount(tag) + " in " +
                CommandElement.name(tag));
        }
        final int position = valueOffset(tag) + (i << 2);
        return (buffer.getShort(position, LITTLE_ENDIAN) & 0xFFFF) << 16 |
            (buffer.getShort(position + 2, LITTLE_ENDIAN) & 0xFFFF);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Strings: UI, AE, LO

    /**
     * Length of a UI, AE or LO value without its trailing NUL and space padding.
     *
     * @param tag a command element tag.
     * @return the trimmed length, or {@link #ABSENT}.
     */
    public int uidLength(final int tag)
    {
        final int valueOffset = valueOffset(tag);
        if (valueOffset < 0)
        {
            return ABSENT;
        }
        return trimmedLength(buffer, valueOffset, valueLength(tag));
    }

    /**
     * Compares a UI (or AE/LO) value with other bytes, both after trimming trailing NUL/space padding.
     *
     * @param tag         a command element tag.
     * @param other       the bytes to compare with.
     * @param otherOffset where they start.
     * @param otherLength their length, padding included or not.
     * @return true if the element is present and the trimmed values are equal.
     */
    public boolean uidEquals(final int tag, final DirectBuffer other, final int otherOffset, final int otherLength)
    {
        final int valueOffset = valueOffset(tag);
        if (valueOffset < 0)
        {
            return false;
        }
        final int thisLength = trimmedLength(buffer, valueOffset, valueLength(tag));
        if (thisLength != trimmedLength(other, otherOffset, otherLength))
        {
            return false;
        }
        for (int i = 0; i < thisLength; i++)
        {
            if (buffer.getByte(valueOffset + i) != other.getByte(otherOffset + i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Compares a UI (or AE/LO) value with characters, after trimming trailing NUL/space padding of both.
     *
     * @param tag   a command element tag.
     * @param chars the characters, compared as ASCII.
     * @return true if the element is present and the trimmed values are equal.
     */
    public boolean uidEquals(final int tag, final CharSequence chars)
    {
        final int valueOffset = valueOffset(tag);
        if (valueOffset < 0)
        {
            return false;
        }
        int charsLength = chars.length();
        while (charsLength > 0 && isPad(chars.charAt(charsLength - 1)))
        {
            charsLength--;
        }
        final int thisLength = trimmedLength(buffer, valueOffset, valueLength(tag));
        if (thisLength != charsLength)
        {
            return false;
        }
        for (int i = 0; i < thisLength; i++)
        {
            if ((buffer.getByte(valueOffset + i) & 0xFF) != chars.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Copies a UI (or AE/LO) value without its padding.
     *
     * @param tag       a command element tag.
     * @param dst       where to copy to.
     * @param dstOffset where to start.
     * @return the number of bytes copied, or {@link #ABSENT} (nothing copied) if the element is absent.
     */
    public int copyUid(final int tag, final MutableDirectBuffer dst, final int dstOffset)
    {
        final int valueOffset = valueOffset(tag);
        if (valueOffset < 0)
        {
            return ABSENT;
        }
        final int trimmed = trimmedLength(buffer, valueOffset, valueLength(tag));
        dst.putBytes(dstOffset, buffer, valueOffset, trimmed);
        return trimmed;
    }

    /**
     * Zero-copy view of a UI (or AE/LO) value without its padding.
     *
     * @param tag  a command element tag.
     * @param view the view to point at the value; wrapped with length 0 if the element is absent.
     * @return the view.
     */
    public AsciiSequenceView wrapValue(final int tag, final AsciiSequenceView view)
    {
        final int valueOffset = valueOffset(tag);
        if (valueOffset < 0)
        {
            return view.wrap(buffer, 0, 0);
        }
        return view.wrap(buffer, valueOffset, trimmedLength(buffer, valueOffset, valueLength(tag)));
    }

    /**
     * Allocating convenience: the value of a UI, AE or LO element as a String, leading spaces and trailing NUL or
     * space padding removed.
     *
     * @param tag a command element tag.
     * @return the string, or null if the element is absent.
     */
    public String string(final int tag)
    {
        final int valueOffset = valueOffset(tag);
        if (valueOffset < 0)
        {
            return null;
        }
        int start = valueOffset;
        final int end = valueOffset + trimmedLength(buffer, valueOffset, valueLength(tag));
        while (start < end && buffer.getByte(start) == ' ')
        {
            start++;
        }
        return buffer.getStringWithoutLengthAscii(start, end - start);
    }

    private static int trimmedLength(final DirectBuffer buffer, final int offset, final int length)
    {
        int trimmed = length;
        while (trimmed > 0 && isPad(buffer.getByte(offset + trimmed - 1)))
        {
            trimmed--;
        }
        return trimmed;
    }

    private static boolean isPad(final int b)
    {
        return b == 0 || b == ' ';
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Named fields

    /**
     * @return the message type, or null if Command Field is absent or unknown.
     */
    public MessageType messageType()
    {
        return MessageType.of(commandField());
    }

    /**
     * @return Command Field (0000,0100), or -1 if absent.
     */
    public int commandField()
    {
        return us(CommandElement.COMMAND_FIELD);
    }

    /**
     * @return Message ID (0000,0110), or -1 if absent.
     */
    public int messageId()
    {
        return us(CommandElement.MESSAGE_ID);
    }

    /**
     * @return Message ID Being Responded To (0000,0120), or -1 if absent.
     */
    public int messageIdBeingRespondedTo()
    {
        return us(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO);
    }

    /**
     * @return Priority (0000,0700), or -1 if absent.
     */
    public int priority()
    {
        return us(CommandElement.PRIORITY);
    }

    /**
     * @return Command Data Set Type (0000,0800), or -1 if absent.
     */
    public int commandDataSetType()
    {
        return us(CommandElement.COMMAND_DATA_SET_TYPE);
    }

    /**
     * @return true iff Command Data Set Type is present and not 0x0101, i.e. a data set follows.
     */
    public boolean hasDataSet()
    {
        final int dataSetType = commandDataSetType();
        return dataSetType != ABSENT && dataSetType != CommandElement.DATA_SET_TYPE_NONE;
    }

    /**
     * @return Status (0000,0900), or -1 if absent.
     */
    public int status()
    {
        return us(CommandElement.STATUS);
    }

    /**
     * @return Error ID (0000,0903), or -1 if absent.
     */
    public int errorId()
    {
        return us(CommandElement.ERROR_ID);
    }

    /**
     * @return Event Type ID (0000,1002), or -1 if absent.
     */
    public int eventTypeId()
    {
        return us(CommandElement.EVENT_TYPE_ID);
    }

    /**
     * @return Action Type ID (0000,1008), or -1 if absent.
     */
    public int actionTypeId()
    {
        return us(CommandElement.ACTION_TYPE_ID);
    }

    /**
     * @return Number of Remaining Sub-operations (0000,1020), or -1 if absent.
     */
    public int remainingSubOperations()
    {
        return us(CommandElement.NUMBER_OF_REMAINING_SUB_OPERATIONS);
    }

    /**
     * @return Number of Completed Sub-operations (0000,1021), or -1 if absent.
     */
    public int completedSubOperations()
    {
        return us(CommandElement.NUMBER_OF_COMPLETED_SUB_OPERATIONS);
    }

    /**
     * @return Number of Failed Sub-operations (0000,1022), or -1 if absent.
     */
    public int failedSubOperations()
    {
        return us(CommandElement.NUMBER_OF_FAILED_SUB_OPERATIONS);
    }

    /**
     * @return Number of Warning Sub-operations (0000,1023), or -1 if absent.
     */
    public int warningSubOperations()
    {
        return us(CommandElement.NUMBER_OF_WARNING_SUB_OPERATIONS);
    }

    /**
     * @return Move Originator Message ID (0000,1031), or -1 if absent.
     */
    public int moveOriginatorMessageId()
    {
        return us(CommandElement.MOVE_ORIGINATOR_MESSAGE_ID);
    }

    /**
     * @return the number of tags in Offending Element (0000,0901); 0 if absent.
     */
    public int offendingElementCount()
    {
        return atCount(CommandElement.OFFENDING_ELEMENT);
    }

    /**
     * @param i 0 to {@link #offendingElementCount()} - 1.
     * @return the i-th tag of Offending Element (0000,0901).
     */
    public int offendingElement(final int i)
    {
        return at(CommandElement.OFFENDING_ELEMENT, i);
    }

    /**
     * @return the number of tags in Attribute Identifier List (0000,1005); 0 if absent.
     */
    public int attributeIdentifierCount()
    {
        return atCount(CommandElement.ATTRIBUTE_IDENTIFIER_LIST);
    }

    /**
     * @param i 0 to {@link #attributeIdentifierCount()} - 1.
     * @return the i-th tag of Attribute Identifier List (0000,1005).
     */
    public int attributeIdentifier(final int i)
    {
        return at(CommandElement.ATTRIBUTE_IDENTIFIER_LIST, i);
    }

    /**
     * Allocating convenience.
     *
     * @return Affected SOP Class UID (0000,0002) without padding, or null if absent.
     */
    public String affectedSopClassUid()
    {
        return string(CommandElement.AFFECTED_SOP_CLASS_UID);
    }

    /**
     * Allocating convenience.
     *
     * @return Affected SOP Instance UID (0000,1000) without padding, or null if absent.
     */
    public String affectedSopInstanceUid()
    {
        return string(CommandElement.AFFECTED_SOP_INSTANCE_UID);
    }

    /**
     * Allocating convenience.
     *
     * @return Requested SOP Class UID (0000,0003) without padding, or null if absent.
     */
    public String requestedSopClassUid()
    {
        return string(CommandElement.REQUESTED_SOP_CLASS_UID);
    }

    /**
     * Allocating convenience.
     *
     * @return Requested SOP Instance UID (0000,1001) without padding, or null if absent.
     */
    public String requestedSopInstanceUid()
    {
        return string(CommandElement.REQUESTED_SOP_INSTANCE_UID);
    }

    /**
     * Allocating convenience.
     *
     * @return Move Destination (0000,0600) without padding, or null if absent.
     */
    public String moveDestination()
    {
        return string(CommandElement.MOVE_DESTINATION);
    }

    /**
     * Allocating convenience.
     *
     * @return Move Originator Application Entity Title (0000,1030) without padding, or null if absent.
     */
    public String moveOriginatorAeTitle()
    {
        return string(CommandElement.MOVE_ORIGINATOR_AE_TITLE);
    }

    /**
     * Allocating convenience.
     *
     * @return Error Comment (0000,0902) without padding, or null if absent.
     */
    public String errorComment()
    {
        return string(CommandElement.ERROR_COMMENT);
    }

    /**
     * Allocating; for logs.
     *
     * @return e.g. {@code "C-ECHO-RQ[length=68]"}.
     */
    @Override
    public String toString()
    {
        return CommandField.name(commandField()) + "[length=" + length + "]";
    }
}
