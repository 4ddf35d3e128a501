package org.dimse4j.ul;

import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseHandler;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.service.Verification;
import org.dimse4j.testing.AllocationAssert;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The whole acceptor path for a C-ECHO — socket read into the ring, framing, state machine, PDV queue, command
 * decode, the C-ECHO-RSP encoded and written — allocates nothing per message.
 */
class ReceivePathAllocationTest
{
    /** V1: A-ASSOCIATE-RQ for Verification. */
    static final byte[] ASSOCIATE_RQ = org.dimse4j.pdu.Vectors.hex(org.dimse4j.pdu.Vectors.V1_HEX);
    /** V3: P-DATA-TF with a C-ECHO-RQ. */
    static final byte[] ECHO_RQ = org.dimse4j.pdu.Vectors.hex(org.dimse4j.pdu.Vectors.V3_HEX);

    @Test
    void shouldAnswerEchoesWithoutAllocating() throws Exception
    {
        final ScriptedChannel channel = new ScriptedChannel(ASSOCIATE_RQ, ECHO_RQ);
        final int[] answered = {0};
        final DimseHandler handler = new DimseHandler()
        {
            @Override
            public void onCommand(final DimseProvider provider, final Association association, final int contextId,
                final CommandDecoder command)
            {
                if (command.commandField() == CommandField.C_ECHO_RQ)
                {
                    Verification.respond(provider, association, contextId, command);
                    answered[0]++;
                }
            }
        };
        final Association association = Association.accepted(channel, new AssociationSettings().conclude(),
            new AcceptorPolicy().accept(Verification.SOP_CLASS, List.of("1.2.840.10008.1.2")),
            new DimseProvider(handler), System.nanoTime());
        for (int i = 0; i < 10 && !association.isEstablished(); i++)
        {
            association.doWork(System.nanoTime());
        }
        assertEquals(State.STA6, association.state());
        final long written = channel.bytesWritten();

        final Runnable round = () ->
        {
            for (int i = 0; i < 100_000; i++)
            {
                channel.allow(1);
                association.doWork(System.nanoTime());
            }
        };
        round.run();
        assertEquals(100_000, answered[0], "every C-ECHO-RQ answered");
        assertEquals(written + 100_000L * 90, channel.bytesWritten(), "90 bytes of C-ECHO-RSP P-DATA-TF each");
        AllocationAssert.assertNoAllocation("C-ECHO receive path, socket to response", round);
        association.close();
    }
}
