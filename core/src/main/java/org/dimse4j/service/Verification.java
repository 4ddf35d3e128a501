package org.dimse4j.service;

import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandEncoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.dimse.Status;
import org.dimse4j.ul.Association;

/**
 * The Verification service class (PS3.4 Annex A): C-ECHO.
 */
public final class Verification
{
    /** Verification SOP Class UID. */
    public static final String SOP_CLASS = "1.2.840.10008.1.1";

    private Verification()
    {
    }

    /**
     * Answers a C-ECHO-RQ with Success. Allocation-free.
     *
     * @param provider    the association's DIMSE provider.
     * @param association the association.
     * @param contextId   the request's context.
     * @param request     the C-ECHO-RQ.
     */
    public static void respond(final DimseProvider provider, final Association association, final int contextId,
        final CommandDecoder request)
    {
        final int messageId = request.messageId();
        final CommandEncoder rsp = provider.beginCommand(association, contextId);
        if (request.contains(CommandElement.AFFECTED_SOP_CLASS_UID))
        {
            rsp.putUid(CommandElement.AFFECTED_SOP_CLASS_UID, request.buffer(),
                request.valueOffset(CommandElement.AFFECTED_SOP_CLASS_UID),
                request.uidLength(CommandElement.AFFECTED_SOP_CLASS_UID));
        }
        rsp.putUS(CommandElement.COMMAND_FIELD, CommandField.C_ECHO_RSP)
            .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, messageId)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, 0x0101)
            .putUS(CommandElement.STATUS, Status.SUCCESS);
        provider.sendCommand();
    }

    /**
     * Sends a C-ECHO-RQ.
     *
     * @param provider    the association's DIMSE provider.
     * @param association the association.
     * @param contextId   an accepted Verification context.
     * @param messageId   the Message ID.
     */
    public static void request(final DimseProvider provider, final Association association, final int contextId,
        final int messageId)
    {
        provider.beginCommand(association, contextId)
            .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, SOP_CLASS)
            .putUS(CommandElement.COMMAND_FIELD, CommandField.C_ECHO_RQ)
            .putUS(CommandElement.MESSAGE_ID, messageId)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, 0x0101);
        provider.sendCommand();
    }
}
