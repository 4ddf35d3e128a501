package org.dimse4j.dimse;

/**
 * Values of Command Field (0000,0100): the 23 DIMSE message types (PS3.7 Annex E, dimse.md §3).
 * <p>
 * A response is its request with bit 15 set ({@code rq | 0x8000}). C-CANCEL-RQ (0x0FFF) serves C-FIND, C-GET and
 * C-MOVE alike and has no response of its own.
 */
public final class CommandField
{
    /** Bit 15: set in every response. */
    public static final int RESPONSE_BIT = 0x8000;

    /** C-STORE-RQ. */
    public static final int C_STORE_RQ = 0x0001;
    /** C-STORE-RSP. */
    public static final int C_STORE_RSP = 0x8001;
    /** C-GET-RQ. */
    public static final int C_GET_RQ = 0x0010;
    /** C-GET-RSP. */
    public static final int C_GET_RSP = 0x8010;
    /** C-FIND-RQ. */
    public static final int C_FIND_RQ = 0x0020;
    /** C-FIND-RSP. */
    public static final int C_FIND_RSP = 0x8020;
    /** C-MOVE-RQ. */
    public static final int C_MOVE_RQ = 0x0021;
    /** C-MOVE-RSP. */
    public static final int C_MOVE_RSP = 0x8021;
    /** C-ECHO-RQ. */
    public static final int C_ECHO_RQ = 0x0030;
    /** C-ECHO-RSP. */
    public static final int C_ECHO_RSP = 0x8030;
    /** N-EVENT-REPORT-RQ. */
    public static final int N_EVENT_REPORT_RQ = 0x0100;
    /** N-EVENT-REPORT-RSP. */
    public static final int N_EVENT_REPORT_RSP = 0x8100;
    /** N-GET-RQ. */
    public static final int N_GET_RQ = 0x0110;
    /** N-GET-RSP. */
    public static final int N_GET_RSP = 0x8110;
    /** N-SET-RQ. */
    public static final int N_SET_RQ = 0x0120;
    /** N-SET-RSP. */
    public static final int N_SET_RSP = 0x8120;
    /** N-ACTION-RQ. */
    public static final int N_ACTION_RQ = 0x0130;
    /** N-ACTION-RSP. */
    public static final int N_ACTION_RSP = 0x8130;
    /** N-CREATE-RQ. */
    public static final int N_CREATE_RQ = 0x0140;
    /** N-CREATE-RSP. */
    public static final int N_CREATE_RSP = 0x8140;
    /** N-DELETE-RQ. */
    public static final int N_DELETE_RQ = 0x0150;
    /** N-DELETE-RSP. */
    public static final int N_DELETE_RSP = 0x8150;
    /** C-CANCEL-RQ (C-CANCEL-FIND-RQ, C-CANCEL-GET-RQ, C-CANCEL-MOVE-RQ). */
    public static final int C_CANCEL_RQ = 0x0FFF;

    private CommandField()
    {
    }

    /**
     * @param commandField a Command Field value.
     * @return true if bit 15 is set, i.e. the value denotes a response.
     */
    public static boolean isResponse(final int commandField)
    {
        return (commandField & RESPONSE_BIT) != 0;
    }

    /**
     * @param commandField a Command Field value.
     * @return true if it is one of the 23 message types.
     */
    public static boolean isKnown(final int commandField)
    {
        return MessageType.of(commandField) != null;
    }

    /**
     * Name for log lines. Allocates only for unknown values.
     *
     * @param commandField a Command Field value.
     * @return e.g. {@code "C-STORE-RQ"}, or {@code "unknown command field 0x1234"}.
     */
    public static String name(final int commandField)
    {
        final MessageType type = MessageType.of(commandField);
        return null != type ? type.messageName() : "unknown command field 0x" + hex4(commandField);
    }

    static String hex4(final int value)
    {
        final String hex = Integer.toHexString(value & 0xFFFF).toUpperCase();
        return "0000".substring(hex.length()) + hex;
    }
}
