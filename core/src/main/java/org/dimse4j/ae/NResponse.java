package org.dimse4j.ae;

import org.dimse4j.data.DataSet;
import org.dimse4j.dimse.Status;

/**
 * The answer to a DIMSE-N request (PS3.7 §10.1): what an {@link NServiceHandler} returns on the SCP side, and what
 * the N-* calls of {@link ClientAssociation} return on the SCU side.
 *
 * @param status               the Status (0000,0900).
 * @param sopInstanceUid       the Affected SOP Instance UID (0000,1000): for N-CREATE, the instance the SCP created
 *                             (mandatory in the response when the request left it out); otherwise the request's
 *                             instance, or null.
 * @param attributes           the response's data set (Attribute List, Action Reply, Event Reply), or null for none.
 * @param errorComment         Error Comment (0000,0902), at most 64 characters, or null.
 * @param errorId              Error ID (0000,0903), or -1 for none (MPPS uses 0xA710 with 0x0110).
 * @param attributeIdentifiers Attribute Identifier List (0000,1005) of statuses 0x0105, 0x0107, 0x0120 (the
 *                             offending tags), or null.
 */
public record NResponse(int status, String sopInstanceUid, DataSet attributes, String errorComment, int errorId,
    int[] attributeIdentifiers)
{
    /** @return a Success response without attributes. */
    public static NResponse success()
    {
        return new NResponse(Status.SUCCESS, null, null, null, -1, null);
    }

    /**
     * @param attributes the Attribute List / Reply; may be null.
     * @return a Success response carrying it.
     */
    public static NResponse success(final DataSet attributes)
    {
        return new NResponse(Status.SUCCESS, null, attributes, null, -1, null);
    }

    /**
     * @param status  a status.
     * @param comment why, sent as Error Comment (cut to 64 characters); may be null.
     * @return a response with that status.
     */
    public static NResponse of(final int status, final String comment)
    {
        return new NResponse(status, null, null, comment, -1, null);
    }

    /**
     * @param uid the Affected SOP Instance UID to answer with (N-CREATE: the instance created).
     * @return a copy with it.
     */
    public NResponse withSopInstanceUid(final String uid)
    {
        return new NResponse(status, uid, attributes, errorComment, errorId, attributeIdentifiers);
    }

    /**
     * @param tags the offending attributes, sent as Attribute Identifier List (0000,1005).
     * @return a copy with them.
     */
    public NResponse withAttributeIdentifiers(final int... tags)
    {
        return new NResponse(status, sopInstanceUid, attributes, errorComment, errorId, tags.clone());
    }

    /**
     * @param id the Error ID (0000,0903).
     * @return a copy with it.
     */
    public NResponse withErrorId(final int id)
    {
        return new NResponse(status, sopInstanceUid, attributes, errorComment, id, attributeIdentifiers);
    }

    /**
     * @param list the response's data set.
     * @return a copy with it.
     */
    public NResponse withAttributes(final DataSet list)
    {
        return new NResponse(status, sopInstanceUid, list, errorComment, errorId, attributeIdentifiers);
    }

    /** @return true for Success and warnings (the operation was performed). */
    public boolean isPerformed()
    {
        return Status.isSuccess(status) || Status.isWarning(status);
    }
}
