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
    static final byte[] ASSOCIATE_RQ = HexFormat.of().parseHex(
        "010000000121000100004543484f5343502020202020202020204543484f53435520202020202020202000000000000000000000" +
        "0000000000000000000000000000000000000000000010000015312e322e3834302e31303030382e332e312e312e312000004501" +
        "00000030000011312e322e3834302e31303030382e312e3140000011312e322e3834302e31303030382e312e3240000013312e32" +
        "2e3834302e31303030382e312e322e315000007751000004000040005200002c322e32352e313236333339383235323430393731" +
        "3533303337383136333635383732323435353134363037395300000400010001540000150011312e322e3834302e31303030382e" +
        "312e3101015500000b4a44554c5f52515f302e315800000b01000005616c6963650000");
    /** V3: P-DATA-TF with a C-ECHO-RQ. */
    static final byte[] ECHO_RQ = HexFormat.of().parseHex(
        "04000000004a0000004601030000000004000000380000000000020012000000312e322e3834302e31303030382e312e31000000" +
        "00010200000030000000100102000000010000000008020000000101");

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
