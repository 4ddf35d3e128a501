package org.dimse4j.ae;

import org.dimse4j.data.DataSet;

/**
 * Receives the N-EVENT-REPORT-RQs a peer sends on an association we requested (e.g. a Storage Commitment result on
 * the requesting association), on the thread that drives the {@link ClientAssociation}; its answer goes back as the
 * N-EVENT-REPORT-RSP.
 */
@FunctionalInterface
public interface EventReportListener
{
    /**
     * @param sopClass         Affected SOP Class UID.
     * @param sopInstance      Affected SOP Instance UID.
     * @param eventTypeId      Event Type ID.
     * @param eventInformation the Event Information, or null.
     * @return the response (Success: {@link NResponse#success()}).
     */
    NResponse onEventReport(String sopClass, String sopInstance, int eventTypeId, DataSet eventInformation);
}
