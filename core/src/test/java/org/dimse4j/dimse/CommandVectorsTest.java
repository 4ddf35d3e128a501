package org.dimse4j.dimse;

import static org.dimse4j.dimse.CommandFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The command sets inside vectors V3 (C-ECHO-RQ) and V4 (C-ECHO-RSP) of vectors.md, which pynetdicom and DCMTK
 * produce byte for byte. The command set starts at PDU offset 12 (after PDU header 6, PDV length 4, context ID and
 * message control header).
 */
class CommandVectorsTest
{
    static final byte[] V3 = hex(
        "04 00 00 00 00 4a 00 00 00 46 01 03 00 00 00 00" +
        "04 00 00 00 38 00 00 00 00 00 02 00 12 00 00 00" +
        "31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e" +
        "31 00 00 00 00 01 02 00 00 00 30 00 00 00 10 01" +
        "02 00 00 00 01 00 00 00 00 08 02 00 00 00 01 01");

    static final byte[] V4 = hex(
        "04 00 00 00 00 54 00 00 00 50 01 03 00 00 00 00" +
        "04 00 00 00 42 00 00 00 00 00 02 00 12 00 00 00" +
        "31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e" +
        "31 00 00 00 00 01 02 00 00 00 30 80 00 00 20 01" +
        "02 00 00 00 01 00 00 00 00 08 02 00 00 00 01 01" +
        "00 00 00 09 02 00 00 00 00 00");

    private static final int COMMAND_OFFSET = 12;

    private final CommandDecoder decoder = new CommandDecoder();
    private final CommandEncoder encoder = new CommandEncoder();

    @Test
    void shouldDecodeEchoRqFromV3()
    {
        final UnsafeBuffer pdu = new UnsafeBuffer(V3);
        assertSame(decoder, decoder.wrap(pdu, COMMAND_OFFSET, V3.length - COMMAND_OFFSET));
        decoder.validate();

        assertEquals(68, decoder.encodedLength());
        assertEquals(56, decoder.commandGroupLength());
        assertEquals(CommandField.C_ECHO_RQ, decoder.commandField());
        assertSame(MessageType.C_ECHO_RQ, decoder.messageType());
        assertEquals(1, decoder.messageId());
        assertEquals(-1, decoder.messageIdBeingRespondedTo());
        assertEquals(-1, decoder.status());
        assertEquals(-1, decoder.priority());
        assertEquals(0x0101, decoder.commandDataSetType());
        assertFalse(decoder.hasDataSet());
        assertEquals("1.2.840.10008.1.1", decoder.affectedSopClassUid());
        assertEquals(18, decoder.valueLength(CommandElement.AFFECTED_SOP_CLASS_UID));
        assertEquals(17, decoder.uidLength(CommandElement.AFFECTED_SOP_CLASS_UID));
        assertEquals(0x20, decoder.valueOffset(CommandElement.AFFECTED_SOP_CLASS_UID));
        assertNull(decoder.affectedSopInstanceUid());
        assertSame(pdu, decoder.buffer());
    }

    @Test
    void shouldDecodeEchoRspFromV4()
    {
        decoder.wrap(new UnsafeBuffer(V4), COMMAND_OFFSET, V4.length - COMMAND_OFFSET).validate();

        assertEquals(78, decoder.encodedLength());
        assertEquals(66, decoder.commandGroupLength());
        assertEquals(CommandField.C_ECHO_RSP, decoder.commandField());
        assertEquals(1, decoder.messageIdBeingRespondedTo());
        assertEquals(-1, decoder.messageId());
        assertEquals(Status.SUCCESS, decoder.status());
        assertEquals(0x0101, decoder.commandDataSetType());
        assertFalse(decoder.hasDataSet());
        assertEquals("1.2.840.10008.1.1", decoder.affectedSopClassUid());
    }

    @Test
    void shouldEncodeV3CommandSetExactly()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[V3.length]);
        buffer.putBytes(0, V3, 0, COMMAND_OFFSET);
        encoder.encodeEchoRq(buffer, COMMAND_OFFSET, 1);
        assertEquals(68, encoder.encodedLength());
        assertArrayEquals(V3, buffer.byteArray());

        final UnsafeBuffer generic = new UnsafeBuffer(new byte[V3.length]);
        generic.putBytes(0, V3, 0, COMMAND_OFFSET);
        encoder.wrap(generic, COMMAND_OFFSET)
            .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, "1.2.840.10008.1.1")
            .putUS(CommandElement.COMMAND_FIELD, CommandField.C_ECHO_RQ)
            .putUS(CommandElement.MESSAGE_ID, 1)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, 0x0101);
        assertArrayEquals(V3, generic.byteArray());
    }

    @Test
    void shouldEncodeV4CommandSetExactly()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[V4.length]);
        buffer.putBytes(0, V4, 0, COMMAND_OFFSET);
        encoder.encodeEchoRsp(buffer, COMMAND_OFFSET, 1, Status.SUCCESS);
        assertEquals(78, encoder.encodedLength());
        assertArrayEquals(V4, buffer.byteArray());
    }

    @Test
    void shouldAnswerV3WithV4UsingResponseBuilder()
    {
        decoder.wrap(new UnsafeBuffer(V3), COMMAND_OFFSET, V3.length - COMMAND_OFFSET).validate();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[V4.length]);
        buffer.putBytes(0, V4, 0, COMMAND_OFFSET);
        encoder.encodeResponse(buffer, COMMAND_OFFSET, decoder, CommandElement.DATA_SET_TYPE_NONE, Status.SUCCESS);
        assertArrayEquals(V4, buffer.byteArray());
    }
}
