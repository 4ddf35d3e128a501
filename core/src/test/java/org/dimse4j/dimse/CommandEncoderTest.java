package org.dimse4j.dimse;

import static org.dimse4j.dimse.CommandElement.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.Arrays;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class CommandEncoderTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
    private final CommandEncoder encoder = new CommandEncoder();

    private byte[] written()
    {
        return Arrays.copyOfRange(buffer.byteArray(), encoder.offset(), encoder.limit());
    }

    @Test
    void shouldWriteGroupLengthOnWrapAndKeepItCorrect()
    {
        assertSame(encoder, encoder.wrap(buffer, 3));
        assertEquals(12, encoder.encodedLength());
        assertArrayEquals(CommandFixtures.hex("00 00 00 00 04 00 00 00 00 00 00 00"), written());
        encoder.putUS(COMMAND_FIELD, 0x0030);
        assertEquals(10, buffer.getInt(3 + 8, ByteOrder.LITTLE_ENDIAN));
        encoder.putUid(AFFECTED_SOP_INSTANCE_UID, "1.2");
        assertEquals(22, buffer.getInt(3 + 8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(34, encoder.encodedLength());
    }

    @Test
    void shouldPadUidWithNulAndAeAndLoWithSpace()
    {
        encoder.wrap(buffer, 0)
            .putUid(AFFECTED_SOP_CLASS_UID, "1.2.3")
            .putAE(MOVE_DESTINATION, "ABC")
            .putAT(OFFENDING_ELEMENT, 0x0010_0020)
            .putString(ERROR_COMMENT, "x");
        assertArrayEquals(CommandFixtures.hex(
            "00 00 00 00 04 00 00 00 30 00 00 00" +
            "00 00 02 00 06 00 00 00 31 2e 32 2e 33 00" +
            "00 00 00 06 04 00 00 00 41 42 43 20" +
            "00 00 01 09 04 00 00 00 10 00 20 00" +
            "00 00 02 09 02 00 00 00 78 20"),
            written());
    }

    @Test
    void shouldTrimAndRepadUidCopiedFromBuffer()
    {
        final UnsafeBuffer src = new UnsafeBuffer("1.2.34  \0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        encoder.wrap(buffer, 0).putUid(AFFECTED_SOP_CLASS_UID, src, 0, src.capacity());
        assertArrayEquals(CommandFixtures.hex("00 00 02 00 06 00 00 00 31 2e 32 2e 33 34"),
            Arrays.copyOfRange(written(), 12, 26));
    }

    @Test
    void shouldRejectTagsOutOfOrder()
    {
        encoder.wrap(buffer, 0).putUS(COMMAND_FIELD, 1).putUS(MESSAGE_ID, 1);
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> encoder.putUid(AFFECTED_SOP_CLASS_UID, "1.2"));
        assertTrue(e.getMessage().contains(
            "Affected SOP Class UID (0000,0002) put out of order: it must come after Message ID (0000,0110)"),
            e.getMessage());
        assertThrows(IllegalStateException.class, () -> encoder.putUS(MESSAGE_ID, 2));
    }

    @Test
    void shouldRejectCallerMistakes()
    {
        encoder.wrap(buffer, 0);
        assertThrows(IllegalArgumentException.class, () -> encoder.putUS(AFFECTED_SOP_CLASS_UID, 1));
        assertThrows(IllegalArgumentException.class, () -> encoder.putUid(COMMAND_FIELD, "1.2"));
        assertThrows(IllegalArgumentException.class, () -> encoder.putUS(COMMAND_FIELD, 0x10000));
        assertThrows(IllegalArgumentException.class, () -> encoder.putUS(COMMAND_FIELD, -1));
        assertThrows(IllegalArgumentException.class, () -> encoder.putUid(AFFECTED_SOP_CLASS_UID, "1".repeat(65)));
        assertThrows(IllegalArgumentException.class, () -> encoder.putAE(MOVE_DESTINATION, "A".repeat(17)));
        assertThrows(IllegalArgumentException.class, () -> encoder.putString(ERROR_COMMENT, "\u00e9"));
        assertThrows(IllegalArgumentException.class, () -> encoder.putUS(COMMAND_GROUP_LENGTH, 1));
        assertThrows(IllegalArgumentException.class, () -> encoder.putUS(0x0008_0016, 1));
        assertThrows(IllegalArgumentException.class, () -> encoder.putUL(0x0000_0001, -1L));
        assertEquals(12, encoder.encodedLength(), "failed puts must not write");
        encoder.putUS(COMMAND_FIELD, 1).putString(ERROR_COMMENT, "ok");
        assertEquals(32, encoder.encodedLength(), "failed puts must not move the tag order either");
    }

    @Test
    void shouldAllowRetiredTagsForInteropTests()
    {
        encoder.wrap(buffer, 0).putUL(0x0000_0001, 0xFFFF_FFFEL).putUS(COMMAND_FIELD, 0x0030)
            .putUS(0x0000_0850, 4);
        final CommandDecoder decoder = new CommandDecoder().wrap(buffer, 0, encoder.encodedLength());
        assertEquals(0x0030, decoder.commandField());
        assertEquals(false, decoder.contains(0x0000_0850));
    }

    @Test
    void shouldWriteMultiValuedAt()
    {
        final int[] tags = {0x0010_0010, 0x0020_000D, 0x7FE0_0010};
        encoder.wrap(buffer, 0).putAT(ATTRIBUTE_IDENTIFIER_LIST, tags, 2);
        final CommandDecoder decoder = new CommandDecoder().wrap(buffer, 0, encoder.encodedLength());
        assertEquals(2, decoder.attributeIdentifierCount());
        assertEquals(0x0010_0010, decoder.attributeIdentifier(0));
        assertEquals(0x0020_000D, decoder.attributeIdentifier(1));
        assertThrows(IndexOutOfBoundsException.class, () -> decoder.attributeIdentifier(2));
        encoder.wrap(buffer, 0).putAT(OFFENDING_ELEMENT, tags);
        decoder.wrap(buffer, 0, encoder.encodedLength());
        assertEquals(3, decoder.offendingElementCount());
        assertEquals(0x7FE0_0010, decoder.offendingElement(2));
    }
}
