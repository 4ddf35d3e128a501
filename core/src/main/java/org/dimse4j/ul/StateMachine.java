package org.dimse4j.ul;

import org.dimse4j.pdu.AbortReason;

/**
 * The DICOM Upper Layer protocol machine of one association (PS3.8 §9.2): takes {@link Event}s, looks up the
 * {@link Action} in {@link StateTable}, performs it through a {@link DulActionHandler} and moves to the next
 * {@link State}.
 * <p>
 * <b>Threading and allocation.</b> Single-threaded: one machine belongs to the thread that drives its association.
 * Handling an event allocates nothing; only the exception thrown for an illegal local-user primitive builds a
 * message. A handler must not feed events back into the machine from inside a callback (re-entry is rejected with
 * an {@link IllegalStateException}); during a callback {@link #state()} still returns the state the event arrived
 * in. The next state is committed after the handler calls have returned: if a handler call throws, the exception
 * propagates and the state is unchanged. A machine can be pooled and reused after {@link #reset()}.
 * <p>
 * <b>Composition of the actions</b> (calls to the handler, in this order; "send before starting ARTIM" and
 * "indicate before closing", as the standard words them):
 * <pre>
 * AE-1  openTransport()                                                            -> Sta4
 * AE-2  sendPdu(0x01)                                                              -> Sta5
 * AE-3  indicate(A_ASSOCIATE_CONFIRM_ACCEPT)                                       -> Sta6
 * AE-4  indicate(A_ASSOCIATE_CONFIRM_REJECT), closeTransport()                     -> Sta1
 * AE-5  startArtim()                                                               -> Sta2
 * AE-6  stopArtim(), isAssociateRequestAcceptable(), then
 *         true:  indicate(A_ASSOCIATE_INDICATION)                                  -> Sta3
 *         false: sendPdu(0x03), startArtim()                                       -> Sta13
 * AE-7  sendPdu(0x02)                                                              -> Sta6
 * AE-8  sendPdu(0x03), startArtim()                                                -> Sta13
 * DT-1  sendPdu(0x04)                                                              -> Sta6
 * DT-2  indicate(P_DATA_INDICATION)                                                -> Sta6
 * AR-1  sendPdu(0x05)                                                              -> Sta7
 * AR-2  indicate(A_RELEASE_INDICATION)                                             -> Sta8
 * AR-3  indicate(A_RELEASE_CONFIRM), closeTransport()                              -> Sta1
 * AR-4  sendPdu(0x06), startArtim()                                                -> Sta13
 * AR-5  stopArtim()                                                                -> Sta1
 * AR-6  indicate(P_DATA_INDICATION)                                                -> Sta7
 * AR-7  sendPdu(0x04)                                                              -> Sta8
 * AR-8  indicate(A_RELEASE_INDICATION)                           -> Sta9 if association-requestor, else Sta10
 * AR-9  sendPdu(0x06)                                                              -> Sta11
 * AR-10 indicate(A_RELEASE_CONFIRM)                                                -> Sta12
 * AA-1  sendAbort(0, 0), startArtim()                                              -> Sta13
 * AA-2  stopArtim(), closeTransport()                                              -> Sta1
 * AA-3  indicate(source == 0 ? A_ABORT_INDICATION : A_P_ABORT_INDICATION), closeTransport()  -> Sta1
 * AA-4  indicate(A_P_ABORT_INDICATION)                                             -> Sta1
 * AA-5  stopArtim()                                                                -> Sta1
 * AA-6  (nothing: the PDU is ignored)                                              -> Sta13
 * AA-7  sendAbort(2, reason)                                                       -> Sta13
 * AA-8  sendAbort(2, reason), indicate(A_P_ABORT_INDICATION), startArtim()         -> Sta13
 * </pre>
 * AA-7 does not restart ARTIM: the standard defines it as "send A-ABORT PDU" only. It happens in Sta13 only, where
 * ARTIM is already running, so a peer that keeps sending PDUs cannot keep the connection open past ARTIM.
 * <p>
 * The A-ABORT reason of AA-7 and AA-8 is 2 (unexpected-PDU) for a valid PDU in the wrong state (Evt3, 4, 6, 10,
 * 12, 13), or the reason given to {@link #handleInvalidPdu(int)} for Evt19. AA-3 decides its primitive by the
 * source given to {@link #handleAbortPdu(int)}.
 * <p>
 * <b>Blank cells.</b> A local-user primitive ({@link Event#isLocalUserPrimitive()}) in a state where Table 9-10 has
 * no entry is an error of the caller: {@link IllegalStateException}, no effect, state unchanged. Any other event in
 * a blank cell (a PDU in Sta1 or Sta4, a transport event in the wrong state, ARTIM expiry in a state where ARTIM
 * does not run) cannot be produced by a correct transport; it is ignored: no effect, state unchanged, and the
 * handling method returns null.
 */
public final class StateMachine
{
    private static final int PDU_TYPE_ASSOCIATE_RQ = 0x01;
    private static final int PDU_TYPE_ASSOCIATE_AC = 0x02;
    private static final int PDU_TYPE_ASSOCIATE_RJ = 0x03;
    private static final int PDU_TYPE_P_DATA_TF = 0x04;
    private static final int PDU_TYPE_RELEASE_RQ = 0x05;
    private static final int PDU_TYPE_RELEASE_RP = 0x06;

    private final boolean requestor;
    private final DulActionHandler handler;
    private State state = State.STA1;
    private boolean dispatching;

    /**
     * Create a machine in Sta1.
     *
     * @param associationRequestor true on the side that requests the association (decides AR-8: Sta9 or Sta10).
     * @param handler              performs the side effects of the actions.
     */
    public StateMachine(final boolean associationRequestor, final DulActionHandler handler)
    {
        if (null == handler)
        {
            throw new NullPointerException("handler");
        }
        this.requestor = associationRequestor;
        this.handler = handler;
    }

    /**
     * @return the current state.
     */
    public State state()
    {
        return state;
    }

    /**
     * @return true if this machine is on the association-requestor side.
     */
    public boolean isRequestor()
    {
        return requestor;
    }

    /**
     * Return to Sta1, for reuse of a pooled machine. Does not call the handler: the owner closes the transport and
     * stops the timer of an association it abandons.
     */
    public void reset()
    {
        state = State.STA1;
        dispatching = false;
    }

    /**
     * Handle an event that carries no parameter. For Evt16 this assumes a service-provider abort (source 2); for
     * Evt19 the reason unrecognized-PDU (1); prefer {@link #handleAbortPdu(int)} and {@link #handleInvalidPdu(int)}.
     * A valid PDU in the wrong state is answered with A-ABORT reason unexpected-PDU (2).
     *
     * @param event the event.
     * @return the action performed, or null if the cell is blank and the event is not a local-user primitive
     * (nothing done, state unchanged).
     * @throws IllegalStateException if the event is a local-user primitive not allowed in the current state, or if
     *                               called from inside a handler callback.
     */
    public Action handle(final Event event)
    {
        final int parameter;
        if (Event.EVT16 == event)
        {
            parameter = AbortReason.SOURCE_SERVICE_PROVIDER;
        }
        else if (Event.EVT19 == event)
        {
            parameter = AbortReason.UNRECOGNIZED_PDU;
        }
        else
        {
            parameter = AbortReason.UNEXPECTED_PDU;
        }
        return dispatch(event, parameter);
    }

    /**
     * Handle Evt16, an A-ABORT PDU received.
     *
     * @param source the source field of the received A-ABORT: 0 (service-user) gives an A-ABORT indication in
     *               AA-3, anything else an A-P-ABORT indication.
     * @return the action performed (AA-2 or AA-3), or null in Sta1 and Sta4 (blank cells, nothing done).
     * @throws IllegalStateException if called from inside a handler callback.
     */
    public Action handleAbortPdu(final int source)
    {
        return dispatch(Event.EVT16, source);
    }

    /**
     * Handle Evt19, an unrecognized or invalid PDU received.
     *
     * @param abortReason the A-ABORT reason (source 2) to send by AA-7 or AA-8, one of the {@link AbortReason}
     *                    reasons; AA-1 (in Sta2) always sends source 0, reason 0.
     * @return the action performed (AA-1, AA-7 or AA-8), or null in Sta1 and Sta4 (blank cells, nothing done).
     * @throws IllegalStateException if called from inside a handler callback.
     */
    public Action handleInvalidPdu(final int abortReason)
    {
        return dispatch(Event.EVT19, abortReason);
    }

    /**
     * Test hook: put the machine in any state without side effects. Package-private; not for production code.
     *
     * @param state the state to be in.
     */
    void forceState(final State state)
    {
        this.state = state;
    }

    private Action dispatch(final Event event, final int parameter)
    {
        final State current = state;
        if (dispatching)
        {
            throw reentrant(event, current);
        }

        final Action action = StateTable.action(current, event);
        if (null == action)
        {
            if (event.isLocalUserPrimitive())
            {
                throw notAllowed(event, current);
            }
            return null;
        }

        dispatching = true;
        try
        {
            state = perform(action, parameter);
        }
        finally
        {
            dispatching = false;
        }
        return action;
    }

    private State perform(final Action action, final int parameter)
    {
        final DulActionHandler handler = this.handler;
        switch (action)
        {
            case AE_1: handler.openTransport(); break;
            case AE_2: handler.sendPdu(PDU_TYPE_ASSOCIATE_RQ); break;
            case AE_3: handler.indicate(Primitive.A_ASSOCIATE_CONFIRM_ACCEPT); break;
            case AE_4:
                handler.indicate(Primitive.A_ASSOCIATE_CONFIRM_REJECT);
                handler.closeTransport();
                break;
            case AE_5: handler.startArtim(); break;
            case AE_6: return associateRequestReceived(handler);
            case AE_7: handler.sendPdu(PDU_TYPE_ASSOCIATE_AC); break;
            case AE_8:
                handler.sendPdu(PDU_TYPE_ASSOCIATE_RJ);
                handler.startArtim();
                break;
            case DT_1: handler.sendPdu(PDU_TYPE_P_DATA_TF); break;
            case DT_2: handler.indicate(Primitive.P_DATA_INDICATION); break;
            case AR_1: handler.sendPdu(PDU_TYPE_RELEASE_RQ); break;
            case AR_2: handler.indicate(Primitive.A_RELEASE_INDICATION); break;
            case AR_3:
                handler.indicate(Primitive.A_RELEASE_CONFIRM);
                handler.closeTransport();
                break;
            case AR_4:
                handler.sendPdu(PDU_TYPE_RELEASE_RP);
                handler.startArtim();
                break;
            case AR_5: handler.stopArtim(); break;
            case AR_6: handler.indicate(Primitive.P_DATA_INDICATION); break;
            case AR_7: handler.sendPdu(PDU_TYPE_P_DATA_TF); break;
            case AR_8:
                handler.indicate(Primitive.A_RELEASE_INDICATION);
                return requestor ? State.STA9 : State.STA10;
            case AR_9: handler.sendPdu(PDU_TYPE_RELEASE_RP); break;
            case AR_10: handler.indicate(Primitive.A_RELEASE_CONFIRM); break;
            case AA_1:
                handler.sendAbort(AbortReason.SOURCE_SERVICE_USER, AbortReason.NOT_SPECIFIED);
                handler.startArtim();
                break;
            case AA_2:
                handler.stopArtim();
                handler.closeTransport();
                break;
            case AA_3:
                handler.indicate(AbortReason.SOURCE_SERVICE_USER == parameter ?
                    Primitive.A_ABORT_INDICATION : Primitive.A_P_ABORT_INDICATION);
                handler.closeTransport();
                break;
            case AA_4: handler.indicate(Primitive.A_P_ABORT_INDICATION); break;
            case AA_5: handler.stopArtim(); break;
            case AA_6: break;
            case AA_7: handler.sendAbort(AbortReason.SOURCE_SERVICE_PROVIDER, parameter); break;
            case AA_8:
                handler.sendAbort(AbortReason.SOURCE_SERVICE_PROVIDER, parameter);
                handler.indicate(Primitive.A_P_ABORT_INDICATION);
                handler.startArtim();
                break;
            default: throw new IllegalStateException("unknown action " + action);
        }
        return action.nextState();
    }

    private static State associateRequestReceived(final DulActionHandler handler)
    {
        handler.stopArtim();
        if (handler.isAssociateRequestAcceptable())
        {
            handler.indicate(Primitive.A_ASSOCIATE_INDICATION);
            return State.STA3;
        }
        handler.sendPdu(PDU_TYPE_ASSOCIATE_RJ);
        handler.startArtim();
        return State.STA13;
    }

    private static IllegalStateException notAllowed(final Event event, final State state)
    {
        return new IllegalStateException(event.description() + " (" + event.label() + ") is not allowed in " +
            state.label() + " (" + state.description() + ")");
    }

    private static IllegalStateException reentrant(final Event event, final State state)
    {
        return new IllegalStateException(event.description() + " (" + event.label() + ") fed to the state machine " +
            "from inside a handler callback (in " + state.label() + "); report it after the callback returns");
    }
}
