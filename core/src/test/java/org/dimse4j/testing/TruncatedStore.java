package org.dimse4j.testing;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.ul.Association;

/** A C-STORE whose data set never ends: what a peer that vanishes mid data set has sent. */
public final class TruncatedStore
{
    private TruncatedStore()
    {
    }

    /**
     * Sends a C-STORE-RQ on context 1, then 24,000 bytes of its data set in three PDVs without the last-fragment
     * bit, and waits (at most 10 s) until they are all on the wire. The caller then drops the connection.
     *
     * @param assoc       an association with context 1 accepted for the SOP class.
     * @param sopClass    Affected SOP Class UID.
     * @param sopInstance Affected SOP Instance UID.
     */
    public static void send(final ClientAssociation assoc, final String sopClass, final String sopInstance)
    {
        final Association association = assoc.association();
        assoc.provider().beginCommand(association, 1)
            .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, sopClass)
            .putUS(CommandElement.COMMAND_FIELD, CommandField.C_STORE_RQ)
            .putUS(CommandElement.MESSAGE_ID, 1)
            .putUS(CommandElement.PRIORITY, 0)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, 1)
            .putUid(CommandElement.AFFECTED_SOP_INSTANCE_UID, sopInstance);
        assoc.provider().sendCommand();
        final UnsafeBuffer half = new UnsafeBuffer(new byte[8000]);
        for (int i = 0; i < 3; i++)
        {
            association.claimPData(8100).putPdv(1, 0, half, 0, 8000);
            association.sendPData();
        }
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (association.pendingSendBytes() > 0 && System.nanoTime() < deadline)
        {
            association.doWork(System.nanoTime());
        }
    }
}
