package org.dimse4j.dimse;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.pdu.PDataEncoder;
import org.dimse4j.pdu.PdvDescriptor;
import org.dimse4j.ul.AcceptorPolicy;
import org.dimse4j.ul.Association;
import org.dimse4j.ul.AssociationSettings;
import org.dimse4j.ul.ScriptedChannel;
import org.dimse4j.ul.State;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * C-CANCEL-RQs arriving over an association are kept by Message ID Being Responded To until cleared.
 */
class CancelTableTest
{
    private static final byte[] ASSOCIATE_RQ = org.dimse4j.pdu.Vectors.hex(org.dimse4j.pdu.Vectors.V1_HEX);

    @Test
    void shouldRecordCancelsUntilCleared() throws Exception
    {
        final UnsafeBuffer pdu = new UnsafeBuffer(new byte[256]);
        final PDataEncoder pData = new PDataEncoder().wrap(pdu, 0);
        final int at = pData.beginPdv(1, PdvDescriptor.COMMAND | PdvDescriptor.LAST);
        final int length = new CommandEncoder().wrap(pdu, at)
            .putUS(CommandElement.COMMAND_FIELD, CommandField.C_CANCEL_RQ)
            .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, 7)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_NONE)
            .encodedLength();
        pData.endPdv(length);
        final ScriptedChannel channel = new ScriptedChannel(ASSOCIATE_RQ,
            ScriptedChannel.copy(pdu, 0, pData.encodedLength()));
        final int[] seen = {0};
        final DimseProvider provider = new DimseProvider((p, a, contextId, command) -> seen[0]++);
        final Association association = Association.accepted(channel, new AssociationSettings().conclude(),
            new AcceptorPolicy().accept("1.2.840.10008.1.1", List.of("1.2.840.10008.1.2")), provider,
            System.nanoTime());
        for (int i = 0; i < 10 && association.state() != State.STA6; i++)
        {
            association.doWork(System.nanoTime());
        }
        assertEquals(State.STA6, association.state());
        assertFalse(provider.isCancelled(7));
        channel.allow(12);
        for (int i = 0; i < 12; i++)
        {
            association.doWork(System.nanoTime());
        }
        assertEquals(12, seen[0], "the handler sees each C-CANCEL-RQ too");
        assertTrue(provider.isCancelled(7));
        assertFalse(provider.isCancelled(8));
        provider.clearCancels();
        assertFalse(provider.isCancelled(7));
        association.close();
    }
}
