package org.dimse4j.ae;

import org.agrona.DirectBuffer;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.dimse.Status;
import org.dimse4j.pdu.PduStrings;
import org.dimse4j.service.InstanceStore;
import org.dimse4j.service.InstanceWriter;
import org.dimse4j.ul.Association;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The C-STORE sub-operations of a C-GET under way on a requested association (PS3.4 C.4.3.3): served inline on the
 * thread that runs the association, exactly as the Storage SCP serves a C-STORE (a {@link ServiceDispatcher} over
 * the caller's {@link InstanceStore}). Each data set fragment goes from the receive ring straight to the store's
 * writer, so an instance of any size passes in bounded memory; the C-STORE-RSP carries the status the store gave
 * (0xA700 when it cannot write, a partial instance removed). A SOP Instance UID that is not a UID is refused with
 * 0x0117 whatever the store, since a store may make it a file name.
 */
final class GetSubOperations
{
    private static final Logger LOG = LoggerFactory.getLogger(GetSubOperations.class);

    private final ServiceDispatcher storage;
    private boolean receiving;

    /**
     * @param store where the instances go.
     */
    GetSubOperations(final InstanceStore store)
    {
        this.storage = new ServiceDispatcher(request -> open(store, request));
    }

    private static InstanceWriter open(final InstanceStore store, final InstanceStore.StoreRequest request)
        throws IOException
    {
        if (!PduStrings.isValidUid(request.sopInstanceUid()))
        {
            LOG.warn("C-GET sub-operation C-STORE-RQ with invalid SOP Instance UID '{}': answered 0x0117",
                request.sopInstanceUid());
            throw new InstanceStore.StoreRefusedException(Status.INVALID_OBJECT_INSTANCE, // PS3.7 C.5.12
                "SOP Instance UID is not a valid UID");
        }
        // here the peer (the AE we called) is the storage SCU and we are the AE it "called"
        return store.open(new InstanceStore.StoreRequest(request.sopClassUid(), request.sopInstanceUid(),
            request.transferSyntaxUid(), request.calledAeTitle(), request.callingAeTitle()));
    }

    /**
     * @return true if the command was a C-STORE-RQ, now being served; false leaves it to the caller.
     */
    boolean onCommand(final DimseProvider provider, final Association association, final int contextId,
        final CommandDecoder command)
    {
        if (command.commandField() != CommandField.C_STORE_RQ)
        {
            return false;
        }
        receiving = command.hasDataSet();
        storage.onCommand(provider, association, contextId, command);
        return true;
    }

    /**
     * @return true if the fragment belongs to a C-STORE sub-operation's data set (and was written).
     */
    boolean onDataSetFragment(final DimseProvider provider, final Association association, final int contextId,
        final DirectBuffer buffer, final int offset, final int length, final boolean last)
    {
        if (!receiving)
        {
            return false;
        }
        if (last)
        {
            receiving = false;
        }
        storage.onDataSetFragment(provider, association, contextId, buffer, offset, length, last);
        return true;
    }

    /** @return true between a C-STORE-RQ with a data set and its last fragment. */
    boolean isReceiving()
    {
        return receiving;
    }

    /** The association ended: an instance under way is removed. */
    void onClosed(final Association association)
    {
        receiving = false;
        storage.onClosed(association);
    }
}
