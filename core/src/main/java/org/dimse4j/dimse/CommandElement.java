package org.dimse4j.dimse;

/**
 * The non-retired command elements of group 0000 (PS3.7 Annex E Table E.1-1, dimse.md §2): tags, value
 * representations, names and a dense index used by {@link CommandDecoder} to record value positions in plain arrays.
 * <p>
 * A tag is {@code group << 16 | element}; every command tag has group 0x0000, so the tag equals the element number.
 * On the wire each element is encoded Implicit VR Little Endian:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |       group (LE) = 0000       |          element (LE)         |
 *  +-------------------------------+-------------------------------+
 *  |                     value length (LE, even)                   |
 *  +---------------------------------------------------------------+
 *  |                  value (padded to even length)               ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class CommandElement
{
    /** Length of an element header: tag (4) + value length (4). */
    public static final int HEADER_LENGTH = 8;

    /** VR code: not a known command element. */
    public static final int VR_UNKNOWN = 0;
    /** VR code: Unsigned Long, 4 bytes. */
    public static final int VR_UL = 1;
    /** VR code: Unsigned Short, 2 bytes. */
    public static final int VR_US = 2;
    /** VR code: Unique Identifier, NUL padded, at most 64 bytes. */
    public static final int VR_UI = 3;
    /** VR code: Application Entity title, space padded, at most 16 bytes. */
    public static final int VR_AE = 4;
    /** VR code: Long String, space padded, at most 64 bytes. */
    public static final int VR_LO = 5;
    /** VR code: Attribute Tag, 4 bytes per value (group LE, element LE). */
    public static final int VR_AT = 6;

    /** Maximum value length of a UI value. */
    public static final int MAX_UI_LENGTH = 64;
    /** Maximum value length of an AE value. */
    public static final int MAX_AE_LENGTH = 16;
    /** Maximum value length of an LO value. */
    public static final int MAX_LO_LENGTH = 64;

    /** (0000,0000) Command Group Length, UL. */
    public static final int COMMAND_GROUP_LENGTH = 0x0000_0000;
    /** (0000,0002) Affected SOP Class UID, UI. */
    public static final int AFFECTED_SOP_CLASS_UID = 0x0000_0002;
    /** (0000,0003) Requested SOP Class UID, UI. */
    public static final int REQUESTED_SOP_CLASS_UID = 0x0000_0003;
    /** (0000,0100) Command Field, US. */
    public static final int COMMAND_FIELD = 0x0000_0100;
    /** (0000,0110) Message ID, US. */
    public static final int MESSAGE_ID = 0x0000_0110;
    /** (0000,0120) Message ID Being Responded To, US. */
    public static final int MESSAGE_ID_BEING_RESPONDED_TO = 0x0000_0120;
    /** (0000,0600) Move Destination, AE. */
    public static final int MOVE_DESTINATION = 0x0000_0600;
    /** (0000,0700) Priority, US. */
    public static final int PRIORITY = 0x0000_0700;
    /** (0000,0800) Command Data Set Type, US. */
    public static final int COMMAND_DATA_SET_TYPE = 0x0000_0800;
    /** (0000,0900) Status, US. */
    public static final int STATUS = 0x0000_0900;
    /** (0000,0901) Offending Element, AT 1-n. */
    public static final int OFFENDING_ELEMENT = 0x0000_0901;
    /** (0000,0902) Error Comment, LO. */
    public static final int ERROR_COMMENT = 0x0000_0902;
    /** (0000,0903) Error ID, US. */
    public static final int ERROR_ID = 0x0000_0903;
    /** (0000,1000) Affected SOP Instance UID, UI. */
    public static final int AFFECTED_SOP_INSTANCE_UID = 0x0000_1000;
    /** (0000,1001) Requested SOP Instance UID, UI. */
    public static final int REQUESTED_SOP_INSTANCE_UID = 0x0000_1001;
    /** (0000,1002) Event Type ID, US. */
    public static final int EVENT_TYPE_ID = 0x0000_1002;
    /** (0000,1005) Attribute Identifier List, AT 1-n. */
    public static final int ATTRIBUTE_IDENTIFIER_LIST = 0x0000_1005;
    /** (0000,1008) Action Type ID, US. */
    public static final int ACTION_TYPE_ID = 0x0000_1008;
    /** (0000,1020) Number of Remaining Sub-operations, US. */
    public static final int NUMBER_OF_REMAINING_SUB_OPERATIONS = 0x0000_1020;
    /** (0000,1021) Number of Completed Sub-operations, US. */
    public static final int NUMBER_OF_COMPLETED_SUB_OPERATIONS = 0x0000_1021;
    /** (0000,1022) Number of Failed Sub-operations, US. */
    public static final int NUMBER_OF_FAILED_SUB_OPERATIONS = 0x0000_1022;
    /** (0000,1023) Number of Warning Sub-operations, US. */
    public static final int NUMBER_OF_WARNING_SUB_OPERATIONS = 0x0000_1023;
    /** (0000,1030) Move Originator Application Entity Title, AE. */
    public static final int MOVE_ORIGINATOR_AE_TITLE = 0x0000_1030;
    /** (0000,1031) Move Originator Message ID, US. */
    public static final int MOVE_ORIGINATOR_MESSAGE_ID = 0x0000_1031;

    /** Command Data Set Type value meaning "no data set follows". */
    public static final int DATA_SET_TYPE_NONE = 0x0101;
    /** Command Data Set Type value we send when a data set follows (DCMTK and pynetdicom send it too). */
    public static final int DATA_SET_TYPE_PRESENT = 0x0001;
    /** Priority MEDIUM. */
    public static final int PRIORITY_MEDIUM = 0x0000;
    /** Priority HIGH. */
    public static final int PRIORITY_HIGH = 0x0001;
    /** Priority LOW. */
    public static final int PRIORITY_LOW = 0x0002;

    /** Number of known (non-retired) command elements, the range of {@link #index(int)}. */
    public static final int COUNT = 24;

    private static final int[] TAGS =
    {
        COMMAND_GROUP_LENGTH, AFFECTED_SOP_CLASS_UID, REQUESTED_SOP_CLASS_UID, COMMAND_FIELD, MESSAGE_ID,
        MESSAGE_ID_BEING_RESPONDED_TO, MOVE_DESTINATION, PRIORITY, COMMAND_DATA_SET_TYPE, STATUS, OFFENDING_ELEMENT,
        ERROR_COMMENT, ERROR_ID, AFFECTED_SOP_INSTANCE_UID, REQUESTED_SOP_INSTANCE_UID, EVENT_TYPE_ID,
        ATTRIBUTE_IDENTIFIER_LIST, ACTION_TYPE_ID, NUMBER_OF_REMAINING_SUB_OPERATIONS,
        NUMBER_OF_COMPLETED_SUB_OPERATIONS, NUMBER_OF_FAILED_SUB_OPERATIONS, NUMBER_OF_WARNING_SUB_OPERATIONS,
        MOVE_ORIGINATOR_AE_TITLE, MOVE_ORIGINATOR_MESSAGE_ID,
    };

    private static final int[] VRS =
    {
        VR_UL, VR_UI, VR_UI, VR_US, VR_US,
        VR_US, VR_AE, VR_US, VR_US, VR_US, VR_AT,
        VR_LO, VR_US, VR_UI, VR_UI, VR_US,
        VR_AT, VR_US, VR_US,
        VR_US, VR_US, VR_US,
        VR_AE, VR_US,
    };

    private static final String[] NAMES =
    {
        "Command Group Length", "Affected SOP Class UID", "Requested SOP Class UID", "Command Field", "Message ID",
        "Message ID Being Responded To", "Move Destination", "Priority", "Command Data Set Type", "Status",
        "Offending Element", "Error Comment", "Error ID", "Affected SOP Instance UID", "Requested SOP Instance UID",
        "Event Type ID", "Attribute Identifier List", "Action Type ID", "Number of Remaining Sub-operations",
        "Number of Completed Sub-operations", "Number of Failed Sub-operations", "Number of Warning Sub-operations",
        "Move Originator Application Entity Title", "Move Originator Message ID",
    };

    private CommandElement()
    {
    }

    /**
     * Dense index of a known command element, for array-backed lookups.
     *
     * @param tag a tag, {@code group << 16 | element}.
     * @return 0 to {@link #COUNT} - 1 in ascending tag order, or -1 for any other tag (retired, unknown, other group).
     */
    public static int index(final int tag)
    {
        switch (tag)
        {
            case COMMAND_GROUP_LENGTH: return 0;
            case AFFECTED_SOP_CLASS_UID: return 1;
            case REQUESTED_SOP_CLASS_UID: return 2;
            case COMMAND_FIELD: return 3;
            case MESSAGE_ID: return 4;
            case MESSAGE_ID_BEING_RESPONDED_TO: return 5;
            case MOVE_DESTINATION: return 6;
            case PRIORITY: return 7;
            case COMMAND_DATA_SET_TYPE: return 8;
            case STATUS: return 9;
            case OFFENDING_ELEMENT: return 10;
            case ERROR_COMMENT: return 11;
            case ERROR_ID: return 12;
            case AFFECTED_SOP_INSTANCE_UID: return 13;
            case REQUESTED_SOP_INSTANCE_UID: return 14;
            case EVENT_TYPE_ID: return 15;
            case ATTRIBUTE_IDENTIFIER_LIST: return 16;
            case ACTION_TYPE_ID: return 17;
            case NUMBER_OF_REMAINING_SUB_OPERATIONS: return 18;
            case NUMBER_OF_COMPLETED_SUB_OPERATIONS: return 19;
            case NUMBER_OF_FAILED_SUB_OPERATIONS: return 20;
            case NUMBER_OF_WARNING_SUB_OPERATIONS: return 21;
            case MOVE_ORIGINATOR_AE_TITLE: return 22;
            case MOVE_ORIGINATOR_MESSAGE_ID: return 23;
            default: return -1;
        }
    }

    /**
     * @param index 0 to {@link #COUNT} - 1.
     * @return the tag at that index.
     */
    public static int tagAt(final int index)
    {
        return TAGS[index];
    }

    /**
     * @param tag a tag.
     * @return true if it is one of the non-retired command elements.
     */
    public static boolean isKnown(final int tag)
    {
        return index(tag) >= 0;
    }

    /**
     * @param tag a tag.
     * @return one of the {@code VR_*} codes; {@link #VR_UNKNOWN} for retired or unknown tags.
     */
    public static int vr(final int tag)
    {
        final int index = index(tag);
        return index < 0 ? VR_UNKNOWN : VRS[index];
    }

    /**
     * @param tag a tag.
     * @return the element's name followed by its tag, e.g. {@code "Message ID (0000,0110)"}, for error messages.
     */
    public static String name(final int tag)
    {
        final int index = index(tag);
        final String name = index < 0 ? "Unknown element" : NAMES[index];
        return name + " " + toString(tag);
    }

    /**
     * @param tag a tag.
     * @return {@code "(gggg,eeee)"} in upper-case hexadecimal.
     */
    public static String toString(final int tag)
    {
        return "(" + CommandField.hex4(tag >>> 16) + "," + CommandField.hex4(tag) + ")";
    }

    /**
     * @param vr one of the {@code VR_*} codes.
     * @return its two-letter name, or "??".
     */
    public static String vrName(final int vr)
    {
        switch (vr)
        {
            case VR_UL: return "UL";
            case VR_US: return "US";
            case VR_UI: return "UI";
            case VR_AE: return "AE";
            case VR_LO: return "LO";
            case VR_AT: return "AT";
            default: return "??";
        }
    }
}
