package org.dimse4j.ae;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetReader;
import org.dimse4j.ul.Association;

/**
 * Gathers the identifier of a C-FIND or C-GET request from its data set fragments, up to a limit, then parses it:
 * shared by the query and retrieve services of one association.
 */
final class IdentifierAssembler
{
    /** Largest identifier accepted; a longer one is refused with an out-of-resources status. */
    static final int MAX_IDENTIFIER_LENGTH = 1 << 20;

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private int length;
    private int encoding;
    private boolean tooLong;

    /**
     * Starts gathering a new identifier.
     *
     * @param association the association.
     * @param contextId   the request's context: its transfer syntax encodes the identifier.
     */
    void begin(final Association association, final int contextId)
    {
        encoding = DataSetReader.encodingOf(association.transferSyntax(contextId));
        length = 0;
        tooLong = false;
    }

    /**
     * @param fragment holding the bytes.
     * @param offset   first byte.
     * @param count    bytes.
     * @return false once the identifier is longer than {@link #MAX_IDENTIFIER_LENGTH} (the rest is dropped).
     */
    boolean append(final DirectBuffer fragment, final int offset, final int count)
    {
        if (!tooLong && length + (long)count > MAX_IDENTIFIER_LENGTH)
        {
            tooLong = true;
        }
        if (!tooLong)
        {
            buffer.putBytes(length, fragment, offset, count);
            length += count;
        }
        return !tooLong;
    }

    /** @return the message that explains a refused, too long identifier. */
    static String tooLongMessage()
    {
        return "identifier longer than " + MAX_IDENTIFIER_LENGTH + " bytes";
    }

    /**
     * @return the identifier.
     * @throws org.dimse4j.data.DataSetException if it does not parse.
     */
    DataSet parse()
    {
        return DataSet.read(buffer, 0, length, encoding);
    }

    /** @return the encoding of the identifier (and so of its responses). */
    int encoding()
    {
        return encoding;
    }
}
