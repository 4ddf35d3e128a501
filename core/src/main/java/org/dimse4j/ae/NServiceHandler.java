package org.dimse4j.ae;

import org.dimse4j.data.DataSet;
import org.dimse4j.dimse.Status;

/**
 * Serves the DIMSE-N requests of one SOP class as SCP (PS3.7 §10): register it with
 * {@link ApplicationEntity.Builder#acceptNService}. Each method gets the request's SOP Class and SOP Instance UID
 * (Affected for N-CREATE and N-EVENT-REPORT, Requested for the others) and its data set, parsed, or null when the
 * request carried none; it returns the response. An operation not overridden answers 0x0211 (unrecognized
 * operation).
 * <p>
 * The methods run on the association's I/O thread, one request at a time per association (one handler may serve
 * several associations, and so several I/O threads, at once: make it thread-safe). They must be quick: a slow one
 * holds every association of its I/O loop. Work that takes time (a lookup over the network, say) belongs on a
 * thread of the handler's own, which reports back with {@link NSession#sendEventReport} or a new association.
 * A handler that throws is answered 0x0110 (processing failure) and logged.
 */
public interface NServiceHandler
{
    /**
     * N-EVENT-REPORT-RQ.
     *
     * @param session          the association.
     * @param sopClass         Affected SOP Class UID.
     * @param sopInstance      Affected SOP Instance UID.
     * @param eventTypeId      Event Type ID.
     * @param eventInformation the Event Information, or null.
     * @return the response (an Event Reply in its attributes, if any).
     */
    default NResponse nEventReport(final NSession session, final String sopClass, final String sopInstance,
        final int eventTypeId, final DataSet eventInformation)
    {
        return unsupported();
    }

    /**
     * N-GET-RQ.
     *
     * @param session              the association.
     * @param sopClass             Requested SOP Class UID.
     * @param sopInstance          Requested SOP Instance UID.
     * @param attributeIdentifiers the Attribute Identifier List: the tags asked for; empty means all.
     * @return the response, with the Attribute List in its attributes.
     */
    default NResponse nGet(final NSession session, final String sopClass, final String sopInstance,
        final int[] attributeIdentifiers)
    {
        return unsupported();
    }

    /**
     * N-SET-RQ.
     *
     * @param session       the association.
     * @param sopClass      Requested SOP Class UID.
     * @param sopInstance   Requested SOP Instance UID.
     * @param modifications the Modification List (never null: N-SET requires one).
     * @return the response.
     */
    default NResponse nSet(final NSession session, final String sopClass, final String sopInstance,
        final DataSet modifications)
    {
        return unsupported();
    }

    /**
     * N-ACTION-RQ.
     *
     * @param session           the association.
     * @param sopClass          Requested SOP Class UID.
     * @param sopInstance       Requested SOP Instance UID.
     * @param actionTypeId      Action Type ID.
     * @param actionInformation the Action Information, or null.
     * @return the response (an Action Reply in its attributes, if any).
     */
    default NResponse nAction(final NSession session, final String sopClass, final String sopInstance,
        final int actionTypeId, final DataSet actionInformation)
    {
        return unsupported();
    }

    /**
     * N-CREATE-RQ.
     *
     * @param session     the association.
     * @param sopClass    Affected SOP Class UID.
     * @param sopInstance Affected SOP Instance UID, or null when the SCU left it to the SCP: the response then
     *                    names the instance created ({@link NResponse#withSopInstanceUid}).
     * @param attributes  the Attribute List, or null.
     * @return the response.
     */
    default NResponse nCreate(final NSession session, final String sopClass, final String sopInstance,
        final DataSet attributes)
    {
        return unsupported();
    }

    /**
     * N-DELETE-RQ.
     *
     * @param session     the association.
     * @param sopClass    Requested SOP Class UID.
     * @param sopInstance Requested SOP Instance UID.
     * @return the response.
     */
    default NResponse nDelete(final NSession session, final String sopClass, final String sopInstance)
    {
        return unsupported();
    }

    /** @return 0x0211, unrecognized operation: the answer to an operation this handler does not serve. */
    static NResponse unsupported()
    {
        return NResponse.of(Status.UNRECOGNIZED_OPERATION, null);
    }
}
