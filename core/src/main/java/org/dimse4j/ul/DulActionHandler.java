package org.dimse4j.ul;

/**
 * The side effects of the DICOM Upper Layer actions: what the association does when the {@link StateMachine}
 * performs an {@link Action}. The machine decides <em>which</em> effects happen and in what order (see
 * {@link StateMachine} for the composition of every action); the handler carries them out.
 * <p>
 * Contract:
 * <ul>
 *     <li>Methods are called on the thread that drives the machine, one action at a time.</li>
 *     <li>A handler must not feed an event back into the machine from inside a callback (a transport that notices
 *     a closed connection while sending reports Evt17 afterwards, from its duty cycle). The machine rejects such
 *     re-entrant calls with an {@link IllegalStateException}.</li>
 *     <li>The hot-path methods ({@link #sendPdu(int)} for P-DATA-TF and {@link #indicate(Primitive)} for
 *     P-DATA indication) must not allocate.</li>
 * </ul>
 */
public interface DulActionHandler
{
    /**
     * Issue a transport connect request: start the TCP connect to the peer (AE-1). Completion is reported to the
     * machine as Evt2, failure as Evt17.
     */
    void openTransport();

    /**
     * Close the transport connection, without lingering (PS3.8 §9.1.4): AE-4, AR-3, AA-2, AA-3. Not called by
     * AA-4, AA-5 and AR-5, where the connection is already gone.
     */
    void closeTransport();

    /**
     * Send the PDU of the given type, whose content the association has prepared:
     * {@code 0x01} A-ASSOCIATE-RQ (AE-2), {@code 0x02} A-ASSOCIATE-AC (AE-7), {@code 0x03} A-ASSOCIATE-RJ (AE-8 and
     * the reject path of AE-6), {@code 0x04} P-DATA-TF (DT-1, AR-7), {@code 0x05} A-RELEASE-RQ (AR-1),
     * {@code 0x06} A-RELEASE-RP (AR-4, AR-9). A-ABORT goes through {@link #sendAbort(int, int)}.
     *
     * @param pduType the PDU type code (PS3.8 §9.3).
     */
    void sendPdu(int pduType);

    /**
     * Send an A-ABORT PDU: source 0, reason 0 for AA-1 (service-user abort); source 2 with the reason of the fault
     * for AA-7 and AA-8 (service-provider abort).
     *
     * @param source the A-ABORT source field, {@code org.dimse4j.pdu.AbortReason.SOURCE_SERVICE_USER} or
     *               {@code SOURCE_SERVICE_PROVIDER}.
     * @param reason the A-ABORT reason/diag. field, one of the {@code org.dimse4j.pdu.AbortReason} reasons.
     */
    void sendAbort(int source, int reason);

    /**
     * Start the ARTIM timer, or restart it if it is running: AE-5, AE-6 (reject path), AE-8, AR-4, AA-1, AA-8.
     * Expiry is reported to the machine as Evt18.
     */
    void startArtim();

    /**
     * Stop the ARTIM timer: AE-6, AR-5, AA-2, AA-5. Must do nothing if the timer is not running (AA-2 stops it
     * "if running"; after Evt18 it has already fired).
     */
    void stopArtim();

    /**
     * Provider-level check of the A-ASSOCIATE-RQ PDU just received (AE-6): protocol version and well-formedness.
     * User-level checks (AE titles, application context, presentation contexts) are answered later through the
     * A-ASSOCIATE response (Evt7 / Evt8). If this returns false, the machine sends A-ASSOCIATE-RJ ({@code 0x03}),
     * starts ARTIM and goes to Sta13; the association prepares the RJ content before returning false.
     *
     * @return true if the request is acceptable to the service-provider.
     */
    boolean isAssociateRequestAcceptable();

    /**
     * Issue an indication or confirmation primitive to the local user: AE-3, AE-4, AE-6 (accept path), DT-2, AR-2,
     * AR-3, AR-6, AR-8, AR-10, AA-3, AA-4, AA-8.
     *
     * @param primitive the primitive to issue.
     */
    void indicate(Primitive primitive);
}
