package org.dimse4j.pdu;

/**
 * A-ABORT source and reason/diag. values (PS3.8 Table 9-26).
 * <p>
 * Code 3 is reserved in the PDU table although the A-P-ABORT service lists "unexpected-session-service
 * primitive" in that place; it is never encoded.
 */
public final class AbortReason
{
    /** Source 0: DICOM UL service-user (initiated abort). */
    public static final int SOURCE_SERVICE_USER = 0;
    /** Source 2: DICOM UL service-provider (initiated abort). */
    public static final int SOURCE_SERVICE_PROVIDER = 2;

    /** Reason 0: reason-not-specified. */
    public static final int NOT_SPECIFIED = 0;
    /** Reason 1: unrecognized-PDU. */
    public static final int UNRECOGNIZED_PDU = 1;
    /** Reason 2: unexpected-PDU. */
    public static final int UNEXPECTED_PDU = 2;
    /** Reason 4: unrecognized-PDU parameter. */
    public static final int UNRECOGNIZED_PDU_PARAMETER = 4;
    /** Reason 5: unexpected-PDU parameter. */
    public static final int UNEXPECTED_PDU_PARAMETER = 5;
    /** Reason 6: invalid-PDU-parameter value. */
    public static final int INVALID_PDU_PARAMETER_VALUE = 6;

    private AbortReason()
    {
    }

    /**
     * @param source the A-ABORT source byte.
     * @param reason the A-ABORT reason/diag. byte.
     * @return the standard's words for the pair, for log lines.
     */
    public static String describe(final int source, final int reason)
    {
        if (source == SOURCE_SERVICE_USER)
        {
            return "service-user initiated abort";
        }
        final String text;
        switch (reason)
        {
            case NOT_SPECIFIED: text = "reason-not-specified"; break;
            case UNRECOGNIZED_PDU: text = "unrecognized-PDU"; break;
            case UNEXPECTED_PDU: text = "unexpected-PDU"; break;
            case UNRECOGNIZED_PDU_PARAMETER: text = "unrecognized-PDU parameter"; break;
            case UNEXPECTED_PDU_PARAMETER: text = "unexpected-PDU parameter"; break;
            case INVALID_PDU_PARAMETER_VALUE: text = "invalid-PDU-parameter value"; break;
            default: text = "reason " + reason; break;
        }
        return (source == SOURCE_SERVICE_PROVIDER ? "service-provider: " : "source " + source + ": ") + text;
    }
}
