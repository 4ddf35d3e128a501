package org.dimse4j.ul;

import java.io.IOException;

/**
 * An association could not be established or ended abnormally: rejected, aborted, timed out, or its connection
 * was lost. The message says which, with the standard's reason.
 */
public class AssociationException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final Outcome outcome;
    private final int rejectCode;

    /**
     * @param message    what happened.
     * @param outcome    how the association ended.
     * @param rejectCode packed A-ASSOCIATE-RJ (result, source, reason) when rejected, else 0.
     */
    public AssociationException(final String message, final Outcome outcome, final int rejectCode)
    {
        super(message);
        this.outcome = outcome;
        this.rejectCode = rejectCode;
    }

    /** @return how the association ended. */
    public Outcome outcome()
    {
        return outcome;
    }

    /** @return A-ASSOCIATE-RJ result, or 0. */
    public int rejectResult()
    {
        return rejectCode >>> 16;
    }

    /** @return A-ASSOCIATE-RJ source, or 0. */
    public int rejectSource()
    {
        return (rejectCode >>> 8) & 0xFF;
    }

    /** @return A-ASSOCIATE-RJ reason/diag., or 0. */
    public int rejectReason()
    {
        return rejectCode & 0xFF;
    }
}
