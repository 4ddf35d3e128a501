package org.dimse4j.dimse;

import org.dimse4j.testing.AllocationAssert;

import static org.dimse4j.dimse.CommandElement.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import org.agrona.AsciiSequenceView;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Strict in-process allocation check (BUILD-NOTES 3.5): after a warm-up round, three rounds of 200,000 operations
 * must each allocate exactly 0 bytes on this thread.
 */
class CommandZeroAllocationTest
{
    private static final int OPERATIONS = 200_000;
    private static final int MEASURED_ROUNDS = 3;

    private static com.sun.management.ThreadMXBean threads;

    private final CommandDecoder decoder = new CommandDecoder();
    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer storeRq = new UnsafeBuffer(new byte[256]);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
    private final UnsafeBuffer copy = new UnsafeBuffer(new byte[64]);
    private final UnsafeBuffer expectedInstance =
        new UnsafeBuffer(CommandFixtures.SOP_INSTANCE.getBytes(StandardCharsets.US_ASCII));
    private final AsciiSequenceView view = new AsciiSequenceView();
    private int storeRqLength;
    private long sink;

    @BeforeAll
    static void enable()
    {
        threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    private void prepare()
    {
        storeRqLength = encoder.encodeStoreRq(storeRq, 0, CommandFixtures.CT_IMAGE_STORAGE,
            CommandFixtures.SOP_INSTANCE, 7, PRIORITY_MEDIUM)
            .putAE(MOVE_ORIGINATOR_AE_TITLE, "MOVESCU")
            .putUS(MOVE_ORIGINATOR_MESSAGE_ID, 42)
            .encodedLength();
    }

    private void decodeStoreRq()
    {
        decoder.wrap(storeRq, 0, storeRqLength);
        decoder.validate();
        long s = decoder.commandField() + decoder.messageId() + decoder.priority() + decoder.commandDataSetType() +
            decoder.moveOriginatorMessageId() + decoder.status() + decoder.messageIdBeingRespondedTo() +
            decoder.encodedLength() + decoder.commandGroupLength() + (decoder.hasDataSet() ? 1 : 0);
        s += decoder.uidLength(AFFECTED_SOP_CLASS_UID) + decoder.uidLength(AFFECTED_SOP_INSTANCE_UID);
        s += decoder.uidLength(MOVE_ORIGINATOR_AE_TITLE) + decoder.valueOffset(AFFECTED_SOP_INSTANCE_UID);
        s += decoder.uidEquals(AFFECTED_SOP_INSTANCE_UID, expectedInstance, 0, expectedInstance.capacity()) ? 1 : 0;
        s += decoder.uidEquals(AFFECTED_SOP_CLASS_UID, CommandFixtures.CT_IMAGE_STORAGE) ? 1 : 0;
        s += decoder.copyUid(AFFECTED_SOP_CLASS_UID, copy, 0);
        s += decoder.wrapValue(MOVE_ORIGINATOR_AE_TITLE, view).length();
        s += decoder.contains(STATUS) ? 1 : 0;
        sink += s;
    }

    private void encodeStoreRsp()
    {
        sink += encoder.encodeStoreRsp(out, 0, decoder, Status.SUCCESS).encodedLength();
        sink += encoder.wrap(out, 0)
            .putUid(AFFECTED_SOP_CLASS_UID, CommandFixtures.CT_IMAGE_STORAGE)
            .putUS(COMMAND_FIELD, CommandField.C_STORE_RSP)
            .putUS(MESSAGE_ID_BEING_RESPONDED_TO, 7)
            .putUS(COMMAND_DATA_SET_TYPE, DATA_SET_TYPE_NONE)
            .putUS(STATUS, Status.COERCION_OF_DATA_ELEMENTS)
            .putAT(OFFENDING_ELEMENT, 0x0010_0010)
            .putString(ERROR_COMMENT, "coerced")
            .putUid(AFFECTED_SOP_INSTANCE_UID, decoder.buffer(), decoder.valueOffset(AFFECTED_SOP_INSTANCE_UID),
                decoder.valueLength(AFFECTED_SOP_INSTANCE_UID))
            .encodedLength();
    }

    @Test
    void shouldDecodeStoreRqWithoutAllocating()
    {
        prepare();
        decodeStoreRq();
        assertEquals(CommandField.C_STORE_RQ, decoder.commandField());
        assertRoundsAllocateNothing(this::decodeStoreRq);
    }

    @Test
    void shouldEncodeStoreRspWithoutAllocating()
    {
        prepare();
        decoder.wrap(storeRq, 0, storeRqLength).validate();
        assertRoundsAllocateNothing(this::encodeStoreRsp);
        final CommandDecoder check = new CommandDecoder().wrap(out, 0, encoder.encodedLength());
        check.validate();
        assertEquals(CommandFixtures.SOP_INSTANCE, check.affectedSopInstanceUid());
    }

    private void assertRoundsAllocateNothing(final Runnable operation)
    {
        AllocationAssert.assertNoAllocation("command set codec", () ->
        {
            for (int i = 0; i < OPERATIONS; i++)
            {
                operation.run();
            }
        });
    }
}
