package org.dimse4j.dimse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatusAndNamesTest
{
    @Test
    void shouldClassifyStatusLikeAnnexC()
    {
        for (int s = 0; s <= 0xFFFF; s++)
        {
            final int classes = (Status.isSuccess(s) ? 1 : 0) + (Status.isPending(s) ? 1 : 0) +
                (Status.isCancel(s) ? 1 : 0) + (Status.isWarning(s) ? 1 : 0) + (Status.isFailure(s) ? 1 : 0);
            assertEquals(1, classes, "status 0x" + Integer.toHexString(s));
            final boolean dcmtkFailure = (s & 0xF000) == 0xA000 || (s & 0xF000) == 0xC000 ||
                ((s & 0xFF00) == 0x0100 && s != 0x0107 && s != 0x0116) || (s & 0xFF00) == 0x0200;
            if (Status.isValid(s))
            {
                assertEquals(dcmtkFailure, Status.isFailure(s), "status 0x" + Integer.toHexString(s));
            }
            else
            {
                assertTrue(Status.isFailure(s));
            }
        }
        assertTrue(Status.isSuccess(0x0000));
        assertTrue(Status.isPending(0xFF00) && Status.isPending(0xFF01) && !Status.isPending(0xFF02));
        assertTrue(Status.isCancel(0xFE00));
        assertTrue(Status.isWarning(0x0001) && Status.isWarning(0xB000) && Status.isWarning(0x0107) &&
            Status.isWarning(0x0116));
        assertTrue(Status.isFailure(0x0122) && Status.isFailure(0xA700) && Status.isFailure(0xC123) &&
            Status.isFailure(0x0211));
        assertFalse(Status.isValid(0x0002) || Status.isValid(0x0300) || Status.isValid(0xD000) ||
            Status.isValid(0xFE01) || Status.isValid(0xFF02));
        assertFalse(Status.isFinal(0xFF00));
        assertTrue(Status.isFinal(0xFE00));
        assertEquals("Refused: SOP class not supported", Status.describe(0x0122));
        assertEquals("Error: Cannot understand / Unable to process", Status.describe(0xC005));
        assertEquals("Invalid status code", Status.describe(0x0300));
    }

    @Test
    void shouldNameCommandFieldsAndElements()
    {
        assertEquals(23, MessageType.values().length);
        for (final MessageType type : MessageType.values())
        {
            assertSame(type, MessageType.of(type.commandField()));
            assertTrue(CommandField.isKnown(type.commandField()));
            assertEquals(type.messageName(), CommandField.name(type.commandField()));
            assertEquals(type.name().replace('_', '-'), type.messageName());
            assertEquals(type.messageName().endsWith("-RSP"), CommandField.isResponse(type.commandField()));
            if (type.isResponse())
            {
                assertTrue(CommandField.isKnown(type.commandField() & 0x7FFF));
            }
        }
        assertEquals("C-STORE-RQ", CommandField.name(CommandField.C_STORE_RQ));
        assertEquals("unknown command field 0x0040", CommandField.name(0x0040));
        assertFalse(CommandField.isKnown(0x8FFF));
        assertNull(MessageType.of(-1));

        for (int i = 0; i < CommandElement.COUNT; i++)
        {
            assertEquals(i, CommandElement.index(CommandElement.tagAt(i)));
            if (i > 0)
            {
                assertTrue(CommandElement.tagAt(i) > CommandElement.tagAt(i - 1));
            }
        }
        assertEquals("Affected SOP Instance UID (0000,1000)",
            CommandElement.name(CommandElement.AFFECTED_SOP_INSTANCE_UID));
        assertEquals(-1, CommandElement.index(0x0000_0850));
        assertEquals(CommandElement.VR_AT, CommandElement.vr(CommandElement.ATTRIBUTE_IDENTIFIER_LIST));
    }
}
