package org.dimse4j.ul;

import org.agrona.DirectBuffer;

/**
 * The layer above the Upper Layer (the DIMSE provider) as the association sees it: the indications and
 * confirmations of PS3.8 §7, delivered on the association's I/O thread.
 * <p>
 * {@link #onPdv} is the hot path: the fragment lies in the receive ring and is valid only during the call.
 */
public interface AssociationListener
{
    /**
     * The association is established: after our A-ASSOCIATE-AC went out (acceptor) or after the peer's arrived
     * (requestor).
     *
     * @param association the association.
     */
    default void onEstablished(final Association association)
    {
    }

    /**
     * One PDV of a received P-DATA-TF.
     *
     * @param association   the association.
     * @param contextId     presentation context ID.
     * @param controlHeader message control header (command bit 0x01, last bit 0x02).
     * @param buffer        holding the fragment.
     * @param offset        of the fragment's first byte.
     * @param length        fragment length.
     */
    void onPdv(Association association, int contextId, int controlHeader, DirectBuffer buffer, int offset,
        int length);

    /**
     * The peer asks to release (A-RELEASE indication). The default answers at once; an implementation with
     * responses still to send calls {@link Association#releaseResponse()} once they are out.
     *
     * @param association the association.
     */
    default void onReleaseRequested(final Association association)
    {
        association.releaseResponse();
    }

    /**
     * The association ended: released, rejected, aborted by either side, or the connection was lost. Its
     * resources are freed right after this call.
     *
     * @param association the association; {@link Association#outcome()} says how it ended.
     */
    default void onClosed(final Association association)
    {
    }

    /**
     * Called at the end of each duty cycle of an established association, after sending and receiving: a layer
     * with work of its own (responses produced incrementally) does a bounded amount of it here.
     *
     * @param association the association.
     * @return amount of work done (0 when idle).
     */
    default int onIdle(final Association association)
    {
        return 0;
    }
}
