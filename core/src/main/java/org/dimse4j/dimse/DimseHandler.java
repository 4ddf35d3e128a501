package org.dimse4j.dimse;

import org.agrona.DirectBuffer;
import org.dimse4j.ul.Association;

/**
 * Receives complete DIMSE commands, and the fragments of the data sets that follow them, from a
 * {@link DimseProvider}. Called on the association's I/O thread; the command and fragments are valid only during
 * the call.
 */
public interface DimseHandler
{
    /**
     * A whole command set arrived.
     *
     * @param provider    to answer through.
     * @param association the association.
     * @param contextId   its presentation context.
     * @param command     the decoded command, read in place.
     */
    void onCommand(DimseProvider provider, Association association, int contextId, CommandDecoder command);

    /**
     * A fragment of the data set of the last command.
     *
     * @param provider    to answer through.
     * @param association the association.
     * @param contextId   its presentation context.
     * @param buffer      holding the fragment.
     * @param offset      of its first byte.
     * @param length      its length.
     * @param last        true for the data set's last fragment.
     */
    default void onDataSetFragment(final DimseProvider provider, final Association association, final int contextId,
        final DirectBuffer buffer, final int offset, final int length, final boolean last)
    {
    }

    /**
     * The association ended.
     *
     * @param association the association.
     */
    default void onClosed(final Association association)
    {
    }

    /**
     * Called once per duty cycle of the established association (see
     * {@link org.dimse4j.ul.AssociationListener#onIdle}): send more of an operation's responses here.
     *
     * @param provider    to send through.
     * @param association the association.
     * @return amount of work done (0 when idle).
     */
    default int onTick(final DimseProvider provider, final Association association)
    {
        return 0;
    }
}
