package org.dimse4j.dimse;

import org.agrona.MutableDirectBuffer;

import java.io.IOException;

/**
 * A caller's data set, pulled fragment by fragment straight into the send buffer behind each PDV header: for data
 * sets that are neither in one buffer nor in one file region (generated, or gathered from several places).
 */
public interface DataSetSource
{
    /** @return bytes still to come; when it reaches 0 the last fragment has been read. */
    long remaining();

    /**
     * Writes the next bytes of the data set.
     *
     * @param dst    the send buffer.
     * @param offset where to write.
     * @param length exactly this many bytes are wanted (never more than {@link #remaining()}).
     * @throws IOException if the data cannot be produced (the association is then aborted).
     */
    void read(MutableDirectBuffer dst, int offset, int length) throws IOException;
}
