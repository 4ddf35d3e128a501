package org.dimse4j.pdu;

/**
 * A peer broke the DICOM Upper Layer or DIMSE protocol: a malformed PDU, a length that disagrees with the bytes
 * present, an item out of place, a PDU that is not allowed in the current state.
 * <p>
 * It carries the A-ABORT reason the standard gives for the fault (PS3.8 Table 9-26, source 2), so that the layer
 * that catches it can answer with the right A-ABORT and log one clear line. It is the only exception our decoders
 * let escape for bad input: never an index exception from deep inside a decoder.
 * <p>
 * Thrown on the rare bad-input path only; normal control flow never depends on it. The stack trace is not filled
 * in (the message says what was wrong), which keeps a flood of garbage from costing more than its bytes.
 */
public class ProtocolException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int abortReason;

    /**
     * @param abortReason A-ABORT reason/diag. for source 2, one of the {@link AbortReason} constants.
     * @param message     what was wrong, naming the PDU, item or field.
     */
    public ProtocolException(final int abortReason, final String message)
    {
        super(message, null, false, false);
        this.abortReason = abortReason;
    }

    /**
     * @return the A-ABORT reason/diag. value (service-provider source) that answers this fault.
     */
    public int abortReason()
    {
        return abortReason;
    }
}
