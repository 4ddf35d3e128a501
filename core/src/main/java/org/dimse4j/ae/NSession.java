package org.dimse4j.ae;

import org.dimse4j.data.DataSet;

/**
 * The association a DIMSE-N request arrived on, as its {@link NServiceHandler} sees it. Thread-safe: a handler may
 * keep it and use it from another thread, e.g. to report the outcome of a long operation.
 */
public interface NSession
{
    /** @return the AE this association belongs to (our side). */
    ApplicationEntity applicationEntity();

    /** @return the peer's AE title (Calling AE Title of the A-ASSOCIATE-RQ). */
    String callingAeTitle();

    /** @return our AE title as the peer called it. */
    String calledAeTitle();

    /** @return the association's name, for log lines. */
    String name();

    /** @return true until the association ends (released, aborted, or the connection lost). */
    boolean isOpen();

    /**
     * Queues an N-EVENT-REPORT-RQ to the peer on this association (the I/O thread sends it on its next duty cycle,
     * after any response already queued, and logs a failure status of the peer's N-EVENT-REPORT-RSP). The event
     * goes on the first accepted presentation context of {@code sopClass}.
     *
     * @param sopClass         Affected SOP Class UID; a context for it must have been accepted.
     * @param sopInstance      Affected SOP Instance UID.
     * @param eventTypeId      Event Type ID.
     * @param eventInformation the Event Information, or null.
     * @param undelivered      run (on the I/O thread) if the association ends before the request went out; may be
     *                         null.
     * @return false if the association has ended or has no context for {@code sopClass}: nothing was queued.
     */
    boolean sendEventReport(String sopClass, String sopInstance, int eventTypeId, DataSet eventInformation,
        Runnable undelivered);
}
