package org.dimse4j.ul;

/**
 * The nineteen events of the DICOM Upper Layer protocol machine: the row headings of PS3.8 Table 9-10.
 * <p>
 * Events come from the local user (service primitives), the local transport (TCP), the network (a received and
 * classified PDU) or the ARTIM timer. {@link #isLocalUserPrimitive()} tells the first kind apart: a local-user
 * primitive in a state where the table has no entry is a programming error of the user and is rejected by
 * {@link StateMachine} with an {@link IllegalStateException}.
 */
public enum Event
{
    /** Evt1: A-ASSOCIATE request primitive (local user). */
    EVT1("A-ASSOCIATE request", true),
    /** Evt2: transport connect confirmation (TCP connect completed). */
    EVT2("Transport connect confirmation", false),
    /** Evt3: A-ASSOCIATE-AC PDU received. */
    EVT3("A-ASSOCIATE-AC PDU received", false),
    /** Evt4: A-ASSOCIATE-RJ PDU received. */
    EVT4("A-ASSOCIATE-RJ PDU received", false),
    /** Evt5: transport connection indication (incoming TCP connection accepted). */
    EVT5("Transport connection indication", false),
    /** Evt6: A-ASSOCIATE-RQ PDU received. */
    EVT6("A-ASSOCIATE-RQ PDU received", false),
    /** Evt7: A-ASSOCIATE response primitive, accept (local user). */
    EVT7("A-ASSOCIATE response (accept)", true),
    /** Evt8: A-ASSOCIATE response primitive, reject (local user). */
    EVT8("A-ASSOCIATE response (reject)", true),
    /** Evt9: P-DATA request primitive (local user). */
    EVT9("P-DATA request", true),
    /** Evt10: P-DATA-TF PDU received. */
    EVT10("P-DATA-TF PDU received", false),
    /** Evt11: A-RELEASE request primitive (local user). */
    EVT11("A-RELEASE request", true),
    /** Evt12: A-RELEASE-RQ PDU received. */
    EVT12("A-RELEASE-RQ PDU received", false),
    /** Evt13: A-RELEASE-RP PDU received. */
    EVT13("A-RELEASE-RP PDU received", false),
    /** Evt14: A-RELEASE response primitive (local user). */
    EVT14("A-RELEASE response", true),
    /** Evt15: A-ABORT request primitive (local user). */
    EVT15("A-ABORT request", true),
    /** Evt16: A-ABORT PDU received. */
    EVT16("A-ABORT PDU received", false),
    /** Evt17: transport connection closed indication (peer closed or network failure). */
    EVT17("Transport connection closed indication", false),
    /** Evt18: ARTIM timer expired. */
    EVT18("ARTIM timer expired", false),
    /** Evt19: unrecognized or invalid PDU received (unknown type, bad length, malformed items). */
    EVT19("Unrecognized or invalid PDU received", false);

    private final String label;
    private final String description;
    private final boolean localUserPrimitive;

    Event(final String description, final boolean localUserPrimitive)
    {
        this.label = "Evt" + (ordinal() + 1);
        this.description = description;
        this.localUserPrimitive = localUserPrimitive;
    }

    /**
     * @return the standard's name of the event, {@code "Evt1"} … {@code "Evt19"}.
     */
    public String label()
    {
        return label;
    }

    /**
     * @return a short description of the event; for a local-user primitive, the primitive's name
     * (e.g. {@code "A-RELEASE request"}).
     */
    public String description()
    {
        return description;
    }

    /**
     * @return true for the service primitives issued by the local user: Evt1, 7, 8, 9, 11, 14 and 15.
     */
    public boolean isLocalUserPrimitive()
    {
        return localUserPrimitive;
    }
}
