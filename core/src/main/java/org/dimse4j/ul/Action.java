package org.dimse4j.ul;

/**
 * The actions of the DICOM Upper Layer protocol machine (PS3.8 Tables 9-6 … 9-9): the cells of Table 9-10.
 * <p>
 * Each action leads to one next state, except AE-6 (Sta3 if the A-ASSOCIATE-RQ is acceptable to the
 * service-provider, otherwise Sta13) and AR-8 (Sta9 on the association-requestor side, otherwise Sta10); for
 * those two {@link #alternativeNextState()} is the second outcome. What each action does through the
 * {@link DulActionHandler} is documented on {@link StateMachine}.
 */
public enum Action
{
    /** AE-1: issue TRANSPORT CONNECT request to the local transport. */
    AE_1("Issue transport connect request", State.STA4, null),
    /** AE-2: send A-ASSOCIATE-RQ PDU. */
    AE_2("Send A-ASSOCIATE-RQ PDU", State.STA5, null),
    /** AE-3: issue A-ASSOCIATE confirmation (accept) primitive. */
    AE_3("Issue A-ASSOCIATE confirmation (accept) primitive", State.STA6, null),
    /** AE-4: issue A-ASSOCIATE confirmation (reject) primitive and close transport connection. */
    AE_4("Issue A-ASSOCIATE confirmation (reject) primitive and close transport connection", State.STA1, null),
    /** AE-5: issue transport connection response; start ARTIM. */
    AE_5("Issue transport connection response, start ARTIM", State.STA2, null),
    /** AE-6: stop ARTIM; A-ASSOCIATE indication (Sta3) or, if not acceptable, send A-ASSOCIATE-RJ and start ARTIM. */
    AE_6("Stop ARTIM; if acceptable issue A-ASSOCIATE indication, else send A-ASSOCIATE-RJ PDU and start ARTIM",
        State.STA3, State.STA13),
    /** AE-7: send A-ASSOCIATE-AC PDU. */
    AE_7("Send A-ASSOCIATE-AC PDU", State.STA6, null),
    /** AE-8: send A-ASSOCIATE-RJ PDU and start ARTIM. */
    AE_8("Send A-ASSOCIATE-RJ PDU and start ARTIM", State.STA13, null),
    /** DT-1: send P-DATA-TF PDU. */
    DT_1("Send P-DATA-TF PDU", State.STA6, null),
    /** DT-2: send P-DATA indication primitive. */
    DT_2("Issue P-DATA indication primitive", State.STA6, null),
    /** AR-1: send A-RELEASE-RQ PDU. */
    AR_1("Send A-RELEASE-RQ PDU", State.STA7, null),
    /** AR-2: issue A-RELEASE indication primitive. */
    AR_2("Issue A-RELEASE indication primitive", State.STA8, null),
    /** AR-3: issue A-RELEASE confirmation primitive and close transport connection. */
    AR_3("Issue A-RELEASE confirmation primitive and close transport connection", State.STA1, null),
    /** AR-4: issue A-RELEASE-RP PDU and start ARTIM. */
    AR_4("Send A-RELEASE-RP PDU and start ARTIM", State.STA13, null),
    /** AR-5: stop ARTIM. */
    AR_5("Stop ARTIM", State.STA1, null),
    /** AR-6: issue P-DATA indication (while awaiting A-RELEASE-RP). */
    AR_6("Issue P-DATA indication primitive", State.STA7, null),
    /** AR-7: issue P-DATA-TF PDU (after A-RELEASE-RQ was received). */
    AR_7("Send P-DATA-TF PDU", State.STA8, null),
    /** AR-8: issue A-RELEASE indication (release collision); Sta9 if association-requestor, else Sta10. */
    AR_8("Issue A-RELEASE indication (release collision)", State.STA9, State.STA10),
    /** AR-9: send A-RELEASE-RP PDU. */
    AR_9("Send A-RELEASE-RP PDU", State.STA11, null),
    /** AR-10: issue A-RELEASE confirmation primitive. */
    AR_10("Issue A-RELEASE confirmation primitive", State.STA12, null),
    /** AA-1: send A-ABORT PDU (service-user source) and start or restart ARTIM. */
    AA_1("Send A-ABORT PDU (service-user, reason 0), start or restart ARTIM", State.STA13, null),
    /** AA-2: stop ARTIM if running; close transport connection. */
    AA_2("Stop ARTIM if running, close transport connection", State.STA1, null),
    /** AA-3: issue A-ABORT (source 0) or A-P-ABORT indication and close transport connection. */
    AA_3("Issue A-ABORT or A-P-ABORT indication (by source) and close transport connection", State.STA1, null),
    /** AA-4: issue A-P-ABORT indication primitive. */
    AA_4("Issue A-P-ABORT indication primitive", State.STA1, null),
    /** AA-5: stop ARTIM. */
    AA_5("Stop ARTIM", State.STA1, null),
    /** AA-6: ignore the PDU. */
    AA_6("Ignore PDU", State.STA13, null),
    /** AA-7: send A-ABORT PDU (service-provider source). */
    AA_7("Send A-ABORT PDU (service-provider)", State.STA13, null),
    /** AA-8: send A-ABORT PDU (service-provider source), issue A-P-ABORT indication and start ARTIM. */
    AA_8("Send A-ABORT PDU (service-provider), issue A-P-ABORT indication, start ARTIM", State.STA13, null);

    private final String label;
    private final String description;
    private final State nextState;
    private final State alternativeNextState;

    Action(final String description, final State nextState, final State alternativeNextState)
    {
        this.label = name().replace('_', '-');
        this.description = description;
        this.nextState = nextState;
        this.alternativeNextState = alternativeNextState;
    }

    /**
     * @return the standard's name of the action, e.g. {@code "AE-6"}, {@code "AR-10"}.
     */
    public String label()
    {
        return label;
    }

    /**
     * @return what the action does, after PS3.8 Tables 9-6 … 9-9.
     */
    public String description()
    {
        return description;
    }

    /**
     * @return the state the action leads to; for AE-6 the accept outcome (Sta3), for AR-8 the
     * association-requestor outcome (Sta9).
     */
    public State nextState()
    {
        return nextState;
    }

    /**
     * @return the other possible next state of a conditional action (Sta13 for AE-6, Sta10 for AR-8), or null for
     * every other action.
     */
    public State alternativeNextState()
    {
        return alternativeNextState;
    }
}
