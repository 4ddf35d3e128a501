package org.dimse4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.dimse4j.ul.Action;
import org.dimse4j.ul.DulActionHandler;
import org.dimse4j.ul.Event;
import org.dimse4j.ul.Primitive;
import org.dimse4j.ul.State;
import org.dimse4j.ul.StateMachine;
import org.dimse4j.ul.StateTable;

/**
 * Any sequence of DUL events: each input byte is an event ({@code byte mod 19}), fed to a {@link StateMachine}
 * whose handler records the calls and, for A-ASSOCIATE-RQ checks, answers from the next input bit. The first byte
 * picks the side (requestor or acceptor).
 * <p>
 * A local-user primitive in a state where Table 9-10 has no entry may throw {@link IllegalStateException} (caught,
 * and the state must not change); a network or timer event never throws, whatever the state. The machine must
 * always be in one of the 13 states, the action returned must be the table's, and a blank cell must leave the
 * state unchanged.
 */
class StateMachineFuzzTest
{
    private static final Event[] EVENTS = Event.values();
    private static final int STATES = 13;

    @FuzzTest(maxDuration = "20s")
    void feedEvents(final byte[] input)
    {
        if (input.length == 0)
        {
            return;
        }
        final RecordingHandler handler = new RecordingHandler();
        final StateMachine machine = new StateMachine((input[0] & 1) != 0, handler);
        check(EVENTS.length == 19, "19 events");
        check(State.values().length == STATES, "13 states");
        for (int i = 1; i < input.length; i++)
        {
            final Event event = EVENTS[(input[i] & 0xFF) % EVENTS.length];
            handler.acceptAssociateRequest = (input[i] & 0x80) == 0;
            final State before = machine.state();
            final Action expected = StateTable.action(before, event);
            final int callsBefore = handler.calls;
            final Action action;
            try
            {
                action = machine.handle(event);
            }
            catch (final IllegalStateException ex)
            {
                check(event.isLocalUserPrimitive(), event + " in " + before + " threw " + ex);
                check(expected == null, event + " in " + before + " threw although the table has " + expected);
                check(machine.state() == before, "state changed by a rejected primitive");
                check(handler.calls == callsBefore, "handler called for a rejected primitive");
                continue;
            }
            check(action == expected, event + " in " + before + ": " + action + ", table says " + expected);
            if (action == null)
            {
                check(machine.state() == before, "blank cell changed the state");
                check(handler.calls == callsBefore, "blank cell called the handler");
            }
            final State after = machine.state();
            check(after != null && after.ordinal() < STATES, "state " + after);
            check(action == null || after == action.nextState() || after == action.alternativeNextState(),
                action + " led to " + after);
        }
    }

    /**
     * Records how often it is called; answers A-ASSOCIATE-RQ checks as told.
     */
    static final class RecordingHandler implements DulActionHandler
    {
        int calls;
        boolean acceptAssociateRequest = true;

        @Override
        public void openTransport()
        {
            calls++;
        }

        @Override
        public void closeTransport()
        {
            calls++;
        }

        @Override
        public void sendPdu(final int pduType)
        {
            check(pduType >= 0x01 && pduType <= 0x06, "sendPdu " + pduType);
            calls++;
        }

        @Override
        public void sendAbort(final int source, final int reason)
        {
            check(source == 0 || source == 2, "abort source " + source);
            calls++;
        }

        @Override
        public void startArtim()
        {
            calls++;
        }

        @Override
        public void stopArtim()
        {
            calls++;
        }

        @Override
        public boolean isAssociateRequestAcceptable()
        {
            calls++;
            return acceptAssociateRequest;
        }

        @Override
        public void indicate(final Primitive primitive)
        {
            check(primitive != null, "null primitive");
            calls++;
        }
    }

    private static void check(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new AssertionError(what);
        }
    }
}
