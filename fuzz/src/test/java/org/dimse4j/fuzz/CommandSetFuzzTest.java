package org.dimse4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.AsciiSequenceView;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandEncoder;
import org.dimse4j.dimse.MessageType;
import org.dimse4j.dimse.Status;
import org.dimse4j.pdu.ProtocolException;

/**
 * A command set as a peer may send it: {@link CommandDecoder#wrap}, {@link CommandDecoder#validate()} and every
 * accessor, on a buffer of exactly the input's bytes (surefire keeps Agrona's bounds checks on, so a read outside is
 * a finding). Only {@link ProtocolException} may escape wrap and validate; the accessors must never throw, valid or
 * not (after a failed wrap or validate the decoder reads as empty). Offsets returned must lie inside the command
 * set. A validated request must also be answerable: {@link CommandEncoder#encodeResponse} and
 * {@link CommandEncoder#putAffectedSopInstanceUid} may not throw on it, and the response must decode.
 * <p>
 * {@link AllocationBound}: decoding, reading and answering allocate at most 8 bytes per input byte + 4 KB (the
 * decoder's text is not counted).
 */
class CommandSetFuzzTest
{
    private static final int[] US_TAGS = {
        CommandElement.COMMAND_FIELD, CommandElement.MESSAGE_ID, CommandElement.MESSAGE_ID_BEING_RESPONDED_TO,
        CommandElement.PRIORITY, CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.STATUS, CommandElement.ERROR_ID,
        CommandElement.EVENT_TYPE_ID, CommandElement.ACTION_TYPE_ID, CommandElement.NUMBER_OF_REMAINING_SUB_OPERATIONS,
        CommandElement.NUMBER_OF_COMPLETED_SUB_OPERATIONS, CommandElement.NUMBER_OF_FAILED_SUB_OPERATIONS,
        CommandElement.NUMBER_OF_WARNING_SUB_OPERATIONS, CommandElement.MOVE_ORIGINATOR_MESSAGE_ID,
    };

    private static final int[] STRING_TAGS = {
        CommandElement.AFFECTED_SOP_CLASS_UID, CommandElement.REQUESTED_SOP_CLASS_UID, CommandElement.MOVE_DESTINATION,
        CommandElement.ERROR_COMMENT, CommandElement.AFFECTED_SOP_INSTANCE_UID,
        CommandElement.REQUESTED_SOP_INSTANCE_UID, CommandElement.MOVE_ORIGINATOR_AE_TITLE,
    };

    private static final int[] AT_TAGS = { CommandElement.OFFENDING_ELEMENT, CommandElement.ATTRIBUTE_IDENTIFIER_LIST };

    static final AllocationBound BOUND = new AllocationBound("CommandSet", 8, 4 * 1024);

    private final CommandDecoder decoder = new CommandDecoder();
    private final CommandDecoder responseDecoder = new CommandDecoder();
    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer copy = new UnsafeBuffer(new byte[128]);
    private final UnsafeBuffer response = new UnsafeBuffer(new byte[512]);
    private final AsciiSequenceView view = new AsciiSequenceView();

    @FuzzTest(maxDuration = "20s")
    void decodeCommandSet(final byte[] input)
    {
        BOUND.check(input.length, () -> decodeCommandSetOnce(input));
    }

    private void decodeCommandSetOnce(final byte[] input)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(input);
        boolean valid = false;
        try
        {
            decoder.wrap(buffer, 0, input.length);
            if (decoder.encodedLength() != input.length)
            {
                throw new AssertionError("encoded length " + decoder.encodedLength());
            }
            decoder.validate();
            valid = true;
        }
        catch (final ProtocolException expected)
        {
            check(expected.getMessage() != null, "ProtocolException without a message");
        }
        readEverything(input.length);
        if (valid)
        {
            answer();
        }
    }

    private void readEverything(final int length)
    {
        AllocationBound.outside(decoder::toString);
        decoder.messageType();
        decoder.hasDataSet();
        decoder.commandGroupLength();
        for (final int tag : US_TAGS)
        {
            final int value = decoder.us(tag);
            if (!(value >= -1 && value <= 0xFFFF))
            {
                throw new AssertionError(CommandElement.name(tag) + " = " + value);
            }
            checkInside(tag, length);
        }
        for (final int tag : STRING_TAGS)
        {
            checkInside(tag, length);
            final int uidLength = decoder.uidLength(tag);
            final String value = decoder.string(tag);
            check((uidLength < 0) == (value == null), "uidLength and string disagree on presence");
            decoder.uidEquals(tag, "1.2.840.10008.1.1");
            decoder.uidEquals(tag, copy, 0, 18);
            final int copied = decoder.copyUid(tag, copy, 0);
            if (copied != uidLength)
            {
                throw new AssertionError("copyUid " + copied + " vs uidLength " + uidLength);
            }
            decoder.wrapValue(tag, view);
            if (view.length() != Math.max(uidLength, 0))
            {
                throw new AssertionError("view length " + view.length());
            }
            if (value != null)
            {
                check(decoder.uidEquals(tag, copy, 0, copied), "uidEquals with its own copy");
            }
        }
        for (final int tag : AT_TAGS)
        {
            checkInside(tag, length);
            final int count = decoder.atCount(tag);
            if (count < 0)
            {
                throw new AssertionError("atCount " + count);
            }
            for (int i = 0; i < count; i++)
            {
                decoder.at(tag, i);
            }
        }
        for (int i = 0, n = decoder.offendingElementCount(); i < n; i++)
        {
            decoder.offendingElement(i);
        }
        for (int i = 0, n = decoder.attributeIdentifierCount(); i < n; i++)
        {
            decoder.attributeIdentifier(i);
        }
        decoder.affectedSopClassUid();
        decoder.affectedSopInstanceUid();
        decoder.requestedSopClassUid();
        decoder.requestedSopInstanceUid();
        decoder.moveDestination();
        decoder.moveOriginatorAeTitle();
        decoder.errorComment();
    }

    private void checkInside(final int tag, final int length)
    {
        final int valueOffset = decoder.valueOffset(tag);
        final int valueLength = decoder.valueLength(tag);
        check((valueOffset < 0) == (valueLength < 0), "offset and length disagree on presence");
        if (!(valueOffset < 0 || (valueOffset >= 8 && valueOffset + valueLength <= length)))
        {
            throw new AssertionError(CommandElement.name(tag) + " value " + valueOffset + "+" + valueLength +
                " outside " + length);
        }
    }

    private void answer()
    {
        final MessageType type = decoder.messageType();
        check(type != null, "validated without a message type");
        if (type.isResponse())
        {
            return;
        }
        encoder.encodeResponse(response, 0, decoder, CommandElement.DATA_SET_TYPE_NONE, Status.SUCCESS)
            .putAffectedSopInstanceUid(decoder);
        responseDecoder.wrap(response, 0, encoder.encodedLength());
        check(responseDecoder.commandField() == (decoder.commandField() | 0x8000), "response command field");
        check(responseDecoder.messageIdBeingRespondedTo() == decoder.messageId(), "message ID being responded to");
    }

    private static void check(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new AssertionError(what);
        }
    }
}
