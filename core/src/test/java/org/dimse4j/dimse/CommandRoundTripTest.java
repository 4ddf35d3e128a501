package org.dimse4j.dimse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * encode → decode → every field equal → validate → re-encode byte-identical, for each of the 23 message types.
 */
class CommandRoundTripTest
{
    private final CommandDecoder decoder = new CommandDecoder();
    private final CommandEncoder encoder = new CommandEncoder();

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void shouldRoundTripEveryMessageType(final MessageType type)
    {
        final List<CommandFixtures.Field> fields = CommandFixtures.typical(type);
        final int offset = 5;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[600]);
        final int length = CommandFixtures.encode(encoder, buffer, offset, fields);
        assertEquals(length - 12, buffer.getInt(offset + 8, java.nio.ByteOrder.LITTLE_ENDIAN));

        decoder.wrap(buffer, offset, length);
        decoder.validate();
        assertSame(type, decoder.messageType());
        assertEquals(length, decoder.encodedLength());
        assertEquals(length - 12, decoder.commandGroupLength());
        CommandFixtures.assertDecoded(decoder, fields);
        for (int i = 0; i < type.mandatoryElementCount(); i++)
        {
            final int tag = type.mandatoryElement(i);
            assertEquals(true, decoder.contains(tag), CommandElement.name(tag));
        }

        final ExpandableArrayBuffer again = new ExpandableArrayBuffer(16);
        final int againLength = CommandFixtures.reencode(decoder, encoder, again);
        assertEquals(length, againLength);
        assertArrayEquals(
            Arrays.copyOfRange(buffer.byteArray(), offset, offset + length),
            Arrays.copyOfRange(again.byteArray(), 0, againLength));
    }

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void shouldEchoUidsInResponseBuilder(final MessageType type)
    {
        if (type.isResponse() || type == MessageType.C_CANCEL_RQ)
        {
            return;
        }
        final UnsafeBuffer rq = new UnsafeBuffer(new byte[600]);
        final int length = CommandFixtures.encode(encoder, rq, 0, CommandFixtures.typical(type));
        decoder.wrap(rq, 0, length).validate();
        final String sopClass = null != decoder.affectedSopClassUid() ?
            decoder.affectedSopClassUid() : decoder.requestedSopClassUid();
        final String sopInstance = null != decoder.affectedSopInstanceUid() ?
            decoder.affectedSopInstanceUid() : decoder.requestedSopInstanceUid();
        final int messageId = decoder.messageId();

        final UnsafeBuffer rsp = new UnsafeBuffer(new byte[600]);
        encoder.encodeResponse(rsp, 0, decoder, CommandElement.DATA_SET_TYPE_NONE, Status.SUCCESS)
            .putAffectedSopInstanceUid(decoder);
        final CommandDecoder response = new CommandDecoder().wrap(rsp, 0, encoder.encodedLength());
        response.validate();
        assertEquals(type.commandField() | 0x8000, response.commandField());
        assertEquals(messageId, response.messageIdBeingRespondedTo());
        assertEquals(sopClass, response.affectedSopClassUid());
        assertEquals(sopInstance, response.affectedSopInstanceUid());
        assertEquals(Status.SUCCESS, response.status());
    }
}
