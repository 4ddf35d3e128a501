package org.dimse4j.ul;

import static org.dimse4j.ul.Action.AA_1;
import static org.dimse4j.ul.Action.AA_2;
import static org.dimse4j.ul.Action.AA_3;
import static org.dimse4j.ul.Action.AA_4;
import static org.dimse4j.ul.Action.AA_5;
import static org.dimse4j.ul.Action.AA_6;
import static org.dimse4j.ul.Action.AA_7;
import static org.dimse4j.ul.Action.AA_8;
import static org.dimse4j.ul.Action.AE_1;
import static org.dimse4j.ul.Action.AE_2;
import static org.dimse4j.ul.Action.AE_3;
import static org.dimse4j.ul.Action.AE_4;
import static org.dimse4j.ul.Action.AE_5;
import static org.dimse4j.ul.Action.AE_6;
import static org.dimse4j.ul.Action.AE_7;
import static org.dimse4j.ul.Action.AE_8;
import static org.dimse4j.ul.Action.AR_1;
import static org.dimse4j.ul.Action.AR_10;
import static org.dimse4j.ul.Action.AR_2;
import static org.dimse4j.ul.Action.AR_3;
import static org.dimse4j.ul.Action.AR_4;
import static org.dimse4j.ul.Action.AR_5;
import static org.dimse4j.ul.Action.AR_6;
import static org.dimse4j.ul.Action.AR_7;
import static org.dimse4j.ul.Action.AR_8;
import static org.dimse4j.ul.Action.AR_9;
import static org.dimse4j.ul.Action.DT_1;
import static org.dimse4j.ul.Action.DT_2;

/**
 * The DICOM Upper Layer state transition table, PS3.8 Table 9-10: which {@link Action} an {@link Event} triggers
 * in each {@link State}.
 * <p>
 * 123 of the 19 × 13 cells are defined; a blank cell ({@code null}) means the standard defines no action. The
 * next state is given by the action ({@link Action#nextState()}, or one of two outcomes for AE-6 and AR-8).
 * Lookup is two array loads and allocates nothing.
 */
public final class StateTable
{
    /** Number of cells of Table 9-10 that define an action. */
    public static final int DEFINED_CELL_COUNT = 123;

    /**
     * Indexed {@code [event.ordinal()][state.ordinal()]}; rows are Evt1 … Evt19, columns Sta1 … Sta13, as printed
     * in the standard. {@code null} is a blank cell.
     */
    private static final Action[][] TABLE =
    {
        // Sta1   Sta2  Sta3  Sta4  Sta5  Sta6  Sta7  Sta8  Sta9  Sta10 Sta11  Sta12 Sta13
        { AE_1, null, null, null, null, null, null, null, null, null, null, null, null }, // Evt1  A-ASSOCIATE rq
        { null, null, null, AE_2, null, null, null, null, null, null, null, null, null }, // Evt2  connect confirm
        { null, AA_1, AA_8, null, AE_3, AA_8, AA_8, AA_8, AA_8, AA_8, AA_8, AA_8, AA_6 }, // Evt3  A-ASSOCIATE-AC
        { null, AA_1, AA_8, null, AE_4, AA_8, AA_8, AA_8, AA_8, AA_8, AA_8, AA_8, AA_6 }, // Evt4  A-ASSOCIATE-RJ
        { AE_5, null, null, null, null, null, null, null, null, null, null, null, null }, // Evt5  connect indication
        { null, AE_6, AA_8, null, AA_8, AA_8, AA_8, AA_8, AA_8, AA_8, AA_8, AA_8, AA_7 }, // Evt6  A-ASSOCIATE-RQ
        { null, null, AE_7, null, null, null, null, null, null, null, null, null, null }, // Evt7  A-ASSOCIATE rsp +
        { null, null, AE_8, null, null, null, null, null, null, null, null, null, null }, // Evt8  A-ASSOCIATE rsp -
        { null, null, null, null, null, DT_1, null, AR_7, null, null, null, null, null }, // Evt9  P-DATA rq
        { null, AA_1, AA_8, null, AA_8, DT_2, AR_6, AA_8, AA_8, AA_8, AA_8, AA_8, AA_6 }, // Evt10 P-DATA-TF
        { null, null, null, null, null, AR_1, null, null, null, null, null, null, null }, // Evt11 A-RELEASE rq
        { null, AA_1, AA_8, null, AA_8, AR_2, AR_8, AA_8, AA_8, AA_8, AA_8, AA_8, AA_6 }, // Evt12 A-RELEASE-RQ
        { null, AA_1, AA_8, null, AA_8, AA_8, AR_3, AA_8, AA_8, AR_10, AR_3, AA_8, AA_6 }, // Evt13 A-RELEASE-RP
        { null, null, null, null, null, null, null, AR_4, AR_9, null, null, AR_4, null }, // Evt14 A-RELEASE rsp
        { null, null, AA_1, AA_2, AA_1, AA_1, AA_1, AA_1, AA_1, AA_1, AA_1, AA_1, null }, // Evt15 A-ABORT rq
        { null, AA_2, AA_3, null, AA_3, AA_3, AA_3, AA_3, AA_3, AA_3, AA_3, AA_3, AA_2 }, // Evt16 A-ABORT
        { null, AA_5, AA_4, AA_4, AA_4, AA_4, AA_4, AA_4, AA_4, AA_4, AA_4, AA_4, AR_5 }, // Evt17 conn. closed
        { null, AA_2, null, null, null, null, null, null, null, null, null, null, AA_2 }, // Evt18 ARTIM expired
        { null, AA_1, AA_8, null, AA_8, AA_8, AA_8, AA_8, AA_8, AA_8, AA_8, AA_8, AA_7 }, // Evt19 invalid PDU
    };

    private StateTable()
    {
    }

    /**
     * Look up one cell of Table 9-10. Allocates nothing.
     *
     * @param state the current state.
     * @param event the event that occurred.
     * @return the action the standard prescribes, or null if the cell is blank.
     */
    public static Action action(final State state, final Event event)
    {
        return TABLE[event.ordinal()][state.ordinal()];
    }
}
