package org.dimse4j.ul;

/**
 * The thirteen states of the DICOM Upper Layer protocol machine (PS3.8 §9.2, Tables 9-1 … 9-5).
 * <p>
 * One machine per association; one TCP connection carries exactly one association. {@link #toString()} is the
 * enum name ({@code STA6}); {@link #label()} is the standard's spelling ({@code Sta6}) for log lines and messages.
 */
public enum State
{
    /** Sta1: idle (no association, no connection). */
    STA1("Idle (no association, no connection)"),
    /** Sta2: acceptor, transport connection open, awaiting A-ASSOCIATE-RQ PDU (ARTIM running). */
    STA2("Transport connection open, awaiting A-ASSOCIATE-RQ PDU (ARTIM running)"),
    /** Sta3: acceptor, awaiting the local A-ASSOCIATE response primitive. */
    STA3("Awaiting local A-ASSOCIATE response primitive (from local user)"),
    /** Sta4: requestor, awaiting transport connection opening to complete. */
    STA4("Awaiting transport connection opening to complete"),
    /** Sta5: requestor, awaiting A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU. */
    STA5("Awaiting A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU"),
    /** Sta6: association established, ready for data transfer. */
    STA6("Association established, ready for data transfer"),
    /** Sta7: release requestor, awaiting A-RELEASE-RP PDU. */
    STA7("Awaiting A-RELEASE-RP PDU (we sent A-RELEASE-RQ)"),
    /** Sta8: release acceptor, awaiting the local A-RELEASE response primitive. */
    STA8("Awaiting local A-RELEASE response primitive (peer sent A-RELEASE-RQ)"),
    /** Sta9: release collision, association-requestor side, awaiting the local A-RELEASE response primitive. */
    STA9("Release collision, association-requestor side; awaiting A-RELEASE response (from local user)"),
    /** Sta10: release collision, association-acceptor side, awaiting A-RELEASE-RP PDU. */
    STA10("Release collision, association-acceptor side; awaiting A-RELEASE-RP PDU"),
    /** Sta11: release collision, association-requestor side, awaiting A-RELEASE-RP PDU. */
    STA11("Release collision, association-requestor side; awaiting A-RELEASE-RP PDU"),
    /** Sta12: release collision, association-acceptor side, awaiting the local A-RELEASE response primitive. */
    STA12(
        "Release collision, association-acceptor side; awaiting A-RELEASE response primitive (from local user)"),
    /** Sta13: awaiting transport connection close indication (association no longer exists). */
    STA13("Awaiting transport connection close indication (association no longer exists)");

    private final String label;
    private final String description;

    State(final String description)
    {
        this.label = "Sta" + (ordinal() + 1);
        this.description = description;
    }

    /**
     * @return the standard's name of the state, {@code "Sta1"} … {@code "Sta13"}.
     */
    public String label()
    {
        return label;
    }

    /**
     * @return a short description of the state, as in PS3.8 Tables 9-1 … 9-5.
     */
    public String description()
    {
        return description;
    }
}
