package org.dimse4j.service;

import java.io.IOException;

/**
 * Where the Storage SCP puts received instances: asked once per C-STORE-RQ for a writer that takes the data set
 * as it streams in. Implementations must be safe to call from several I/O threads at once.
 */
@FunctionalInterface
public interface InstanceStore
{
    /**
     * @param request what arrived: SOP class and instance, transfer syntax, calling AE title.
     * @return the writer for this instance's data set.
     * @throws IOException if it cannot be stored (answered with 0xA700 out of resources).
     * @throws StoreRefusedException to answer with a specific failure status.
     */
    InstanceWriter open(StoreRequest request) throws IOException;

    /**
     * What a C-STORE-RQ announced.
     *
     * @param sopClassUid       Affected SOP Class UID.
     * @param sopInstanceUid    Affected SOP Instance UID.
     * @param transferSyntaxUid the presentation context's transfer syntax: the data set's encoding.
     * @param callingAeTitle    the storage SCU's AE title.
     * @param calledAeTitle     the AE title it called.
     */
    record StoreRequest(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, String callingAeTitle,
        String calledAeTitle)
    {
    }

    /**
     * Refuses an instance with a given DIMSE status.
     */
    final class StoreRefusedException extends IOException
    {
        private static final long serialVersionUID = 1L;

        private final int status;

        /**
         * @param status  the failure status for the C-STORE-RSP.
         * @param message why, for the log.
         */
        public StoreRefusedException(final int status, final String message)
        {
            super(message);
            this.status = status;
        }

        /** @return the failure status. */
        public int status()
        {
            return status;
        }
    }
}
