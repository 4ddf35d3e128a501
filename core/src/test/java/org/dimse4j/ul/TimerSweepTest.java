package org.dimse4j.ul;

import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseHandler;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.service.Verification;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An event loop's timer sweep ({@link Association#doTimers}) leaves the socket alone: the selector reports
 * readable sockets, so reading an idle one would only cost a system call.
 */
class TimerSweepTest
{
    @Test
    void shouldNotReadTheSocketInATimerSweepButShouldInADutyCycle() throws Exception
    {
        final ScriptedChannel channel = new ScriptedChannel(ReceivePathAllocationTest.ASSOCIATE_RQ,
            ReceivePathAllocationTest.ECHO_RQ);
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

        channel.allow(1);
        for (int i = 0; i < 5; i++)
        {
            association.doTimers(System.nanoTime());
        }
        assertEquals(0, answered[0], "the sweep read the socket");

        association.doWork(System.nanoTime());
        assertEquals(1, answered[0], "a duty cycle reads and answers the C-ECHO-RQ");
        assertEquals(State.STA6, association.state());
        association.close();
    }
}
