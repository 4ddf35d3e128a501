package org.dimse4j.dimse;

import static org.dimse4j.dimse.CommandElement.ACTION_TYPE_ID;
import static org.dimse4j.dimse.CommandElement.AFFECTED_SOP_CLASS_UID;
import static org.dimse4j.dimse.CommandElement.AFFECTED_SOP_INSTANCE_UID;
import static org.dimse4j.dimse.CommandElement.COMMAND_DATA_SET_TYPE;
import static org.dimse4j.dimse.CommandElement.COMMAND_FIELD;
import static org.dimse4j.dimse.CommandElement.EVENT_TYPE_ID;
import static org.dimse4j.dimse.CommandElement.MESSAGE_ID;
import static org.dimse4j.dimse.CommandElement.MESSAGE_ID_BEING_RESPONDED_TO;
import static org.dimse4j.dimse.CommandElement.MOVE_DESTINATION;
import static org.dimse4j.dimse.CommandElement.PRIORITY;
import static org.dimse4j.dimse.CommandElement.REQUESTED_SOP_CLASS_UID;
import static org.dimse4j.dimse.CommandElement.REQUESTED_SOP_INSTANCE_UID;
import static org.dimse4j.dimse.CommandElement.STATUS;

/**
 * The 23 DIMSE message types with what {@link CommandDecoder#validate()} checks for each (dimse.md §4): the
 * mandatory command elements ("M" and "MF" rows) and the rule for the data set.
 * <p>
 * Command Group Length is mandatory in every message but is not listed: receivers tolerate its absence as DCMTK
 * does. Command Field and Command Data Set Type are listed for every type.
 */
public enum MessageType
{
    /** C-STORE-RQ, §4.1. */
    C_STORE_RQ(CommandField.C_STORE_RQ, "C-STORE-RQ", DataSetRule.REQUIRED,
        AFFECTED_SOP_CLASS_UID, COMMAND_FIELD, MESSAGE_ID, PRIORITY, COMMAND_DATA_SET_TYPE, AFFECTED_SOP_INSTANCE_UID),
    /** C-STORE-RSP, §4.2. */
    C_STORE_RSP(CommandField.C_STORE_RSP, "C-STORE-RSP", DataSetRule.FORBIDDEN, Rsp.ELEMENTS),
    /** C-GET-RQ, §4.6. */
    C_GET_RQ(CommandField.C_GET_RQ, "C-GET-RQ", DataSetRule.REQUIRED,
        AFFECTED_SOP_CLASS_UID, COMMAND_FIELD, MESSAGE_ID, PRIORITY, COMMAND_DATA_SET_TYPE),
    /** C-GET-RSP, §4.7. */
    C_GET_RSP(CommandField.C_GET_RSP, "C-GET-RSP", DataSetRule.OPTIONAL, Rsp.ELEMENTS),
    /** C-FIND-RQ, §4.3. */
    C_FIND_RQ(CommandField.C_FIND_RQ, "C-FIND-RQ", DataSetRule.REQUIRED,
        AFFECTED_SOP_CLASS_UID, COMMAND_FIELD, MESSAGE_ID, PRIORITY, COMMAND_DATA_SET_TYPE),
    /** C-FIND-RSP, §4.4: an Identifier only with a Pending status. */
    C_FIND_RSP(CommandField.C_FIND_RSP, "C-FIND-RSP", DataSetRule.ONLY_IF_PENDING, Rsp.ELEMENTS),
    /** C-MOVE-RQ, §4.8. */
    C_MOVE_RQ(CommandField.C_MOVE_RQ, "C-MOVE-RQ", DataSetRule.REQUIRED,
        AFFECTED_SOP_CLASS_UID, COMMAND_FIELD, MESSAGE_ID, MOVE_DESTINATION, PRIORITY, COMMAND_DATA_SET_TYPE),
    /** C-MOVE-RSP, §4.9. */
    C_MOVE_RSP(CommandField.C_MOVE_RSP, "C-MOVE-RSP", DataSetRule.OPTIONAL, Rsp.ELEMENTS),
    /** C-ECHO-RQ, §4.10. */
    C_ECHO_RQ(CommandField.C_ECHO_RQ, "C-ECHO-RQ", DataSetRule.FORBIDDEN,
        AFFECTED_SOP_CLASS_UID, COMMAND_FIELD, MESSAGE_ID, COMMAND_DATA_SET_TYPE),
    /** C-ECHO-RSP, §4.11. */
    C_ECHO_RSP(CommandField.C_ECHO_RSP, "C-ECHO-RSP", DataSetRule.FORBIDDEN, Rsp.ELEMENTS),
    /** N-EVENT-REPORT-RQ, §4.12. */
    N_EVENT_REPORT_RQ(CommandField.N_EVENT_REPORT_RQ, "N-EVENT-REPORT-RQ", DataSetRule.OPTIONAL,
        AFFECTED_SOP_CLASS_UID, COMMAND_FIELD, MESSAGE_ID, COMMAND_DATA_SET_TYPE, AFFECTED_SOP_INSTANCE_UID,
        EVENT_TYPE_ID),
    /** N-EVENT-REPORT-RSP, §4.13: Event Type ID shall be present if an Event Reply is. */
    N_EVENT_REPORT_RSP(CommandField.N_EVENT_REPORT_RSP, "N-EVENT-REPORT-RSP", DataSetRule.OPTIONAL, Rsp.ELEMENTS),
    /** N-GET-RQ, §4.14. */
    N_GET_RQ(CommandField.N_GET_RQ, "N-GET-RQ", DataSetRule.FORBIDDEN,
        REQUESTED_SOP_CLASS_UID, COMMAND_FIELD, MESSAGE_ID, COMMAND_DATA_SET_TYPE, REQUESTED_SOP_INSTANCE_UID),
    /** N-GET-RSP, §4.15. */
    N_GET_RSP(CommandField.N_GET_RSP, "N-GET-RSP", DataSetRule.OPTIONAL, Rsp.ELEMENTS),
    /** N-SET-RQ, §4.16. */
    N_SET_RQ(CommandField.N_SET_RQ, "N-SET-RQ", DataSetRule.REQUIRED,
        REQUESTED_SOP_CLASS_UID, COMMAND_FIELD, MESSAGE_ID, COMMAND_DATA_SET_TYPE, REQUESTED_SOP_INSTANCE_UID),
    /** N-SET-RSP, §4.17. */
    N_SET_RSP(CommandField.N_SET_RSP, "N-SET-RSP", DataSetRule.OPTIONAL, Rsp.ELEMENTS),
    /** N-ACTION-RQ, §4.18. */
    N_ACTION_RQ(CommandField.N_ACTION_RQ, "N-ACTION-RQ", DataSetRule.OPTIONAL,
        REQUESTED_SOP_CLASS_UID, COMMAND_FIELD, MESSAGE_ID, COMMAND_DATA_SET_TYPE, REQUESTED_SOP_INSTANCE_UID,
        ACTION_TYPE_ID),
    /** N-ACTION-RSP, §4.19: Action Type ID shall be present if an Action Reply is. */
    N_ACTION_RSP(CommandField.N_ACTION_RSP, "N-ACTION-RSP", DataSetRule.OPTIONAL, Rsp.ELEMENTS),
    /** N-CREATE-RQ, §4.20. */
    N_CREATE_RQ(CommandField.N_CREATE_RQ, "N-CREATE-RQ", DataSetRule.OPTIONAL,
        AFFECTED_SOP_CLASS_UID, COMMAND_FIELD, MESSAGE_ID, COMMAND_DATA_SET_TYPE),
    /** N-CREATE-RSP, §4.21. */
    N_CREATE_RSP(CommandField.N_CREATE_RSP, "N-CREATE-RSP", DataSetRule.OPTIONAL, Rsp.ELEMENTS),
    /** N-DELETE-RQ, §4.22. */
    N_DELETE_RQ(CommandField.N_DELETE_RQ, "N-DELETE-RQ", DataSetRule.FORBIDDEN,
        REQUESTED_SOP_CLASS_UID, COMMAND_FIELD, MESSAGE_ID, COMMAND_DATA_SET_TYPE, REQUESTED_SOP_INSTANCE_UID),
    /** N-DELETE-RSP, §4.23. */
    N_DELETE_RSP(CommandField.N_DELETE_RSP, "N-DELETE-RSP", DataSetRule.FORBIDDEN, Rsp.ELEMENTS),
    /** C-CANCEL-RQ, §4.5. */
    C_CANCEL_RQ(CommandField.C_CANCEL_RQ, "C-CANCEL-RQ", DataSetRule.FORBIDDEN,
        COMMAND_FIELD, MESSAGE_ID_BEING_RESPONDED_TO, COMMAND_DATA_SET_TYPE);

    /** What a message type says about the data set that follows its command set. */
    public enum DataSetRule
    {
        /** Command Data Set Type must not be 0x0101. */
        REQUIRED,
        /** Command Data Set Type must be 0x0101. */
        FORBIDDEN,
        /** Either. */
        OPTIONAL,
        /** A data set only with a Pending status (C-FIND-RSP). */
        ONLY_IF_PENDING
    }

    private static final class Rsp
    {
        static final int[] ELEMENTS = { COMMAND_FIELD, MESSAGE_ID_BEING_RESPONDED_TO, COMMAND_DATA_SET_TYPE, STATUS };
    }

    private static final MessageType[] VALUES = values();

    private final int commandField;
    private final String messageName;
    private final DataSetRule dataSetRule;
    private final int[] mandatoryElements;

    MessageType(final int commandField, final String messageName, final DataSetRule dataSetRule,
        final int... mandatoryElements)
    {
        this.commandField = commandField;
        this.messageName = messageName;
        this.dataSetRule = dataSetRule;
        this.mandatoryElements = mandatoryElements;
    }

    /**
     * @return the Command Field value.
     */
    public int commandField()
    {
        return commandField;
    }

    /**
     * @return the standard's name, e.g. {@code "C-STORE-RQ"}.
     */
    public String messageName()
    {
        return messageName;
    }

    /**
     * @return the rule for the data set.
     */
    public DataSetRule dataSetRule()
    {
        return dataSetRule;
    }

    /**
     * @return true for responses.
     */
    public boolean isResponse()
    {
        return CommandField.isResponse(commandField);
    }

    /**
     * @return the number of mandatory command elements, excluding Command Group Length.
     */
    public int mandatoryElementCount()
    {
        return mandatoryElements.length;
    }

    /**
     * @param i 0 to {@link #mandatoryElementCount()} - 1.
     * @return the tag of the i-th mandatory element, in ascending tag order.
     */
    public int mandatoryElement(final int i)
    {
        return mandatoryElements[i];
    }

    /**
     * @param tag a tag.
     * @return true if the element is mandatory in this message type.
     */
    public boolean isMandatory(final int tag)
    {
        for (final int mandatory : mandatoryElements)
        {
            if (mandatory == tag)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Allocation-free lookup.
     *
     * @param commandField a Command Field value.
     * @return the message type, or null if the value is none of the 23.
     */
    public static MessageType of(final int commandField)
    {
        final int ordinal;
        switch (commandField)
        {
            case CommandField.C_STORE_RQ: ordinal = 0; break;
            case CommandField.C_STORE_RSP: ordinal = 1; break;
            case CommandField.C_GET_RQ: ordinal = 2; break;
            case CommandField.C_GET_RSP: ordinal = 3; break;
            case CommandField.C_FIND_RQ: ordinal = 4; break;
            case CommandField.C_FIND_RSP: ordinal = 5; break;
            case CommandField.C_MOVE_RQ: ordinal = 6; break;
            case CommandField.C_MOVE_RSP: ordinal = 7; break;
            case CommandField.C_ECHO_RQ: ordinal = 8; break;
            case CommandField.C_ECHO_RSP: ordinal = 9; break;
            case CommandField.N_EVENT_REPORT_RQ: ordinal = 10; break;
            case CommandField.N_EVENT_REPORT_RSP: ordinal = 11; break;
            case CommandField.N_GET_RQ: ordinal = 12; break;
            case CommandField.N_GET_RSP: ordinal = 13; break;
            case CommandField.N_SET_RQ: ordinal = 14; break;
            case CommandField.N_SET_RSP: ordinal = 15; break;
            case CommandField.N_ACTION_RQ: ordinal = 16; break;
            case CommandField.N_ACTION_RSP: ordinal = 17; break;
            case CommandField.N_CREATE_RQ: ordinal = 18; break;
            case CommandField.N_CREATE_RSP: ordinal = 19; break;
            case CommandField.N_DELETE_RQ: ordinal = 20; break;
            case CommandField.N_DELETE_RSP: ordinal = 21; break;
            case CommandField.C_CANCEL_RQ: ordinal = 22; break;
            default: return null;
        }
        return VALUES[ordinal];
    }
}
